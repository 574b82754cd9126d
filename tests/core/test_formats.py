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
