"""Chain template files read (XN-SYS-4, XN-CL-5): YAML (``chains:`` or a single chain or a bare list), the two-sheet
.xlsx written by `chain_export`, and a single sheet of links as people keep them. Every chain is validated as a
ChainSpec and every problem collected (`chain_errors.ChainImportError`); checks that need the stored chains and
clusters are `chain_io.check`'s.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pydantic
import yaml

from chanye.core.imports.reader import SheetError, read_sheet
from chanye.core.imports.values import CellError, display, parse_bool
from chanye.core.text import squash, to_halfwidth
from chanye.industry import schema
from chanye.industry.models import Cluster

from .chain_errors import ChainFileError, ChainImportError, spec_errors
from .chain_format import (
    CHAIN_COLUMNS,
    CHAIN_SHEET,
    LINK_COLUMNS,
    LINK_SHEET,
    NONE_WORDS,
    SINGLE_COLUMNS,
    STAGE_WORDS,
    Col,
    header_key,
)
from .models import Chain

_BOOL_WORDS = {"是": True, "否": False, "yes": True, "no": False, "true": True, "false": False}
_LIST_SPLIT = re.compile(r"[、,，;；\n]+")


@dataclass
class ParsedChain:
    """A chain read from a file and validated as a ChainSpec; where it came from, for error messages."""

    spec: schema.ChainSpec
    cluster_code: str | None  # None: the file says nothing (keep the stored cluster)
    cluster_name: str | None
    place: dict[str, Any]  # ChainFileError keyword arguments locating the chain
    cluster_place: dict[str, Any] = field(default_factory=dict)
    cluster: Cluster | None = None


def _stage(value: Any) -> Any:
    if isinstance(value, str):
        return STAGE_WORDS.get(squash(to_halfwidth(value)).lower(), value)
    return value


def _flag(value: Any) -> Any:
    if isinstance(value, str):
        return _BOOL_WORDS.get(squash(to_halfwidth(value)).lower(), value)
    return value


def _normalise_link(raw: Any) -> Any:
    """Chinese words (上游 …, 是/否) and numbers where text is meant, as a person writes YAML by hand."""
    if not isinstance(raw, dict):
        return raw
    link = dict(raw)
    if "stage" in link:
        link["stage"] = _stage(link["stage"])
    for k in ("key", "chokepoint"):
        if k in link:
            link[k] = _flag(link[k])
    for k in ("gbt4754", "products", "next"):
        v = link.get(k)
        if isinstance(v, str | int) and not isinstance(v, bool):
            v = [v]
        if isinstance(v, list):
            link[k] = [str(x) if isinstance(x, int) and not isinstance(x, bool) else x for x in v]
    for k in ("code", "name"):
        if isinstance(link.get(k), int) and not isinstance(link.get(k), bool):
            link[k] = str(link[k])
    return link


def _validate(
    data: dict[str, Any],
    *,
    place: dict[str, Any],
    link_place: Callable[[int], dict[str, Any]],
    errors: list[ChainFileError],
    link_labels: dict[str, str] | None = None,
) -> schema.ChainSpec | None:
    """`data` as a ChainSpec, or None with every problem added to `errors`, placed at the chain (`place`) or at its
    link (`link_place(index)`), including what ChainSpec lets through but a stored link cannot be: a blank name, a
    negative minimum. The one check of a chain for the YAML, two-sheet and single-sheet files."""
    try:
        spec = schema.ChainSpec.model_validate(data)
    except pydantic.ValidationError as e:
        errors += spec_errors(e, chain_place=place, link_place=link_place, link_labels=link_labels)
        return None
    for i, x in enumerate(spec.links):
        if not x.name:
            errors.append(ChainFileError("环节名称不能为空", column="环节名称", **link_place(i)))
        if x.min_enterprises is not None and x.min_enterprises < 0:
            errors.append(
                ChainFileError("不能为负数", column="最少企业数", value=str(x.min_enterprises), **link_place(i))
            )
    return spec


def _sheet_chain(
    fields: dict[str, Any],
    rows: list[tuple[int, dict[str, Any], dict[str, str]]],
    *,
    sheet: str,
    place: dict[str, Any],
    errors: list[ChainFileError],
) -> schema.ChainSpec | None:
    """A chain (`fields`: code, name …) whose links are the sheet's `rows` (Excel row, cells, headers), in order."""
    links = [_link_from_row(n, v, h, errors, sheet) for n, v, h in rows]
    return _validate(
        {**fields, "links": links},
        place=place,
        link_place=lambda j: {"sheet": sheet, "row": rows[j][0]},
        errors=errors,
        link_labels=rows[0][2],
    )


def _yaml_link_place(where: str, links: Any, j: int) -> dict[str, Any]:
    name = links[j].get("name") if isinstance(links, list) and isinstance(links[j], dict) else None
    return {"where": f"{where}·第{j + 1}个环节" + (f"“{name}”" if name else "")}


def parse_yaml(data: bytes) -> list[ParsedChain]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ChainImportError([ChainFileError("YAML 文件应使用 UTF-8 编码保存")]) from e
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark is not None else ""
        raise ChainImportError(
            [ChainFileError("YAML 格式错误：请检查这里的缩进、冒号和成对的括号、引号", where=where)]
        ) from e
    if isinstance(doc, dict) and "chains" in doc:
        items = doc["chains"]
    elif isinstance(doc, dict) and "links" in doc:
        items = [doc]
    else:
        items = doc
    if not isinstance(items, list) or not items:
        raise ChainImportError(
            [ChainFileError("文件中没有产业链：应以 chains: 开头，下面每项是一条产业链（code、name、links …）")]
        )
    out: list[ParsedChain] = []
    errors: list[ChainFileError] = []
    for i, raw in enumerate(items, start=1):
        where = f"第{i}条产业链"
        if not isinstance(raw, dict):
            errors.append(ChainFileError("应为包含 code、name、links 的映射", where=where))
            continue
        raw = dict(raw)
        if raw.get("name"):
            where += f"“{raw['name']}”"
        chain_place: dict[str, Any] = {"where": where}
        cluster = raw.pop("cluster", None)
        links = raw.get("links")
        if isinstance(links, list):
            raw["links"] = [_normalise_link(x) for x in links]
        if isinstance(raw.get("code"), int):
            raw["code"] = str(raw["code"])

        if not raw.get("code"):
            errors.append(ChainFileError("缺少产业链编号（code）", column="产业链编号", **chain_place))
        link_place = functools.partial(_yaml_link_place, where, raw.get("links"))
        spec = _validate(raw, place=chain_place, link_place=link_place, errors=errors)
        if spec is None:
            continue
        out.append(
            ParsedChain(
                spec=spec,
                cluster_code=str(cluster).strip() if cluster not in (None, "") else None,
                cluster_name=None,
                place=chain_place,
                cluster_place={**chain_place, "column": "cluster"},
            )
        )
    if errors:
        raise ChainImportError(errors)
    return out


def _read_sheets(data: bytes, filename: str) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    try:
        read_sheet(data, filename)  # the safety checks (size, zip bomb, DTD) of the import framework
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {
            name: [list(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
            for name in wb.sheet_names
        }
    except SheetError as e:
        raise ChainImportError([ChainFileError(str(e))]) from e
    except Exception as e:  # calamine's own error types
        raise ChainImportError(
            [ChainFileError("无法读取该 Excel 文件；请在 Excel 中打开后“另存为” .xlsx 再上传")]
        ) from e


def _text(value: Any) -> str | None:
    if value is None:
        return None
    s = display(value).strip()
    return s or None


def _items(value: Any) -> list[str]:
    s = _text(value)
    return [p.strip() for p in _LIST_SPLIT.split(to_halfwidth(s))] if s else []


def _rows(
    rows: list[list[Any]], sheet: str, columns: Sequence[Col], errors: list[ChainFileError]
) -> list[tuple[int, dict[str, Any], dict[str, str]]]:
    """(Excel row, {key: cell}, {key: header}) of the data rows under the header in row 1."""
    if not rows:
        errors.append(ChainFileError("工作表是空的", sheet=sheet))
        return []
    by_name = {header_key(a): c for c in columns for a in c.aliases} | {c.name: c for c in columns}
    index: dict[str, int] = {}
    headers: dict[str, str] = {}
    for i, cell in enumerate(rows[0]):
        text = _text(cell)
        if text is None:
            continue
        col = by_name.get(header_key(text))
        if col is None:
            continue  # an extra column of the user's: ignored
        if col.key in index:
            errors.append(ChainFileError("表头重复", sheet=sheet, row=1, column=text))
            continue
        index[col.key], headers[col.key] = i, text
    missing = [c.label for c in columns if c.required and c.key not in index]
    for label in missing:
        errors.append(ChainFileError("缺少必填列（表头应在第1行）", sheet=sheet, row=1, column=label))
    if missing:
        return []
    labels = {c.key: headers.get(c.key, c.label) for c in columns}
    out = []
    for n, raw in enumerate(rows[1:], start=2):
        values = {k: (raw[i] if i < len(raw) else None) for k, i in index.items()}
        values = {k: (None if isinstance(v, str) and not v.strip() else v) for k, v in values.items()}
        if all(v is None for v in values.values()):
            continue
        out.append((n, values, labels))
    return out


def _link_from_row(
    n: int, values: dict[str, Any], headers: dict[str, str], errors: list[ChainFileError], sheet: str = LINK_SHEET
) -> dict[str, Any]:
    def err(key: str, message: str) -> None:
        errors.append(ChainFileError(message, sheet=sheet, row=n, column=headers[key], value=display(values.get(key))))

    link: dict[str, Any] = {"name": _text(values.get("name")) or ""}
    if values.get("code") is not None:
        link["code"] = _text(values["code"])
    if values.get("stage") is not None:
        stage = STAGE_WORDS.get(squash(to_halfwidth(str(values["stage"]))).lower())
        if stage is None:
            err("stage", "应为 上游、中游 或 下游")
        else:
            link["stage"] = stage
    if values.get("description") is not None:
        link["description"] = _text(values["description"])
    link["gbt4754"] = _items(values.get("gbt4754"))
    link["products"] = _items(values.get("products"))
    for key in ("key", "chokepoint"):
        if values.get(key) is not None:
            try:
                link[key] = parse_bool(values[key])
            except CellError as e:
                err(key, str(e))
    if values.get("next") is not None:
        items = _items(values["next"])
        link["next"] = [] if len(items) == 1 and items[0].lower() in NONE_WORDS else items
    raw_min = values.get("min_enterprises")
    if raw_min is not None:
        s = display(raw_min).strip()
        if not re.fullmatch(r"\d+", to_halfwidth(s)):
            err("min_enterprises", "应为不小于0的整数")
        else:
            link["min_enterprises"] = int(to_halfwidth(s))
    return link


def parse_xlsx(data: bytes, filename: str = "产业链.xlsx") -> list[ParsedChain]:  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
    sheets = _read_sheets(data, filename)
    errors: list[ChainFileError] = []
    if CHAIN_SHEET not in sheets and sheets:
        name = LINK_SHEET if LINK_SHEET in sheets else next(iter(sheets))
        return _parse_single_sheet(sheets[name], name)
    for name in (CHAIN_SHEET, LINK_SHEET):
        if name not in sheets:
            have = "、".join(sheets) or "无"
            errors.append(ChainFileError(f"缺少工作表“{name}”（文件中的工作表：{have}）。请使用导出的文件作为模板。"))
    if errors:
        raise ChainImportError(errors)
    chain_rows = _rows(sheets[CHAIN_SHEET], CHAIN_SHEET, CHAIN_COLUMNS, errors)
    link_rows = _rows(sheets[LINK_SHEET], LINK_SHEET, LINK_COLUMNS, errors)
    if errors:
        raise ChainImportError(errors)
    chains: dict[str, tuple[int, dict[str, Any], dict[str, str]]] = {}
    for n, values, headers in chain_rows:
        code = _text(values.get("code"))
        if code is None:
            errors.append(ChainFileError("产业链编号不能为空", sheet=CHAIN_SHEET, row=n, column=headers["code"]))
            continue
        if code in chains:
            errors.append(
                ChainFileError(
                    f"与第{chains[code][0]}行的产业链编号重复",
                    sheet=CHAIN_SHEET,
                    row=n,
                    column=headers["code"],
                    value=code,
                )
            )
            continue
        chains[code] = (n, values, headers)
    links: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {code: [] for code in chains}
    for n, values, headers in link_rows:
        code = _text(values.get("chain"))
        if code is None or code not in chains:
            msg = "产业链编号不能为空" if code is None else "该产业链编号不在“产业链”工作表中"
            errors.append(ChainFileError(msg, sheet=LINK_SHEET, row=n, column=headers["chain"], value=code or ""))
            continue
        links[code].append((n, values, headers))
    out: list[ParsedChain] = []
    for code, (n, values, headers) in chains.items():
        chain_place: dict[str, Any] = {"sheet": CHAIN_SHEET, "row": n}
        name = _text(values.get("name"))
        if name is None:
            errors.append(ChainFileError("产业链名称不能为空", column=headers["name"], **chain_place))
        if not links[code]:
            errors.append(
                ChainFileError("该产业链在“环节”工作表中没有环节", column=headers["code"], value=code, **chain_place)
            )
            continue
        fields = {
            "code": code,
            "name": name or "",
            "description": _text(values.get("description")) or "",
            "rule": _text(values.get("rule")),
            "source_text": _text(values.get("source_text")) or "",
        }
        spec = _sheet_chain(fields, links[code], sheet=LINK_SHEET, place=chain_place, errors=errors)
        if spec is None:
            continue
        out.append(
            ParsedChain(
                spec=spec,
                cluster_code=_text(values.get("cluster")),
                cluster_name=_text(values.get("cluster_name")),
                place=chain_place,
                cluster_place={
                    **chain_place,
                    "column": headers["cluster" if values.get("cluster") is not None else "cluster_name"],
                },
            )
        )
    if errors:
        raise ChainImportError(errors)
    return out


def _parse_single_sheet(rows: list[list[Any]], sheet: str) -> list[ParsedChain]:
    """One sheet of links as people keep them (产业链 | 环节 | 位置 | 产品 …), a chain's links in order, chains told
    apart by the 产业链 column (an existing chain's code or name, or the name of a new one, coded on import)."""
    errors: list[ChainFileError] = []
    link_rows = _rows(rows, sheet, SINGLE_COLUMNS, errors)
    if errors:
        errors.append(
            ChainFileError(
                f"工作表“{sheet}”应有“产业链”和“环节名称”两列（每行一个环节）；或使用导出的文件"
                f"（“{CHAIN_SHEET}”“{LINK_SHEET}”两个工作表）作为模板。"
            )
        )
        raise ChainImportError(errors)
    groups: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}
    for n, values, headers in link_rows:
        key = _text(values.get("chain"))
        if key is None:
            errors.append(ChainFileError("产业链不能为空", sheet=sheet, row=n, column=headers["chain"]))
            continue
        groups.setdefault(key, []).append((n, values, headers))
    by_code = {c.code: c for c in Chain.objects.filter(code__in=list(groups))}
    by_name: dict[str, Chain] = {}
    for c in Chain.objects.filter(name__in=list(groups)).order_by("-is_active", "pk"):
        by_name.setdefault(c.name, c)
    clusters = {c.code for c in Cluster.objects.all()}
    out: list[ParsedChain] = []
    for key, group in groups.items():
        first_row, _, headers = group[0]
        existing = by_code.get(key) or by_name.get(key)
        code = existing.code if existing else (key if schema.CODE.match(key) else "")
        name = existing.name if existing is not None and existing.code == key else key
        cluster = next((_text(v.get("cluster")) for _, v, _ in group if _text(v.get("cluster"))), None)
        place = {"sheet": sheet, "row": first_row}
        spec = _sheet_chain({"code": code, "name": name}, group, sheet=sheet, place=place, errors=errors)
        if spec is None:
            continue
        out.append(
            ParsedChain(
                spec=spec,
                cluster_code=cluster if cluster in clusters else None,
                cluster_name=cluster if cluster is not None and cluster not in clusters else None,
                place=place,
                cluster_place={**place, "column": headers.get("cluster", "产业集群")},
            )
        )
    if errors:
        raise ChainImportError(errors)
    return out


def parse_file(data: bytes, filename: str) -> list[ParsedChain]:
    name = filename.lower()
    if name.endswith((".yaml", ".yml")):
        return parse_yaml(data)
    if name.endswith((".xlsx", ".xlsm")):
        return parse_xlsx(data, filename)
    if name.endswith(".xls"):
        raise ChainImportError([ChainFileError("不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 后重试。")])
    raise ChainImportError([ChainFileError("请上传 .yaml/.yml 或 .xlsx 文件")])
