"""Load the GB/T 4754-2017 classification (with the 2019 amendment) shipped in chanye/industry/data."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "gbt4754_2017.csv"


def load(apps, schema_editor):
    IndustryCode = apps.get_model("industry", "IndustryCode")
    with CSV.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    parents = {r["code"]: r["parent"] for r in rows}

    def section(code):
        while parents.get(code):
            code = parents[code]
        return code

    existing = set(IndustryCode.objects.values_list("code", flat=True))
    IndustryCode.objects.bulk_create(
        [IndustryCode(code=r["code"], name=r["name"], level=int(r["level"]), section=section(r["code"]),
                      parent_id=r["parent"] or None)
         for r in rows if r["code"] not in existing],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("industry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
