"""The month's production status paragraph as the `report status` command prints it from the
demo zone: the published figures, in Chinese and English, with the recovery sentences."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import selectors
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.reports.sections import status as status_section

pytestmark = pytest.mark.django_db

PUBLISHED_ZH = [
    "在产企业 47 家",
    "与去年同期产能持平的有 20 家",
    "超去年同期产能的有 13 家（其中新开工企业 4 家：",
    "未达去年同期产能的有 14 家",
    "企业总用工量较去年同期增加 6.28%（含新开工企业 4 家）",
    "园区企业月总产值较去年同期增加 12.78%（其中：新开工企业拉动增长 8.61 个百分点）",
    "7—12 月月产值需比去年同期增加 11.65%",
    "要完成年增长 8% 的任务，月产值需增长 25.67% 以上",
]


def status_text(capsys, *args) -> str:
    capsys.readouterr()
    call_command("report", "status", *args)
    return capsys.readouterr().out


def test_report_status_prints_the_published_figures(demo, capsys):
    text = status_text(capsys, "--zone", "demo", "--period", "2020-06")
    for phrase in PUBLISHED_ZH:
        assert phrase in text
    new_firms = Enterprise.objects.filter(zone__code="demo", production_start__year=2020)
    assert all(firm.name in text for firm in new_firms)


def test_many_new_firms_are_counted_not_named(demo, capsys, monkeypatch):
    monkeypatch.setattr(status_section, "NEW_FIRMS_NAMED", 3)  # the demo zone has 4
    text = status_text(capsys, "--zone", "demo", "--period", "2020-06")
    assert "超去年同期产能的有 13 家（其中新开工企业 4 家）" in text
    new_firms = Enterprise.objects.filter(zone__code="demo", production_start__year=2020)
    assert not any(firm.name in text for firm in new_firms)


def test_report_status_in_english_and_as_json(demo, capsys):
    text = status_text(capsys, "--zone", "demo", "--period", "2020-06", "--lang", "en")
    assert "47 firms" in text and "up 12.78%" in text and "8.61 points" in text
    assert "25.67%" in text and "target of 8%" in text
    data = json.loads(status_text(capsys, "--zone", "demo", "--period", "2020-06", "--json"))
    assert data["firms_producing"] == 47
    assert (data["capacity"]["level"], data["capacity"]["above"], data["capacity"]["below"]) == (
        20,
        13,
        14,
    )
    assert data["figures"]["employees"]["yoy_pct"] == "6.28"
    assert data["figures"]["output_value_wan"]["new_firms_points"] == "8.61"
    assert data["recovery"] == data["recovery"] | {
        "catch_up_pct": "11.65",
        "to_target_pct": "25.67",
    }


def test_the_paragraph_follows_the_stored_rows(demo, capsys):
    """Change one firm's June output and the published figures change with it."""
    june = MonthlyFigure.objects.filter(
        enterprise__zone__code="demo", period="2020-06-01", output_value_wan__gt=0
    )
    largest = june.order_by("-output_value_wan").first()
    largest.output_value_wan += Decimal(500)
    largest.save()
    text = status_text(capsys, "--zone", "demo", "--period", "2020-06")
    assert "增加 12.78%" not in text and "11.65%" not in text
    st = selectors.status(SYSTEM, selectors.scope_for(SYSTEM, zone="demo"), Period(2020, 6))
    output = st.summary.aggregates["output_value_wan"]
    assert output.current == sum(june.values_list("output_value_wan", flat=True))


def test_months_without_figures_say_so(demo, capsys):
    text = status_text(capsys, "--zone", "demo", "--period", "2024-01")
    assert "尚无报送数据" in text and "在产企业 0 家" not in text
    text = status_text(capsys, "--zone", "demo", "--period", "2019-06")
    assert "去年同期无数据" in text and "新开工企业" not in text


@pytest.mark.parametrize(
    ("part", "zh", "en"),
    [
        (Decimal("0.0792"), "拉动增长 7.92 个百分点", "adding 7.92 points"),
        (Decimal("-0.0035"), "下拉 0.35 个百分点", "pulling it down by 0.35 points"),
    ],
)
def test_a_part_of_the_growth_is_worded_as_pulling_it_up_or_down(part, zh, en):
    """A part of a growth rate is 拉动 (up) or 下拉 (down) some points, never 占 (a share of a
    total it may exceed); the paragraph and the dashboard's card word it the same."""
    from django.utils import translation

    from zonedesk.core.templatetags.zd import pull as pull_filter
    from zonedesk.reports.sections.words import pull

    for lang, expected in (("zh-hans", zh), ("en", en)):
        with translation.override(lang):
            assert pull(part) == expected
            assert pull_filter(part) == expected
