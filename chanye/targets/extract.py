"""Proposing structured targets (and reward rules) from the text of a Chinese policy document.

Rule-based and explainable: sentences are split into clauses; in each clause a number with a unit is a target
value when the clause carries a target cue (到2030年, 力争, 突破, 不少于, 每年, 增长 …) and the number is not a
threshold inside a noun phrase ("营收超100亿元的企业" → params.threshold = 100), a year, a name or a reward amount.
Comparators follow the legal reading (RULES.md): 以上/不少于/达到/达 → >=, 突破/超过/超/过 → >, 以内/不超过 → <=,
不满/低于 → <, 增长/提高 N% → increase_by, 下降/降低 N% → decrease_by. Values stay as written (亿元 stays 亿元).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from chanye.targets.catalogue import CATALOGUE

NUM = r"(\d+(?:\.\d+)?)"
UNITS = [
    "万元/人",
    "万亿元",
    "亿元",
    "万元",
    "个百分点",
    "%",
    "家",
    "个",
    "项",
    "人",
    "名",
    "场",
    "座",
    "户",
    "台",
    "条",
    "所",
    "批",
    "亩",
    "万吨",
    "吨",
    "款",
    "件",
    "次",
    "万台",
    "万人",
    "个点",
    "万家",
    "万户",
    "万个",
    "万公里",
    "公里",
    "万千瓦",
    "千瓦",
    "万平方米",
    "平方米",
    "万辆",
    "辆",
    "万亩",
    "万套",
    "套",
]
UNIT_RE = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
VALUE_RE = re.compile(rf"{NUM}\s*({UNIT_RE})")
RANGE_RE = re.compile(rf"{NUM}\s*[—\-~～至到]+\s*{NUM}\s*({UNIT_RE})")
ANY_RANGE_RE = re.compile(rf"{NUM}\s*[—\-~～至到]+\s*{NUM}\s*({UNIT_RE})")
YEAR_RE = re.compile(r"(20\d{2})\s*年(?!\s*\d{1,2}\s*月)")  # a year, not a date (2024年3月8日)
DATE_RE = re.compile(
    r"(20\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:发布|时间|日期|来源)[^\n]{0,12}?(20\d{2})[-/.]\d{1,2}[-/.]\d{1,2}"
)  # 2024年3月8日, or a web page's “发布时间：2024-03-08”
# Plan periods: “十四五”末 / 期末 / 期间 is 2025, “十五五” 2030 (the period's last year).
PLAN_PERIOD = re.compile(r"[“\"]?十([一二三四五六七])五[”\"]?(?:规划)?(?:末|期末|时期|期间|末期)")
PERIOD_END = {"一": 2010, "二": 2015, "三": 2020, "四": 2025, "五": 2030, "六": 2035, "七": 2040}
WITHIN = re.compile(r"(?:用|通过|力争|在)?\s*([一二两三四五六七八九十\d]+)\s*年(?:内|时间|左右时间|建设|努力)")
CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
# What a sentence reports rather than sets: achievements so far, news framing, the size of the document itself.
PAST = re.compile(
    r"已(?:经)?(?:培育|建成|达|有|累计|认定|形成|实现|完成|拥有|引进|获批|创建|集聚|突破|超过)|目前|截至目前|今年以来|"
    r"去年|上年|首批|累计完成|完成了|实现了"
)
NEWS = re.compile(r"记者|据了解|了解到|据悉|日前|近日|介绍|表示|原标题")
FORWARD = re.compile(r"力争|确保|目标|(?<!截)[到至]\s*20\d{2}|预计|计划|将")
PERIOD_NAME = re.compile(r"十([一二三四五六七])五")
STEADY = re.compile(r"每年|不少于|不低于")  # a standing duty (每年新增…不少于45家) is set, not reported
CUES = re.compile(
    r"力争|确保|达到|突破|超过|不少于|不低于|不超过|以上|以内|培育|建成|新增|实现|每年|年均|增长|提高|提升|"
    r"下降|降低|覆盖|打造|引进|储备|谋划|实施|完成|认定|创建|入规|目标|形成|发展|建设|推动|扶持|选派|举办|组织"
)
REWARD = re.compile(r"奖励|补助|补贴|奖补|资助|贴息|一次性|给予|担保费|安排[^，。]{0,12}经费")
GROWTH_UP = re.compile(
    rf"(?:增长|提高|提升|增加|增速|上升|新增)(?:达到|达|超过|不低于|不少于)?\s*{NUM}\s*(%|个百分点)(以上)?"
)
GROWTH_DOWN = re.compile(rf"(?:下降|降低|减少)(?:达到|达)?\s*{NUM}\s*(%|个百分点)(以上)?")
THRESHOLD = re.compile(
    rf"(?:营收|营业收入|产值|主营业务收入|销售收入|年产值|总投资|投资|规模|投资额|税收)?"
    rf"(?:超过|超|突破|过|达到|达|在)?\s*{NUM}\s*(万亿元|亿元|万元)(?:以上|以下|及以上)?"
    rf"(?:的|级|(?=[\u4e00-\u9fa5]{{0,4}}(?:项目|企业|集群)))"
)
SCOPE = re.compile(r"^\s*(?:\d+[.、．]\s*)?([\u4e00-\u9fa5]{2,6}(?:区|县|市|高新区|开发区|新区))\s*[：:]")
LEAD_TRIM = re.compile(
    r"^(?:其中|力争|确保|全市|全县|全区|每年|年均|到20\d{2}年|20\d{2}年|建成|培育|打造|实现|完成|"
    r"引进|储备|谋划|实施|组织|举办|选派|创建|认定|推动|累计|此外|同时|以及|和|及|并|、|，|,|\s)+"
)


@dataclass
class Proposal:
    indicator: str | None
    label: str
    value: str
    unit: str
    comparator: str
    year: int | None
    per_year: bool
    scope: str | None
    params: dict[str, Any] = field(default_factory=dict)
    sentence: str = ""
    start: int = 0
    end: int = 0


@dataclass
class RewardProposal:
    condition: str
    amount: str | None
    amount_unit: str
    rate: str | None
    base: str
    cap: str | None
    cap_unit: str
    sentence: str
    start: int = 0
    end: int = 0
    when: dict[str, Any] | None = None  # the condition as pack data when the wording says it plainly (a proposal)


LINE_START_HEADING = re.compile(
    r"\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|第[一二三四五六七八九十]+[章条节部分]|[#＃•·●])"
)


def unwrap(text: str) -> str:
    """Lines broken inside a sentence by the page layout (a PDF's line width) joined again; the break becomes a space,
    so that every offset stays where it was. A line is broken when it is long (12+ characters), does not end a
    sentence, a heading or a date, and the next line does not start a heading or an item."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i == len(lines) - 1:
            break
        body = line.strip()
        nxt = lines[i + 1]
        broken = (
            len(body) >= 12
            and not re.search(r"[。；;！？!?：:）)”日\]】]$", body)
            and nxt.strip()
            and not LINE_START_HEADING.match(nxt)
        )
        out.append(" " if broken else "\n")
    return "".join(out)


def _doc_year(text: str) -> int | None:
    """The year the document was issued: its first full date (2024年3月8日), else the first year of its plan period."""
    m = DATE_RE.search(text)
    if m:
        return int(m.group(1) or m.group(2))
    period = re.search(r"(20\d{2})\s*[-—–~至]\s*(20\d{2})\s*年", text[:400])
    return int(period.group(1)) if period else None


def _sentence_year(sent: str, doc_year: int | None) -> int | None:
    """The deadline a sentence names: 到2030年; a plan period's end (“十四五”末 → 2025); N年内 from the document."""
    m = YEAR_RE.search(sent)
    if m:
        return int(m.group(1))
    p = PLAN_PERIOD.search(sent)
    if p:
        return PERIOD_END[p.group(1)]
    w = WITHIN.search(sent)
    if w and doc_year:
        n = w.group(1)
        years = int(n) if n.isdigit() else CN_NUM.get(n)
        if years and years <= 15:
            return doc_year + years
    return None


def _reports(sent: str, doc_year: int | None, plan_end: int | None = None) -> bool:
    """A sentence that reports what is (achievements so far, a past plan period, news) rather than setting a goal."""
    ends = [PERIOD_END[m] for m in PERIOD_NAME.findall(sent)]
    if ends and plan_end and all(y < plan_end for y in ends) and not FORWARD.search(sent):
        return True  # “十三五”期间…年均增长7.4% in a “十四五” plan
    if FORWARD.search(sent) or (ends and (not plan_end or max(ends) >= plan_end)):
        return False
    if NEWS.search(sent):
        return True
    if PAST.search(sent):
        return not STEADY.search(sent)
    years = [int(y) for y in YEAR_RE.findall(sent)]
    return bool(doc_year and years and all(y < doc_year for y in years))


def _sentences(text: str) -> list[tuple[int, int]]:
    """Spans of sentences: ended by 。；;！？ or a line break."""
    spans, start = [], 0
    for m in re.finditer(r"[。；;！？!?\n]", text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _clauses(sentence: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"[，,、]", sentence):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(sentence)))
    return [(s, e) for s, e in spans if sentence[s:e].strip()]


def _not_a_target(before: str, after: str, unit: str, context: str = "") -> bool:
    """Numbers that qualify a noun, describe what exists, name things or set a procedure, not a target."""
    if re.search(r"第$|号$|20\d\d$|“$|\+$", before) or re.match(
        r"^(年|号|条|月|日|\+|”|星期|工作日|小时|周|天)", after
    ):
        return True
    if re.match(r"^\s*(以上|以下|以内|及以上|左右)?的", after):  # "2000万元以上的企业": a qualifier
        return True
    if re.match(r"^\s*[\u4e00-\u9fa5]{1,4}?(及以上|以上|以下)的", after):  # "5万吨标准煤及以上的项目"
        return True
    if unit in MEASURES and re.match(r"^[\u4e00-\u9fa5]", after) and not re.match(r"^(以上|以内|左右|及以上)", after):
        return True  # “一期20万千瓦风电”: the size of a named project
    if unit in ("个", "家") and re.match(
        r"^[\u4e00-\u9fa5()（）]{1,8}[^，,]*?(?:将达到|将达|达到|达|突破|超过)\s*\d", after
    ):
        return True  # “76个县(市)主导产业总产值将达1.7万亿元”: the subject counted, not the goal
    if re.search(r"(等|现有|已有|依托|共有|目前|现)\s*$", before) or re.search(r"依托[^，]*$", before):
        return True
    if unit == "条" and (re.search(r"共\s*$", before) or re.search(r"措施|政策|举措|意见|条款|内容", before + after)):
        return True  # the size of the document itself (“《若干措施》共20条”)
    investment = unit in ("亿元", "万元", "万亿元") and re.search(r"(总投资|计划投资|投资|总投|估值)\s*$", before)
    if (
        investment
        and re.search(r"力争|确保|将完成|计划完成|目标", context + before)
        and not re.match(r"\s*(以上|及以上)?的|\s*项目", after)
    ):
        return False  # “力争…对制造业投资20亿元”: an investment goal, not the size of a project
    return bool(investment and not re.search(r"不少于|达到|以上|突破|超", before[-6:] + after[:3]))


def _comparator(before: str, after: str) -> str:
    b = before[-6:]
    a = after[:4]
    if re.match(r"\s*左右", a) or re.search(r"约\s*$", b):
        return "="  # about: neither a floor nor a ceiling
    if re.search(r"以上|不少于|不低于|至少|及以上", b + a):
        return ">="
    if re.search(r"不超过|控制在|以内|以下", b + a) and not re.search(r"以下简称", a):
        return "<="
    if re.search(r"不满|低于", b):
        return "<"
    if re.search(r"达到|达", b):
        return ">="
    if re.search(r"突破|超过|超|过|高于|多于", b):
        return ">"
    return ">="


def _indicator(label: str, params: dict[str, Any]) -> str | None:
    if "threshold" in params:
        if "集群" in label or "产业" in label:
            return "cluster_count_revenue_over"
        if "项目" in label:
            return "project_count_investment_over"
        if "链主" in label:
            return "chain_leader_count_revenue_over"
        if "企业" in label:
            return "enterprise_count_revenue_over"
    best, best_len = None, 0
    for ind in CATALOGUE.values():
        for alias in (ind.name, *ind.aliases):
            if alias and alias in label and len(alias) > best_len:
                best, best_len = ind.code, len(alias)
    return best


def _label(clause: str, vstart: int, vend: int, after_unit: str) -> str:
    """What is counted: the clause without the number, the comparator words and the leading verbs."""
    before = clause[:vstart]
    after = clause[vend:]
    before = re.sub(r"(突破|超过|超|达到|达|不少于|不低于|不超过|控制在|至少|约)$", "", before.strip())
    after = re.sub(r"^(以上|以内|以下|左右|及以上)", "", after.strip())
    label = (before + after).strip()
    label = LEAD_TRIM.sub("", label)
    label = re.sub(r"(的|为|是|到|达)$", "", label)
    return label[:60] or clause[:30]


HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")
MEASURES = {"万千瓦", "千瓦", "万吨", "吨", "万亩", "亩", "万平方米", "平方米", "万公里", "公里"}
# Numbers in words, only where the words cannot be a name or an adjective: after a comparator (超百亿元, 至少一个).
CN_VALUES = {k: str(v) for k, v in CN_NUM.items()} | {"百": "100", "千": "1000"}
CN_VALUE_RES = (
    re.compile(r"(超过|超|突破|过|达到|达)\s*(百|千)(亿元)(?!级)"),
    re.compile(r"(至少|不少于)[\u4e00-\u9fa5]{0,3}?([一两二三四五六七八九十])(个|家|项|所|座)"),
)
THRESHOLD_LIST = re.compile(
    rf"(?:营收|营业收入|产值|主营业务收入|销售收入|年产值|规模)?(?:超过|超|突破|过|达到|达)?\s*{NUM}\s*(?:万亿元|亿元|万元)"
    r"(?:以上)?(?:[\u4e00-\u9fa5]{0,6}(?:企业|集群|项目|产业))?"
)


def _year_context(
    text: str, spans: list[tuple[int, int]], doc_year: int | None = None, plan_end: int | None = None
) -> dict[int, int | None]:
    """For each sentence, the deadline year in force: the last "到2030年" (or “十四五”末, N年内) before it, until a new
    year or a top-level heading (一、二、…) starts a new part of the document."""
    out: dict[int, int | None] = {}
    current: int | None = None
    for s, e in spans:
        sent = text[s:e]
        if HEADING.match(sent):
            current = None
        if _reports(sent, doc_year, plan_end):
            out[s] = current
            continue  # a past year in a report (“2021年全市…达2.6万亿元”) is not the deadline of what follows
        y = _sentence_year(sent, doc_year)
        if y is not None:
            current = y
        out[s] = current
    return out


def extract_targets(text: str) -> list[Proposal]:  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
    out: list[Proposal] = []
    text = unwrap(text)
    doc_year = _doc_year(text)
    spans = _sentences(text)
    # A plan "2023-2025年" ends in 2025, a “十四五” plan in 2025: its targets without a year of their own run to then.
    period = re.search(r"(20\d{2})\s*[-—–~至]\s*(20\d{2})\s*年", text[:400])
    named = PERIOD_NAME.search(text[:400])
    default_year = int(period.group(2)) if period else (PERIOD_END[named.group(1)] if named else None)
    years = _year_context(text, spans, doc_year, default_year)
    for s, e in spans:
        sent = text[s:e]
        if _reports(sent, doc_year, default_year):
            continue
        year_here = YEAR_RE.search(sent)
        year = years.get(s) or default_year
        scope_m = SCOPE.match(sent)
        scope = scope_m.group(1) if scope_m else None
        if REWARD.search(sent) and not re.search(r"力争|到20\d{2}年", sent):
            continue
        sentence_per_year = bool(re.search(r"每年|年均|每年度|年度", sent))
        for cs, ce in _clauses(sent):
            clause = sent[cs:ce]
            # Inside a "到2030年…" passage a bare "专精特新企业180家" is a target; elsewhere a cue word is needed.
            if not CUES.search(clause) and not CUES.search(sent[:cs]) and year is None:
                continue
            clause_year = year
            ym = YEAR_RE.search(clause)
            if ym:
                clause_year = int(ym.group(1))
            elif (cy := _sentence_year(clause, doc_year)) is not None:
                clause_year = cy
            if not ym and re.search(r"今年|全年|本年", sent[:cs] + clause):
                clause_year = doc_year  # 今年/全年: the year the text was written (unknown: no year, not the plan's)
            per_year = bool(re.search(r"每年|年均|每年度", clause)) or (
                # 每年 before carries over to the clauses after it; 年均 (a growth rate) does not
                sentence_per_year and not ym and not year_here and bool(re.search(r"每年|每年度", sent[:cs]))
            )
            if per_year and not ym:
                clause_year = None
            # growth and decline targets first
            taken: list[tuple[int, int]] = []
            for rx, cmp in ((GROWTH_UP, "increase_by"), (GROWTH_DOWN, "decrease_by")):
                for m in rx.finditer(clause):
                    label = _label(clause, m.start(), m.end(), "")
                    out.append(
                        Proposal(
                            _indicator(label, {}),
                            label,
                            m.group(1),
                            m.group(2),
                            cmp,
                            clause_year,
                            per_year or "年均" in clause,
                            scope,
                            {},
                            sent,
                            s,
                            e,
                        )
                    )
                    taken.append((m.start(), m.end()))
            params: dict[str, Any] = {}
            for m in THRESHOLD.finditer(clause):
                params = {"threshold": m.group(1), "threshold_unit": m.group(2)}
                taken.append((m.start(), m.end()))
            if re.search(r"(?<![\d.])亿元(以上|级)", clause) and "threshold" not in params:
                km = re.search(r"(?<![\d.])亿元(以上|级)(?:的)?", clause)
                params = {"threshold": "1", "threshold_unit": "亿元"}
                taken.append((km.start(), km.end()))
            if "全覆盖" in clause and not VALUE_RE.search(clause):
                label = _label(clause, clause.index("全覆盖"), clause.index("全覆盖") + 3, "")
                out.append(
                    Proposal(
                        _indicator(label, {}), label, "100", "%", ">=", clause_year, per_year, scope, {}, sent, s, e
                    )
                )
            for m in RANGE_RE.finditer(clause):
                taken.append((m.start(), m.end()))
                if _not_a_target(clause[: m.start()], clause[m.end() :], m.group(3)):
                    continue
                label = _label(clause, m.start(), m.end(), clause[m.end() :])
                out.append(
                    Proposal(
                        _indicator(label, {}),
                        label,
                        m.group(1),
                        m.group(3),
                        ">=",
                        clause_year,
                        per_year,
                        scope,
                        {"upper": m.group(2)},
                        sent,
                        s,
                        e,
                    )
                )
            # “产值超10亿元、50亿元、100亿元工业企业分别达到100家、15家、8家”: the amounts are the classes' thresholds
            if "分别" in sent[cs:] and THRESHOLD_LIST.fullmatch(clause.strip()):
                continue
            for m in (m for rx in CN_VALUE_RES for m in rx.finditer(clause)):  # “超百亿元”, “至少建成一个平台”
                if re.match(r"\s*(以上|及以上)?(的|企业|集群|产业|项目|龙头)", clause[m.end() :]):
                    continue  # “超百亿元的产业集群”: a class, not a goal
                value = CN_VALUES[m.group(2)]
                unit = m.group(3)
                label = _label(clause, m.start(), m.end(), clause[m.end() :])
                cmp = _comparator(clause[: m.start(2)], clause[m.end() :])
                out.append(
                    Proposal(
                        _indicator(label, {}), label, value, unit, cmp, clause_year, per_year, scope, {}, sent, s, e
                    )
                )
            for m in VALUE_RE.finditer(clause):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                value, unit = m.group(1), m.group(2)
                before, after = clause[: m.start()], clause[m.end() :]
                if _not_a_target(before, after, unit, sent[:cs]):
                    continue
                cmp = _comparator(before, after)
                label = _label(clause, m.start(), m.end(), after)
                if not label or re.fullmatch(r"[\d.%\s]*", label):
                    label = sent[:cs].strip("，, ")[-20:] or clause
                prm = dict(params) if params and m.start() > min(a for a, _ in taken) else {}
                out.append(
                    Proposal(
                        _indicator(label, prm), label, value, unit, cmp, clause_year, per_year, scope, prm, sent, s, e
                    )
                )
    return _dedupe(out)


def _dedupe(props: list[Proposal]) -> list[Proposal]:
    """Each target once: the same proposal twice from one sentence, or a target a text states again (a news report's
    headline, lead and body; a plan's summary and its chapter) — same value, unit, comparator, year and label."""
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in props:
        keys = {
            (p.start, p.value, p.unit, p.comparator, p.label),
            ("again", p.value, p.unit, p.comparator, p.year, p.label, p.scope, tuple(sorted(p.params.items()))),
        }
        if keys & seen:
            continue
        seen |= keys
        out.append(p)
    return out


AMOUNT = re.compile(rf"{NUM}\s*(万元|元|亿元)")
CAP_LIST = re.compile(rf"最高\s*{NUM}\s*(?:万元|元|亿元)(?:\s*[、和及]\s*{NUM}\s*(?:万元|元|亿元))+")
CAP = re.compile(rf"(?:最高|最多|不超过|上限|封顶)[^，,。；\d]{{0,8}}{NUM}\s*(万元|元|亿元)")
GRANT = re.compile(r"奖励|奖补|补助|补贴|资助|贴息|给予|安排|兑现|设立|预留")
RATE = re.compile(rf"(?:按|给予|补助|补贴|奖励|预留|比例)[^，,。；]{{0,16}}?{NUM}\s*%|预留[^，,。；]{{0,12}}?{NUM}\s*%")


def extract_rewards(text: str) -> list[RewardProposal]:
    """Reward and subsidy rules: per clause, the amount granted (or the rate of a base) and a cap if stated."""
    out = []
    text = unwrap(text)
    for s, e in _sentences(text):
        sent = text[s:e]
        if not (REWARD.search(sent) or re.search(r"安排|设立|预留", sent)):
            continue
        cap_m = CAP.search(sent)
        cap = (cap_m.group(1), cap_m.group(2)) if cap_m else (None, "万元")
        clauses = _clauses_all(sent)
        found = False
        for cs, ce in clauses:
            clause = sent[cs:ce]
            if not GRANT.search(clause) and not re.search(r"分别", clause):
                continue
            fund = re.search(r"设立|安排", clause)
            amounts = [
                m
                for m in AMOUNT.finditer(clause)
                if not (cap_m and cap_m.start() <= cs + m.start() < cap_m.end())
                and (
                    not re.match(r"^\s*(以上|以下|及以上)?的", clause[m.end() :])
                    or (
                        fund and re.match(r"^\s*的[^，,。；]{0,14}(基金|资金)", clause[m.end() :])
                    )  # 设立规模100亿元的基金
                )
            ]
            # “分别给予最高2000万元、500万元”: every amount of a list after 最高 is a cap
            caps = CAP_LIST.search(clause)
            if caps:
                for c in AMOUNT.finditer(caps.group(0)):
                    out.append(
                        RewardProposal(
                            condition=sent[:cs].strip("，, ")[-80:] or clause[:40],
                            amount=None,
                            amount_unit="万元",
                            rate=None,
                            base="",
                            cap=c.group(1),
                            cap_unit=c.group(2),
                            sentence=sent,
                            start=s,
                            end=e,
                        )
                    )
                found = True
                continue
            rate_m = RATE.search(clause)
            rate = next((g for g in rate_m.groups() if g), None) if rate_m else None
            if rate_m and re.match(r"^\s*(\(含\))?\s*以上增速|增长", clause[rate_m.end() :]):
                rate = None
            if not amounts and rate is None:
                continue
            cond = sent[:cs].strip("，, ")[-80:] or clause[:40]
            for m in amounts or [None]:
                out.append(
                    RewardProposal(
                        condition=cond,
                        amount=m.group(1) if m else None,
                        amount_unit=m.group(2) if m else "万元",
                        rate=rate if not m else None,
                        base="",
                        cap=cap[0],
                        cap_unit=cap[1],
                        sentence=sent,
                        start=s,
                        end=e,
                    )
                )
                found = True
        if not found and cap_m:
            out.append(
                RewardProposal(
                    condition=sent[:40],
                    amount=None,
                    amount_unit="万元",
                    rate=None,
                    base="",
                    cap=cap[0],
                    cap_unit=cap[1],
                    sentence=sent,
                    start=s,
                    end=e,
                )
            )
    return _with_conditions(out)


HONOUR_WORDS = [  # longest first: 专精特新“小巨人” before 专精特新
    ("小巨人", "little_giant"),
    ("单项冠军", "single_champion"),
    ("专精特新", "specialized"),
    ("高新技术企业", "high_tech"),
    ("驰名商标", "wk_trademark"),
    ("贯标", "integration_std"),
    ("两化融合", "integration_demo"),
    ("智能工厂", "smart_factory"),
    ("绿色工厂", "green_factory"),
    ("创新型中小企业", "innovative_sme"),
]
LEVEL_WORDS = {"国家级": "national", "国家": "national", "省级": "provincial", "省": "provincial", "市级": "city"}
FIRST_ENTRY = re.compile(r"首次(?:进规|入规|纳入规|升规|上规|进入规|纳入规模以上|进入规模以上)|新(?:进规|升规|入规)")
FIRST_OVER = re.compile(r"首次(突破|超过|跨越|迈上|达到)")


def guess_when(sent: str) -> list[dict[str, Any]]:
    """The conditions a reward sentence states plainly, as `rewards[].when` proposals in the order of its amounts: a
    first crossing of revenue tiers, a first entry into 规上 (and N years after), an honour recognised (with levels
    when the sentence lists them for 分别 amounts). Anything else is left to the pack author."""
    m = FIRST_OVER.search(sent)
    if m and re.search(r"营业收入|主营业务收入|营收|销售收入|产值", sent):
        tail = sent[m.end() :]
        tiers = re.findall(rf"{NUM}\s*(?=亿元|、|和|及)", re.split(r"的|，|,", tail)[0])
        cmp = ">=" if m.group(1) == "达到" else ">"
        return [{"kind": "revenue_first_over", "value": t, "unit": "亿元", "comparator": cmp} for t in tiers]
    if FIRST_ENTRY.search(sent):
        n = re.search(r"满\s*([一二两三四五\d])\s*年", sent)
        years = (int(n.group(1)) if n.group(1).isdigit() else CN_NUM.get(n.group(1), 0)) if n else 0
        return [{"kind": "scale_first_entry", "years": years}]
    if re.search(r"认定|评为|获得|获批|入选|认证|授予", sent):
        kind = next((k for w, k in HONOUR_WORDS if w in sent), None)
        if kind is None:
            return []
        levels = [LEVEL_WORDS[w] for w in re.findall(r"国家级|省级|市级", sent)]
        if "分别" in sent and len(levels) > 1:
            return [{"kind": "honour", "honours": [f"{kind}:{lv}"]} for lv in levels]
        return [{"kind": "honour", "honours": [f"{kind}:{levels[0]}" if len(levels) == 1 else kind]}]
    return []


def _with_conditions(props: list[RewardProposal]) -> list[RewardProposal]:
    """Each proposal with the condition its sentence states, paired in order when there are as many as amounts."""
    by_sentence: dict[int, list[RewardProposal]] = {}
    for p in props:
        by_sentence.setdefault(p.start, []).append(p)
    for group in by_sentence.values():
        guesses = guess_when(group[0].sentence)
        if len(guesses) == 1:
            for p in group:
                p.when = dict(guesses[0])
        elif guesses and len(guesses) == len(group):
            for p, g in zip(group, guesses, strict=True):
                p.when = g
    return props


def _clauses_all(sentence: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"[，,]", sentence):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(sentence)))
    return [(a, b) for a, b in spans if sentence[a:b].strip()]


def to_jsonl(props: list[Proposal] | list[RewardProposal]) -> str:
    lines = []
    for p in props:
        d = asdict(p)
        d.pop("start", None)
        d.pop("end", None)
        lines.append(json.dumps(d, ensure_ascii=False, default=str))
    return "\n".join(lines)


__all__ = ["Proposal", "RewardProposal", "extract_rewards", "extract_targets", "to_jsonl"]
