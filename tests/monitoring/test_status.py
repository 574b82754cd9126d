"""The month's status computed from stored rows: the demo zone states the published figures."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import selectors
from zonedesk.monitoring.indicators import percent
from zonedesk.monitoring.models import MonthlyFigure

pytestmark = pytest.mark.django_db


def test_halted_firms_report_but_do_not_produce(demo):
    st = selectors.status(SYSTEM, selectors.scope_for(SYSTEM, zone="demo"), Period(2020, 6))
    halted = set(
        Enterprise.objects.filter(zone__code="demo", status="halted").values_list("pk", flat=True)
    )
    assert set(st.summary.halted) == halted
    assert st.summary.reporting == 49 and st.expected == 49 and st.missing == []


def test_a_firm_that_did_not_report_is_listed(demo):
    row = MonthlyFigure.objects.filter(enterprise__zone__code="demo", period="2020-06-01").first()
    row.delete()
    st = selectors.status(SYSTEM, selectors.scope_for(SYSTEM, zone="demo"), Period(2020, 6))
    assert [e.pk for e in st.missing] == [row.enterprise_id]
    assert st.summary.reporting == 48


def test_the_area_covers_its_zones(demo):
    city = selectors.scope_for(SYSTEM, area="511700")
    st = selectors.status(SYSTEM, city, Period(2020, 6), by_zone=True)
    assert {z.code for z in city.zones} == {"demo", "demo-east"}
    assert st.summary.producing == 47  # the neighbour zone reports no figures
    assert [z.code for z, _s in st.zones] == ["demo", "demo-east"]


def test_bad_arguments_are_refused_clearly(demo):
    with pytest.raises(CommandError, match="2020-13"):
        call_command("report", "status", "--zone", "demo", "--period", "2020-13")
    with pytest.raises(CommandError, match="nowhere"):
        call_command("report", "status", "--zone", "nowhere", "--period", "2020-06")
    with pytest.raises(CommandError, match="officer"):
        call_command(
            "report", "status", "--zone", "demo", "--period", "2020-06", "--user", "officer-x"
        )


def test_recovery_command_prints_the_months_and_the_rates(demo, capsys):
    call_command("recovery", "--zone", "demo", "--through", "2020-06")
    out = capsys.readouterr().out
    assert "11.65%" in out and "25.67%" in out
    assert "+12.78%" in out  # June's YoY in the table
    call_command("recovery", "--zone", "demo", "--through", "2020-06", "--target", "10")
    out = capsys.readouterr().out
    assert "年增长 10%" in out and "25.67%" not in out
    call_command("recovery", "--zone", "demo", "--through", "2020-06", "--halted-days", "45")
    assert "45" in capsys.readouterr().out.splitlines()[-1]
    # Jul..Dec 2020 has 184 days: 184 is the most that can be lost (and then nothing is said)
    call_command("recovery", "--zone", "demo", "--through", "2020-06", "--halted-days", "184")
    for bad in (["--target", "abc"], ["--target", "NaN"], ["--halted-days", "185"]):
        with pytest.raises(CommandError):
            call_command("recovery", "--zone", "demo", "--through", "2020-06", *bad)


def test_a_user_sees_only_their_scope(demo):
    with pytest.raises(CommandError):
        call_command(
            "report", "status", "--zone", "demo", "--period", "2020-06", "--user", "east-officer"
        )
    with pytest.raises(CommandError):
        call_command("report", "status", "--zone", "demo", "--period", "2020-06", "--user", "firm")


def test_firms_not_started_yet_are_not_expected_to_report(demo):
    st = selectors.status(SYSTEM, selectors.scope_for(SYSTEM, zone="demo"), Period(2020, 2))
    assert st.expected == 45 and st.missing == []  # 43 old firms and 2 halted ones


def test_unusual_outputs_are_flagged_and_left_out_of_confirm_all(demo, client_for):
    from zonedesk.org.models import User

    officer = User.objects.get(username="officer")
    row = MonthlyFigure.objects.filter(
        enterprise__officer=officer, period="2020-06-01", status="submitted"
    ).first()
    row.output_value_wan *= 100  # 万元 typed as 元
    row.save()
    unusual = {
        r.enterprise.pk
        for r in selectors.month_rows(officer, row.enterprise.zone, Period(2020, 6), show="unusual")
    }
    assert row.enterprise_id in unusual
    shown = MonthlyFigure.objects.filter(enterprise__officer=officer, period="2020-06-01")
    client_for(officer).post(
        "/monitoring/month/confirm/",
        {
            "zone": "demo",
            "period": "2020-06",
            "firm": list(shown.values_list("enterprise_id", flat=True)),
        },
    )
    row.refresh_from_db()
    assert row.status == "submitted"
    left = MonthlyFigure.objects.filter(
        enterprise__officer=officer, period="2020-06-01", status="submitted"
    )
    assert set(left.values_list("enterprise_id", flat=True)) <= unusual


def test_the_demo_states_the_published_average_of_45_days_halted(demo):
    """平均停工 45 天 in June 2020 comes from the stored rows: the 43 firms producing before 2020
    were halted 45 days each on average from January to June; one more day moves it."""
    scope = selectors.scope_for(SYSTEM, zone="demo")
    st = selectors.status(SYSTEM, scope, Period(2020, 6))
    assert (st.halted.months, st.halted.firms, st.halted.days) == (6, 43, 43 * 45)
    assert st.halted.average_days == 45
    # Neither the four new firms (never halted) nor the two halted all month are in it.
    halted = set(Enterprise.objects.filter(zone__code="demo", status="halted").values_list("pk"))
    assert not {f for f, _d in st.halted.by_firm} & {pk for (pk,) in halted}
    assert not {f for f, _d in st.halted.by_firm} & set(st.summary.new_firms)
    row = MonthlyFigure.objects.filter(
        enterprise_id=st.halted.by_firm[0][0], period="2020-04-01"
    ).get()
    row.days_halted += 22  # 43 × 45 + 22 = 1957; / 43 = 45.51 -> 46
    row.save()
    assert selectors.status(SYSTEM, scope, Period(2020, 6)).halted.average_days == 46


def test_the_demo_headline_and_comparable_output_growth(demo):
    """12.78 % headline; without the four new firms (base 0) the same firms grew 12.78 − 8.61
    = 4.17 % (the two halted firms report 0 in both Junes and change nothing)."""
    st = selectors.status(SYSTEM, selectors.scope_for(SYSTEM, zone="demo"), Period(2020, 6))
    out = st.summary.aggregates["output_value_wan"]
    assert percent(out.yoy) == Decimal("12.78") and percent(out.new_part) == Decimal("8.61")
    assert out.comparable_firms == 45 and out.comparable_last_year == out.last_year
    assert percent(out.comparable_yoy) == Decimal("4.17")
