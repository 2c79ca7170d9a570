"""Chain templates (XN-SYS-4, XN-CL-5) to and from files: YAML in a pack's full chain form, and .xlsx for people
who edit in Excel.

* YAML: ``chains:`` — a list of chains, each as a pack writes it in full (code, name, description, rule,
  source_text, links with name/code/stage/description/gbt4754/products/key/chokepoint/next/min_enterprises) plus
  ``cluster`` (the cluster's code). A single chain mapping or a bare list of chains is read too.
* .xlsx: sheet 产业链, one row per chain; sheet 环节, one row per link, in chain order (a blank 下游环节 means the
  link on the next row; 无 means none), with Chinese headers and 上游/中游/下游, 是/否.

Import is parse → validate every chain and collect every error (Chinese, with sheet/row/column/value) → write all
chains in one transaction through `services.do_save_chain` (all or nothing). Chains identical to what is stored are
left alone (not marked as edited), so exporting and importing again changes nothing.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from chanye.core import xlsx
from chanye.core.imports.reader import SheetError, read_sheet
from chanye.core.imports.values import CellError, display, parse_bool
from chanye.core.text import squash, to_halfwidth
from chanye.industry import schema
from chanye.industry.models import Cluster

from . import services
from .models import Chain, ChainLink

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
_BOOL_WORDS = {"是": True, "否": False, "yes": True, "no": False, "true": True, "false": False}
_LIST_SPLIT = re.compile(r"[、,，;；\n]+")
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
        return _header_key(self.label)


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


def _header_key(text: str) -> str:
    return _PAREN.sub("", squash(to_halfwidth(str(text))))


# ---------------------------------------------------------------- errors


@dataclass
class ChainFileError:
    """One problem of an uploaded chain file: where it is (sheet and Excel row, or chain/link for YAML) and why."""

    message: str
    sheet: str = ""
    row: int = 0
    column: str = ""
    value: str = ""
    where: str = ""  # YAML: 第1条产业链“…”·第2个环节“…”

    def __str__(self) -> str:
        place = self.where
        if self.sheet:
            place = f"工作表“{self.sheet}”" + (f"第{self.row}行" if self.row else "")
        col = f"［{self.column}］" if self.column else ""
        val = f"值“{self.value}”" if self.value else ""
        return f"{place or '文件'}{col}{val}：{self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "where": self.where,
            "message": self.message,
        }


class ChainImportError(Exception):
    """The file cannot be imported; `errors` lists every problem found. Nothing was written."""

    def __init__(self, errors: list[ChainFileError]) -> None:
        self.errors = errors
        super().__init__("；".join(str(e) for e in errors[:5]))


LINK_FIELD_LABELS = {c.key: c.label.split("(")[0] for c in LINK_COLUMNS} | {"name": "环节名称", "code": "环节编号"}
CHAIN_FIELD_LABELS = {c.key: c.label for c in CHAIN_COLUMNS} | {"links": "环节"}


def _pydantic_message(err: Any) -> str:
    kind, msg = err.get("type", ""), str(err.get("msg", ""))
    field_name = err["loc"][-1] if err.get("loc") else ""
    if kind == "missing":
        return "不能为空"
    if kind == "literal_error" and field_name == "stage":
        return "应为 上游/中游/下游"
    if kind.startswith("bool"):
        return "应为“是”或“否”"
    if kind.startswith("int"):
        return "应为整数"
    if kind.startswith("string"):
        return "应为文本"
    if kind.startswith("list"):
        return "应为列表（多个值用顿号分隔）"
    if kind.startswith("dict") or kind == "model_type":
        return "格式不对（应为“名称: 值”的映射）"
    if kind == "extra_forbidden":
        return f"无法识别的字段“{field_name}”"
    msg = msg.removeprefix("Value error, ")
    return msg if not msg.isascii() else "格式不对"  # our validators speak Chinese; pydantic's own words do not


def spec_errors(
    e: pydantic.ValidationError,
    *,
    chain_place: dict[str, Any],
    link_place: Any,
    link_labels: dict[str, str] | None = None,
) -> list[ChainFileError]:
    """Turn pydantic's errors on a ChainSpec into Chinese ones placed at the chain (`chain_place`: ChainFileError
    keyword arguments) or the link (`link_place(index)` → keyword arguments); `link_labels` names the columns."""
    labels = LINK_FIELD_LABELS | (link_labels or {})
    out: list[ChainFileError] = []
    for err in e.errors():
        loc = list(err.get("loc") or ())
        value = err.get("input")
        message = _pydantic_message(err)
        if loc and loc[0] == "links" and len(loc) >= 2 and isinstance(loc[1], int):
            place = dict(link_place(loc[1]))
            field_name = str(loc[2]) if len(loc) > 2 else ""
            if field_name:
                place["column"] = labels.get(field_name, field_name)
            if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
                place["value"] = "、".join(str(v) for v in value)
            elif not isinstance(value, dict | list):
                place["value"] = display(value)
            out.append(ChainFileError(message, **place))
        elif loc:
            place = dict(chain_place)
            place["column"] = CHAIN_FIELD_LABELS.get(str(loc[0]), str(loc[0]))
            if not isinstance(value, dict | list):
                place["value"] = display(value)
            out.append(ChainFileError(message, **place))
        else:  # the chain as a whole (the graph checks of ChainSpec)
            for part in message.split("；"):
                out.append(ChainFileError(part, **chain_place))
    return out


# ---------------------------------------------------------------- export


def chains_for_export(chain: Chain | None = None) -> QuerySet[Chain]:
    qs = Chain.objects.select_related("cluster")
    return qs.filter(pk=chain.pk) if chain is not None else qs.filter(is_active=True)


def chain_document(chain: Chain) -> dict[str, Any]:
    """One chain as a pack writes it in full, plus its cluster's code."""
    spec = services.chain_to_spec(chain).model_dump(mode="json", exclude_defaults=True)
    out: dict[str, Any] = {"code": spec.pop("code"), "name": spec.pop("name", chain.name)}
    if chain.cluster_id:
        out["cluster"] = chain.cluster.code  # type: ignore[union-attr]
    out.update(spec)  # links keep their code even where it is their name: renaming one in the file keeps the link
    return out


class _Dumper(yaml.SafeDumper):
    """Lists of plain values on one line (gbt4754: ['1351', '1353']), as packs write them."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = all(isinstance(x, str | int | float | bool) for x in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def export_yaml(chains: Iterable[Chain]) -> str:
    docs = [chain_document(c) for c in chains]
    head = (
        f"# 产业链模板（{timezone.localdate():%Y-%m-%d} 导出，共{len(docs)}条）。格式与政策包中产业链的完整写法相同，"
        "另加 cluster（所属产业集群编号）。\n"
        "# 修改后可在“导入产业链”页面上传：按 code 更新已有产业链，新的 code 新建产业链。\n"
    )
    body = yaml.dump({"chains": docs}, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    return head + body


def _sheet(
    wb: xlsx.SafeWorkbook, title: str, columns: Sequence[Col], rows: Iterable[Sequence[Any]], first: bool
) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    ws = wb.active if first else wb.create_sheet(title)
    ws.title = title
    for i, col in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=i, value=col.label)
        cell.font = xlsx.BOLD
        cell.fill = xlsx.REQUIRED_FILL if col.required else xlsx.HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(i)].width = col.width
    n = 1
    for n, row in enumerate(rows, start=2):
        for i, (col, value) in enumerate(zip(columns, row, strict=True), start=1):
            cell = ws.cell(row=n, column=i, value=value)
            if col.text:
                cell.number_format = xlsx.TEXT_FORMAT
    for i, col in enumerate(columns, start=1):  # room for rows people add, identifiers kept as text
        if col.text:
            for r in range(n + 1, n + 200):
                ws.cell(row=r, column=i).number_format = xlsx.TEXT_FORMAT
    ws.freeze_panes = "A2"


def _join(values: Sequence[str]) -> str:
    return "、".join(values)


def export_xlsx(chains: Iterable[Chain]) -> bytes:
    from openpyxl.styles import Font

    chain_rows: list[list[Any]] = []
    link_rows: list[list[Any]] = []
    for chain in chains:
        spec = services.chain_to_spec(chain)
        chain_rows.append(
            [
                chain.code,
                chain.name,
                chain.cluster.code if chain.cluster_id else "",  # type: ignore[union-attr]
                chain.cluster.name if chain.cluster_id else "",  # type: ignore[union-attr]
                chain.description,
                chain.rule,
                chain.source_text,
            ]
        )
        for link in spec.links:
            link_rows.append(
                [
                    chain.code,
                    link.code,
                    link.name,
                    schema.STAGE_LABELS.get(link.stage or "", ""),
                    link.description,
                    _join(link.gbt4754),
                    _join(link.products),
                    "是" if link.key else "否",
                    "是" if link.chokepoint else "否",
                    "" if link.next is None else (_join(link.next) or "无"),
                    link.min_enterprises,
                ]
            )
    wb = xlsx.workbook()
    _sheet(wb, CHAIN_SHEET, CHAIN_COLUMNS, chain_rows, first=True)
    _sheet(wb, LINK_SHEET, LINK_COLUMNS, link_rows, first=False)
    help_ws = wb.create_sheet("填写说明")
    help_ws.append(["产业链模板填写说明"])
    help_ws["A1"].font = Font(bold=True, size=13)
    for note in NOTES:
        help_ws.append([note])
    help_ws.append([])
    help_ws.append(["工作表", "列名", "是否必填", "说明"])
    for c in help_ws[help_ws.max_row]:
        c.font, c.fill = xlsx.BOLD, xlsx.HEADER_FILL
    for sheet, cols in ((CHAIN_SHEET, CHAIN_COLUMNS), (LINK_SHEET, LINK_COLUMNS)):
        for col in cols:
            help_ws.append([sheet, col.label, "必填" if col.required else "选填", col.help])
    for letter, w in zip("ABCD", (10, 26, 10, 90), strict=True):
        help_ws.column_dimensions[letter].width = w
    return xlsx.to_bytes(wb)


# ---------------------------------------------------------------- import: parsing


@dataclass
class ParsedChain:
    """A chain read from a file and validated as a ChainSpec; where it came from, for error messages."""

    spec: schema.ChainSpec
    cluster_code: str | None  # None: the file says nothing (keep the stored cluster)
    cluster_name: str | None
    place: dict[str, Any]  # ChainFileError keyword arguments locating the chain
    cluster_place: dict[str, Any] = field(default_factory=dict)
    cluster: Cluster | None = None


def _stage(value: Any) -> Any:
    if isinstance(value, str):
        return STAGE_WORDS.get(squash(to_halfwidth(value)).lower(), value)
    return value


def _flag(value: Any) -> Any:
    if isinstance(value, str):
        return _BOOL_WORDS.get(squash(to_halfwidth(value)).lower(), value)
    return value


def _normalise_link(raw: Any) -> Any:
    """Chinese words (上游 …, 是/否) and numbers where text is meant, as a person writes YAML by hand."""
    if not isinstance(raw, dict):
        return raw
    link = dict(raw)
    if "stage" in link:
        link["stage"] = _stage(link["stage"])
    for k in ("key", "chokepoint"):
        if k in link:
            link[k] = _flag(link[k])
    for k in ("gbt4754", "products", "next"):
        v = link.get(k)
        if isinstance(v, str | int) and not isinstance(v, bool):
            v = [v]
        if isinstance(v, list):
            link[k] = [str(x) if isinstance(x, int) and not isinstance(x, bool) else x for x in v]
    for k in ("code", "name"):
        if isinstance(link.get(k), int) and not isinstance(link.get(k), bool):
            link[k] = str(link[k])
    return link


def _validate(
    data: dict[str, Any],
    *,
    place: dict[str, Any],
    link_place: Callable[[int], dict[str, Any]],
    errors: list[ChainFileError],
    link_labels: dict[str, str] | None = None,
) -> schema.ChainSpec | None:
    """`data` as a ChainSpec, or None with every problem added to `errors`, placed at the chain (`place`) or at its
    link (`link_place(index)`), including what ChainSpec lets through but a stored link cannot be: a blank name, a
    negative minimum. The one check of a chain for the YAML, two-sheet and single-sheet files."""
    try:
        spec = schema.ChainSpec.model_validate(data)
    except pydantic.ValidationError as e:
        errors += spec_errors(e, chain_place=place, link_place=link_place, link_labels=link_labels)
        return None
    for i, x in enumerate(spec.links):
        if not x.name:
            errors.append(ChainFileError("环节名称不能为空", column="环节名称", **link_place(i)))
        if x.min_enterprises is not None and x.min_enterprises < 0:
            errors.append(
                ChainFileError("不能为负数", column="最少企业数", value=str(x.min_enterprises), **link_place(i))
            )
    return spec


def _sheet_chain(
    fields: dict[str, Any],
    rows: list[tuple[int, dict[str, Any], dict[str, str]]],
    *,
    sheet: str,
    place: dict[str, Any],
    errors: list[ChainFileError],
) -> schema.ChainSpec | None:
    """A chain (`fields`: code, name …) whose links are the sheet's `rows` (Excel row, cells, headers), in order."""
    links = [_link_from_row(n, v, h, errors, sheet) for n, v, h in rows]
    return _validate(
        {**fields, "links": links},
        place=place,
        link_place=lambda j: {"sheet": sheet, "row": rows[j][0]},
        errors=errors,
        link_labels=rows[0][2],
    )


def _yaml_link_place(where: str, links: Any, j: int) -> dict[str, Any]:
    name = links[j].get("name") if isinstance(links, list) and isinstance(links[j], dict) else None
    return {"where": f"{where}·第{j + 1}个环节" + (f"“{name}”" if name else "")}


def parse_yaml(data: bytes) -> list[ParsedChain]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ChainImportError([ChainFileError("YAML 文件应使用 UTF-8 编码保存")]) from e
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark is not None else ""
        raise ChainImportError(
            [ChainFileError("YAML 格式错误：请检查这里的缩进、冒号和成对的括号、引号", where=where)]
        ) from e
    if isinstance(doc, dict) and "chains" in doc:
        items = doc["chains"]
    elif isinstance(doc, dict) and "links" in doc:
        items = [doc]
    else:
        items = doc
    if not isinstance(items, list) or not items:
        raise ChainImportError(
            [ChainFileError("文件中没有产业链：应以 chains: 开头，下面每项是一条产业链（code、name、links …）")]
        )
    out: list[ParsedChain] = []
    errors: list[ChainFileError] = []
    for i, raw in enumerate(items, start=1):
        where = f"第{i}条产业链"
        if not isinstance(raw, dict):
            errors.append(ChainFileError("应为包含 code、name、links 的映射", where=where))
            continue
        raw = dict(raw)
        if raw.get("name"):
            where += f"“{raw['name']}”"
        chain_place = {"where": where}
        cluster = raw.pop("cluster", None)
        links = raw.get("links")
        if isinstance(links, list):
            raw["links"] = [_normalise_link(x) for x in links]
        if isinstance(raw.get("code"), int):
            raw["code"] = str(raw["code"])

        if not raw.get("code"):
            errors.append(ChainFileError("缺少产业链编号（code）", column="产业链编号", **chain_place))
        link_place = functools.partial(_yaml_link_place, where, raw.get("links"))
        spec = _validate(raw, place=chain_place, link_place=link_place, errors=errors)
        if spec is None:
            continue
        out.append(
            ParsedChain(
                spec=spec,
                cluster_code=str(cluster).strip() if cluster not in (None, "") else None,
                cluster_name=None,
                place=chain_place,
                cluster_place={**chain_place, "column": "cluster"},
            )
        )
    if errors:
        raise ChainImportError(errors)
    return out


def _read_sheets(data: bytes, filename: str) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    try:
        read_sheet(data, filename)  # the safety checks (size, zip bomb, DTD) of the import framework
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {
            name: [list(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
            for name in wb.sheet_names
        }
    except SheetError as e:
        raise ChainImportError([ChainFileError(str(e))]) from e
    except Exception as e:  # calamine's own error types
        raise ChainImportError(
            [ChainFileError("无法读取该 Excel 文件；请在 Excel 中打开后“另存为” .xlsx 再上传")]
        ) from e


def _text(value: Any) -> str | None:
    if value is None:
        return None
    s = display(value).strip()
    return s or None


def _items(value: Any) -> list[str]:
    s = _text(value)
    return [p.strip() for p in _LIST_SPLIT.split(to_halfwidth(s))] if s else []


def _rows(
    rows: list[list[Any]], sheet: str, columns: Sequence[Col], errors: list[ChainFileError]
) -> list[tuple[int, dict[str, Any], dict[str, str]]]:
    """(Excel row, {key: cell}, {key: header}) of the data rows under the header in row 1."""
    if not rows:
        errors.append(ChainFileError("工作表是空的", sheet=sheet))
        return []
    by_name = {_header_key(a): c for c in columns for a in c.aliases} | {c.name: c for c in columns}
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    for i, cell in enumerate(rows[0]):
        text = _text(cell)
        if text is None:
            continue
        col = by_name.get(_header_key(text))
        if col is None:
            continue  # an extra column of the user's: ignored
        if col.key in index:
            errors.append(ChainFileError("表头重复", sheet=sheet, row=1, column=text))
            continue
        index[col.key], headers[col.key] = i, text
    missing = [c.label for c in columns if c.required and c.key not in index]
    for label in missing:
        errors.append(ChainFileError("缺少必填列（表头应在第1行）", sheet=sheet, row=1, column=label))
    if missing:
        return []
    labels = {c.key: headers.get(c.key, c.label) for c in columns}
    out = []
    for n, raw in enumerate(rows[1:], start=2):
        values = {k: (raw[i] if i < len(raw) else None) for k, i in index.items()}
        values = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in values.items()}
        if all(v is None for v in values.values()):
            continue
        out.append((n, values, labels))
    return out


def _link_from_row(
    n: int, values: dict[str, Any], headers: dict[str, str], errors: list[ChainFileError], sheet: str = LINK_SHEET
) -> dict[str, Any]:
    def err(key: str, message: str) -> None:
        errors.append(ChainFileError(message, sheet=sheet, row=n, column=headers[key], value=display(values.get(key))))

    link: dict[str, Any] = {"name": _text(values.get("name")) or ""}
    if values.get("code") is not None:
        link["code"] = _text(values["code"])
    if values.get("stage") is not None:
        stage = STAGE_WORDS.get(squash(to_halfwidth(str(values["stage"]))).lower())
        if stage is None:
            err("stage", "应为 上游、中游 或 下游")
        else:
            link["stage"] = stage
    if values.get("description") is not None:
        link["description"] = _text(values["description"])
    link["gbt4754"] = _items(values.get("gbt4754"))
    link["products"] = _items(values.get("products"))
    for key in ("key", "chokepoint"):
        if values.get(key) is not None:
            try:
                link[key] = parse_bool(values[key])
            except CellError as e:
                err(key, str(e))
    if values.get("next") is not None:
        items = _items(values["next"])
        link["next"] = [] if len(items) == 1 and items[0].lower() in NONE_WORDS else items
    raw_min = values.get("min_enterprises")
    if raw_min is not None:
        s = display(raw_min).strip()
        if not re.fullmatch(r"\d+", to_halfwidth(s)):
            err("min_enterprises", "应为不小于0的整数")
        else:
            link["min_enterprises"] = int(to_halfwidth(s))
    return link


def parse_xlsx(data: bytes, filename: str = "产业链.xlsx") -> list[ParsedChain]:
    sheets = _read_sheets(data, filename)
    errors: list[ChainFileError] = []
    if CHAIN_SHEET not in sheets and sheets:
        name = LINK_SHEET if LINK_SHEET in sheets else next(iter(sheets))
        return _parse_single_sheet(sheets[name], name)
    for name in (CHAIN_SHEET, LINK_SHEET):
        if name not in sheets:
            have = "、".join(sheets) or "无"
            errors.append(ChainFileError(f"缺少工作表“{name}”（文件中的工作表：{have}）。请使用导出的文件作为模板。"))
    if errors:
        raise ChainImportError(errors)
    chain_rows = _rows(sheets[CHAIN_SHEET], CHAIN_SHEET, CHAIN_COLUMNS, errors)
    link_rows = _rows(sheets[LINK_SHEET], LINK_SHEET, LINK_COLUMNS, errors)
    if errors:
        raise ChainImportError(errors)
    chains: dict[str, tuple[int, dict[str, Any], dict[str, str]]] = {}
    for n, values, headers in chain_rows:
        code = _text(values.get("code"))
        if code is None:
            errors.append(ChainFileError("产业链编号不能为空", sheet=CHAIN_SHEET, row=n, column=headers["code"]))
            continue
        if code in chains:
            errors.append(
                ChainFileError(
                    f"与第{chains[code][0]}行的产业链编号重复",
                    sheet=CHAIN_SHEET,
                    row=n,
                    column=headers["code"],
                    value=code,
                )
            )
            continue
        chains[code] = (n, values, headers)
    links: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {code: [] for code in chains}
    for n, values, headers in link_rows:
        code = _text(values.get("chain"))
        if code is None or code not in chains:
            msg = "产业链编号不能为空" if code is None else "该产业链编号不在“产业链”工作表中"
            errors.append(ChainFileError(msg, sheet=LINK_SHEET, row=n, column=headers["chain"], value=code or ""))
            continue
        links[code].append((n, values, headers))
    out: list[ParsedChain] = []
    for code, (n, values, headers) in chains.items():
        chain_place = {"sheet": CHAIN_SHEET, "row": n}
        name = _text(values.get("name"))
        if name is None:
            errors.append(ChainFileError("产业链名称不能为空", column=headers["name"], **chain_place))
        if not links[code]:
            errors.append(
                ChainFileError("该产业链在“环节”工作表中没有环节", column=headers["code"], value=code, **chain_place)
            )
            continue
        fields = {
            "code": code,
            "name": name or "",
            "description": _text(values.get("description")) or "",
            "rule": _text(values.get("rule")),
            "source_text": _text(values.get("source_text")) or "",
        }
        spec = _sheet_chain(fields, links[code], sheet=LINK_SHEET, place=chain_place, errors=errors)
        if spec is None:
            continue
        out.append(
            ParsedChain(
                spec=spec,
                cluster_code=_text(values.get("cluster")),
                cluster_name=_text(values.get("cluster_name")),
                place=chain_place,
                cluster_place={
                    **chain_place,
                    "column": headers["cluster" if values.get("cluster") is not None else "cluster_name"],
                },
            )
        )
    if errors:
        raise ChainImportError(errors)
    return out


SINGLE_COLUMNS = [
    Col("chain", "产业链", True, aliases=("产业链编号", "产业链名称", "链条", "产业链条", "所属产业链")),
    Col("cluster", "产业集群", False, aliases=("产业集群编号", "产业集群名称", "所属集群", "集群", "所属产业集群")),
    *LINK_COLUMNS[1:],
]


def _parse_single_sheet(rows: list[list[Any]], sheet: str) -> list[ParsedChain]:
    """One sheet of links as people keep them (产业链 | 环节 | 位置 | 产品 …), a chain's links in order, chains told
    apart by the 产业链 column (an existing chain's code or name, or the name of a new one, coded on import)."""
    errors: list[ChainFileError] = []
    link_rows = _rows(rows, sheet, SINGLE_COLUMNS, errors)
    if errors:
        errors.append(
            ChainFileError(
                f"工作表“{sheet}”应有“产业链”和“环节名称”两列（每行一个环节）；或使用导出的文件"
                f"（“{CHAIN_SHEET}”“{LINK_SHEET}”两个工作表）作为模板。"
            )
        )
        raise ChainImportError(errors)
    groups: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}
    for n, values, headers in link_rows:
        key = _text(values.get("chain"))
        if key is None:
            errors.append(ChainFileError("产业链不能为空", sheet=sheet, row=n, column=headers["chain"]))
            continue
        groups.setdefault(key, []).append((n, values, headers))
    by_code = {c.code: c for c in Chain.objects.filter(code__in=list(groups))}
    by_name: dict[str, Chain] = {}
    for c in Chain.objects.filter(name__in=list(groups)).order_by("-is_active", "pk"):
        by_name.setdefault(c.name, c)
    clusters = {c.code for c in Cluster.objects.all()}
    out: list[ParsedChain] = []
    for key, group in groups.items():
        first_row, _, headers = group[0]
        existing = by_code.get(key) or by_name.get(key)
        code = existing.code if existing else (key if schema.CODE.match(key) else "")
        name = existing.name if existing is not None and existing.code == key else key
        cluster = next((_text(v.get("cluster")) for _, v, _ in group if _text(v.get("cluster"))), None)
        place = {"sheet": sheet, "row": first_row}
        spec = _sheet_chain({"code": code, "name": name}, group, sheet=sheet, place=place, errors=errors)
        if spec is None:
            continue
        out.append(
            ParsedChain(
                spec=spec,
                cluster_code=cluster if cluster in clusters else None,
                cluster_name=cluster if cluster is not None and cluster not in clusters else None,
                place=place,
                cluster_place={**place, "column": headers.get("cluster", "产业集群")},
            )
        )
    if errors:
        raise ChainImportError(errors)
    return out


def parse_file(data: bytes, filename: str) -> list[ParsedChain]:
    name = filename.lower()
    if name.endswith((".yaml", ".yml")):
        return parse_yaml(data)
    if name.endswith((".xlsx", ".xlsm")):
        return parse_xlsx(data, filename)
    if name.endswith(".xls"):
        raise ChainImportError([ChainFileError("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 后重试。")])
    raise ChainImportError([ChainFileError("请上传 .yaml/.yml 或 .xlsx 文件")])


# ---------------------------------------------------------------- import: checking and writing


def check(parsed: list[ParsedChain]) -> list[ChainFileError]:
    """Checks that need the database: clusters, chain codes, links that would be dropped while they hold firms."""
    errors: list[ChainFileError] = []
    clusters = list(Cluster.objects.all())
    by_code = {c.code: c for c in clusters}
    by_name: dict[str, list[Cluster]] = {}
    for c in clusters:
        by_name.setdefault(squash(c.name), []).append(c)
    existing = {c.code: c for c in Chain.objects.filter(code__in=[p.spec.code for p in parsed])}
    seen: dict[str, ParsedChain] = {}
    taken = {p.spec.code for p in parsed if p.spec.code}
    for p in parsed:
        if not p.spec.code:  # a new chain named only by its name (single-sheet files): coded after its cluster
            cluster = by_code.get(p.cluster_code or "") or next(
                iter(by_name.get(squash(p.cluster_name or ""), [])), None
            )
            p.spec.code = services.new_code(cluster, taken=taken)
            taken.add(p.spec.code)
        code = p.spec.code
        if code in seen:
            errors.append(ChainFileError(f"产业链编号“{code}”在文件中出现了两次", **p.place))
            continue
        seen[code] = p
        if code not in existing and not schema.CODE.match(code):
            errors.append(
                ChainFileError(
                    "新产业链的编号只能用小写字母、数字、- _ .（如 food-meat）",
                    column="产业链编号",
                    value=code,
                    **p.place,
                )
            )
        if p.cluster_code is not None:
            p.cluster = by_code.get(p.cluster_code)
            if p.cluster is None:
                errors.append(
                    ChainFileError(
                        "找不到该产业集群编号；可用：" + "、".join(sorted(by_code)[:40]),
                        value=p.cluster_code,
                        **p.cluster_place,
                    )
                )
        elif p.cluster_name is not None:
            found = by_name.get(squash(p.cluster_name), [])
            if len(found) == 1:
                p.cluster = found[0]
            else:
                errors.append(
                    ChainFileError(
                        "找不到该产业集群名称" if not found else "有多个同名产业集群，请填写产业集群编号",
                        value=p.cluster_name,
                        **p.cluster_place,
                    )
                )
        elif code in existing:
            p.cluster = existing[code].cluster
    dropped = Q()  # the stored links each chain of the file leaves out: refused while they hold firms or targets
    for code, p in seen.items():
        if code in existing:
            dropped |= Q(chain=existing[code]) & ~Q(code__in=[x.code for x in p.spec.links])
    if dropped:
        for link in services.links_in_use(ChainLink.objects.filter(dropped).select_related("chain")):
            errors.append(ChainFileError(services.cannot_drop(link), **seen[link.chain.code].place))
    return errors


def _comparable(chain: Chain) -> tuple[Any, ...]:
    return (services.chain_snapshot(chain), chain.cluster_id, chain.is_active)


def _planned(p: ParsedChain, chain: Chain) -> tuple[Any, ...]:
    """What `do_save_chain` would store for `p` on `chain`, in the form of `_comparable`."""
    spec = p.spec
    codes = [x.code for x in spec.links]
    succ: dict[str, list[str]] = {}
    for a, b in spec.edges():
        succ.setdefault(a, []).append(b)
    links = []
    for i, x in enumerate(spec.links):
        nxt = sorted(set(succ.get(x.code, [])), key=codes.index)
        default = [codes[i + 1]] if i + 1 < len(codes) else []
        links.append(x.model_copy(update={"next": None if nxt == default else nxt}))
    planned = spec.model_copy(
        update={
            "name": spec.name or chain.name,
            "rule": spec.rule or chain.rule or None,
            "source_text": spec.source_text or chain.source_text,
            "links": links,
        }
    )
    return (planned.model_dump(mode="json", exclude_defaults=True), p.cluster.pk if p.cluster else None, True)


@dataclass
class ImportResult:
    created: list[Chain] = field(default_factory=list)
    updated: list[tuple[Chain, list[str]]] = field(default_factory=list)
    unchanged: list[Chain] = field(default_factory=list)

    def summary(self) -> str:
        return f"新建{len(self.created)}条、修改{len(self.updated)}条、未变{len(self.unchanged)}条产业链"


def do_import_chains(*, actor: Any, data: bytes, filename: str) -> ImportResult:
    """Import chain templates from a YAML or .xlsx file: every chain is checked first; then all are written in one
    transaction through `services.do_save_chain` (each audited there), or none. Raises ChainImportError."""
    if not services.can_edit_chains(actor):
        raise PermissionDenied("只有市级管理员可以导入产业链。")
    parsed = parse_file(data, filename)
    errors = check(parsed)
    if errors:
        raise ChainImportError(errors)
    result = ImportResult()
    current: ParsedChain | None = None
    try:
        with transaction.atomic():
            for p in parsed:
                current = p
                chain = Chain.objects.filter(code=p.spec.code).first()
                if chain is not None and _comparable(chain) == _planned(p, chain):
                    result.unchanged.append(chain)
                    continue
                saved, changes = services.do_save_chain(actor=actor, spec=p.spec, cluster=p.cluster, chain=chain)
                if chain is None:
                    result.created.append(saved)
                else:
                    result.updated.append((saved, changes))
    except ValidationError as e:  # a service refusal the checks above did not foresee: nothing is written
        place = current.place if current is not None else {}
        raise ChainImportError([ChainFileError(m, **place) for m in e.messages]) from e
    return result
