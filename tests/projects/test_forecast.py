"""The recovery forecast with the key projects: the projects under way hand monitoring their
expected output from their planned first-production month (settings RECOVERY_PIPELINES), and a
re-plan of 投产 moves the forecast — in the selector, on the dashboard and in the command.

The year is next year, so every date the test plans or re-plans is in the future whatever the
day it runs; last year's figures (this year's) are months already past or current."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.monitoring import selectors as monitoring
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.monitoring.services import FigureData, figure_save, target_set
from zonedesk.projects import services, templates_default
from zonedesk.projects.models import ProjectNode

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year + 1
ANNUAL = Decimal("1200")  # 100 a month


@pytest.fixture
def zone(world):
    """zone_a with firm_a's output this year (every month up to this one, 100 each) and an
    8 % target for next year."""
    for month in range(1, TODAY.month + 1):
        figure_save(
            actor=SYSTEM,
            enterprise=world.firm_a,
            period=Period(TODAY.year, month),
            data=FigureData(output_value_wan=Decimal(100), employees=50),
        )
    target_set(actor=SYSTEM, zone=world.zone_a, year=YEAR, output_growth_pct=Decimal(8))
    return world.zone_a


def _project(world, producing_on: dt.date, **fields):
    """A project whose 投产 node is planned on `producing_on` (the template's 480 days)."""
    offset = dict((c, o) for c, _n, o, _d, _w in templates_default.NODES)["producing"]
    values = {
        "expected_output_wan": ANNUAL,
        "service_officer": world.users["officer"],
        "leading_cadre": world.users["leader"],
        **fields,
    }
    return factories.project(
        world.zone_a, signed_on=producing_on - dt.timedelta(days=offset), **values
    )


def _replan(world, project, to_on):
    node = ProjectNode.objects.get(project=project, code=templates_default.PRODUCING)
    replan = services.replan_request(
        actor=world.users["officer"], node=node, to_on=to_on, reason="设备到货推迟"
    )
    services.replan_decide(actor=world.users["leader"], replan=replan, decision="approved")


def _forecast(user, zone):
    scope = monitoring.scope_for(user, zone=zone.code)
    return monitoring.forecast(user, monitoring.status(user, scope, Period(YEAR, 1)))


def test_a_replan_of_production_moves_the_forecast(world, zone):
    leader = world.users["leader"]
    before = _forecast(leader, zone)
    assert before.added == 0 and before.added_items == 0
    project = _project(world, dt.date(YEAR, 3, 10))
    planned = _forecast(leader, zone)
    # March..December: 10 months of 100
    assert planned.added == Decimal(1000) and planned.added_items == 1
    assert planned.total == before.total + 1000
    assert planned.share_of_target > before.share_of_target == planned.share_without
    _replan(world, project, dt.date(YEAR, 9, 20))
    slipped = _forecast(leader, zone)
    # September..December: 4 months of 100
    assert slipped.added == Decimal(400)
    assert slipped.share_of_target == (before.total + 400) / slipped.target_total
    _replan(world, project, dt.date(YEAR + 1, 2, 1))
    assert _forecast(leader, zone).added == 0  # slipped into the year after


def test_only_projects_under_way_with_an_expected_output_count(world, zone):
    _project(world, dt.date(YEAR, 7, 1), code="A")
    _project(world, dt.date(YEAR, 7, 1), code="B", expected_output_wan=None)
    assert _forecast(world.users["leader"], zone).added_items == 1
    # Another zone's project is not this zone's forecast.
    factories.project(
        world.zone_b,
        signed_on=dt.date(YEAR, 7, 1) - dt.timedelta(days=480),
        expected_output_wan=ANNUAL,
    )
    assert _forecast(world.users["leader"], zone).added_items == 1


@pytest.fixture
def client_for(client_for):
    def make(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return make


def _shown(client, zone) -> str:
    page = client.get(
        reverse("monitoring:dashboard"), {"zone": zone.code, "period": f"{YEAR}-01"}
    ).content.decode()
    found = re.search(r'data-testid="forecast-added">([^<]+)<', page)
    return found.group(1).strip() if found else ""


def test_the_dashboard_shows_the_forecast_and_follows_a_replan(world, zone, client_for):
    # The dashboard's catching-up card is shown for a month with reports: January's, stored as
    # a row (the services refuse a month not yet come).
    MonthlyFigure.objects.create(
        enterprise=world.firm_a,
        period=dt.date(YEAR, 1, 1),
        output_value_wan=Decimal(100),
        employees=50,
    )
    client = client_for(world.users["leader"])
    assert _shown(client, zone) == ""  # no project adds to the year: no forecast
    project = _project(world, dt.date(YEAR, 3, 10))
    assert _shown(client, zone) == "1,000.00"
    _replan(world, project, dt.date(YEAR, 9, 20))
    assert _shown(client, zone) == "400.00"  # not the cached page of before


def test_the_recovery_command_says_the_forecast(world, zone):
    project = _project(world, dt.date(YEAR, 3, 10))
    out = io.StringIO()
    args = ["recovery", "--zone", zone.code, "--through", f"{YEAR}-01", "--lang", "en"]
    call_command(*args, stdout=out)
    assert "(1,000.00 10k yuan in the remaining months)" in out.getvalue()
    _replan(world, project, dt.date(YEAR, 9, 20))
    out = io.StringIO()
    call_command(*args, stdout=out)
    assert "(400.00 10k yuan in the remaining months)" in out.getvalue()
