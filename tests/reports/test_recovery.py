"""追赶测算 in words: each case gives a year's figures (plain values, no database) and the
sentences the recovery section writes for them, in English and in Chinese."""

from decimal import Decimal

import pytest
from django.utils import translation

from zonedesk.monitoring.recovery import recovery
from zonedesk.reports.sections import recovery as section

D = Decimal
LAST_YEAR = [D(100)] * 12

CASES = [
    # name, actual months, target, the English sentences
    (
        "behind: the catch-up and the target",
        [D(90)] * 6,
        D("0.08"),
        [
            "To catch up with last year's output in the coming months, monthly output from "
            "month 7 to December must be 10.00% above the same month last year.",
            "To reach the annual growth target of 8%, monthly output must grow by more than "
            "26.00%.",
        ],
    ),
    (
        "ahead: the remaining months may fall and the target is already reached",
        [D(200)] * 6,
        D("0.08"),
        [
            "Output so far is ahead of last year's: the remaining months may be up to 100.00% "
            "below last year's and the year still matches it.",
            "The annual growth target of 8% is reached even if the remaining months are 84.00% "
            "below last year's.",
        ],
    ),
    (
        "no target: the catch-up alone",
        [D(95)] * 11,
        None,
        [
            "To catch up with last year's output in the coming months, monthly output from "
            "month 12 to December must be 55.00% above the same month last year."
        ],
    ),
    ("the year is over: nothing to say", [D(100)] * 12, D("0.08"), []),
]


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_sentences_of_a_year(actual, target, expected):
    rec = recovery(year=2020, last_year=LAST_YEAR, actual=actual, target=target)
    with translation.override("en"):
        assert section.sentences(rec) == expected


def test_days_lost_to_halts_raise_the_growth_needed_on_the_days_worked():
    rec = recovery(
        year=2020, last_year=LAST_YEAR, actual=[D(90)] * 6, target=D("0.08"), halted_days=45
    )
    with translation.override("en"):
        halted = section.sentences(rec)[-1]
    assert halted.startswith(
        "If 45 days in all are lost to halts over the rest of the year, the days worked"
    )
    assert "to catch up and" in halted and halted.endswith("above it to reach the target.")


def test_chinese_sentences_are_written_as_officials_write_them():
    rec = recovery(year=2020, last_year=LAST_YEAR, actual=[D(90)] * 6, target=D("0.08"))
    with translation.override("zh-hans"):
        text = "".join(section.sentences(rec))
    assert "7—12 月月产值需比去年同期增加 10.00%" in text
    assert "要完成年增长 8% 的任务，月产值需增长 26.00% 以上" in text
