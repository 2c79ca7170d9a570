"""Import of VAT invoice-line files (CSV, .xlsx, Parquet) into the invoice store (`store`), checked in DuckDB.

Every line is checked at once, in SQL, without a Python loop over lines: both parties' 统一社会信用代码 (length,
characters, check character — computed once per distinct code), the date, the amount and tax, the region codes.

- A **small file** (an .xlsx, or up to `SMALL_FILE_LINES` lines) follows the rule of every import: any bad line
  and nothing is written; the person importing sees each bad line's row, column, value and reason in Chinese.
- A **large file** cannot be refused whole for one bad line out of 10⁸: its good lines are stored, its bad lines go
  to a rejected-lines file (`DATA_DIR/invoices/rejected/`, the original values with row, column and reason), and the
  summary says how many of each and where that file is. docs/supply.md says so too.

Each month the file holds replaces that month in the store (re-importing a month is idempotent). The batch is kept
as an `ImportBatch` (kind `invoices`) and audited.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from chanye.core import audit
from chanye.core.models import AuditAction, ImportBatch
from chanye.core.text import squash
from chanye.core.uscc import ALPHABET, WEIGHTS
from chanye.supply import store

KIND = "invoices"
TITLE = "增值税发票明细"
SMALL_FILE_LINES = 100_000
MAX_ERRORS_SHOWN = 1000

# key → (label on the template, aliases, required)
COLUMNS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "seller_uscc": (
        "销方统一社会信用代码",
        ("销方税号", "销方纳税人识别号", "销售方纳税人识别号", "销售方统一社会信用代码", "销方识别号", "seller_uscc"),
        True,
    ),
    "buyer_uscc": (
        "购方统一社会信用代码",
        ("购方税号", "购方纳税人识别号", "购买方纳税人识别号", "购买方统一社会信用代码", "购方识别号", "buyer_uscc"),
        True,
    ),
    "seller_name": ("销方名称", ("销售方名称", "销方企业名称", "seller_name"), False),
    "buyer_name": ("购方名称", ("购买方名称", "购方企业名称", "buyer_name"), False),
    "seller_region": (
        "销方地区代码",
        ("销方行政区划代码", "销方所在地区代码", "销售方地区代码", "seller_region"),
        False,
    ),
    "buyer_region": ("购方地区代码", ("购方行政区划代码", "购方所在地区代码", "购买方地区代码", "buyer_region"), False),
    "date": ("开票日期", ("日期", "发票日期", "date", "invoice_date"), True),
    "tax_code": ("税收分类编码", ("商品和服务税收分类编码", "税收分类代码", "商品编码", "tax_code"), False),
    "product": (
        "货物或应税劳务名称",
        ("货物或应税劳务、服务名称", "商品名称", "项目名称", "货物名称", "product", "product_name"),
        False,
    ),
    "industry_code": ("行业代码", ("国民经济行业代码", "国民经济行业分类代码", "行业分类代码", "industry_code"), False),
    "amount": ("金额", ("不含税金额", "金额（不含税）", "amount"), True),
    "tax": ("税额", ("tax",), False),
}
_UNIT = re.compile(r"^(.*?)[(（\[【]([^()（）\[\]【】]*)[)）\]】]$")
_AMOUNT_UNITS = {"元": 1, "万元": 10000}
_DATE_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日", "%Y.%m.%d"]


class InvoiceFileError(Exception):
    """The file as a whole cannot be used (unreadable, empty, a required column missing); the message is Chinese."""


@dataclass
class InvoiceImport:
    batch: ImportBatch
    lines: int = 0
    stored: int = 0
    rejected: int = 0
    months: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # row, column, value, message
    summary: list[dict[str, str]] = field(default_factory=list)  # level, text
    rejected_file: Path | None = None

    @property
    def ok(self) -> bool:
        return self.batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.VALID)


def _header_key(name: str) -> tuple[str | None, str]:
    """The column key a header names, and the unit it carries ('' when none)."""
    text = squash(str(name or ""))
    unit = ""
    if m := _UNIT.match(text):
        text, unit = m.group(1), m.group(2)
    for key, (label, aliases, _) in COLUMNS.items():
        if text in {squash(label), *(squash(a) for a in aliases)}:
            return key, unit
    return None, unit


def _utf8_copy(path: Path, work: Path) -> Path:
    """`path` itself when it is UTF-8 (with or without BOM); else a UTF-8 copy (offices save CSV as GBK/GB18030),
    converted in a stream."""
    with path.open("rb") as f:
        head = f.read(1 << 16)
    try:
        head.decode("utf-8")
        return path
    except UnicodeDecodeError as e:
        if e.start > len(head) - 4:  # a character cut at the end of the sample
            return path
    out = work / "utf8.csv"
    decoder = codecs.getincrementaldecoder("gb18030")()
    with path.open("rb") as src, out.open("w", encoding="utf-8") as dst:
        while chunk := src.read(1 << 22):
            dst.write(decoder.decode(chunk))
        dst.write(decoder.decode(b"", final=True))
    return out


def _xlsx_table(path: Path) -> Any:
    """An .xlsx's first sheet as an Arrow table of text (header row first), through the project's sheet reader."""
    import pyarrow as pa

    from chanye.core.imports.reader import SheetError, read_sheet

    try:
        sheet = read_sheet(path.read_bytes(), path.name)
    except SheetError as e:
        raise InvoiceFileError(str(e)) from e
    rows = [r for r in sheet.rows if any(v not in (None, "") for v in r)]
    if not rows:
        raise InvoiceFileError("文件是空的。")
    header = [str(h or f"列{i + 1}") for i, h in enumerate(rows[0])]

    def text(v: Any) -> str | None:
        if v is None or v == "":
            return None
        if isinstance(v, dt.datetime):
            return v.strftime("%Y-%m-%d")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    cols = [[text(r[i]) if i < len(r) else None for r in rows[1:]] for i in range(len(header))]
    return pa.table([pa.array(c, type=pa.string()) for c in cols], names=[f"c{i}" for i in range(len(header))]), header


def _source(con: Any, path: Path, work: Path) -> tuple[list[str], bool]:
    """Register the file as the DuckDB view `src` (columns c0…, all text, plus `_row`: the row number the person
    sees — the header is row 1); return its headers and whether it is an .xlsx."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        table, header = _xlsx_table(path)
        con.register("src_arrow", table)
        cols = ", ".join(f"c{i}" for i in range(len(header)))
        con.execute(f"CREATE TEMP TABLE src AS SELECT row_number() OVER () + 1 AS _row, {cols} FROM src_arrow")
        return header, True
    if suffix == ".parquet":
        rel = f"read_parquet('{_sql_path(path)}')"
    elif suffix in (".csv", ".txt"):
        csv_path = _utf8_copy(path, work)
        rel = f"read_csv('{_sql_path(csv_path)}', all_varchar = true, header = true, sample_size = -1)"
    elif suffix == ".xls":
        raise InvoiceFileError("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 后重试。")
    else:
        raise InvoiceFileError(f"不支持的文件类型“{suffix or '无扩展名'}”：请使用 .csv、.xlsx 或 .parquet 文件。")
    try:
        header = [d[0] for d in con.execute(f"SELECT * FROM {rel} LIMIT 0").description]
    except Exception as e:  # duckdb.Error: a file DuckDB cannot parse
        raise InvoiceFileError(f"文件无法读取：{_duck_reason(e)}") from e
    cols = ", ".join(f'CAST("{h}" AS VARCHAR) AS c{i}' for i, h in enumerate(header))
    con.execute(f"CREATE TEMP TABLE src AS SELECT row_number() OVER () + 1 AS _row, {cols} FROM {rel}")
    return header, False


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _duck_reason(e: Exception) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    return text[:200]


_USCC_MACROS = f"""
CREATE OR REPLACE TEMP MACRO uscc_check(c) AS substr('{ALPHABET}',
    CAST(((31 - list_sum(list_transform(range(17),
        i -> (strpos('{ALPHABET}', substr(c, i + 1, 1)) - 1) * {list(WEIGHTS)}[i + 1])) % 31) % 31) + 1 AS BIGINT), 1);
CREATE OR REPLACE TEMP MACRO uscc_problem(c) AS CASE
    WHEN c IS NULL OR c = '' THEN '缺少统一社会信用代码'
    WHEN length(c) <> 18 THEN '应为18位，实际为' || length(c) || '位'
    WHEN NOT regexp_full_match(c, '[{ALPHABET}]{{18}}')
        THEN '含有不允许的字符（统一社会信用代码只用数字和大写字母，不用 I、O、Z、S、V）'
    WHEN NOT regexp_full_match(substr(c, 3, 6), '[0-9]{{6}}') THEN '第3—8位应为行政区划码（数字）'
    WHEN substr(c, 18, 1) <> uscc_check(c) THEN '校验位错误：按前17位计算应为“' || uscc_check(c) || '”'
    END;
"""


def _clean(key: str, col: str | None) -> str:
    """The SQL of a column's cleaned text."""
    if col is None:
        return "CAST(NULL AS VARCHAR)"
    if key in ("seller_uscc", "buyer_uscc"):
        return f"upper(replace(replace(trim({col}), ' ', ''), '　', ''))"
    return f"nullif(trim({col}), '')"


def check_and_stage(con: Any, mapping: dict[str, tuple[str, int]]) -> None:
    """From `src` (text columns mapped by `mapping`: key → (column, unit factor)), build `checked`: one row per line
    with the stored columns and, for a bad line, its first problem (`bad_column`, `bad_value`, `bad_reason`)."""
    col = {k: c for k, (c, _) in mapping.items()}
    factor = {k: f for k, (_, f) in mapping.items()}
    con.execute(_USCC_MACROS)
    clean = {k: _clean(k, col.get(k)) for k in COLUMNS}
    con.execute(
        "CREATE TEMP TABLE lines AS SELECT _row, " + ", ".join(f"{clean[k]} AS {k}_txt" for k in COLUMNS) + " FROM src"
    )
    # The check character once per distinct code, not once per line.
    con.execute(
        "CREATE TEMP TABLE codes AS SELECT code, uscc_problem(code) AS problem FROM "
        "(SELECT seller_uscc_txt AS code FROM lines UNION SELECT buyer_uscc_txt FROM lines)"
    )
    formats = "[" + ", ".join(f"'{f}'" for f in _DATE_FORMATS) + "]"

    def number(k: str) -> str:
        return f"TRY_CAST(replace(replace({k}_txt, ',', ''), '，', '') AS DECIMAL(18, 2)) * {factor.get(k, 1)}"

    con.execute(
        f"""
        CREATE TEMP TABLE checked AS
        SELECT l.*,
            CAST(try_strptime(l.date_txt, {formats}) AS DATE) AS date_v,
            {number("amount")} AS amount_v,
            {number("tax")} AS tax_v,
            s.problem AS seller_problem, b.problem AS buyer_problem
        FROM lines l
        LEFT JOIN codes s ON s.code IS NOT DISTINCT FROM l.seller_uscc_txt
        LEFT JOIN codes b ON b.code IS NOT DISTINCT FROM l.buyer_uscc_txt
        """
    )
    region = "regexp_full_match({0}, '[0-9]{{6}}')"
    label = {k: COLUMNS[k][0] for k in COLUMNS}
    cases = [
        ("seller_uscc", "seller_problem IS NOT NULL", "seller_problem"),
        ("buyer_uscc", "buyer_problem IS NOT NULL", "buyer_problem"),
        ("seller_uscc", "seller_uscc_txt = buyer_uscc_txt", "'销方与购方是同一家企业'"),
        ("date", "date_txt IS NULL", "'缺少开票日期'"),
        ("date", "date_v IS NULL", "'日期无法识别（应为 2026-01-15 这样的日期）'"),
        ("date", "date_v > current_date + 1", "'开票日期在今天之后'"),
        ("amount", "amount_txt IS NULL", "'缺少金额'"),
        ("amount", "amount_v IS NULL", "'金额不是数字'"),
        ("tax", "tax_txt IS NOT NULL AND tax_v IS NULL", "'税额不是数字'"),
        (
            "seller_region",
            f"seller_region_txt IS NOT NULL AND NOT {region.format('seller_region_txt')}",
            "'地区代码应为6位数字（GB/T 2260）'",
        ),
        (
            "buyer_region",
            f"buyer_region_txt IS NOT NULL AND NOT {region.format('buyer_region_txt')}",
            "'地区代码应为6位数字（GB/T 2260）'",
        ),
    ]
    column_case = " ".join(f"WHEN {cond} THEN '{label[k]}'" for k, cond, _ in cases)
    value_case = " ".join(f"WHEN {cond} THEN {k}_txt" for k, cond, _ in cases)
    reason_case = " ".join(f"WHEN {cond} THEN {reason}" for _, cond, reason in cases)
    con.execute(
        f"""
        CREATE TEMP TABLE judged AS SELECT *,
            CASE {column_case} END AS bad_column,
            CASE {value_case} END AS bad_value,
            CASE {reason_case} END AS bad_reason
        FROM checked
        """
    )


_STORED_SELECT = """
    seller_uscc_txt AS seller_uscc, buyer_uscc_txt AS buyer_uscc, seller_name_txt AS seller_name,
    buyer_name_txt AS buyer_name,
    coalesce(seller_region_txt, substr(seller_uscc_txt, 3, 6)) AS seller_region,
    coalesce(buyer_region_txt, substr(buyer_uscc_txt, 3, 6)) AS buyer_region,
    date_v AS date, tax_code_txt AS tax_code, product_txt AS product, industry_code_txt AS industry_code,
    amount_v AS amount, tax_v AS tax, strftime(date_v, '%Y-%m') AS month
"""


def import_invoices(
    path: Path,
    *,
    user: Any,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> InvoiceImport:
    """Check and store an invoice-line file (see the module docstring). Never raises for bad input: the outcome
    says what happened, in Chinese."""
    progress = progress or (lambda pct: None)
    batch = ImportBatch.objects.create(
        kind=KIND,
        filename=path.name[:255],
        sha256=_sha256(path),
        user=user if getattr(user, "pk", None) else None,
        dry_run=dry_run,
    )
    outcome = InvoiceImport(batch=batch)
    try:
        _run(path, outcome, dry_run=dry_run, progress=progress)
    except InvoiceFileError as e:
        outcome.errors = [{"row": 0, "column": "", "value": "", "message": str(e)}]
        _finish(outcome, ImportBatch.Status.INVALID, user)
        return outcome
    if outcome.stored:
        _nowcast(outcome, user)
    status = ImportBatch.Status.INVALID if outcome.errors and not outcome.stored else ImportBatch.Status.DONE
    if dry_run and not outcome.errors:
        status = ImportBatch.Status.VALID
    _finish(outcome, status, user)
    return outcome


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _run(path: Path, outcome: InvoiceImport, *, dry_run: bool, progress: Callable[[int], None]) -> None:
    import duckdb

    # The work tables live in a DuckDB file beside the store (not in memory): a file of 10⁸ lines spills to disk
    # instead of filling the machine's memory.
    store.root().mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=store.root(), prefix=".import-") as tmp:
        con = duckdb.connect(
            str(Path(tmp) / "work.duckdb"),
            config={
                "threads": 2,
                "autoinstall_known_extensions": False,
                "memory_limit": os.environ.get("CHANYE_IMPORT_MEMORY", "4GB"),
                "temp_directory": str(Path(tmp) / "spill"),
                "preserve_insertion_order": True,
            },
        )
        try:
            header, is_xlsx = _source(con, path, Path(tmp))
            progress(20)
            mapping, unused = _map_columns(header)
            outcome.lines = _count(con, "SELECT count(*) FROM src")
            if not outcome.lines:
                raise InvoiceFileError("文件中没有发票明细行。")
            check_and_stage(con, mapping)
            progress(50)
            bad = _count(con, "SELECT count(*) FROM judged WHERE bad_reason IS NOT NULL")
            small = is_xlsx or outcome.lines <= SMALL_FILE_LINES
            errors = con.execute(
                "SELECT _row, bad_column, bad_value, bad_reason FROM judged WHERE bad_reason IS NOT NULL "
                f"ORDER BY _row LIMIT {MAX_ERRORS_SHOWN}"
            ).fetchall()
            outcome.errors = [
                {"row": int(r), "column": c, "value": (v or "")[:100], "message": m} for r, c, v, m in errors
            ]
            if unused:
                outcome.summary.append(
                    {"level": "info", "text": f"未使用的列：{'、'.join(unused)}（不是发票明细的已知列）。"}
                )
            if bad and small:
                more = f"（只列出前 {MAX_ERRORS_SHOWN} 处）" if bad > MAX_ERRORS_SHOWN else ""
                outcome.summary.append(
                    {"level": "warning", "text": f"共 {bad} 行有错误{more}，整个文件未写入：请改正后重新导入。"}
                )
                return
            outcome.rejected = bad
            if bad:
                outcome.rejected_file = _write_rejected(con, outcome.batch.pk)
            good = outcome.lines - bad
            outcome.months = [
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT strftime(date_v, '%Y-%m') FROM judged WHERE bad_reason IS NULL ORDER BY 1"
                ).fetchall()
            ]
            if dry_run:
                outcome.summary.append({"level": "info", "text": f"校验通过 {good} 行；仅校验，未写入。"})
                return
            staged = store.staging()
            con.execute(
                f"COPY (SELECT {_STORED_SELECT} FROM judged WHERE bad_reason IS NULL) TO '{_sql_path(staged)}' "
                "(FORMAT parquet, PARTITION_BY (month), COMPRESSION zstd)"
            )
            progress(90)
            store.swap_in(staged)
            outcome.stored = good
            _describe(con, outcome, mapping)
        finally:
            con.close()
    progress(100)


def _nowcast(outcome: InvoiceImport, user: Any) -> None:
    """After the lines are stored: the 小升规 nowcast of the months they cover (`services.do_nowcast`). The lines stay
    stored if it fails; the summary says how to run it again."""
    from chanye.supply.services import do_nowcast

    try:
        result = do_nowcast(actor=user, months=outcome.months)
    except Exception as exc:  # the import itself succeeded: say what did not
        outcome.summary.append(
            {
                "level": "warning",
                "text": f"发票已保存，但未规上企业开票销售额的汇总没有完成（{exc}）：请稍后运行 "
                f"chanye supply nowcast --year {outcome.months[-1][:4]}。",
            }
        )
        return
    outcome.summary.append({"level": "info", "text": result.summary()})


def _count(con: Any, sql: str) -> int:
    row = con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _map_columns(header: list[str]) -> tuple[dict[str, tuple[str, int]], list[str]]:
    mapping: dict[str, tuple[str, int]] = {}
    unused = []
    for i, h in enumerate(header):
        key, unit = _header_key(h)
        if key is None or key in mapping:
            unused.append(str(h))
            continue
        factor = 1
        if key in ("amount", "tax") and unit:
            if unit not in _AMOUNT_UNITS:
                raise InvoiceFileError(f"［{h}］的单位“{unit}”无法识别：金额应以元或万元为单位。")
            factor = _AMOUNT_UNITS[unit]
        mapping[key] = (f"c{i}", factor)
    missing = [COLUMNS[k][0] for k, (_, _, required) in COLUMNS.items() if required and k not in mapping]
    if missing:
        raise InvoiceFileError(
            f"缺少必需的列：{'、'.join(missing)}。文件的列为：{'、'.join(str(h) for h in header) or '（无）'}。"
        )
    return mapping, unused


def _write_rejected(con: Any, batch_id: int) -> Path:
    """The bad lines, with their row number, column, value and reason, as a UTF-8 (BOM, opens in Excel) CSV."""
    out = store.rejected_dir() / f"invoices-{batch_id}-rejected.csv"
    tmp = out.with_suffix(".tmp")
    con.execute(
        f"""COPY (SELECT _row AS "行号", bad_column AS "列", bad_value AS "值", bad_reason AS "原因",
                seller_uscc_txt AS "销方统一社会信用代码", buyer_uscc_txt AS "购方统一社会信用代码",
                date_txt AS "开票日期", amount_txt AS "金额"
            FROM judged WHERE bad_reason IS NOT NULL ORDER BY _row) TO '{_sql_path(tmp)}' (HEADER, DELIMITER ',')"""
    )
    with tmp.open("rb") as src, out.open("wb") as dst:
        dst.write(codecs.BOM_UTF8)
        while chunk := src.read(1 << 22):
            dst.write(chunk)
    tmp.unlink()
    return out


def _describe(con: Any, outcome: InvoiceImport, mapping: dict[str, tuple[str, int]]) -> None:
    """What the file fed and what it could not (issue 13's rule: every import says what it could not use)."""
    from chanye.supply.selectors import registry_firms

    firms = registry_firms()
    con.register("reg", firms)
    buyers, sellers, unlinked = con.execute(
        """SELECT count(DISTINCT j.buyer_uscc_txt) FILTER (WHERE rb.uscc IS NOT NULL),
                  count(DISTINCT j.seller_uscc_txt) FILTER (WHERE rs.uscc IS NOT NULL),
                  count(*) FILTER (WHERE rb.uscc IS NULL AND rs.uscc IS NULL)
           FROM judged j LEFT JOIN reg rb ON rb.uscc = j.buyer_uscc_txt LEFT JOIN reg rs ON rs.uscc = j.seller_uscc_txt
           WHERE j.bad_reason IS NULL"""
    ).fetchone()
    months = "、".join(outcome.months)
    outcome.summary.append(
        {
            "level": "info",
            "text": f"已保存 {outcome.stored} 行发票明细，月份：{months}（这些月份原有的发票明细已被替换）。",
        }
    )
    outcome.summary.append(
        {
            "level": "info",
            "text": f"购方中有 {buyers} 家、销方中有 {sellers} 家是企业库中的企业；其余作为外部往来单位保留。",
        }
    )
    if unlinked:
        outcome.summary.append(
            {"level": "warning", "text": f"{unlinked} 行的购方和销方都不在企业库中：保存了，但不计入任何本地配套率。"}
        )
    for key, label in (("seller_region", "销方地区代码"), ("buyer_region", "购方地区代码")):
        if key not in mapping:
            outcome.summary.append(
                {
                    "level": "info",
                    "text": f"文件没有“{label}”列：按统一社会信用代码第3—8位（登记机关行政区划）判断所在地；"
                    "企业库中的企业按其所属区县。",
                }
            )
    if "industry_code" not in mapping and "tax_code" not in mapping and "product" not in mapping:
        outcome.summary.append(
            {"level": "warning", "text": "文件没有商品名称、税收分类编码或行业代码：外购产品无法对应到产业链环节。"}
        )
    if outcome.rejected:
        outcome.summary.append(
            {
                "level": "warning",
                "text": f"{outcome.rejected} 行有错误，未保存（大文件不因个别错误整体拒收）：逐行原因见 "
                f"{outcome.rejected_file}。",
            }
        )


def _finish(outcome: InvoiceImport, status: str, user: Any) -> None:
    b = outcome.batch
    b.status = status
    b.rows = outcome.lines
    b.created = outcome.stored
    b.errors = outcome.errors if status == ImportBatch.Status.INVALID else []
    b.warnings = outcome.errors if status != ImportBatch.Status.INVALID else []
    b.summary = outcome.summary
    b.progress = 100
    b.finished_at = timezone.now()
    b.save()
    audit.record(
        actor=user,
        action=AuditAction.IMPORT,
        obj=b,
        after={
            "lines": outcome.lines,
            "stored": outcome.stored,
            "rejected": outcome.rejected,
            "months": outcome.months,
        },
        message=f"{TITLE}：{b.filename}，{b.get_status_display()}",
    )
