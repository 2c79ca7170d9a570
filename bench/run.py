"""chanye benchmarks: dataset generation, 100k-row monthly import, dashboard and list latency (p95, warm)."""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chanye_bench"


def ensure_database(url: str) -> None:
    if not url.startswith("postgres"):
        return
    name = url.rsplit("/", 1)[1]
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
        capture_output=True,
        text=True,
    )
    if out.stdout.strip() != "1":
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"], check=True)


SYSTEM = None  # chanye.core.access.SYSTEM, set by setup() once Django is configured


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chanye.config.settings.dev")
    os.environ["CHANYE_JOBS_INLINE"] = "1"
    os.environ["CHANYE_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    import django

    django.setup()
    global SYSTEM
    from chanye.core.access import SYSTEM as system

    SYSTEM = system


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def bench_dataset(n: int, months: int, pack: Path) -> None:
    from django.core.management import call_command

    from chanye.core import access
    from chanye.demo import generator
    from chanye.enterprises.models import Enterprise
    from chanye.industry.services import do_load_pack

    call_command("migrate", interactive=False, verbosity=0)
    do_load_pack(actor=access.system("bench"), path=pack)
    from chanye.enterprises.models import MonthlyFigure

    have = Enterprise.objects.count()
    have_months = MonthlyFigure.objects.filter(source="tax").order_by().values("month").distinct().count()
    if have == n and have_months >= months:
        print(f"dataset: {have} enterprises already present, reused")
        return
    if have:
        raise SystemExit("dataset: the bench database holds another dataset; run with --fresh to drop and rebuild it")
    t = time.perf_counter()
    stats = generator.generate(seed=7, enterprises=n, months=months, compute_indicators=False)
    print(
        f"dataset: {stats.enterprises} enterprises ({stats.above_scale} 规上), {stats.figures} monthly rows "
        f"in {time.perf_counter() - t:.1f} s"
    )
    from django.db import connection

    with connection.cursor() as c:
        c.execute("ANALYZE")


def bench_import(rows: int) -> None:
    import datetime as dt
    import random

    from openpyxl import Workbook

    from chanye.core import access
    from chanye.core.imports.runner import run_import
    from chanye.enterprises.models import Enterprise, MonthlyFigure

    codes = list(Enterprise.objects.order_by("pk").values_list("uscc", flat=True)[:rows])
    months_needed = -(-rows // len(codes))
    # Start from a clean slate for the bench months (2020-…), so the first import really creates rows.
    MonthlyFigure.objects.filter(month__lt=dt.date(2021, 1, 1)).delete()
    rng = random.Random(1)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("月报")
    ws.append(["2026年月度数据（基准测试）"])
    ws.append(["统一社会信用代码", "年月", "工业总产值(万元)", "营业收入(万元)", "用电量(千瓦时)", "从业人员(人)"])
    n = 0
    for k in range(months_needed):
        month = dt.date(2020 + k // 12, k % 12 + 1, 1).strftime("%Y-%m")
        for code in codes:
            if n >= rows:
                break
            ws.append(
                [
                    code,
                    month,
                    round(rng.uniform(10, 5000), 2),
                    round(rng.uniform(10, 5000), 2),
                    rng.randint(1000, 900000),
                    rng.randint(5, 900),
                ]
            )
            n += 1
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    print(f"import: sheet of {n} rows, {len(data) / 2**20:.1f} MB")
    for label in ("first import (all new)", "re-import (unchanged)"):
        t = time.perf_counter()
        out = run_import(
            "monthly",
            data=data,
            filename="bench.xlsx",
            user=access.system("bench"),
            options={"refresh_indicators": False},
        )
        dt_s = time.perf_counter() - t
        b = out.batch
        print(
            f"import: {label}: {dt_s:.1f} s — rows {b.rows}, created {b.created}, updated {b.updated}, "
            f"unchanged {b.unchanged}, errors {len(out.errors)}"
        )


def bench_pages(requests: int) -> None:
    from django.test import Client

    from chanye.accounts.models import User
    from chanye.demo.users import ensure_demo_users

    ensure_demo_users()
    results = {}
    for username in ("admin", "xianan"):
        c = Client()
        c.force_login(User.objects.get(username=username))
        for label, url in (
            ("dashboard", "/"),
            ("list", "/enterprises/"),
            ("list filtered", "/enterprises/?above_scale=1&tier=high_tech"),
            ("list search", "/enterprises/?q=科技"),
            ("list page 50", "/enterprises/?page=50"),
            ("api list", "/api/v1/enterprises/?page_size=50"),
        ):
            for _ in range(3):
                assert c.get(url).status_code == 200, url
            samples = []
            for _ in range(requests):
                t = time.perf_counter()
                r = c.get(url)
                samples.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200
            results[(username, label)] = samples
            print(
                f"pages: {username:<7} {label:<14} "
                f"p50 {statistics.median(samples):6.1f} ms   p95 {p95(samples):6.1f} ms"
            )


def bench_indicators(requests: int) -> None:
    from django.test import Client

    from chanye.accounts.models import User
    from chanye.analytics.selectors import latest_month
    from chanye.targets import indicators

    month = latest_month()
    for label in ("cold", "again"):
        n, seconds = indicators.refresh(month)
        print(f"indicators: all indicators for {month:%Y-%m} ({label}): {seconds:.1f} s, {n} values")
    c = Client()
    c.force_login(User.objects.get(username="admin"))
    for url in ("/targets/", "/api/v1/targets/"):
        for _ in range(3):
            assert c.get(url).status_code == 200
        samples = []
        for _ in range(requests):
            t = time.perf_counter()
            assert c.get(url).status_code == 200
            samples.append((time.perf_counter() - t) * 1000)
        print(f"pages: admin   {url:<16} p50 {statistics.median(samples):6.1f} ms   p95 {p95(samples):6.1f} ms")


def bench_analyze() -> None:
    from chanye.analytics.selectors import latest_month
    from chanye.cultivation.analysis import analyze

    month = latest_month()
    for label in ("first", "again"):
        counts, seconds = analyze(month)
        print(f"analyze: chanye analyze --month {month:%Y-%m} ({label}): {seconds:.1f} s — {counts}")


def bench_cultivation(requests: int) -> None:
    """The cultivation pages over the analysed month (run after `analyze`), with the demo chain leaders seeded."""
    from django.test import Client

    from chanye.accounts.models import User
    from chanye.cultivation.models import ChainLeader
    from chanye.demo.leaders import seed_chain_leaders
    from chanye.demo.users import ensure_demo_users

    ensure_demo_users()
    t = time.perf_counter()
    n = seed_chain_leaders(seed=1)
    print(f"cultivation: seeded {n} chain leaders in {time.perf_counter() - t:.1f} s")
    leader = ChainLeader.objects.filter(status="listed").order_by("pk").first()
    for username in ("admin", "xianan"):
        c = Client()
        c.force_login(User.objects.get(username=username))
        pages = [
            ("alerts", "/alerts/"),
            ("alerts export", "/cultivation/alerts.xlsx"),
            ("quota+pool", "/cultivation/"),
            ("tiers", "/tiers/"),
            ("chain leaders", "/chain-leaders/"),
            ("api alerts", "/api/v1/alerts/?kind=exit_risk"),
        ]
        if leader is not None and username == "admin":
            pages.append(("leader page", f"/chain-leaders/{leader.pk}/"))
        for label, url in pages:
            assert c.get(url).status_code == 200, url
            samples = []
            for _ in range(max(5, requests // 3) if "export" in label else requests):
                t = time.perf_counter()
                assert c.get(url).status_code == 200
                samples.append((time.perf_counter() - t) * 1000)
            print(
                f"pages: {username:<7} {label:<14} "
                f"p50 {statistics.median(samples):6.1f} ms   p95 {p95(samples):6.1f} ms"
            )


def _generate_projects(n: int, last: object) -> None:
    """`n` deterministic projects (bulk, with their 12 planned milestones) signed from 2023 to `last`, most of their
    due milestones done, some issues; the portfolio a city of 7 counties might carry."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.db.models import F, Q

    from chanye.projects import bulk
    from chanye.projects import rules as project_rules
    from chanye.projects.models import Milestone, Project, ProjectIssue
    from chanye.regions.models import Region

    rng = random.Random(5)
    rules = project_rules.current()
    end = project_rules.month_end(last)  # type: ignore[arg-type]
    units = list(Region.objects.county_level())
    first = dt.date(2023, 1, 1)
    span = (end - first).days
    projects = []
    for i in range(n):
        county = units[i % len(units)]
        signed = None if rng.random() < 0.08 else first + dt.timedelta(days=rng.randrange(span))
        investment = Decimal(str(round(min(60.0, rng.lognormvariate(0.3, 1.2)), 4))) + Decimal("0.03")
        started = producing = exited = None
        if signed and rng.random() < 0.8:
            started = signed + dt.timedelta(days=rng.randint(15, 110))
            if started > end:
                started = None
        if started and rng.random() < 0.6:
            months = rules.production_months(investment) or 12  # synthetic build time when the pack has no bands
            producing = project_rules.add_months(started, months) + dt.timedelta(days=rng.randint(-60, 75))
            if producing > end:
                producing = None
        if signed and rng.random() < 0.03:
            exited = min(end, (started or signed) + dt.timedelta(days=rng.randint(30, 300)))
            producing = None if producing and producing >= exited else producing
        projects.append(
            Project(
                code=f"BENCH-{i:05d}",
                name=f"基准测试{i:05d}号工业项目",
                investor=f"基准测试投资{i % 997}有限公司",
                county=county,
                kind="upgrade" if rng.random() < 0.3 else "new",
                investment=investment,
                signed_on=signed,
                started_on=started,
                producing_on=producing,
                exited_on=exited,
                exit_reason="基准测试：投资方终止项目，责任单位书面说明。" if exited else "",
                exit_unit="经信局" if exited else "",
                expected_output=Decimal(rng.randint(300, 20000)) if rng.random() < 0.6 else None,
            )
        )
    bulk.do_create_projects(actor=SYSTEM, projects=projects, rules=rules, batch_size=2000)
    # Most milestones due by now were done on time; one project in ten lags behind.
    ids = Project.objects.filter(code__startswith="BENCH-").annotate(m=F("pk") % 10).filter(m__gt=0)
    Milestone.objects.filter(project__in=ids, planned_on__lt=end, actual_on__isnull=True).update(
        actual_on=F("planned_on")
    )
    issues = []
    pks = list(Project.objects.filter(code__startswith="BENCH-").exclude(signed_on=None).values_list("pk", "signed_on"))
    for pk, signed in rng.sample(pks, 2000):
        raised = signed + dt.timedelta(days=rng.randint(5, 90))
        if raised > end:
            continue
        closed = raised + dt.timedelta(days=rng.randint(3, 60)) if rng.random() < 0.7 else None
        closed = closed if closed and closed <= end else None
        issues.append(
            ProjectIssue(
                project_id=pk,
                raised_on=raised,
                content="基准测试问题",
                department=rng.choice(["自然资源局", "住建局", "供电公司", "生态环境局", "发改局"]),
                status="closed" if closed else "assigned",
                assigned_on=raised,
                due_on=raised + dt.timedelta(days=30),
                closed_on=closed,
                closing_note="已办" if closed else "",
            )
        )
    ProjectIssue.objects.bulk_create(issues, batch_size=2000)
    assert not Project.objects.filter(Q(code__startswith="BENCH-") & Q(status="")).exists()


def bench_projects(n: int, pack: Path) -> None:
    """Issue 5: 20,000 projects — monthly grading (XN-XM-5), the bulletin's figures (YY-P-3), .docx and .xlsx.
    Target: grading + bulletin under 10 s."""
    import datetime as dt

    from django.core.management import call_command

    from chanye.core import access
    from chanye.industry.services import do_load_pack
    from chanye.projects import bulletin, indicators, reports
    from chanye.projects.models import Milestone, Project
    from chanye.projects.services import do_grade_month

    call_command("migrate", interactive=False, verbosity=0)
    do_load_pack(actor=access.system("bench"), path=pack)
    last = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    have = Project.objects.filter(code__startswith="BENCH-").count()
    if have == n:
        print(f"projects: {have} projects already present, reused")
    else:
        if have:
            Project.objects.filter(code__startswith="BENCH-").delete()
        t = time.perf_counter()
        _generate_projects(n, last)
        from django.db import connection

        with connection.cursor() as c:
            c.execute("ANALYZE")
        print(
            f"projects: generated {Project.objects.count()} projects, {Milestone.objects.count()} milestones "
            f"in {time.perf_counter() - t:.1f} s"
        )
    prev = (last - dt.timedelta(days=1)).replace(day=1)
    # Every run grades as a city would for the first time: no history, every project at the initial grade, so the
    # grades really change (and are written back to the projects) each month.
    from chanye.projects import rules as project_rules
    from chanye.projects.models import ProjectMonth

    ProjectMonth.objects.filter(project__code__startswith="BENCH-").delete()
    Project.objects.filter(code__startswith="BENCH-").update(grade=project_rules.current().initial_grade)
    t = time.perf_counter()
    do_grade_month(actor=SYSTEM, month=prev)
    print(f"projects: do_grade_month {prev:%Y-%m} (previous month): {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    counts = do_grade_month(actor=SYSTEM, month=last)
    grading = time.perf_counter() - t
    print(f"projects: do_grade_month {last:%Y-%m}: {grading:.2f} s — {counts}")
    t = time.perf_counter()
    d = bulletin.bulletin(last)
    figures = time.perf_counter() - t
    print(
        f"projects: bulletin figures {last:%Y-%m} (city): {figures:.2f} s — {d['board']['total']} projects, "
        f"{d['overdue']['milestones']} overdue milestones, {d['changes']['changed']} colour changes"
    )
    t = time.perf_counter()
    docx = reports.bulletin_docx(d)
    t_docx = time.perf_counter() - t
    t = time.perf_counter()
    xlsx = reports.bulletin_xlsx(d)
    t_xlsx = time.perf_counter() - t
    print(
        f"projects: bulletin .docx {t_docx:.2f} s ({len(docx) // 1024} KB), "
        f".xlsx {t_xlsx:.2f} s ({len(xlsx) // 1024} KB)"
    )
    t = time.perf_counter()
    docx = reports.bulletin_docx(d)
    print(f"projects: bulletin .docx again (charts warm) {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    from chanye.targets.indicators import store_provided

    rows = store_provided(indicators.PROVIDER, last.year, last)
    print(f"projects: project indicators {last.year} ({rows} values): {time.perf_counter() - t:.2f} s")
    total = grading + figures + t_docx + t_xlsx
    print(f"projects: grading + bulletin figures + .docx + .xlsx = {total:.2f} s (target < 10 s)")

    from django.test import Client

    from chanye.accounts.models import User
    from chanye.demo.users import ensure_demo_users

    ensure_demo_users()
    for username in ("admin", "xianan"):
        c = Client()
        c.force_login(User.objects.get(username=username))
        for label, url in (
            ("bulletin page", f"/projects/bulletin/?month={last:%Y-%m}"),
            ("growth points", "/projects/growth-points/"),
            ("tech upgrade", "/projects/tech-upgrade/"),
            ("board", "/projects/"),
            ("board overdue", "/projects/?overdue=1"),
            ("portfolio gantt", "/projects/gantt/"),
            ("api projects", "/api/v1/projects/"),
        ):
            assert c.get(url).status_code == 200, url
            samples = []
            for _ in range(5):
                t = time.perf_counter()
                assert c.get(url).status_code == 200
                samples.append((time.perf_counter() - t) * 1000)
            print(
                f"pages: {username:<7} {label:<14} "
                f"p50 {statistics.median(samples):6.1f} ms   max {max(samples):6.1f} ms"
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--enterprises", type=int, default=100_000)
    ap.add_argument("--months", type=int, default=60)
    ap.add_argument("--import-rows", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=30)
    ap.add_argument("--projects", type=int, default=20_000)
    ap.add_argument("--pack", default=str(ROOT / "packs" / "xianning-2025.yaml"))
    ap.add_argument("--fresh", action="store_true", help="drop and rebuild the bench database first")
    ap.add_argument(
        "--only",
        choices=["dataset", "import", "pages", "indicators", "analyze", "cultivation", "projects"],
        action="append",
    )
    args = ap.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if args.fresh and url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
            check=True,
        )
    ensure_database(url)
    setup(url)
    only = set(args.only or ["dataset", "import", "pages", "indicators", "analyze", "cultivation", "projects"])
    print(f"database: {url}")
    if "dataset" in only:
        bench_dataset(args.enterprises, args.months, Path(args.pack))
    if "import" in only:
        bench_import(args.import_rows)
    if "pages" in only:
        bench_pages(args.requests)
    if "indicators" in only:
        bench_indicators(args.requests)
    if "analyze" in only:
        bench_analyze()
    if "cultivation" in only:
        bench_cultivation(args.requests)
    if "projects" in only:
        bench_projects(args.projects, Path(args.pack))


if __name__ == "__main__":
    main()
