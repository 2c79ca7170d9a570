"""Cell parsing: what Excel users type, and the reasons given when it cannot be used."""

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.imports.values import CellError, parse_bool, parse_decimal, parse_identifier, parse_month

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "raw",
    [
        "2025-03",
        "2025/3",
        "2025.03",
        "2025年3月",
        "2025年03月份",
        "202503",
        202503,
        "2025-03-15",
        dt.date(2025, 3, 9),
        dt.datetime(2025, 3, 31, 12, 0),
        45731,
        "45731",
    ],
)
def test_months_in_every_usual_form(raw):
    assert parse_month(raw, today=TODAY) == dt.date(2025, 3, 1)


def test_future_month_is_refused_with_todays_date():
    with pytest.raises(CellError, match="未来"):
        parse_month("2026-12", today=TODAY)
    assert parse_month("2026-11", today=TODAY) == dt.date(2026, 11, 1)


@pytest.mark.parametrize("raw", ["2025-13", "三月", "2025", 1.5])
def test_unreadable_months_are_refused(raw):
    with pytest.raises(CellError):
        parse_month(raw, today=TODAY)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,234.5", "1234.5"),
        ("１２３４", "1234"),
        (" 12 345 ", "12345"),
        (1234.56, "1234.56"),
        (7, "7"),
        ("1，000", "1000"),
        ("(12.5)", "-12.5"),
    ],
)
def test_numbers_as_text_with_separators_and_fullwidth_digits(raw, value):
    assert parse_decimal(raw, allow_negative=True) == Decimal(value)


def test_negative_refused_unless_allowed():
    with pytest.raises(CellError, match="负数"):
        parse_decimal("-5")
    assert parse_decimal("-5", allow_negative=True) == Decimal(-5)


@pytest.mark.parametrize("raw", ["abc", "12%", "1.2.3", float("nan")])
def test_non_numbers_refused(raw):
    with pytest.raises(CellError):
        parse_decimal(raw)


def test_identifier_stored_as_number_is_refused_with_the_15_digit_reason():
    with pytest.raises(CellError, match="15位"):
        parse_identifier(914212001234567000)
    with pytest.raises(CellError, match="科学计数法"):
        parse_identifier("9.14212E+17")


def test_bools_in_chinese():
    assert parse_bool("是") and parse_bool("√") and not parse_bool("否")
    with pytest.raises(CellError):
        parse_bool("也许")
