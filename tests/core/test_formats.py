"""Number formats shown to users."""

from decimal import Decimal

import pytest
from django.utils import translation

from zonedesk.core.templatetags.zd import count, pct, wan


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("0.12775"), "12.78%"),
        (Decimal("0.12774"), "12.77%"),
        (Decimal("-0.0628"), "-6.28%"),
        (Decimal("0.005"), "0.50%"),
        (None, "—"),
    ],
)
def test_rates_round_half_up_to_two_places(value, shown):
    assert pct(value) == shown


def test_wan_has_thousands_separators_and_two_places():
    with translation.override("zh-hans"):
        assert wan(Decimal("1234567.125")) == "1,234,567.13"
        assert wan(None) == "—"


def test_count_groups_thousands():
    with translation.override("en"):
        assert count(100000) == "100,000"


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13812345678", "138****5678"),
        ("8123456", "*****56"),
        ("28123456", "******56"),
        ("028-12345678", "028*****5678"),
        ("", ""),
    ],
)
def test_phones_are_masked_so_a_landline_cannot_be_read_off(phone, shown):
    from zonedesk.core.masking import mask_phone

    assert mask_phone(phone) == shown
