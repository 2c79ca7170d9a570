from django.db import migrations, models
from django.db.models import Count


def fill(apps, schema_editor):
    """Count the figures already loaded, once (later imports keep the table up to date)."""
    MonthlyFigure = apps.get_model("enterprises", "MonthlyFigure")
    FigureMonth = apps.get_model("analytics", "FigureMonth")
    FigureMonth.objects.bulk_create(
        FigureMonth(month=r["month"], source=r["source"], figures=r["n"])
        for r in MonthlyFigure.objects.values("month", "source").annotate(n=Count("id")).order_by()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0002_benchmark_figure"),
        ("enterprises", "0003_list_order_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="FigureMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("source", models.CharField(max_length=10, verbose_name="来源")),
                ("figures", models.PositiveIntegerField(default=0, verbose_name="数据条数")),
            ],
            options={
                "verbose_name": "月度数据月份",
                "verbose_name_plural": "月度数据月份",
                "ordering": ["-month", "source"],
                "constraints": [models.UniqueConstraint(fields=("month", "source"), name="figure_month_unique")],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
