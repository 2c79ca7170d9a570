"""The layout of the chain template files (XN-SYS-4, XN-CL-5): the sheet names, the columns of the 产业链 and 环节
sheets (Chinese headers, widths, help, the other headings people write), the single-sheet layout, the filling notes,
and the words the files use (上游/中游/下游, 无). Shared by `chain_export`, `chain_parse` and the chain edit form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chanye.core.text import squash, to_halfwidth

CHAIN_SHEET = "产业链"
LINK_SHEET = "环节"
NONE_WORDS = {"无", "没有", "—", "-", "/", "none"}
STAGE_WORDS = {
    "上游": "upstream",
    "中游": "midstream",
    "下游": "downstream",
    "上": "upstream",
    "中": "midstream",
    "下": "downstream",
    "upstream": "upstream",
    "midstream": "midstream",
    "downstream": "downstream",
}
_PAREN = re.compile(r"[(（][^()（）]*[)）]$")


@dataclass(frozen=True)
class Col:
    key: str
    label: str  # the header written on export (the part before a bracket is what import matches)
    required: bool = False
    width: int = 14
    text: bool = False
    help: str = ""
    aliases: tuple[str, ...] = ()  # other headings people write for the column

    @property
    def name(self) -> str:
        return header_key(self.label)


CHAIN_COLUMNS = [
    Col("code", "产业链编号", True, 18, True, "全市唯一；导入时按编号更新已有产业链（小写字母、数字、- _ .）"),
    Col("name", "产业链名称", True, 28, help="如 肉制品产业链"),
    Col(
        "cluster",
        "产业集群编号",
        False,
        20,
        True,
        "政策包中的集群编号；不填时按“产业集群名称”查找，两者都不填则保持原集群",
    ),
    Col("cluster_name", "产业集群名称", False, 24, help="仅在未填集群编号时使用"),
    Col("description", "说明", False, 40),
    Col("rule", "规则编号", False, 12, help="如 XN-SYS-4"),
    Col("source_text", "文件原文", False, 60, help="产业链所依据的政策文件原文"),
]
LINK_COLUMNS = [
    Col("chain", "产业链编号", True, 18, True, "须是“产业链”工作表中的编号"),
    Col(
        "code", "环节编号", False, 16, True, "本链内唯一；不填时与环节名称相同。已有环节按编号匹配，改名不影响链上企业"
    ),
    Col("name", "环节名称", True, 16, help="如 屠宰加工", aliases=("环节", "环节名", "产业链环节")),
    Col(
        "stage",
        "环节位置(上游/中游/下游)",
        False,
        12,
        help="上游/中游/下游，须按此顺序书写；不填时按行序推断",
        aliases=("位置", "上中下游", "上下游", "所处位置"),
    ),
    Col("description", "说明", False, 36, aliases=("环节说明", "备注")),
    Col(
        "gbt4754",
        "行业代码(用、分隔)",
        False,
        18,
        True,
        "GB/T 4754-2017 行业代码，2—4位，如 1351、13",
        aliases=("国民经济行业代码", "行业分类代码", "国民经济行业分类代码"),
    ),
    Col("products", "主要产品(用、分隔)", False, 24, aliases=("产品", "代表产品", "重点产品")),
    Col("key", "关键环节(是/否)", False, 10, help="是/否，不填为否", aliases=("是否关键环节",)),
    Col("chokepoint", "卡脖子(是/否)", False, 10, help="是/否，不填为否", aliases=("卡脖子环节", "是否卡脖子")),
    Col("next", "下游环节(用、分隔)", False, 20, True, "填环节编号或名称；不填为下一行的环节，填“无”表示没有下游"),
    Col("min_enterprises", "最少企业数", False, 10, help="该环节少于此数即为薄弱环节（覆盖政策包的统一标准）"),
]
NOTES = [
    "1. “产业链”工作表每行一条产业链，“环节”工作表每行一个环节，按从上游到下游的顺序书写；表头请勿修改。",
    "2. 产业链编号全市唯一：已有的产业链按编号整条替换为表中内容（表中没有的环节会被删除，"
    "但已有链上企业或招商目标的环节不能删除）。",
    "3. 环节位置填 上游/中游/下游；关键环节、卡脖子填 是/否；行业代码、主要产品、下游环节有多个时用顿号“、”分隔。",
    "4. 下游环节不填时，默认为下一行的环节（同一产业链内）；分叉时填写多个环节编号；没有下游时填“无”。",
    "5. 系统先检查整个文件：只要有一处错误，就不写入任何数据，并列出每处错误所在的工作表、行、列、值和原因。",
]


def header_key(text: str) -> str:
    return _PAREN.sub("", squash(to_halfwidth(str(text))))


SINGLE_COLUMNS = [
    Col("chain", "产业链", True, aliases=("产业链编号", "产业链名称", "链条", "产业链条", "所属产业链")),
    Col("cluster", "产业集群", False, aliases=("产业集群编号", "产业集群名称", "所属集群", "集群", "所属产业集群")),
    *LINK_COLUMNS[1:],
]
