"""The GB/T 4754-2017 table and industry-code validation."""

import pytest
from django.utils import translation

from zonedesk.core import industry


def test_table_has_every_section_division_and_group():
    """20 sections, 97 divisions, 473 groups; 1,381 classes (the 2017 edition with its 2019 amendment)."""
    counts = {level: len(industry.by_level(level)) for level in industry.LEVELS}
    assert counts == {"section": 20, "division": 97, "group": 473, "class": 1381}


def test_codes_nest():
    """Every class sits in its group, every group in its division, every division in a section."""
    for item in industry.table().values():
        if item.level == "division":
            assert item.parent in "ABCDEFGHIJKLMNOPQRST"
        elif item.level in ("group", "class"):
            assert item.code.startswith(item.parent)
            assert (
                industry.table()[item.parent].level
                == {"group": "division", "class": "group"}[item.level]
            )


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("C", "制造业"),
        ("13", "农副食品加工业"),
        ("39", "计算机、通信和其他电子设备制造业"),
        ("3311", "金属结构制造"),
        ("97", "国际组织"),
    ],
)
def test_known_names(code, name):
    """Codes carry their national standard's Chinese names."""
    assert industry.table()[code].name_zh == name


def test_every_entry_has_both_names():
    assert all(i.name_zh and i.name_en for i in industry.table().values())


@pytest.mark.parametrize(
    ("raw", "stored"), [("C3311", "3311"), (" c33 ", "33"), ("3311", "3311"), ("A0111", "0111")]
)
def test_section_letter_is_accepted_and_dropped(raw, stored):
    assert industry.normalise(raw) == stored
    assert industry.problems(raw) == []


def test_section_and_display_code():
    """A class knows its section letter and is displayed with it."""
    item = industry.get("3311")
    assert item.section == "C"
    assert item.display_code == "C3311"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ("9999", "is not a GB/T 4754-2017 industry code"),
        ("98", "is not a GB/T 4754-2017 industry code"),
        ("A3311", "Division 33 belongs to section C, not A"),
        ("C", "give a GB/T 4754-2017 division, group or class code"),
        ("33111", "give a GB/T 4754-2017 division, group or class code"),
        ("abc", "give a GB/T 4754-2017 division, group or class code"),
    ],
)
def test_unknown_codes_are_refused_with_a_reason(raw, fragment):
    with translation.override("en"):
        msgs = industry.problems(raw)
    assert len(msgs) == 1 and fragment in msgs[0]


def test_name_follows_the_language():
    item = industry.get("13")
    with translation.override("en"):
        assert item.name == "Processing of food from agricultural products"
    with translation.override("zh-hans"):
        assert item.name == "农副食品加工业"
