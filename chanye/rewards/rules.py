"""Reward rules evaluated on the registry's data (issue 14): who is entitled to what in a year, and why.

Each rule is a pack `RewardSpec` whose `when` says how data decides it (`chanye.industry.schema.RewardWhen`); a rule
written only in words is listed as not computable, never guessed. Boundaries are the text's: 突破/超过 → ">",
以上/达/(含) → ">=". Figures are the 统计 source's calendar years from `enterprises.FigureYear` (营业收入, main
revenue where revenue is missing); a year counts only with all twelve months.

- revenue_first_over (HG-R-2): above the line in the year and in no earlier year with figures (首次突破).
- scale_first_entry (HG-R-3): the enterprise's first 规上 period began in the year (`years` = 0), or `years` years
  before and it has not left since (进规满2年); a re-entry after an exit is not a first entry (不含退规企业重新进规),
  and an entry whose date was assumed from a roster cannot be known to be first.
- scale_growth_streak (HG-R-3): after a first entry, `years` consecutive full years of revenue growth of at least
  `value` % (15 %(含)), the first time the streak is reached.
- honour (HG-R-5, EZ-R-2): an honour of the listed kinds (kind or kind:level) recognised in the year.
- cluster_recognised (HG-R-1): a cluster recognised at a listed level, every year from its recognition, to the
  county it lies in (所在地).
- fact_rate (EZ-R-1, HG-R-4): `rate` % of a fact (佣金, 技改设备投资 per project), when the gate fact reaches `value`,
  the firm is 规上 if required and holds one of `honours` if listed; capped at `cap`.
- fact_per_unit (HG-R-5): `amount` per unit of a fact (1000元 per new 5G station).

Then within one recipient, item and year a rule that `replaces` others (the higher tier, 国家级 over 省级, 10 % over
8 %) leaves them excluded with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import F, IntegerField, Value
from django.db.models.functions import Coalesce

from chanye.core import bounds

UNIT_IN_YUAN = {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}
FULL_YEAR = (1 << 12) - 1
WAN = Decimal(10_000)


@dataclass
class Proposal:
    """One computed entitlement (or exclusion) before it is stored."""

    code: str
    rule: str
    label: str
    year: int
    amount: Decimal  # 万元
    explanation: str
    enterprise_id: int | None = None
    cluster_id: int | None = None
    county_id: int | None = None
    park_id: int | None = None
    subject: str = ""
    base: Decimal | None = None
    excluded: bool = False

    @property
    def item(self) -> tuple[int | None, int | None, str]:
        return (self.enterprise_id, self.cluster_id, self.subject)


def grant(spec: Any, ctx: Context, amount: Decimal, why: str, **where: Any) -> Proposal:
    """An entitlement of `amount` 万元 under `spec`, explained by `why` and the rule's ID."""
    return Proposal(spec.code, spec.rule, spec.label, ctx.year, amount, f"{why}（{spec.rule}）。", **where)


def refuse(spec: Any, ctx: Context, why: str, **where: Any) -> Proposal:
    """A recipient that meets the rule's main condition and is excluded by one of its clauses: `why` says which."""
    return Proposal(
        spec.code, spec.rule, spec.label, ctx.year, Decimal(0), f"{why}（{spec.rule}）。", excluded=True, **where
    )


@dataclass
class Evaluation:
    proposals: list[Proposal] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be used, in words


def to_wan(amount: Decimal, unit: str) -> Decimal:
    """An amount in `unit` (元/万元/亿元) as 万元."""
    return amount * UNIT_IN_YUAN.get(unit, WAN) / WAN


def fmt_wan(v: Decimal) -> str:
    q = v.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP).normalize()
    return f"{q:f}万元"


def fmt_yi(yuan: int) -> str:
    return f"{Decimal(yuan) / UNIT_IN_YUAN['亿元']:.2f}亿元"


def passes(v: Decimal | int, comparator: str, bound: Decimal | int) -> bool:
    return bounds.reaches(v, comparator, bound)


def _boundary_words(comparator: str) -> str:
    return "超过（不含本数）" if comparator == ">" else "达到（含本数）"


# --- data readers ---------------------------------------------------------------------------------------------------


def annual_revenue(year: int, *, full: bool = True) -> dict[int, int]:
    """营业收入 (元) of one 统计 year by enterprise from `enterprises.FigureYear`: full years only (all twelve
    months), or with `full=False` every firm with figures that year (a part of a year above a line proves it above)."""
    from chanye.enterprises.choices import FigureSource as Source
    from chanye.enterprises.models import FigureYear

    total: Any = Value(0, output_field=IntegerField())
    for m in range(1, 13):
        total = total + Coalesce(F(f"revenue_{m:02d}"), Value(0))
    qs = FigureYear.objects.filter(source=Source.STATS, year=year)
    qs = qs.filter(revenue_months=FULL_YEAR) if full else qs.exclude(revenue_months=0)
    return {e: int(t) for e, t in qs.annotate(total=total).values_list("enterprise_id", "total")}


def _first_years_with_figures() -> int | None:
    from chanye.enterprises.choices import FigureSource as Source
    from chanye.enterprises.models import FigureYear

    return FigureYear.objects.filter(source=Source.STATS).order_by("year").values_list("year", flat=True).first()


def _scale_periods() -> dict[int, list[tuple[dt.date, dt.date | None, bool]]]:
    from chanye.enterprises.models import ScalePeriod

    out: dict[int, list[tuple[dt.date, dt.date | None, bool]]] = defaultdict(list)
    for e, entered, exited, assumed in ScalePeriod.objects.order_by("enterprise_id", "entered_on").values_list(
        "enterprise_id", "entered_on", "exited_on", "entry_assumed"
    ):
        out[e].append((entered, exited, assumed))
    return out


def _anniversary(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- the rules ------------------------------------------------------------------------------------------------------


class Context:
    """Data shared by the rules of one year, read once."""

    def __init__(self, year: int, fact_labels: dict[str, str] | None = None) -> None:
        self.year = year
        self.fact_labels = fact_labels or {}
        self._periods: dict[int, list[tuple[dt.date, dt.date | None, bool]]] | None = None
        self._facts: dict[str, dict[tuple[int, str], Decimal]] = {}
        self._honours: dict[int, set[tuple[str, str]]] | None = None
        self._revenue: dict[tuple[int, bool], dict[int, int]] = {}
        self._first_year: int | None = None
        self.notes: Counter[str] = Counter()

    def revenue(self, year: int, *, full: bool = True) -> dict[int, int]:
        """`annual_revenue` of `year`, read once for every rule of the computation (the tiers of HG-R-2 share it)."""
        if (year, full) not in self._revenue:
            self._revenue[(year, full)] = annual_revenue(year, full=full)
        return self._revenue[(year, full)]

    @property
    def first_year(self) -> int:
        """The first year with 统计 figures (how far back 首次 can be checked)."""
        if self._first_year is None:
            self._first_year = _first_years_with_figures() or self.year
        return self._first_year

    def label(self, fact: str) -> str:
        return self.fact_labels.get(fact, fact)

    @property
    def periods(self) -> dict[int, list[tuple[dt.date, dt.date | None, bool]]]:
        if self._periods is None:
            self._periods = _scale_periods()
        return self._periods

    def facts(self, key: str) -> dict[tuple[int, str], Decimal]:
        """The fact `key` of the year by (enterprise, project)."""
        from chanye.rewards.models import RewardFact

        if key not in self._facts:
            self._facts[key] = {
                (e, p): v
                for e, p, v in RewardFact.objects.filter(year=self.year, kind=key).values_list(
                    "enterprise_id", "project", "value"
                )
            }
        return self._facts[key]

    def honours_held(self) -> dict[int, set[tuple[str, str]]]:
        """(kind, level) of every honour held and recognised by the end of the year (or with no year)."""
        from django.db.models import Q

        from chanye.enterprises.models import Honour

        if self._honours is None:
            self._honours = defaultdict(set)
            q = Q(year__isnull=True) | Q(year__lte=self.year)
            for e, kind, level in Honour.objects.filter(q).values_list("enterprise_id", "kind", "level"):
                self._honours[e].add((kind, level))
        return self._honours

    def above_scale_in_year(self, enterprise_id: int) -> bool:
        start, end = dt.date(self.year, 1, 1), dt.date(self.year, 12, 31)
        return any(
            entered <= end and (exited is None or exited > start)
            for entered, exited, _ in self.periods.get(enterprise_id, [])
        )


def _honour_matches(held: set[tuple[str, str]], wanted: list[str]) -> str | None:
    """The first of `wanted` (kind or kind:level) that `held` has, as written in the pack."""
    for w in wanted:
        kind, _, level = w.partition(":")
        if any(k == kind and (not level or lv == level) for k, lv in held):
            return w
    return None


def _revenue_first_over(spec: Any, ctx: Context) -> list[Proposal]:
    w = spec.when
    bound = int(Decimal(w.value) * UNIT_IN_YUAN.get(w.unit or "亿元", UNIT_IN_YUAN["亿元"]))
    above = {e: t for e, t in ctx.revenue(ctx.year).items() if passes(t, w.comparator, bound)}
    before: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for y in range(ctx.first_year, ctx.year):
        for e, t in ctx.revenue(y, full=False).items():
            if e in above:
                before[e].append((y, t))
    line = f"{w.value}{w.unit or '亿元'}"
    out = []
    for e, t in above.items():
        crossed = sorted(y for y, v in before[e] if passes(v, w.comparator, bound))
        seen = sorted(y for y, _ in before[e])
        if crossed:
            out.append(
                refuse(
                    spec,
                    ctx,
                    f"{ctx.year}年营业收入{fmt_yi(t)}，{_boundary_words(w.comparator)}{line}；但{crossed[0]}年已"
                    f"{_boundary_words(w.comparator)[:2]}{line}，非首次突破，不予奖励",
                    enterprise_id=e,
                )
            )
            continue
        history = (
            f"此前有数年度（{seen[0]}—{seen[-1]}年，{len(seen)}年）均未{_boundary_words(w.comparator)[:2]}"
            if seen
            else "系统中无此前完整年度数据，按首次计，请审核时核实"
        )
        amount = to_wan(Decimal(spec.amount), spec.amount_unit)
        out.append(
            grant(
                spec,
                ctx,
                amount,
                f"{ctx.year}年营业收入{fmt_yi(t)}，{_boundary_words(w.comparator)}{line}；{history}：首次突破，"
                f"一次性奖励{fmt_wan(amount)}",
                enterprise_id=e,
                base=Decimal(t) / WAN,
            )
        )
    return out


def _scale_first_entry(spec: Any, ctx: Context) -> list[Proposal]:
    w = spec.when
    amount = to_wan(Decimal(spec.amount), spec.amount_unit)
    out = []
    for e, periods in ctx.periods.items():
        entry_years = [p[0].year for p in periods]
        target_entry = ctx.year - w.years
        if target_entry not in entry_years:
            continue
        entered, exited, assumed = periods[0]
        if entered.year != target_entry:
            out.append(
                refuse(
                    spec,
                    ctx,
                    f"{target_entry}年进规，但{entered.year}年已首次进规"
                    f"{f'、{exited.year}年退规' if exited else ''}："
                    f"退规企业重新进规不属首次进规，不予奖励",
                    enterprise_id=e,
                )
            )
            continue
        if assumed:
            ctx.notes["入规日期为推定（名册只写“规上”未写日期），无法判断是否首次进规，未测算"] += 1
            continue
        if w.years == 0:
            why = f"{entered:%Y年%m月}首次进规（此前无规上记录），进规当年奖励{fmt_wan(amount)}"
        else:
            due = _anniversary(entered, w.years)
            if exited is not None and exited <= due:
                out.append(
                    refuse(
                        spec,
                        ctx,
                        f"{entered:%Y年%m月}首次进规，{exited:%Y年%m月}退规，未满{w.years}年，不予奖励",
                        enterprise_id=e,
                    )
                )
                continue
            why = f"{entered:%Y年%m月}首次进规，至{due:%Y年%m月%d日}进规满{w.years}年且未退规，奖励{fmt_wan(amount)}"
        out.append(grant(spec, ctx, amount, why, enterprise_id=e))
    return out


def _scale_growth_streak(spec: Any, ctx: Context) -> list[Proposal]:
    w = spec.when
    n = w.years or 3
    amount = to_wan(Decimal(spec.amount), spec.amount_unit)
    # First entries (not assumed, not re-entries are the same thing: the first period) at least n years back.
    firms = {
        e: periods[0] for e, periods in ctx.periods.items() if not periods[0][2] and periods[0][0].year <= ctx.year - n
    }
    if not firms:
        return []
    out = []
    bound = Decimal(w.value)

    def growth(e: int, y: int) -> Decimal | None:
        a, b = ctx.revenue(y - 1).get(e), ctx.revenue(y).get(e)
        if a is None or b is None or a <= 0:
            return None
        return (Decimal(b) - a) * 100 / a

    for e, (entered, _, _) in firms.items():
        rates = [growth(e, y) for y in range(ctx.year - n + 1, ctx.year + 1)]
        if any(r is None for r in rates):
            continue
        if not all(passes(r, w.comparator, bound) for r in rates if r is not None):
            continue
        # Reached this year for the first time: the streak ending last year (within the years after entry) did not hold.
        if ctx.year - n >= entered.year + 1:
            earlier = [growth(e, y) for y in range(ctx.year - n, ctx.year)]
            if all(r is not None and passes(r, w.comparator, bound) for r in earlier):
                continue
        text = "、".join(f"{y}年{r:.1f}%" for y, r in zip(range(ctx.year - n + 1, ctx.year + 1), rates, strict=True))
        out.append(
            grant(
                spec,
                ctx,
                amount,
                f"{entered:%Y年%m月}首次进规；营业收入增速{text}，连续{n}年{_boundary_words(w.comparator)}{w.value}%，"
                f"奖励{fmt_wan(amount)}",
                enterprise_id=e,
            )
        )
    return out


def _honour(spec: Any, ctx: Context) -> list[Proposal]:
    from chanye.enterprises.choices import HonourKind, HonourLevel
    from chanye.enterprises.models import Honour

    w = spec.when
    amount = to_wan(Decimal(spec.amount), spec.amount_unit)
    kinds = {h.partition(":")[0] for h in w.honours}
    unknown = kinds - set(HonourKind.values)
    if unknown:
        ctx.notes[f"奖补“{spec.label}”列出的荣誉类别不存在：{'、'.join(sorted(unknown))}"] += 1
    unless = ctx.facts(w.unless_fact) if w.unless_fact else {}
    out = []
    rows = Honour.objects.filter(kind__in=kinds).values_list("enterprise_id", "kind", "level", "year")
    matched: dict[int, str] = {}
    for e, kind, level, year in rows:
        if not _honour_matches({(kind, level)}, w.honours):
            continue
        if year is None:
            ctx.notes[f"荣誉“{HonourKind(kind).label}”未填认定年份，无法确定奖励年度，未测算"] += 1
            continue
        if year == ctx.year:
            matched.setdefault(e, f"{HonourLevel(level).label if level else ''}{HonourKind(kind).label}")
    for e, what in matched.items():
        if (e, "") in unless:
            out.append(
                refuse(
                    spec,
                    ctx,
                    f"{ctx.year}年认定为{what}；{ctx.label(w.unless_fact)}，按规定不再重复奖励",
                    enterprise_id=e,
                )
            )
            continue
        out.append(
            grant(
                spec,
                ctx,
                amount,
                f"{ctx.year}年认定为{what}，奖励{fmt_wan(amount)}",
                enterprise_id=e,
            )
        )
    return out


def _cluster_recognised(spec: Any, ctx: Context) -> list[Proposal]:
    from chanye.industry.models import Cluster
    from chanye.industry.schema.clusters import KIND_LABELS, LEVEL_LABELS

    w = spec.when
    amount = to_wan(Decimal(spec.amount), spec.amount_unit)
    out = []
    for c in Cluster.objects.filter(is_active=True).only("pk", "name", "region_id", "recognitions"):
        for r in c.recognitions or []:
            if r.get("level") not in w.levels:
                continue
            year = r.get("year")
            if year is not None and year > ctx.year:
                continue
            if c.region_id is None:
                ctx.notes[f"产业集群“{c.name}”未填所在区县，无法确定集群经费的安排地"] += 1
                continue
            what = f"{LEVEL_LABELS.get(r['level'], '')}{KIND_LABELS.get(r.get('kind', ''), '产业集群')}"
            since = f"{year}年认定" if year else "已认定（认定年份未填）"
            out.append(
                grant(
                    spec,
                    ctx,
                    amount,
                    f"“{c.name}”{since}为{what}，所在地{ctx.year}年安排集群经费{fmt_wan(amount)}",
                    cluster_id=c.pk,
                    county_id=c.region_id,
                )
            )
            break
    return out


def _fact_rate(spec: Any, ctx: Context) -> list[Proposal]:
    w = spec.when
    rate = Decimal(spec.rate)
    base_facts = ctx.facts(w.base_fact)
    if spec.per != "per_project":  # a firm's facts added up: the cap is per firm (EZ-R-1 单个企业年补贴…不超过100万元)
        summed: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
        for (e, _), v in base_facts.items():
            summed[(e, "")] += v
        base_facts = dict(summed)
    gate = ctx.facts(w.fact) if w.fact else {}
    held = ctx.honours_held() if w.honours else {}
    cap = to_wan(Decimal(spec.cap), spec.cap_unit) if spec.cap is not None else None
    out = []
    for (e, project), base in base_facts.items():
        where = f"“{project}”" if project else ""
        reasons = []
        if w.fact:
            g = gate.get((e, project), gate.get((e, "")))
            if g is None or not passes(g, w.comparator, Decimal(w.value or 0)):
                got = "无数据" if g is None else f"{g.normalize():f}{w.unit}"
                reasons.append(f"{ctx.label(w.fact)}{got}，未{_boundary_words(w.comparator)[:2]}{w.value}{w.unit}")
        if w.above_scale and not ctx.above_scale_in_year(e):
            reasons.append(f"{ctx.year}年不是规模以上工业企业")
        honour = _honour_matches(held.get(e, set()), w.honours) if w.honours else None
        if w.honours and honour is None:
            continue  # a premium tier the firm does not qualify for: the lower tier applies, nothing to say here
        if reasons:
            out.append(
                refuse(
                    spec,
                    ctx,
                    f"{where}{'；'.join(reasons)}，不予补贴",
                    enterprise_id=e,
                    subject=project,
                    base=base,
                )
            )
            continue
        amount = base * rate / 100
        text = f"{where}{ctx.label(w.base_fact)}{base.normalize():f}万元 × {rate.normalize():f}% = {fmt_wan(amount)}"
        if honour:
            text += f"（持有{honour}，适用本档比例）"
        if cap is not None and amount > cap:
            text += f"，超过上限{fmt_wan(cap)}，按上限"
            amount = cap
        out.append(
            grant(
                spec,
                ctx,
                amount,
                f"{text}",
                enterprise_id=e,
                subject=project,
                base=base,
            )
        )
    return out


def _fact_per_unit(spec: Any, ctx: Context) -> list[Proposal]:
    w = spec.when
    each = to_wan(Decimal(spec.amount), spec.amount_unit)
    out = []
    for (e, project), count in ctx.facts(w.fact).items():
        if count <= 0:
            continue
        amount = each * count
        out.append(
            grant(
                spec,
                ctx,
                amount,
                f"{ctx.label(w.fact)}{count.normalize():f}{w.unit} × {spec.amount.normalize():f}{spec.amount_unit} = "
                f"{fmt_wan(amount)}",
                enterprise_id=e,
                subject=project,
                base=count,
            )
        )
    return out


def _claim(spec: Any, ctx: Context) -> list[Proposal]:
    """Accepted claims (XN-LZ-6/8), added up per firm and project (the cost is the project's, as last stated): the
    amount accepted, held to `rate` % of the cost and
    to `cap` per project (per industry and year for 活动补贴: `per` per_industry_per_year) — claims registered before a
    rule changed are held to the rule of today, and the explanation says so."""
    from chanye.core import hooks

    w = spec.when
    rate = Decimal(spec.rate) if spec.rate is not None else None
    cap = to_wan(Decimal(spec.cap), spec.cap_unit) if spec.cap is not None else None
    groups: dict[tuple[int, str], dict[str, Any]] = {}
    for rows in hooks.reward_claims(year=ctx.year):
        for c in rows:
            if c["claim"] != w.claim:
                continue
            if c["enterprise_id"] is None:
                ctx.notes[f"“{spec.label}”的申请没有对应链主企业，无法确定兑现对象"] += 1
                continue
            g = groups.setdefault(
                (c["enterprise_id"], str(c["project"])[:200]),
                {"amount": Decimal(0), "cost": None, "industry": c["industry"], "n": 0, "on": c["on"]},
            )
            g["amount"] += Decimal(c["amount"])
            if c["cost"] is not None:  # the project's cost as last stated (cultivation.subsidies.check_claim)
                g["cost"] = Decimal(c["cost"])
            g["n"] += 1
    used_by_industry: dict[str, Decimal] = defaultdict(Decimal)
    out = []
    for (e, project), g in groups.items():
        amount = g["amount"]
        times = f"{g['n']}次" if g["n"] > 1 else ""
        parts = [f"“{project}”（{g['industry']}）{times}登记申请{fmt_wan(amount)}"]
        if rate is not None and g["cost"] is not None:
            most = g["cost"] * rate / 100
            parts.append(f"费用{g['cost'].normalize():f}万元 × {rate.normalize():f}% = {fmt_wan(most)}")
            if amount > most:
                amount = most
                parts.append("按比例上限核定")
        if cap is not None:
            left = cap - used_by_industry[g["industry"]] if spec.per == "per_industry_per_year" else cap
            if amount > left:
                amount = max(left, Decimal(0))
                parts.append(f"超过上限{fmt_wan(cap)}，核定{fmt_wan(amount)}")
            used_by_industry[g["industry"]] += amount
        out.append(
            grant(
                spec,
                ctx,
                amount,
                "；".join(parts),
                enterprise_id=e,
                subject=project,
                base=g["cost"],
            )
        )
    return out


EVALUATORS = {
    "revenue_first_over": _revenue_first_over,
    "scale_first_entry": _scale_first_entry,
    "scale_growth_streak": _scale_growth_streak,
    "honour": _honour,
    "cluster_recognised": _cluster_recognised,
    "fact_rate": _fact_rate,
    "fact_per_unit": _fact_per_unit,
    "claim": _claim,
}


def _apply_replacements(specs: list[Any], proposals: list[Proposal]) -> None:
    """Within one recipient, item and year, a granted rule leaves the rules it `replaces` excluded."""
    replaces = {s.code: set(s.replaces) for s in specs}
    labels = {s.code: s.label for s in specs}
    by_item: dict[tuple[int | None, int | None, str], list[Proposal]] = defaultdict(list)
    for p in proposals:
        by_item[p.item].append(p)
    for group in by_item.values():
        granted = [p for p in group if not p.excluded]
        for p in granted:
            over = [q for q in granted if p.code in replaces.get(q.code, set())]
            if over:
                p.excluded = True
                p.explanation += f"由“{labels[over[0].code]}”取代（高档次替代低档次，不重复奖励），本项不予兑现。"
                p.amount = Decimal(0)


def evaluate(specs: list[Any], year: int, fact_labels: dict[str, str] | None = None) -> Evaluation:
    """Every entitlement of `year` under the pack's reward rules `specs`, and what could not be used."""
    ctx = Context(year, fact_labels)
    result = Evaluation()
    not_computable = []
    for spec in specs:
        if spec.when is None:
            not_computable.append(f"{spec.label}（{spec.rule}，{spec.code}）")
            continue
        result.proposals.extend(EVALUATORS[spec.when.kind](spec, ctx))
    _apply_replacements(specs, result.proposals)
    if not_computable:
        result.notes.append(
            f"{len(not_computable)}条奖补条款只有文字条件、没有可由数据判断的条件（when），未测算："
            + "、".join(not_computable)
        )
    result.notes.extend(f"{k}：{v}条" for k, v in sorted(ctx.notes.items()))
    return result
