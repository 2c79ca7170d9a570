"""A quantity against a bound the way the policy texts word it: 超过/过/突破 (">") excludes the bound, 达到/以上/不少于
(">=", and any other comparator these checks meet) includes it. One definition for every rule that tests a threshold
(rewards, echelons, block economy, R&D guidance, supply's local rate)."""

from __future__ import annotations

from decimal import Decimal

Number = int | float | Decimal


def reaches(value: Number, comparator: str, bound: Number) -> bool:
    """Whether `value` meets `bound` under `comparator` (">" strictly over; otherwise at least)."""
    return value > bound if comparator == ">" else value >= bound


def word(comparator: str) -> str:
    """The policy word for the comparator: 超过 for ">", 达到 otherwise."""
    return "超过" if comparator == ">" else "达到"
