"""统一社会信用代码 (GB 32100-2015): character set, structure and check character."""

from __future__ import annotations

from dataclasses import dataclass

from chanye.core.text import to_halfwidth

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18


@dataclass(frozen=True)
class UsccProblem:
    code: str
    message: str


def normalize(raw: str) -> str:
    """Full-width to half-width, spaces removed, upper case."""
    return "".join(to_halfwidth(str(raw)).split()).upper()


def check_char(first17: str) -> str:
    """The 18th character computed from the first 17 (GB 32100-2015 §5)."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def problems(code: str) -> list[UsccProblem]:
    """Everything wrong with an (already normalised) code; empty when it is valid."""
    out: list[UsccProblem] = []
    if len(code) != LENGTH:
        out.append(UsccProblem("length", f"应为18位，实际为{len(code)}位"))
        return out
    bad = sorted({c for c in code if c not in _VALUE})
    if bad:
        hint = "（统一社会信用代码不使用 I、O、Z、S、V）" if set(bad) & set("IOZSV") else ""
        out.append(UsccProblem("charset", f"含有不允许的字符：{'、'.join(bad)}{hint}"))
        return out
    if not code[2:8].isdigit():
        out.append(UsccProblem("region", "第3—8位应为行政区划码（数字）"))
    expected = check_char(code[:17])
    if code[17] != expected:
        out.append(UsccProblem("check", f"校验位错误：按前17位计算应为“{expected}”，实际为“{code[17]}”"))
    return out


def is_valid(code: str) -> bool:
    return not problems(normalize(code))
