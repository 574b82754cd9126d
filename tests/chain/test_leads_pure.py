"""The duplicate rule and the funnel's arithmetic, without a database."""

import datetime as dt
from decimal import Decimal

import pytest

from zonedesk.chain import leads_dupes as dupes
from zonedesk.chain import leads_funnel as funnel


@pytest.mark.parametrize(
    ("a", "b", "normal_a", "normal_b"),
    [
        ("比亚迪股份有限公司", "比亚迪（中国）集团", "比亚迪", "比亚迪"),
        ("华为技术 有限公司", "华为技术有限责任公司", "华为技术", "华为技术"),
        ("ＡＢＣ精密（深圳）有限公司", "abc精密", "abc精密", "abc精密"),
        ("Cosco Shipping Co., Ltd.", "COSCO SHIPPING", "coscoshipping", "coscoshipping"),
    ],
)
def test_normalise_strips_legal_forms_brackets_and_spaces(a, b, normal_a, normal_b):
    """Legal forms, bracketed places, spaces and full-width forms do not tell firms apart."""
    assert (dupes.normalise(a), dupes.normalise(b)) == (normal_a, normal_b)


@pytest.mark.parametrize(
    ("a", "code_a", "b", "code_b", "expected"),
    [
        ("宁德时代新能源", "", "宁德时代新能源科技有限公司", "", "name"),  # ratio 0.875
        ("达州机械有限公司", "", "成都电子有限公司", "", None),
        ("远航新材料", "", "远航新能源", "", None),  # ratio 0.6
        ("甲公司", "91510000MA6CXXXX0A", "完全不同的名字", "91510000MA6CXXXX0A", "code"),
        # two codes that differ: two firms (of one group, say), whatever the names
        ("比亚迪汽车", "91440300192317458F", "比亚迪汽车", "914403007261824992", None),
        ("比亚迪汽车", "91440300192317458F", "比亚迪汽车有限公司", "", "name"),
    ],
)
def test_same_company(a, code_a, b, code_b, expected):
    """Same code, or names similar at 0.85 or more when a code is missing."""
    assert dupes.same_company(a, code_a, b, code_b) == expected


T0 = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def day(n: int) -> dt.datetime:
    return T0 + dt.timedelta(days=n)


def test_funnel_reached_conversion_and_median_days():
    """Reached counts the furthest stage (paused and dropped leads at theirs); conversion is
    reached(next)/reached; days are completed stays only, with pauses inside the stay."""
    paths = [
        # signed: 10 days at lead, 20 at contact, 30 at visit, 40 at negotiation
        funnel.LeadPath(
            "展会",
            T0,
            [
                (day(10), "lead", "contact"),
                (day(30), "contact", "visit"),
                (day(60), "visit", "negotiation"),
                (day(100), "negotiation", "signed"),
            ],
            "signed",
        ),
        # dropped at contact after 4 + 6 days
        funnel.LeadPath(
            "展会", T0, [(day(4), "lead", "contact"), (day(10), "contact", "dropped")], "dropped"
        ),
        # paused at lead and resumed: the stay at lead is 20 days, pause included
        funnel.LeadPath(
            "网络",
            T0,
            [(day(5), "lead", "paused"), (day(15), "paused", "lead"), (day(20), "lead", "contact")],
            "contact",
        ),
        # still at lead: no completed stay
        funnel.LeadPath("网络", T0, [], "lead"),
    ]
    groups = {g.group: g for g in funnel.funnel(paths)}
    everyone = groups[""]
    assert everyone.leads == 4
    assert [s.reached for s in everyone.stages] == [4, 3, 1, 1, 1, 0]
    assert everyone.stages[0].conversion == Decimal(3) / Decimal(4)
    assert everyone.stages[1].conversion == Decimal(1) / Decimal(3)
    assert everyone.stages[-1].conversion is None
    # lead: stays of 10, 4 and 20 (the pause inside the stay)
    assert everyone.stages[0].median_days == Decimal("10.0")
    assert everyone.stages[1].median_days == Decimal("13.0")  # 20 and 6
    assert everyone.signed == 1
    assert [s.reached for s in groups["展会"].stages] == [2, 2, 1, 1, 1, 0]
    assert [s.reached for s in groups["网络"].stages] == [2, 1, 0, 0, 0, 0]
    assert groups["网络"].stages[2].conversion is None


def test_empty_funnel_has_the_all_line():
    assert [g.leads for g in funnel.funnel([])] == [0]
