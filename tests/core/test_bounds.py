"""超过 (">") excludes the bound and 达到 (">=") includes it, for ints, floats and exact decimals alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chanye.core.bounds import reaches, word


@pytest.mark.parametrize(
    ("value", "comparator", "bound", "expected"),
    [
        (30, ">", 30, False),  # XN-LZ-2 “超过30%”: 30.00 % does not meet it
        (30.01, ">", 30, True),
        (30, ">=", 30, True),  # “达到”: the bound itself does
        (Decimal("9.9999"), ">=", Decimal("10"), False),
        (Decimal("10.0000"), ">=", 10, True),
    ],
)
def test_the_bound_is_excluded_by_over_and_included_by_reach(value, comparator, bound, expected):
    assert reaches(value, comparator, bound) is expected


def test_the_words_follow_the_comparator():
    assert (word(">"), word(">="), word("")) == ("超过", "达到", "达到")
