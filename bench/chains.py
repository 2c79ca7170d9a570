"""Issue 6 speed targets: the chain map's server data and the relatedness analysis.

(a) A 40-link chain (10 upstream, 18 midstream, 12 downstream links, with branches) carrying 2,000 local enterprises
    (some on two links) with 13 months of 统计 output: `selectors.link_figures` + `selectors.graph` (the map's server
    data) and, when the map page exists, GET /chains/<pk>/data.json through the Django test client, as a city
    administrator and as a county officer. Median and p95 over `--runs` runs after 3 warm-up runs; target < 200 ms.
(b) Relatedness for 300 regions × 500 industries (a random sparse matrix, fixed seed): RCA, proximity, density and
    ECI/PCI (`relatedness.compute`), the industry recommendations of every region (`opportunities`) and the chain-link
    recommendations of every region over the 40 links (`link_opportunities`); target < 5 s for all of it.

Runs on the configured database (DATABASE_URL, else SQLite) in its own data dir (CHANYE_DATA_DIR, default
var/bench-chains), creating its tables with migrate; the dataset is built once and reused (--fresh rebuilds it).

    .venv/bin/python bench/chains.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chanye_bench_chains .venv/bin/python bench/chains.py
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import ensure_database, p95  # noqa: E402  (after the path is set)

CHAIN = "bench-chain-40"
LINKS = 40
ENTERPRISES = 2000
MONTHS = 13
TARGET_MAP_MS = 200.0
TARGET_RELATEDNESS_S = 5.0


def setup() -> str:
    os.environ.setdefault("CHANYE_DATA_DIR", str(ROOT / "var" / "bench-chains"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chanye.config.settings.dev")
    os.environ["CHANYE_JOBS_INLINE"] = "1"
    os.environ["CHANYE_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    url = os.environ.get("DATABASE_URL", "")
    ensure_database(url)
    import django

    django.setup()
    from django.db import connection

    return f"{connection.vendor} ({url or connection.settings_dict['NAME']})"


def timed(fn: Callable[[], object], runs: int, warm: int = 3) -> list[float]:
    for _ in range(warm):
        fn()
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


# ---------------------------------------------------------------- dataset


def analyze() -> None:
    """Planner statistics after the bulk load, as autovacuum would soon give a real database (without them PostgreSQL
    picks a poor plan for the output sum and the map takes 3× as long)."""
    from django.db import connection

    with connection.cursor() as c:
        c.execute("ANALYZE")


def build(pack: Path, fresh: bool) -> None:
    """Migrate, load the pack, and build the 40-link chain with its 2,000 enterprises once."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import transaction

    from chanye.chains.models import AttractionTarget, Chain, ChainEdge, ChainLink, LinkEnterprise
    from chanye.core import access
    from chanye.core.text import normalize_company_name
    from chanye.core.uscc_gen import make_uscc
    from chanye.enterprises.models import Enterprise, MonthlyFigure
    from chanye.industry.models import IndustryCode, Pack
    from chanye.industry.services import do_load_pack
    from chanye.regions.models import Region

    call_command("migrate", interactive=False, verbosity=0)
    if not Pack.objects.exists():
        t = time.perf_counter()
        do_load_pack(actor=access.system("bench"), path=pack)
        print(f"dataset: pack {pack.name} loaded in {time.perf_counter() - t:.1f} s")
    chain = Chain.objects.filter(code=CHAIN).first()
    if chain is not None and not fresh and LinkEnterprise.objects.filter(link__chain=chain).count() >= ENTERPRISES:
        print(f"dataset: chain {CHAIN} with its enterprises already present, reused")
        analyze()
        return
    t = time.perf_counter()
    with transaction.atomic():
        if chain is not None:
            ids = list(LinkEnterprise.objects.filter(link__chain=chain).values_list("enterprise_id", flat=True))
            chain.delete()
            MonthlyFigure.objects.filter(enterprise_id__in=ids).delete()
            Enterprise.objects.filter(pk__in=ids).delete()
        rng = random.Random(6)
        counties = list(Region.objects.county_level())
        divisions = list(
            IndustryCode.objects.filter(level=4, code__gte="1300", code__lt="4400").values_list("code", flat=True)
        )
        chain = Chain.objects.create(code=CHAIN, name="基准测试产业链（40个环节）", description="bench/chains.py")
        stages = ["upstream"] * 10 + ["midstream"] * 18 + ["downstream"] * 12
        links = ChainLink.objects.bulk_create(
            [
                ChainLink(
                    chain=chain,
                    code=f"L{i:02d}",
                    name=f"基准环节{i:02d}",
                    stage=stage,
                    position=i,
                    gbt4754=[rng.choice(divisions)],
                    products=[f"产品{i}"],
                    is_key=i % 7 == 0,
                    is_chokepoint=i % 11 == 0,
                )
                for i, stage in enumerate(stages)
            ]
        )
        links = list(ChainLink.objects.filter(chain=chain).order_by("position"))
        edges = {(links[i].pk, links[i + 1].pk) for i in range(LINKS - 1)}
        edges |= {(links[i].pk, links[min(LINKS - 1, i + rng.randint(2, 6))].pk) for i in range(0, LINKS - 2, 3)}
        ChainEdge.objects.bulk_create([ChainEdge(source_id=a, target_id=b) for a, b in edges])
        used: set[str] = set(Enterprise.objects.values_list("uscc", flat=True))
        firms = []
        for n in range(ENTERPRISES):
            county = counties[n % len(counties)]
            code = county.code if county.code.isdigit() else "421200"
            uscc = make_uscc(rng, code)
            while uscc in used:
                uscc = make_uscc(rng, code)
            used.add(uscc)
            name = f"基准链上{n:04d}号制造有限公司"
            firms.append(
                Enterprise(
                    uscc=uscc,
                    name=name,
                    name_key=normalize_company_name(name, ("湖北", "咸宁")),
                    county=county,
                    industry_code_id=rng.choice(divisions),
                    is_above_scale=rng.random() < 0.35,
                )
            )
        Enterprise.objects.bulk_create(firms, batch_size=1000)
        firms = list(Enterprise.objects.filter(name__startswith="基准链上").order_by("pk"))
        # Links are unevenly populated (a few crowded links, a few empty ones), as real chains are.
        weights = [0 if i in (5, 17, 33) else (1 + (i * 7) % 13) for i in range(LINKS)]
        members = []
        for e in firms:
            first = rng.choices(range(LINKS), weights=weights)[0]
            members.append(
                LinkEnterprise(link=links[first], enterprise=e, role="leader" if rng.random() < 0.01 else "ordinary")
            )
            if rng.random() < 0.2:
                second = rng.choices(range(LINKS), weights=weights)[0]
                if second != first:
                    members.append(LinkEnterprise(link=links[second], enterprise=e, role="core"))
        LinkEnterprise.objects.bulk_create(members, batch_size=2000)
        last = dt.date.today().replace(day=1)
        months = []
        for k in range(MONTHS):
            y, m = last.year, last.month - k
            while m <= 0:
                y, m = y - 1, m + 12
            months.append(dt.date(y, m, 1))
        figures = [
            MonthlyFigure(
                enterprise=e, month=mo, source="stats", output=Decimal(str(round(rng.lognormvariate(6, 1.2), 2)))
            )
            for e in firms
            for mo in months
        ]
        MonthlyFigure.objects.bulk_create(figures, batch_size=5000)
        AttractionTarget.objects.bulk_create(
            [
                AttractionTarget(link=links[i % LINKS], name=f"外地基准目标{i:03d}股份有限公司", location="江苏省")
                for i in range(120)
            ]
        )
    analyze()
    print(
        f"dataset: chain of {LINKS} links, {len(firms)} enterprises on {len(members)} placements, "
        f"{len(figures)} monthly figures built in {time.perf_counter() - t:.1f} s"
    )


def users() -> dict[str, object]:
    from chanye.accounts.models import Role, User
    from chanye.regions.models import Region

    county = Region.objects.county_level().first()
    admin, _ = User.objects.get_or_create(username="bench-admin", defaults={"role": Role.CITY_ADMIN})
    officer, _ = User.objects.update_or_create(
        username="bench-county", defaults={"role": Role.COUNTY_OFFICER, "region": county}
    )
    return {"admin": admin, "county": officer}


# ---------------------------------------------------------------- (a) the chain map


@contextlib.contextmanager
def counting(connection: Any) -> Iterator[list[str]]:
    """The SQL statements run inside the block (a request through the test client too: Django resets
    `connection.queries` when a request starts, so CaptureQueriesContext would see none)."""
    seen: list[str] = []

    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def bench_map(runs: int) -> list[tuple[str, float, float, str]]:
    from django.db import connection
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from chanye.chains import selectors
    from chanye.chains.models import Chain

    chain = Chain.objects.get(code=CHAIN)
    rows = []
    for who, user in users().items():

        def server_data(user: object = user) -> dict:
            return selectors.graph(chain, selectors.link_figures(chain, user=user))

        with counting(connection) as q:
            data = server_data()
        assert len(data["nodes"]) == LINKS
        samples = timed(server_data, runs)
        rows.append((f"{who}: link_figures + graph", statistics.median(samples), p95(samples), f"{len(q)} queries"))
        try:
            url = reverse("chains:map_data", args=[chain.pk])
        except NoReverseMatch:
            rows.append((f"{who}: data.json", float("nan"), float("nan"), "view not built yet"))
            continue
        c = Client()
        c.force_login(user)
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
        with counting(connection) as q:
            c.get(url)
        samples = timed(lambda c=c, url=url: c.get(url), runs)
        rows.append(
            (
                f"{who}: GET {url}",
                statistics.median(samples),
                p95(samples),
                f"{len(q)} queries, {len(r.content) // 1024} KB",
            )
        )
    return rows


# ---------------------------------------------------------------- (b) relatedness


def bench_relatedness(regions: int, industries: int, repeat: int) -> list[tuple[str, float, float, str]]:
    import numpy as np

    from chanye.analytics.relatedness import LinkCandidate, compute, link_opportunities, opportunities

    rng = np.random.default_rng(20240601)
    x = rng.lognormal(3.0, 2.0, (regions, industries)) * (rng.random((regions, industries)) < 0.12)
    names = [f"地区{i:03d}" for i in range(regions)]
    labels = [f"行业{j:03d}" for j in range(industries)]
    # link_opportunities matches a link to columns by the first two characters of its codes (the 大类): give each of
    # the synthetic industries a two-character code of its own
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    codes = [a + b for a in alphabet for b in alphabet][:industries]
    chain_links = [
        LinkCandidate(
            key=i, name=f"环节{i}", chain="基准链", codes=[codes[(i * 37) % industries] + "11"], is_key=i % 7 == 0
        )
        for i in range(LINKS)
    ]
    times: dict[str, list[float]] = {"compute": [], "opportunities": [], "links": [], "total": []}
    for _ in range(repeat):
        t = time.perf_counter()
        c = compute(names, labels, x)
        t1 = time.perf_counter()
        for r in names:
            opportunities(c, r, k=5, top=10)
        t2 = time.perf_counter()
        for r in names:
            link_opportunities(c, r, chain_links, divisions=codes, hosted={0, 1}, k=5, top=20)
        t3 = time.perf_counter()
        for key, v in (("compute", t1 - t), ("opportunities", t2 - t1), ("links", t3 - t2), ("total", t3 - t)):
            times[key].append(v)
    med = {k: statistics.median(v) for k, v in times.items()}
    worst = {k: max(v) for k, v in times.items()}  # the first run pays for numpy/BLAS start-up

    def row(key: str) -> tuple[float, float]:
        return med[key], worst[key]

    nnz = int((x > 0).sum())
    return [
        (f"compute: RCA, proximity, density, ECI/PCI ({regions}×{industries}, {nnz} non-zero)", *row("compute"), ""),
        (f"opportunities() for all {regions} regions (top 10, k=5)", *row("opportunities"), ""),
        (f"link_opportunities() for all {regions} regions × {LINKS} links", *row("links"), ""),
        ("total", *row("total"), "target < 5 s"),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--regions", type=int, default=300)
    ap.add_argument("--industries", type=int, default=500)
    ap.add_argument("--pack", default=str(ROOT / "packs" / "xianning-2025.yaml"))
    ap.add_argument("--fresh", action="store_true", help="rebuild the bench chain and its enterprises")
    ap.add_argument("--only", choices=["map", "relatedness"], action="append")
    args = ap.parse_args()
    only = set(args.only or ["map", "relatedness"])
    print(f"database: {setup()}")
    if "map" in only:
        build(Path(args.pack), args.fresh)
        rows = bench_map(args.runs)
        print(
            f"\n(a) chain map server data — {LINKS} links, {ENTERPRISES} enterprises, {args.runs} runs after 3 warm-up"
        )
        print(f"{'what':<44} {'median ms':>10} {'p95 ms':>10}  note")
        for label, med, p, note in rows:
            flag = "" if med != med else ("  ok" if p < TARGET_MAP_MS else "  OVER 200 ms")
            print(f"{label:<44} {med:>10.1f} {p:>10.1f}  {note}{flag}")
    if "relatedness" in only:
        rows2 = bench_relatedness(args.regions, args.industries, repeat=3)
        print("\n(b) relatedness — 3 runs")
        print(f"{'what':<78} {'median s':>9} {'max s':>7}")
        for label, s, w, note in rows2:
            flag = ("  ok" if w < TARGET_RELATEDNESS_S else "  OVER 5 s") if note else ""
            print(f"{label:<78} {s:>9.2f} {w:>7.2f}{'  ' + note if note else ''}{flag}")


if __name__ == "__main__":
    main()
