"""mypy with a baseline that only shrinks (`make lint`).

The modules listed strict in pyproject.toml ([[tool.mypy.overrides]]) must have no error at all. Elsewhere, each file
may have at most the number of errors recorded in mypy-baseline.json: a file with more fails, a file with fewer is
reported so the baseline can be lowered (`--update` rewrites it; it never raises a count).

    .venv/bin/python scripts/mypy_baseline.py            # check
    .venv/bin/python scripts/mypy_baseline.py --update   # record the (lower) counts
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.json"
LINE = re.compile(r"^(?P<file>[^:]+\.py):\d+: error: ")


def run_mypy() -> tuple[Counter[str], list[str]]:
    out = subprocess.run(
        [sys.executable, "-m", "mypy", "chanye"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    lines = [ln for ln in out.splitlines() if LINE.match(ln)]
    return Counter(LINE.match(ln)["file"] for ln in lines), lines  # type: ignore[index]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--update", action="store_true", help="lower the baseline to the current counts")
    args = parser.parse_args()
    counts, lines = run_mypy()
    baseline: dict[str, int] = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    worse = {f: n for f, n in counts.items() if n > baseline.get(f, 0)}
    better = {f: (baseline[f], counts.get(f, 0)) for f in baseline if counts.get(f, 0) < baseline[f]}
    if args.update:
        if worse and BASELINE.exists():
            print("mypy: refusing to raise the baseline for:", ", ".join(sorted(worse)))
            return 1
        BASELINE.write_text(json.dumps(dict(sorted(counts.items())), indent=1, ensure_ascii=False) + "\n")
        print(f"mypy: baseline written, {sum(counts.values())} errors in {len(counts)} files")
        return 0
    for f, (was, now) in sorted(better.items()):
        print(f"mypy: {f} is down from {was} to {now} errors — run scripts/mypy_baseline.py --update")
    if worse:
        for f in sorted(worse):
            print(f"mypy: {f}: {counts[f]} errors, baseline {baseline.get(f, 0)}")
            for ln in lines:
                if ln.startswith(f + ":"):
                    print("   ", ln)
        return 1
    print(f"mypy: {sum(counts.values())} errors in {len(counts)} files, none above the baseline")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
