"""A small hand-computed portfolio for the bulletin tests (月通报, YY-P-3), as of June 2025.

Eleven projects in 咸安区 (XA), 嘉鱼县 (JY) and 咸宁高新区 (GXQ); the figures each test expects are worked out by
hand in tests/projects/test_bulletin_figures.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F

from chanye.projects.models import Milestone, Project, ProjectIssue
from tests.factories import ProjectFactory

JUNE = dt.date(2025, 6, 1)
D = dt.date


def done_due(p: Project, *codes: str, on: dt.date | None = None) -> None:
    """Mark milestones done on their planned date (or `on`); no codes: every milestone planned before July 2025."""
    ms = Milestone.objects.filter(project=p)
    ms = ms.filter(code__in=codes) if codes else ms.filter(planned_on__lt=D(2025, 7, 1), actual_on__isnull=True)
    if on:
        ms.update(actual_on=on)
    else:
        ms.update(actual_on=F("planned_on"))


def make_portfolio(regions: dict) -> dict[int, Project]:
    xa, jy, gxq = regions["咸安区"], regions["嘉鱼县"], regions["咸宁高新区"]

    def make(code, county, **kw):
        kw.setdefault("investment", Decimal("3"))
        return ProjectFactory(code=code, name=f"{code}项目", county=county, **kw)

    p = {}
    # P1 咸安: started exactly 60 days after signing (XN-XM-1 within); building.
    p[1] = make("P1", xa, signed_on=D(2025, 1, 10), started_on=D(2025, 3, 11))
    # P2 咸安: 5亿 is in the 12-month band (XN-XM-2); produced exactly 12 months after the start, in June.
    p[2] = make(
        "P2",
        xa,
        investment=Decimal("5"),
        signed_on=D(2024, 1, 5),
        started_on=D(2024, 6, 20),
        producing_on=D(2025, 6, 20),
    )
    # P3 咸安: just under 5亿 (9-month band), produced 9 months and 1 day after the start: over.
    p[3] = make(
        "P3",
        xa,
        investment=Decimal("4.9999"),
        signed_on=D(2024, 3, 1),
        started_on=D(2024, 5, 10),
        producing_on=D(2025, 2, 11),
    )
    # P4 咸安: started 61 days after signing (over), in June; expected output exactly 2000万 (a growth point).
    p[4] = make(
        "P4",
        xa,
        investment=Decimal("2"),
        signed_on=D(2025, 4, 1),
        started_on=D(2025, 6, 1),
        expected_output=Decimal("2000"),
    )
    # P5 嘉鱼: 技改 of exactly 500万元 (counts), expected output 1999.99万 (not a growth point); nothing done.
    p[5] = make(
        "P5",
        jy,
        kind="upgrade",
        investment=Decimal("0.05"),
        signed_on=D(2025, 2, 10),
        expected_output=Decimal("1999.99"),
    )
    # P6 嘉鱼: 12亿 产业发展, growth point; land done after the month end, tender planned on June 30 (not overdue).
    p[6] = make("P6", jy, investment=Decimal("12"), signed_on=D(2025, 5, 6), expected_output=Decimal("5000"))
    # P7 嘉鱼: 1亿 技改, started 49 days after signing, exited in June (red; out of the 技改 count and overdue).
    p[7] = make(
        "P7",
        jy,
        kind="upgrade",
        investment=Decimal("1"),
        signed_on=D(2025, 1, 2),
        started_on=D(2025, 2, 20),
        exited_on=D(2025, 6, 10),
    )
    # P8 高新区: never signed, registered 2025-03-15: 1.5亿 技改, growth point 3000万.
    p[8] = make(
        "P8",
        gxq,
        kind="upgrade",
        investment=Decimal("1.5"),
        signed_on=None,
        status="planned",
        expected_output=Decimal("3000"),
    )
    Project.objects.filter(pk=p[8].pk).update(created_at=dt.datetime(2025, 3, 15, 10, tzinfo=dt.UTC))
    # P9 咸安: signed after June — in nothing of June's bulletin.
    p[9] = make("P9", xa, investment=Decimal("1"), signed_on=D(2025, 7, 5))
    # P10 咸安: signed 2024-12-20, not started; registration and funds done, six milestones overdue.
    p[10] = make("P10", xa, investment=Decimal("1"), signed_on=D(2024, 12, 20))
    # P11 嘉鱼: signed in June (new in the colour changes); three milestones overdue at the month end.
    p[11] = make("P11", jy, investment=Decimal("2"), signed_on=D(2025, 6, 15))

    for i in (1, 2, 3, 4):
        done_due(p[i])
    done_due(p[6], "registration", "funds", "site_staff")
    done_due(p[6], "land", on=D(2025, 7, 3))
    done_due(p[10], "registration", "funds")

    # 一单三制 (YY-P-2)
    ProjectIssue.objects.create(
        project=p[5],
        raised_on=D(2025, 6, 3),
        content="用地指标未落实",
        department="县自然资源局",
        status="assigned",
        assigned_on=D(2025, 6, 4),
        due_on=D(2025, 6, 20),
    )
    ProjectIssue.objects.create(
        project=p[1],
        raised_on=D(2025, 5, 10),
        content="施工用电未接入",
        department="区供电公司",
        status="closed",
        assigned_on=D(2025, 5, 11),
        due_on=D(2025, 6, 30),
        closed_on=D(2025, 6, 12),
        closing_note="已接入",
        evidence_text="回执",
    )
    ProjectIssue.objects.create(
        project=p[6],
        raised_on=D(2025, 6, 20),
        content="施工许可待办",
        department="县住建局",
        status="closed",
        assigned_on=D(2025, 6, 21),
        due_on=D(2025, 7, 31),
        closed_on=D(2025, 7, 5),
        closing_note="已办",
        evidence_text="许可证",
    )
    return p
