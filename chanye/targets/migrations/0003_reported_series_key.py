"""Reported targets get a series each (issue 12): figures the catalogue does not know were stored under the shared
key "" of their indicator, so one department's figure showed on every reported target of the same scope. A stored
figure moves to its target's own key `target=<code>` when exactly one active target of that indicator and scope
exists; figures shared by several targets cannot be told apart and are left where they were (they no longer show on
any target, so none shows a figure that is not its own)."""

from django.db import migrations, models


def rekey(apps, schema_editor):
    from chanye.core.indicators import CATALOGUE

    IndicatorValue = apps.get_model("targets", "IndicatorValue")
    Target = apps.get_model("industry", "Target")
    owners: dict[tuple, list[str]] = {}
    generic = [c for c in CATALOGUE if c != "reported"]
    for t in Target.objects.filter(is_active=True).exclude(indicator__in=generic):
        owners.setdefault((t.indicator, t.region_id, t.cluster_id), []).append(t.code)
    for (indicator, region_id, cluster_id), codes in owners.items():
        if len(codes) == 1:
            IndicatorValue.objects.filter(
                indicator=indicator, params_key="", region_id=region_id, cluster_id=cluster_id, source="reported"
            ).update(params_key=f"target={codes[0]}")


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0002_assessmentrun_assessmentscore"),
        ("industry", "0002_load_gbt4754"),
    ]

    operations = [
        migrations.AlterField(
            model_name="indicatorvalue",
            name="params_key",
            field=models.CharField(blank=True, default="", max_length=100, verbose_name="参数"),
        ),
        migrations.RunPython(rekey, migrations.RunPython.noop),
    ]
