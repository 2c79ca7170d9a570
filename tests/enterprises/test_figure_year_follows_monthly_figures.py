"""FigureYear (one row per enterprise, source and year, a column per month) always equals the monthly rows it folds,
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


def folded() -> dict[tuple[int, str, int], dict[str, Decimal | None]]:
    """What FigureYear must hold, worked out in Python from the monthly rows."""
    out: dict[tuple[int, str, int], dict[str, Decimal | None]] = {}
    for f in MonthlyFigure.objects.order_by():
        row = out.setdefault(
            (f.enterprise_id, f.source, f.month.year),
            {f"{p}_{m:02d}": None for p, _, _ in FIGURE_YEAR_MEASURES for m in range(1, 13)},
        )
        n = f"{f.month.month:02d}"
        row[f"output_{n}"] = f.output
        row[f"revenue_{n}"] = f.revenue if f.revenue is not None else f.main_revenue
        row[f"invoice_{n}"] = f.invoice_sales
        row[f"rd_{n}"] = f.rd_expense
    return out


def stored() -> dict[tuple[int, str, int], dict[str, Decimal | None]]:
    cols = [f"{p}_{m:02d}" for p, _, _ in FIGURE_YEAR_MEASURES for m in range(1, 13)]
    return {
        (r["enterprise_id"], r["source"], r["year"]): {
            c: None if r[c] is None else Decimal(r[c]).quantize(Decimal("0.0001")) for c in cols
        }
        for r in FigureYear.objects.values("enterprise_id", "source", "year", *cols)
    }


def quantised(rows: dict) -> dict:
    return {
        k: {c: None if v is None else Decimal(v).quantize(Decimal("0.0001")) for c, v in cols.items()}
        for k, cols in rows.items()
    }


def assert_in_step() -> None:
    assert stored() == quantised(folded())


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
    assert row.output_03 == Decimal("120.5")
    assert row.revenue_03 == Decimal("99")  # 营业收入 missing: 主营业务收入 stands in, as the rules read it
    assert row.invoice_03 == Decimal("7.25")
    assert row.rd_03 == Decimal("1.1")
    assert row.revenue_12 == Decimal("31")
    assert row.output_04 is None
    assert FigureYear.objects.get(enterprise=e, source="stats", year=2026).output_01 == Decimal("40")
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
    assert FigureYear.objects.get(enterprise=a, source="tax", year=2025).output_07 == Decimal("1.2345")
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
    assert FigureYear.objects.get(enterprise_id=f.enterprise_id, year=2025).output_01 == Decimal("5")
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
    assert FigureYear.objects.get(enterprise=e, year=2025).output_05 == Decimal("12.5")
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
