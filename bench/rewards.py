"""Issue 14 speed: every entitlement of 100,000 enterprises × 5 years (goal: under 10 s on this machine).

Runs on the `bench/run.py` database (100,000 enterprises × 60 months; build it once with `bench/run.py --only
dataset`). The reward rules are those of both packs that carry computable ones (黄冈 HG-R-1…5 and 鄂州 EZ-R-1/2),
read from the YAML files without loading the packs (the bench database keeps its own pack). Reward facts are added once
for one firm in twenty (技改 investment per project, 直播 sales and commission, 5G stations) and honours with a year
for some, so that every rule kind has work; they stay in the bench database (`--fresh` replaces them).

For each year of the dataset, `rewards.services.do_compute_rewards` is run as the first computation of the year (its
entitlements removed before) and again (nothing changes); prints the time of each and the total.

    .venv/bin/python bench/rewards.py
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import DEFAULT_URL, ensure_database, setup  # noqa: E402


def specs() -> list:
    import yaml

    from chanye.industry.schema import PackSpec

    out = []
    for name in ("huanggang-2025.yaml", "ezhou-2027.yaml"):
        spec = PackSpec.model_validate(yaml.safe_load((ROOT / "packs" / name).read_text(encoding="utf-8")))
        out.append(spec)
    return [r for s in out for r in s.rewards], [f for s in out for f in s.reward_facts]


MARK = "bench/rewards.py"


def add_facts(years: list[int], fresh: bool) -> int:
    from chanye.enterprises.models import Enterprise
    from chanye.rewards.models import RewardFact

    if fresh:
        RewardFact.objects.all().delete()
    if RewardFact.objects.exists():
        return RewardFact.objects.count()
    rng = random.Random(14)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    facts = []
    for e in rng.sample(ids, len(ids) // 20):
        y = rng.choice(years)
        facts.append(
            RewardFact(
                enterprise_id=e,
                year=y,
                kind="techreno_investment",
                project="技改一期",
                value=Decimal(rng.randint(200, 9000)),
            )
        )
        facts.append(
            RewardFact(enterprise_id=e, year=y, kind="livestream_sales", value=Decimal(rng.randint(100, 2000)))
        )
        facts.append(
            RewardFact(enterprise_id=e, year=y, kind="livestream_commission", value=Decimal(rng.randint(10, 900)))
        )
        if rng.random() < 0.1:
            facts.append(RewardFact(enterprise_id=e, year=y, kind="stations_5g", value=Decimal(rng.randint(1, 60))))
    RewardFact.objects.bulk_create(facts, batch_size=5000)
    return len(facts)


def add_honours(years: list[int]) -> None:
    """3,000 honours with a year, marked and removed at the end: the other benches see the dataset as built."""
    from chanye.enterprises.models import Enterprise, Honour

    rng = random.Random(15)
    ids = list(Enterprise.objects.values_list("pk", flat=True))
    honours = []
    for e in rng.sample(ids, 3000):
        kind = rng.choice(["wk_trademark", "quality_brand", "integration_std", "integration_demo"])
        level = {"integration_std": "national", "integration_demo": "provincial"}.get(kind, "")
        honours.append(Honour(enterprise_id=e, kind=kind, level=level, year=rng.choice(years), note=MARK))
    Honour.objects.bulk_create(honours, batch_size=5000, ignore_conflicts=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="replace the bench's reward facts")
    args = ap.parse_args()
    ensure_database(DEFAULT_URL)
    setup(DEFAULT_URL)
    from django.core.management import call_command

    from chanye.core.access import system
    from chanye.enterprises.models import FigureYear
    from chanye.rewards import services
    from chanye.rewards.models import Entitlement

    call_command("migrate", interactive=False, verbosity=0)
    years = sorted(set(FigureYear.objects.values_list("year", flat=True)))[-5:]
    rules, facts = specs()
    services.reward_rules = lambda: (rules, facts)  # both packs' rules, without loading them into the bench database
    n = add_facts(years, args.fresh)
    add_honours(years)
    computable = sum(r.when is not None for r in rules)
    print(f"years {years[0]}–{years[-1]}, {len(rules)} reward rules ({computable} computable), {n} reward facts")
    actor = system("bench rewards")
    first = again = 0.0
    for y in years:
        Entitlement.objects.filter(year=y).delete()
        t = time.perf_counter()
        r = services.do_compute_rewards(actor=actor, year=y)
        t1 = time.perf_counter() - t
        t = time.perf_counter()
        r2 = services.do_compute_rewards(actor=actor, year=y)
        t2 = time.perf_counter() - t
        first, again = first + t1, again + t2
        print(
            f"{y}: {r.entitled} entitled, {r.excluded} excluded, {r.total.normalize():f} 万元 — first {t1:.2f} s, "
            f"again {t2:.2f} s ({r2.unchanged} unchanged)"
        )
    print(f"all {len(years)} years: first {first:.2f} s, again {again:.2f} s (goal < 10 s)")
    from chanye.enterprises.models import Honour

    Honour.objects.filter(note=MARK).delete()


if __name__ == "__main__":
    main()
