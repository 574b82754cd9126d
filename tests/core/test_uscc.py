"""Unified social credit codes (GB 32100-2015)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from zonedesk.core import divisions, uscc

# Codes of well-known firms, as printed on their public business licences.
REAL_CODES = [
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "9144030071526726XG",  # 比亚迪股份有限公司
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert uscc.problems(code) == []
    assert uscc.is_valid(code)


def test_lower_case_and_spaces_are_normalised():
    assert uscc.normalise(" 91440300 708461136t ") == "91440300708461136T"
    assert uscc.is_valid("91440300-708461136t")


def test_registration_department_may_be_a_letter():
    """Positions 1-2 take the whole alphabet (e.g. Y = other registration departments)."""
    first17 = "Y1511723MA6200001"
    assert uscc.is_valid(first17 + uscc.check_character(first17))


def test_wrong_length_is_named():
    with translation.override("en"):
        assert uscc.problems("91440300708461136") == [
            "A unified social credit code has 18 characters; this one has 17."
        ]


def test_forbidden_letters_are_named_with_their_position():
    with translation.override("en"):
        msgs = uscc.problems("91440300708461136I")
    assert len(msgs) == 1
    assert "Character 18, “I”" in msgs[0]


def test_wrong_check_character_says_which_is_expected():
    with translation.override("en"):
        msgs = uscc.problems("91440300708461136A")
    assert msgs == ["The check character (18th) should be “T”, not “A”."]


def test_division_part_must_be_digits():
    first17 = "91A4030070846113H"
    with translation.override("en"):
        msgs = uscc.problems(first17 + uscc.check_character(first17))
    assert any("six-digit administrative division" in m for m in msgs)


def test_messages_are_in_chinese_by_default():
    with translation.override("zh-hans"):
        msg = uscc.problems("123")[0]
    assert "18" in msg and "统一社会信用代码" in msg


def test_validator_raises_validation_error():
    with pytest.raises(ValidationError) as exc:
        uscc.validate_credit_code("91440300708461136A")
    assert [e.code for e in exc.value.error_list] == ["invalid_credit_code"]


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_agrees_with_python_stdnum_on_numeric_codes(first17):
    """For codes whose first eight characters are digits, python-stdnum computes the same check."""
    assert uscc.check_character(first17) == stdnum_uscc.calc_check_digit(first17)


@given(st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17))
def test_any_single_change_breaks_the_check(first17):
    """A valid code with one character changed is no longer valid (the weights are all non-zero)."""
    code = first17 + uscc.check_character(first17)
    i = sum(map(ord, first17)) % 17
    replacement = uscc.ALPHABET[(uscc.VALUES[code[i]] + 1) % 31]
    changed = code[:i] + replacement + code[i + 1 :]
    assert uscc.check_character(changed[:17]) != changed[17]


def _code(division: str, body: str = "MA6CXXXX1") -> str:
    first17 = f"91{division}{body}"
    return first17 + uscc.check_character(first17)


def test_unknown_division_code_is_named():
    """Positions 3-8 must be a real GB/T 2260 code; the message names the code."""
    with translation.override("en"):
        msgs = uscc.problems(_code("999999"))
    assert msgs == [
        "Characters 3-8 of the unified social credit code, “999999”, are not a valid "
        "administrative division code (GB/T 2260, current or historic)."
    ]
    with pytest.raises(ValidationError):
        uscc.validate_credit_code(_code("511799"))


def test_historic_division_codes_stay_valid():
    """Old registrations keep the code of their time: 长岛县 (370634) was withdrawn in 2020."""
    assert uscc.is_valid(_code("370634")) and uscc.is_valid(_code("110103"))


def test_a_wrong_check_character_and_an_unknown_division_are_both_named():
    code = _code("999999")
    wrong = code[:17] + uscc.ALPHABET[(uscc.VALUES[code[17]] + 1) % 31]
    with translation.override("en"):
        msgs = uscc.problems(wrong)
    assert len(msgs) == 2 and "“999999”" in msgs[0] and "check character" in msgs[1]


@given(st.sampled_from(sorted(divisions.codes())), st.text(uscc.ALPHABET, min_size=9, max_size=9))
def test_every_listed_division_code_is_accepted(division, body):
    assert uscc.problems(_code(division, body)) == []


@given(st.text("0123456789", min_size=6, max_size=6))
def test_a_division_code_is_accepted_exactly_when_it_is_listed(division):
    assert uscc.is_valid(_code(division)) == (division in divisions.codes())
