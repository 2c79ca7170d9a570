"""Making valid 统一社会信用代码 for synthetic data and tests (GB 32100-2015 with a GB 11714 org code)."""

from __future__ import annotations

import random

from chanye.core.uscc import ALPHABET, check_char

_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_code(body8: str) -> str:
    """GB 11714 organisation code: 8 characters plus their check character."""
    s = sum(_org_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    c9 = 11 - s % 11
    return body8 + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))


def make_uscc(rng: random.Random, region_code: str = "421200", kind: str = "91") -> str:
    body = "".join(rng.choice(_ORG_ALPHABET[:10] if i < 2 else _ORG_ALPHABET) for i in range(8))
    first17 = kind + region_code[:6] + org_code(body)
    return first17 + check_char(first17)


def with_bad_check(code: str) -> str:
    """The same code with a wrong check character (for tests of the override path)."""
    good = code[17]
    bad = next(c for c in ALPHABET if c != good)
    return code[:17] + bad
