"""The project rules of the active pack (its `projects` section). The clocks are the pack's alone: a pack that
states none has none (issue 12, FIDELITY D6) — no borrowed deadlines from another city:

* XN-XM-1 — signing → start of construction within `start_within_days` (咸宁: 60 days); None when the pack states
  no start clock (鄂州, 黄冈, 益阳): no planned start, no overdue start;
* XN-XM-2 — start → production within the months of the project's investment band (咸宁: 9 / 12 / 18 months for
  1–5 / 5–10 / 10亿元 and above). The seed's bands “1-5亿元 / 5-10亿元” overlap at 5亿: the platform reads exactly
  5亿 in the 12-month band and exactly 10亿 in the 18-month band (10亿元以上 includes the bound); below 1亿 the text
  is silent and the first band applies. No bands → no planned production;
* XN-XM-3 — the pack's milestones in order, planned from those anchors (a milestone whose anchor is unknown gets no
  planned date); no milestones in the pack → a project is tracked by its own dates and colour only;
* XN-XM-5 — grades and the default rectification deadline (platform defaults);
* XN-XM-6 — the people of a project (咸宁: 1–3 项目秘书, a 包保领导 and a 项目管家) when the pack's `staffing` states
  them; other packs ask for none;
* YY-P-1 — the investment tiers (益阳: 十亿级 / 50亿级 / 100亿级); none in the pack → no tier;
* HG-P-1 — `concentrated_starts: quarter` (黄冈: 按季举办重大项目集中开工活动): the quarterly concentrated-start
  page (`chanye.projects.concentrated_starts`); packs without it show nothing of it;
* YY-P-3 — `dispatch: quarter` (益阳: “月通报”“季调度”“年考评”): the quarterly dispatch report
  (`chanye.projects.dispatch`); packs without it show nothing of it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chanye.core.dates import add_months, month_end  # noqa: F401 — month_end: callers read project_rules.month_end
from chanye.industry.selectors import active_pack

START_MILESTONE, PRODUCTION_MILESTONE = "construction", "acceptance"
NO_START_CLOCK = "本市政策未规定开工时限"
NO_PRODUCTION_CLOCK = "本市政策未规定投产时限"
NO_CLOCKS = "本市政策未规定开工/投产时限"


@dataclass(frozen=True)
class Staffing:
    """XN-XM-6 as a pack states it: how many 项目秘书, and whether a 包保领导 and a 项目管家 are required."""

    secretaries_min: int = 1
    secretaries_max: int = 3
    leader: bool = True
    steward: bool = True


@dataclass(frozen=True)
class ProjectRules:
    start_within_days: int | None
    bands: list[tuple[Decimal, Decimal | None, int]]
    milestones: list[dict[str, Any]]
    grades: list[str]
    initial_grade: int
    rectify_days: int
    investment_tiers: list[Decimal]
    staffing: Staffing | None = None  # XN-XM-6, only where the pack states it
    concentrated_starts: str | None = None  # HG-P-1: "quarter" where the pack states it
    dispatch: str | None = None  # YY-P-3: "quarter" where the pack states it

    @property
    def has_clocks(self) -> bool:
        """Whether the pack states any project clock (a start limit, production bands or milestones)."""
        return self.start_within_days is not None or bool(self.bands) or bool(self.milestones)

    def production_months(self, investment: Decimal) -> int | None:
        """XN-XM-2: months from start to production for a project of `investment` 亿元; None without bands."""
        if not self.bands:
            return None
        for lo, hi, months in self.bands:
            if investment >= lo and (hi is None or investment < hi):
                return months
        return self.bands[0][2] if investment < self.bands[0][0] else self.bands[-1][2]

    def grade_label(self, grade: int) -> str:
        return self.grades[max(1, min(grade, len(self.grades))) - 1]

    @property
    def max_grade(self) -> int:
        return len(self.grades)

    def tier(self, investment: Decimal) -> Decimal | None:
        """The investment tier (e.g. 10 → 十亿级, YY-P-1) a project reaches, the highest one it is at or above (级 reads
        as reaching the tier: exactly 10亿 is 十亿级); None when the pack states no tiers."""
        reached = [t for t in self.investment_tiers if investment >= t]
        return max(reached) if reached else None


_CACHE: dict[Any, ProjectRules] = {}


def current() -> ProjectRules:
    """The active pack's project rules, parsed once per pack version (saving a pack moves its `loaded_at`), so pages
    and services can ask for them freely without decoding the whole pack each time."""
    from chanye.industry.models import Pack

    key = Pack.objects.filter(is_active=True).order_by("-loaded_at").values_list("pk", "loaded_at").first()
    cached = _CACHE.get(key)
    if cached is None:
        cached = _parse(active_pack())
        _CACHE.clear()
        _CACHE[key] = cached
    return cached


def _parse(pack: Any) -> ProjectRules:
    cfg = ((pack.content or {}).get("projects") if pack else None) or {}
    start = cfg.get("start_within_days")
    return ProjectRules(
        start_within_days=int(start) if start is not None else None,
        bands=sorted(
            (
                (
                    Decimal(str(b.get("min") or 0)),
                    Decimal(str(b["max"])) if b.get("max") is not None else None,
                    int(b["months"]),
                )
                for b in cfg.get("production_bands") or []
            ),
            key=lambda b: b[0],
        ),
        milestones=list(cfg.get("milestones") or []),
        grades=list(cfg.get("grades") or ["五档", "四档", "三档", "二档", "一档"]),
        initial_grade=int(cfg.get("initial_grade") or 3),
        rectify_days=int(cfg.get("rectify_days") or 30),
        investment_tiers=[Decimal(str(t)) for t in cfg.get("investment_tiers") or []],
        staffing=_staffing(cfg.get("staffing")),
        concentrated_starts=cfg.get("concentrated_starts") or None,
        dispatch=cfg.get("dispatch") or None,
    )


def _staffing(cfg: Any) -> Staffing | None:
    if not cfg:
        return None
    return Staffing(
        secretaries_min=int(cfg.get("secretaries_min", 1)),
        secretaries_max=int(cfg.get("secretaries_max", 3)),
        leader=bool(cfg.get("leader", True)),
        steward=bool(cfg.get("steward", True)),
    )


def plan(
    rules: ProjectRules, *, signed_on: dt.date, investment: Decimal, started_on: dt.date | None = None
) -> dict[str, dt.date | None]:
    """Planned dates of the pack's milestones: start = signing + `start_within_days` (XN-XM-1) — or the actual start
    once known — and production = start + the band's months (XN-XM-2); the other milestones are offsets of those
    anchors or of earlier milestones. An anchor the pack gives no clock for is unknown (None), and so is every
    milestone planned from it."""
    start = started_on
    if start is None and rules.start_within_days is not None:
        start = signed_on + dt.timedelta(days=rules.start_within_days)
    months = rules.production_months(investment)
    anchors: dict[str, dt.date | None] = {
        "signed": signed_on,
        "start": start,
        "production": add_months(start, months) if start is not None and months is not None else None,
    }
    out: dict[str, dt.date | None] = {}
    for m in rules.milestones:
        after = m.get("after", "signed")
        base = anchors[after] if after in anchors else out.get(after)
        out[m["code"]] = (
            None
            if base is None
            else add_months(base, int(m.get("months") or 0)) + dt.timedelta(days=int(m.get("days") or 0))
        )
    return out
