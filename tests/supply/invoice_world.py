"""A small, hand-worked invoice world on the mini pack (咸安区 421202, 嘉鱼县 421221, city 421200).

Buyers in the registry: A (咸安), B (嘉鱼). Suppliers: S1 (registry, 咸安), S2 (registry, 嘉鱼), X1 (not in the
registry, region 421202: in the city, in 咸安), X2 (武汉 420100), X3 (苏州: no region column, its USCC says 320500).

2026-03, amounts in 元:
  A ← S1 10,000; S2 20,000; X1 30,000; X2 40,000; X3 100,000; X2 −10,000 (red-letter)
      total 190,000 = 19 万元; local S1+S2+X1 = 60,000 = 6 万元 → 31.58 %; same county S1+X1 = 4 万元 → 21.05 %
  B ← S1 50,000; X2 50,000: total 10 万元, local 5 → 50.00 %, same county 0 → 0.00 %
  X3 ← X2 7,000: neither party in the registry (kept, counted nowhere)
2026-04: A ← S1 5,000 (another month)
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from chanye.core.uscc_gen import make_uscc
from tests.factories import EnterpriseFactory

HEADER = [
    "销方统一社会信用代码",
    "购方统一社会信用代码",
    "销方地区代码",
    "购方地区代码",
    "开票日期",
    "货物或应税劳务名称",
    "金额",
    "税额",
]


def world(regions) -> dict[str, str]:
    rng = random.Random(7)
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    firms = {
        "A": EnterpriseFactory(county=xa, name="咸安买方机电有限公司"),
        "B": EnterpriseFactory(county=jy, name="嘉鱼买方食品有限公司"),
        "S1": EnterpriseFactory(county=xa, name="咸安配套零件有限公司"),
        "S2": EnterpriseFactory(county=jy, name="嘉鱼配套包装有限公司"),
    }
    codes = {k: e.uscc for k, e in firms.items()}
    codes["X1"] = make_uscc(rng, "421202")
    codes["X2"] = make_uscc(rng, "420100")
    codes["X3"] = make_uscc(rng, "320500")
    return codes


def lines(c: dict[str, str]) -> list[list[str]]:
    """The March and April lines above; X3's region column left empty (taken from its USCC)."""
    region = {"X1": "421202", "X2": "420100", "X3": ""}

    def row(seller: str, buyer: str, day: str, amount: str) -> list[str]:
        return [c[seller], c[buyer], region.get(seller, ""), region.get(buyer, ""), day, "零件", amount, ""]

    return [
        row("S1", "A", "2026-03-02", "10000"),
        row("S2", "A", "2026-03-05", "20,000.00"),
        row("X1", "A", "2026/03/09", "30000"),
        row("X2", "A", "20260311", "40000"),
        row("X3", "A", "2026-03-15", "100000"),
        row("X2", "A", "2026-03-20", "-10000"),
        row("S1", "B", "2026-03-21", "50000"),
        row("X2", "B", "2026-03-22", "50000"),
        row("X2", "X3", "2026-03-23", "7000"),
        row("S1", "A", "2026-04-01", "5000"),
    ]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path
