"""The invoice store: VAT invoice lines as Parquet files under the data directory, one folder per month.

`DATA_DIR/invoices/month=YYYY-MM/*.parquet` (hive partitioning), columns `INVOICE_SCHEMA`. Invoice lines never go
into Django tables: a city has 10⁷–10⁸ of them a year. Re-importing a month replaces that month's folder whole (the
new files are written beside it first, then swapped in), so a reader sees either the old month or the new one.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

from django.conf import settings

# Column → DuckDB type of a stored invoice line. Amounts in 元 (as on the invoice), exact.
INVOICE_SCHEMA: dict[str, str] = {
    "seller_uscc": "VARCHAR",
    "buyer_uscc": "VARCHAR",
    "seller_name": "VARCHAR",  # as on the invoice, where the file gives it
    "buyer_name": "VARCHAR",
    "seller_region": "VARCHAR",  # GB/T 2260 six-digit code: the file's, else the USCC's 3rd–8th characters
    "buyer_region": "VARCHAR",
    "date": "DATE",
    "tax_code": "VARCHAR",  # 商品和服务税收分类编码
    "product": "VARCHAR",  # 货物或应税劳务、服务名称
    "industry_code": "VARCHAR",  # GB/T 4754 where the file gives it
    "amount": "DECIMAL(18,2)",  # 金额（不含税），元; red-letter (红字) lines are negative
    "tax": "DECIMAL(18,2)",  # 税额，元
}


def root() -> Path:
    """The store's folder (`CHANYE_INVOICE_DIR`, else `DATA_DIR/invoices`)."""
    return Path(os.environ.get("CHANYE_INVOICE_DIR") or Path(settings.DATA_DIR) / "invoices")


def month_dir(month: str) -> Path:
    return root() / f"month={month}"


def months() -> list[str]:
    """The stored months, 'YYYY-MM', oldest first."""
    base = root()
    if not base.exists():
        return []
    return sorted(
        p.name.split("=", 1)[1]
        for p in base.iterdir()
        if p.is_dir() and p.name.startswith("month=") and any(p.glob("*.parquet"))
    )


def signature() -> str:
    """What identifies the stored lines: the store's folder and each month folder with its modification time (a
    re-import renames a new folder in, a clear removes them), for caching figures read from them."""
    base = root()
    parts = [str(base)]
    if base.exists():
        parts += [f"{p.name}@{p.stat().st_mtime_ns}" for p in sorted(base.iterdir()) if p.name.startswith("month=")]
    return "|".join(parts)


def glob(month: str | None = None) -> str:
    """The Parquet files of one month, or of every month (with the `month` column from the folder names)."""
    return str((month_dir(month) if month else root() / "month=*") / "*.parquet")


def staging() -> Path:
    """A fresh folder inside the store for files being written (same file system: the swap is a rename)."""
    path = root() / f".staging-{uuid.uuid4().hex}"
    path.mkdir(parents=True)
    return path


def swap_in(staged: Path) -> list[str]:
    """Replace each month found in `staged` (`month=YYYY-MM` folders) by the staged one; return those months."""
    done = []
    for new in sorted(p for p in staged.iterdir() if p.is_dir() and p.name.startswith("month=")):
        target = root() / new.name
        old = root() / f".old-{new.name}-{uuid.uuid4().hex}"
        if target.exists():
            target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
        done.append(new.name.split("=", 1)[1])
    shutil.rmtree(staged, ignore_errors=True)
    return done


def rejected_dir() -> Path:
    path = root() / "rejected"
    path.mkdir(parents=True, exist_ok=True)
    return path


def clear() -> None:
    """Remove every stored invoice (the demo's --reset)."""
    shutil.rmtree(root(), ignore_errors=True)
