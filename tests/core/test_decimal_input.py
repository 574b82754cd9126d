"""A decimal's string form is held to the pattern the OpenAPI document publishes."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from zonedesk.core.schemas import InputSchema, Wan, decimal_input

Rate = decimal_input(
    max_digits=6, decimal_places=3, le=100, pattern=r"^(100(\.0{1,3})?|\d{1,2}(\.\d{1,3})?)$"
)


class Money(InputSchema):
    amount: Wan
    rate: Rate = Decimal(0)


@pytest.mark.parametrize(
    "text",
    ["1e3", "1E3", " 12", "12 ", "+5", "NaN", "Infinity", "12.345", "1_000", "１２", "12.5\n"],
)
def test_a_string_not_in_plain_digits_is_refused(text):
    with pytest.raises(ValidationError) as refused:
        Money(amount=text)
    (error,) = refused.value.errors()
    assert error["loc"] == ("amount",)
    assert "plain digits" in error["msg"] and "阿拉伯数字" in error["msg"]


@pytest.mark.parametrize("text", ["101", "100.5", "1e1"])
def test_a_bounded_decimal_uses_its_own_pattern(text):
    with pytest.raises(ValidationError) as refused:
        Money(amount="1", rate=text)
    assert refused.value.errors()[0]["loc"] == ("rate",)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("12.5", Decimal("12.5")),
        ("0", Decimal(0)),
        (12.5, Decimal("12.5")),
        (3, Decimal(3)),
        ("999999999999.99", Decimal("999999999999.99")),
    ],
)
def test_digits_and_json_numbers_are_taken(given, stored):
    assert Money(amount=given).amount == stored


def test_json_numbers_keep_their_bounds():
    with pytest.raises(ValidationError):
        Money(amount=-1)
    with pytest.raises(ValidationError):
        Money(amount=1, rate=100.5)
    assert Money(amount=1, rate=100).rate == 100
