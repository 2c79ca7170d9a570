"""FigureYear (one row per enterprise, source and year, a column per month in whole 元 and a bitmask of the months
that have a figure) always equals the monthly rows it folds,
whatever writes them: the service, a bulk insert, a queryset update, a delete, an enterprise's deletion, a truncate.
The database's triggers keep it (docs/decisions/0012); the analysis and the indicators read their sums from it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from chanye.enterprises.models import FIGURE_YEAR_MEASURES, Enterprise, FigureYear, MonthlyFigure
from tests.factories import EnterpriseFactory, MonthlyFigureFactory, UserFactory

pytestmark = pytest.mark.django_db


def yuan(v: Decimal | None) -> int | None:
    return None if v is None else int(v * 10000)


def folded() -> dict[tuple[int, str, int], dict[str, int | None]]:
    """What FigureYear must hold, worked out in Python from the monthly rows."""
    out: dict[tuple[int, str, int], dict[str, int | None]] = {}
    for f in MonthlyFigure.objects.order_by():
        row = out.setdefault((f.enterprise_id, f.source, f.month.year), dict.fromkeys(COLUMNS, None))
        n = f"{f.month.month:02d}"
        values = {
            "output": f.output,
            "revenue": f.revenue if f.revenue is not None else f.main_revenue,
            "invoice": f.invoice_sales,
            "rd": f.rd_expense,
        }
        for prefix, v in values.items():
            row[f"{prefix}_{n}"] = yuan(v)
            row[f"{prefix}_months"] = (row[f"{prefix}_months"] or 0) | (
                (1 << (f.month.month - 1)) if v is not None else 0
            )
    return out


COLUMNS = [c for p, _, _ in FIGURE_YEAR_MEASURES for c in [*(f"{p}_{m:02d}" for m in range(1, 13)), f"{p}_months"]]


def stored() -> dict[tuple[int, str, int], dict[str, int | None]]:
    return {
        (r["enterprise_id"], r["source"], r["year"]): {c: r[c] for c in COLUMNS}
        for r in FigureYear.objects.values("enterprise_id", "source", "year", *COLUMNS)
    }


def assert_in_step() -> None:
    assert stored() == folded()


def test_each_written_month_lands_in_its_column_and_an_empty_month_stays_empty() -> None:
    e = EnterpriseFactory()
    MonthlyFigureFactory(
        enterprise=e,
        month=dt.date(2025, 3, 1),
        output=Decimal("120.5"),
        revenue=None,
        main_revenue=Decimal("99"),
        invoice_sales=Decimal("7.25"),
        rd_expense=Decimal("1.1"),
    )
    MonthlyFigureFactory(enterprise=e, month=dt.date(2025, 12, 1), output=Decimal("30"), revenue=Decimal("31"))
    MonthlyFigureFactory(enterprise=e, month=dt.date(2026, 1, 1), output=Decimal("40"))
    row = FigureYear.objects.get(enterprise=e, source="stats", year=2025)
    assert row.output_03 == 1_205_000  # 120.5万元 in whole 元
    assert row.revenue_03 == 990_000  # 营业收入 missing: 主营业务收入 stands in, as the rules read it
    assert row.invoice_03 == 72_500
    assert row.rd_03 == 11_000
    assert row.revenue_12 == 310_000
    assert row.output_04 is None
    assert row.output_months == 0b1000_0000_0100  # March and December
    assert row.invoice_months == 0b100  # March only
    assert FigureYear.objects.get(enterprise=e, source="stats", year=2026).output_01 == 400_000


def test_four_decimals_of_wan_are_whole_yuan_exactly() -> None:
    MonthlyFigureFactory(month=dt.date(2025, 7, 1), output=Decimal("0.1234"), invoice_sales=Decimal("99999.9999"))
    row = FigureYear.objects.get()
    assert (row.output_07, row.invoice_07) == (1234, 999_999_999)
    assert_in_step()


def test_bulk_insert_update_and_delete_keep_it_in_step() -> None:
    a, b = EnterpriseFactory(), EnterpriseFactory()
    MonthlyFigure.objects.bulk_create(
        [
            MonthlyFigure(enterprise=e, month=dt.date(2025, m, 1), source=s, output=Decimal(m * 10 + e.pk % 7))
            for e in (a, b)
            for m in range(1, 13)
            for s in ("stats", "tax")
        ]
    )
    assert FigureYear.objects.count() == 4
    assert_in_step()

    MonthlyFigure.objects.filter(enterprise=a, month__gte=dt.date(2025, 6, 1)).update(output=Decimal("1.2345"))
    assert FigureYear.objects.get(enterprise=a, source="tax", year=2025).output_07 == 12345
    assert_in_step()

    MonthlyFigure.objects.filter(enterprise=b, source="tax", month__lte=dt.date(2025, 11, 1)).delete()
    assert FigureYear.objects.get(enterprise=b, source="tax", year=2025).output_01 is None
    assert_in_step()

    MonthlyFigure.objects.filter(enterprise=b, source="tax").delete()  # the year's last row: the year row goes
    assert not FigureYear.objects.filter(enterprise=b, source="tax").exists()
    assert_in_step()


def test_moving_a_figure_to_another_month_clears_the_old_column() -> None:
    f = MonthlyFigureFactory(month=dt.date(2024, 12, 1), output=Decimal("5"))
    MonthlyFigure.objects.filter(pk=f.pk).update(month=dt.date(2025, 1, 1))
    assert not FigureYear.objects.filter(enterprise_id=f.enterprise_id, year=2024).exists()
    assert FigureYear.objects.get(enterprise_id=f.enterprise_id, year=2025).output_01 == 50_000
    assert_in_step()


def test_deleting_an_enterprise_removes_its_rows() -> None:
    keep, gone = EnterpriseFactory(), EnterpriseFactory()
    for e in (keep, gone):
        MonthlyFigureFactory(enterprise=e, month=dt.date(2025, 2, 1), output=Decimal("8"))
    Enterprise.objects.filter(pk=gone.pk).delete()
    assert set(FigureYear.objects.values_list("enterprise_id", flat=True)) == {keep.pk}
    assert_in_step()


def test_the_service_that_edits_a_figure_keeps_it_in_step() -> None:
    from chanye.enterprises.services import do_submit_monthly

    e = EnterpriseFactory()
    MonthlyFigureFactory(enterprise=e, month=dt.date(2025, 5, 1), output=Decimal("10"))
    do_submit_monthly(
        actor=UserFactory(), enterprise=e, month=dt.date(2025, 5, 1), source="stats", values={"output": Decimal("12.5")}
    )
    assert FigureYear.objects.get(enterprise=e, year=2025).output_05 == 125_000
    assert_in_step()


@pytest.mark.django_db(transaction=True)
def test_truncating_the_monthly_figures_empties_it() -> None:
    MonthlyFigureFactory(month=dt.date(2025, 2, 1), output=Decimal("8"))
    assert FigureYear.objects.exists()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("TRUNCATE enterprises_monthlyfigure CASCADE")
        else:  # SQLite has no TRUNCATE: Django's flush deletes, which the delete trigger follows
            cur.execute("DELETE FROM enterprises_monthlyfigure")
    assert not FigureYear.objects.exists()
