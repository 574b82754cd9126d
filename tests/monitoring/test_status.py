"""The month's status computed from stored rows: the demo zone states the published figures."""

import pytest
from django.core.management import CommandError, call_command

from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import selectors
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
    call_command("recovery", "--zone", "demo", "--through", "2020-06", "--halted-days", "3")
    assert "3" in capsys.readouterr().out.splitlines()[-1]
    for bad in (["--target", "abc"], ["--target", "NaN"], ["--halted-days", "40"]):
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
    client_for(officer).post("/monitoring/month/confirm/", {"zone": "demo", "period": "2020-06"})
    row.refresh_from_db()
    assert row.status == "submitted"
    left = MonthlyFigure.objects.filter(
        enterprise__officer=officer, period="2020-06-01", status="submitted"
    )
    assert set(left.values_list("enterprise_id", flat=True)) <= unusual
