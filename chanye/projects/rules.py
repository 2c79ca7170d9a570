"""The project rules of the active pack (its `projects` section), with the platform defaults taken from 咸宁's
project-acceleration plan (seeds/000) when a pack sets none:

* XN-XM-1 — signing → start of construction within 60 days;
* XN-XM-2 — start → production within 9 / 12 / 18 months for total investment 1–5 / 5–10 / 10亿元 and above
  (以上 includes the bound: exactly 5亿 falls in the 12-month band, exactly 10亿 in the 18-month band; below 1亿 the
  texts are silent and the first band applies);
* XN-XM-3 — the 12 milestones in order, planned from those anchors;
* XN-XM-5 — grades and the default rectification deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from chanye.industry.selectors import active_pack

DEFAULT_MILESTONES: list[dict[str, Any]] = [
    {"code": "registration", "name": "项目注册", "after": "signed", "days": 3, "rule": "XN-XM-3"},
    {"code": "funds", "name": "资金到位", "after": "signed", "days": 7, "rule": "XN-XM-3"},
    {"code": "site_staff", "name": "现场管理和工作人员到位", "after": "signed", "days": 14, "rule": "XN-XM-3"},
    {"code": "land", "name": "土地供应", "after": "signed", "days": 30, "rule": "XN-XM-3"},
    {"code": "survey", "name": "地勘规划和环评能评", "after": "signed", "days": 40, "rule": "XN-XM-3"},
    {"code": "drawings", "name": "施工图", "after": "signed", "days": 50, "rule": "XN-XM-3"},
    {"code": "tender", "name": "招投标", "after": "signed", "days": 55, "rule": "XN-XM-3"},
    {"code": "construction", "name": "施工队进场", "after": "start", "days": 0, "rule": "XN-XM-1"},
    {"code": "equipment", "name": "设备采购", "after": "production", "months": -3, "rule": "XN-XM-3"},
    {"code": "recruitment", "name": "员工招聘", "after": "production", "months": -1, "rule": "XN-XM-3"},
    {"code": "acceptance", "name": "验收投产", "after": "production", "days": 0, "rule": "XN-XM-2"},
    {"code": "statistics", "name": "进规纳统", "after": "production", "months": 3, "rule": "XN-XM-3"},
]
DEFAULT_BANDS: list[dict[str, Any]] = [
    {"min": 0, "max": 5, "months": 9, "rule": "XN-XM-2"},
    {"min": 5, "max": 10, "months": 12, "rule": "XN-XM-2"},
    {"min": 10, "max": None, "months": 18, "rule": "XN-XM-2"},
]
START_MILESTONE, PRODUCTION_MILESTONE = "construction", "acceptance"


@dataclass(frozen=True)
class ProjectRules:
    start_within_days: int
    bands: list[tuple[Decimal, Decimal | None, int]]
    milestones: list[dict[str, Any]]
    grades: list[str]
    initial_grade: int
    rectify_days: int
    investment_tiers: list[Decimal]

    def production_months(self, investment: Decimal) -> int:
        """XN-XM-2: months from start to production for a project of `investment` 亿元."""
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
        """The investment tier (e.g. 10 → 十亿级) a project reaches, the highest one it is at or above."""
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
    bands = cfg.get("production_bands") or DEFAULT_BANDS
    return ProjectRules(
        start_within_days=int(cfg.get("start_within_days") or 60),
        bands=sorted(
            (
                (
                    Decimal(str(b.get("min") or 0)),
                    Decimal(str(b["max"])) if b.get("max") is not None else None,
                    int(b["months"]),
                )
                for b in bands
            ),
            key=lambda b: b[0],
        ),
        milestones=cfg.get("milestones") or DEFAULT_MILESTONES,
        grades=list(cfg.get("grades") or ["五档", "四档", "三档", "二档", "一档"]),
        initial_grade=int(cfg.get("initial_grade") or 3),
        rectify_days=int(cfg.get("rectify_days") or 30),
        investment_tiers=[Decimal(str(t)) for t in (cfg.get("investment_tiers") or [10, 50, 100])],
    )


def add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def plan(
    rules: ProjectRules, *, signed_on: dt.date, investment: Decimal, started_on: dt.date | None = None
) -> dict[str, dt.date]:
    """Planned dates of every milestone: start = signing + 60 days (XN-XM-1) — or the actual start once known — and
    production = start + the band's months (XN-XM-2); the other milestones are offsets of those anchors."""
    start = started_on or signed_on + dt.timedelta(days=rules.start_within_days)
    anchors = {
        "signed": signed_on,
        "start": start,
        "production": add_months(start, rules.production_months(investment)),
    }
    out: dict[str, dt.date] = {}
    for m in rules.milestones:
        base = anchors.get(m.get("after", "signed")) or out[m["after"]]
        d = add_months(base, int(m.get("months") or 0)) + dt.timedelta(days=int(m.get("days") or 0))
        out[m["code"]] = d
    return out
