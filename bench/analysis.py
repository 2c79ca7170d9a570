"""Issue 11 speed: `chanye analyze` and `chanye indicators` end to end against a plain pandas baseline, same run.

On the bench database (bench/run.py builds it: 100,000 enterprises × 60 months), for one month (default: the latest
with figures), several repetitions interleaved so that both sides see the same machine load:

- chanye analyze, in process through the CLI entry point (`chanye.cli.main(["analyze", "--month", …])`), as the first
  run of the month (the month's alerts, candidates and run removed before) and again (idempotent: nothing new);
- the same as a subprocess (`python -m chanye analyze --month …`: start-up included);
- chanye indicators likewise (in process and as a subprocess);
- bench/pandas_baseline.py for both, in process and as a subprocess (pandas' import included), first run (scratch
  tables emptied) and again;
- then the baseline's check that pandas found exactly the alerts, candidates and indicator values chanye stored.

Prints the medians and the ratios pandas / chanye (goal: ≥ 2 for both). Also the 预警待办 page (`/alerts/`) as the
city administrator: queries per request, p50/p95 warm, and the first request after the table's statistics and
visibility map were reset is not measured here (see bench/README.md).

    .venv/bin/python bench/analysis.py                      # 3 repetitions
    .venv/bin/python bench/analysis.py --repeat 5 --month 2026-11
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import DEFAULT_URL, ensure_database, p95, setup  # noqa: E402


def reset_chanye_month(month: dt.date) -> None:
    """Forget the month's analysis, as if it had never run (the bench database holds nothing else of it)."""
    from chanye.cultivation.models import Alert, AnalysisRun, Candidate

    Alert.objects.filter(month=month).delete()
    Candidate.objects.filter(added_month=month).delete()
    AnalysisRun.objects.filter(month=month).delete()


def chanye_cli(args: list[str]) -> float:
    from chanye.cli import main

    out = io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stdout(out):
        main(args)
    return time.perf_counter() - t


def subprocess_time(argv: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(argv, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def bench_alert_page(requests: int) -> None:
    """预警待办 as the city administrator: query count and warm latency (issue 11 goal p95 < 300 ms)."""
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from chanye.accounts.models import User
    from chanye.demo.users import ensure_demo_users

    ensure_demo_users()
    for username in ("admin", "xianan"):
        c = Client()
        c.force_login(User.objects.get(username=username))
        for label, url in (("alerts", "/alerts/"), ("alerts all", "/alerts/?show=all&page=3")):
            reset_queries()
            with CaptureQueriesContext(connection) as q:
                assert c.get(url).status_code == 200, url
                queries = list(q.captured_queries)
            distinct = [x["sql"] for x in queries if "DISTINCT" in x["sql"] and "monthlyfigure" in x["sql"]]
            for _ in range(3):
                c.get(url)
            samples = []
            for _ in range(requests):
                t = time.perf_counter()
                assert c.get(url).status_code == 200
                samples.append((time.perf_counter() - t) * 1000)
            print(
                f"page: {username:<7} {label:<11} {len(queries):3d} queries"
                f"{' (DISTINCT over monthly figures!)' if distinct else ''}   "
                f"p50 {statistics.median(samples):6.1f} ms   p95 {p95(samples):6.1f} ms"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--month", help="YYYY-MM (default: the latest month with figures)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--skip-page", action="store_true")
    args = ap.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    setup(url)
    import pandas_baseline as pb
    import psycopg

    from chanye.analytics.selectors import latest_month
    from chanye.cultivation.figure_uses import THRESHOLD_REMINDER
    from chanye.projects.indicators import PROJECT_INDICATORS
    from chanye.targets.indicators import HONOUR_KINDS, HONOUR_LEVELS

    assert tuple(PROJECT_INDICATORS) == pb.PROJECT_INDICATORS, "bench/pandas_baseline.py: update PROJECT_INDICATORS"
    assert HONOUR_KINDS == pb.CLUSTER_HONOUR_KINDS, "bench/pandas_baseline.py: update CLUSTER_HONOUR_KINDS"
    assert HONOUR_LEVELS == pb.HONOUR_LEVELS, "bench/pandas_baseline.py: update HONOUR_LEVELS"
    assert THRESHOLD_REMINDER.sources == pb.INVOICE_SOURCES, "bench/pandas_baseline.py: update INVOICE_SOURCES"
    month = dt.date.fromisoformat(args.month[:7] + "-01") if args.month else latest_month()
    m = f"{month:%Y-%m}"
    print(f"database: {url}, month {m}, {args.repeat} repetitions (median shown)")
    env = {**os.environ, "DATABASE_URL": url, "BENCH_DATABASE_URL": url}
    env.setdefault("DJANGO_SETTINGS_MODULE", "chanye.config.settings.dev")
    py = sys.executable
    con = psycopg.connect(url)
    t: dict[str, list[float]] = {}

    def add(key: str, seconds: float) -> None:
        t.setdefault(key, []).append(seconds)

    chanye_cli(["analyze", "--month", m])  # warm-up: imports, URLconf, caches, PostgreSQL buffers
    chanye_cli(["indicators", "--month", m])
    pb.run_analyze(con, month)
    pb.run_indicators(con, month)
    for _ in range(args.repeat):
        reset_chanye_month(month)
        add("chanye analyze first", chanye_cli(["analyze", "--month", m]))
        add("chanye analyze again", chanye_cli(["analyze", "--month", m]))
        pb.reset(con)
        add("pandas analyze first", pb.run_analyze(con, month)[0])
        add("pandas analyze again", pb.run_analyze(con, month)[0])
        pb.reset(con)
        add("pandas analyze first (whole window)", pb.run_analyze(con, month, window=True)[0])
        add("chanye indicators", chanye_cli(["indicators", "--month", m]))
        add("pandas indicators", pb.run_indicators(con, month)[0])
        reset_chanye_month(month)
        add("chanye analyze first (subprocess)", subprocess_time([py, "-m", "chanye", "analyze", "--month", m], env))
        pb.reset(con)
        baseline = [py, "bench/pandas_baseline.py", "--month", m, "--no-check", "--only"]
        add("pandas analyze first (subprocess)", subprocess_time([*baseline, "analyze"], env))
        pb.reset(con)
        add(
            "pandas analyze first (whole window, subprocess)",
            subprocess_time([*baseline, "analyze", "--window"], env),
        )
        add("chanye indicators (subprocess)", subprocess_time([py, "-m", "chanye", "indicators", "--month", m], env))
        add("pandas indicators (subprocess)", subprocess_time([*baseline, "indicators"], env))

    _, alerts, cands, _ = pb.run_analyze(con, month)
    mismatches = pb.compare_alerts(con, month, alerts, cands)
    _, alerts_w, cands_w, _ = pb.run_analyze(con, month, window=True)
    mismatches += pb.compare_alerts(con, month, alerts_w, cands_w)
    _, values = pb.run_indicators(con, month)
    mismatches += pb.compare_indicators(con, month, values)
    print(
        f"check: pandas found {len(alerts)} alerts, {len(cands)} candidates, {len(values)} indicator values — "
        + ("the same as chanye" if not mismatches else f"{len(mismatches)} MISMATCHES")
    )
    for x in mismatches[:50]:
        print("  " + x)

    print(f"\n{'':52} {'chanye':>8} {'pandas':>8} {'pandas/chanye':>14}")
    for label, key, pkey in (
        ("analyze, first run of the month", "analyze first", "analyze first"),
        ("analyze, first run; pandas reads the whole window", "analyze first", "analyze first (whole window)"),
        ("analyze, again (nothing new)", "analyze again", "analyze again"),
        ("analyze, first run, subprocess", "analyze first (subprocess)", "analyze first (subprocess)"),
        (
            "analyze, subprocess; pandas reads the whole window",
            "analyze first (subprocess)",
            "analyze first (whole window, subprocess)",
        ),
        ("indicators", "indicators", "indicators"),
        ("indicators, subprocess", "indicators (subprocess)", "indicators (subprocess)"),
    ):
        c, p = med(t[f"chanye {key}"]), med(t[f"pandas {pkey}"])
        print(f"{label:52} {c:7.2f}s {p:7.2f}s {p / c:13.1f}×")
    if not args.skip_page:
        print()
        bench_alert_page(args.requests)
    sys.exit(1 if mismatches else 0)


if __name__ == "__main__":
    main()
