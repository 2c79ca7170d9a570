"""Text clean-up for what people type into Excel: full-width characters, stray spaces, empty markers."""

from __future__ import annotations

import re

_FW_OFFSET = 0xFEE0
EMPTY_MARKERS = {"", "—", "-", "--", "——", "/", "／", "空", "无", "N/A", "n/a", "NA", "#N/A", "null", "NULL", "None"}


def to_halfwidth(s: str) -> str:
    """Full-width ASCII (ＡＢＣ１２３，（）) and the ideographic space to their half-width forms."""
    out = []
    for ch in s:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FW_OFFSET))
        else:
            out.append(ch)
    return "".join(out)


def clean_cell(value: object) -> object:
    """Strip strings, turn the usual 'nothing here' markers into None; other types pass through."""
    if value is None:
        return None
    if isinstance(value, str):
        s = to_halfwidth(value).replace("\u00a0", " ").replace("\u200b", "").strip()
        if s in EMPTY_MARKERS:
            return None
        return s
    return value


_SPACES = re.compile(r"\s+")


def squash(s: str) -> str:
    return _SPACES.sub("", to_halfwidth(s))


_COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "总公司",
    "分公司",
    "公司",
    "厂",
)
_PAREN = re.compile(r"[(\[【][^)\]】]*[)\]】]")


def normalize_company_name(name: str, region_names: tuple[str, ...] = ()) -> str:
    """Key for matching names: half-width, no spaces or brackets, no legal-form suffix, no region prefix.

    '咸宁市 华劲铝业有限责任公司' and '华劲铝业有限公司' give the same key. Region prefixes are the
    province, the city and its counties (with and without 省/市/县/区), repeated as long as one matches.
    """
    s = squash(name)
    s = _PAREN.sub("", s)
    for suffix in _COMPANY_SUFFIXES:
        if s.endswith(suffix) and len(s) > len(suffix) + 1:
            s = s[: -len(suffix)]
            break
    changed = True
    prefixes = sorted(set(region_names), key=len, reverse=True)
    while changed:
        changed = False
        for p in prefixes:
            if p and s.startswith(p) and len(s) > len(p) + 1:
                s = s[len(p) :]
                changed = True
                break
    return s


_RULE = r"[A-Z]{2}-[A-Z]{1,4}-\d+(?:/\d+)*"
_RULES = re.compile(rf"{_RULE}(?:\s*[、/,，]\s*{_RULE})*")


def without_rule_ids(text: str) -> str:
    """Text for a document sent out (月通报 .docx/.xlsx, issue 13): the platform's rule IDs (XN-XM-4, YY-P-3 …) and
    the brackets or separators they leave empty removed — “（XN-GS-9，预增产值2000万元及以上）” becomes
    “（预增产值2000万元及以上）”, “按期投产79个（XN-XM-2）。” becomes “按期投产79个。”."""
    if not text or not _RULES.search(text):
        return text
    out = _RULES.sub("", text)
    out = re.sub(r"（\s*[，、；;,]?\s*", "（", out)
    out = re.sub(r"\s*[，、；;,]?\s*）", "）", out)
    out = re.sub(r"\(\s*\)|（\s*）", "", out)
    return re.sub(r"\s{2,}", " ", out).strip()
