"""The zone's project dashboard and the project page's Gantt data: the counts by light, stage,
level, kind and zone computed in SQL agree with the same counts recomputed by hand, in Python,
from the stored nodes (lights.node_light per node, the furthest done node per project); the
yellow limit of one date agrees with node_light across weekends and a holiday; who sees what."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.projects import lights, selectors
from zonedesk.projects.models import ProjectNode
from zonedesk.projects.selectors import Lighter

from .test_lights import NATIONAL_DAY_2020, PLAIN

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("calendar", [PLAIN, NATIONAL_DAY_2020], ids=["plain", "national-day"])
@pytest.mark.parametrize("warn", [0, 1, 3, 5])
def test_the_yellow_limit_is_node_light_as_one_date(calendar, warn):
    for today in [D(2020, 9, 25) + dt.timedelta(days=k) for k in range(16)]:
        until = lights.yellow_until(today, warn, calendar)
        for k in range(-3, 40):
            planned = today + dt.timedelta(days=k)
            light = lights.node_light(
                planned_on=planned, done_on=None, today=today, warn_days=warn, calendar=calendar
            )
            expected = (
                lights.RED
                if planned < today
                else lights.YELLOW
                if planned <= until
                else lights.GREEN
            )
            assert light == expected, (today, planned, warn)


def _done(project, *codes, late_days=0):
    for node in project.nodes.filter(code__in=codes):
        node.status, node.done_on = "done", node.planned_on + dt.timedelta(days=late_days)
        node.save(update_fields=["status", "done_on"])


def _portfolio(world):
    """Projects of zone_a at several stages and lights, and one of zone_b."""
    today = timezone.localdate()
    late = factories.project(
        world.zone_a,
        code="A-1",
        name="红灯厂房项目",
        signed_on=today - dt.timedelta(days=100),
        level="province",
        yearly_investment_wan=Decimal("1200.50"),
    )
    _done(late, "sign")
    soon = factories.project(
        world.zone_a,
        code="A-2",
        name="黄灯仓储项目",
        kind="services",
        signed_on=today - dt.timedelta(days=400),
        total_investment_wan=Decimal("8000"),
    )
    # Everything done to 开工 (and in order), the next node planned tomorrow: yellow.
    _done(soon, "sign", "approve", "land_review", "land", "plan_permit", "build_permit", "start")
    ProjectNode.objects.filter(project=soon).exclude(status="done").update(
        planned_on=today + dt.timedelta(days=400)
    )
    ProjectNode.objects.filter(project=soon, code="topped").update(
        planned_on=today + dt.timedelta(days=1)
    )
    fine = factories.project(
        world.zone_a, code="A-3", name="绿灯项目", signed_on=today + dt.timedelta(days=60)
    )
    factories.project(
        world.zone_b, code="B-1", name="乙区项目", signed_on=today - dt.timedelta(days=300)
    )
    return late, soon, fine


def _by_hand(projects, today):
    """The dashboard's figures recomputed in Python from the stored rows."""
    lighter = Lighter(today)
    light_of, stage_of = {}, {}
    for p in projects:
        nodes = list(ProjectNode.objects.filter(project=p).order_by("seq"))
        light_of[p.pk] = lights.worst(lighter(n) for n in nodes)
        done = [n for n in nodes if n.status == "done"]
        stage_of[p.pk] = done[-1].name if done else ""
    return light_of, stage_of


def test_the_counts_agree_with_the_stored_rows(world):
    late, soon, fine = _portfolio(world)
    today = timezone.localdate()
    d = selectors.dashboard(world.users["leader"], today=today)
    light_of, stage_of = _by_hand([late, soon, fine], today)
    assert light_of == {late.pk: "red", soon.pk: "yellow", fine.pk: "green"}  # the data's point

    lit = Counter(light_of.values())
    assert (d.totals.projects, d.totals.red, d.totals.yellow, d.totals.green) == (
        3,
        lit["red"],
        lit["yellow"],
        lit["green"],
    )
    assert d.totals.total_investment_wan == sum(p.total_investment_wan for p in (late, soon, fine))
    assert d.totals.yearly_investment_wan == sum(
        p.yearly_investment_wan for p in (late, soon, fine)
    )
    assert {s.name: s.projects for s in d.stages} == Counter(stage_of.values())
    assert [s.name for s in d.stages] == ["", "签约", "开工"]  # in the template's order

    by_level = {g.key: (g.projects, g.red, g.yellow, g.green) for g in d.by_level}
    assert by_level == {"province": (1, 1, 0, 0), "county": (2, 0, 1, 1)}
    by_kind = {g.key: (g.projects, g.total_investment_wan) for g in d.by_kind}
    assert by_kind == {
        "industrial": (2, late.total_investment_wan + fine.total_investment_wan),
        "services": (1, soon.total_investment_wan),
    }
    assert [(g.key, g.projects) for g in d.by_zone] == [("zone-a", 3)]


def test_the_counts_follow_the_rows(world):
    late, soon, _fine = _portfolio(world)
    leader = world.users["leader"]
    before = selectors.dashboard(leader)
    # The late project's open nodes all move far ahead: it turns green.
    ProjectNode.objects.filter(project=late, status="open").update(
        planned_on=timezone.localdate() + dt.timedelta(days=365)
    )
    _done(soon, "topped")
    after = selectors.dashboard(leader)
    assert (before.totals.red, before.totals.yellow, before.totals.green) == (1, 1, 1)
    assert (after.totals.red, after.totals.yellow, after.totals.green) == (0, 0, 3)
    assert {s.name: s.projects for s in after.stages} == {"": 1, "签约": 1, "主体完工": 1}


def test_area_users_see_their_zones_and_others_see_nothing(world):
    _portfolio(world)
    city = selectors.dashboard(world.users["city_leader"])
    assert city.totals.projects == 3 and [g.key for g in city.by_zone] == ["zone-a"]
    assert selectors.dashboard(world.users["department"]) is None
    assert selectors.dashboard(world.users["enterprise"]) is None
    # Another zone given is not the user's: left out.
    assert selectors.dashboard(world.users["leader"], zones=[world.zone_b]).totals.projects == 0


def test_the_page_reads_without_javascript(world, client_for):
    _portfolio(world)
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"
    page = client.get("/projects/dashboard/").content.decode()
    assert 'data-testid="total-projects">3<' in page
    assert 'data-testid="total-lights">1 / 1 / 1<' in page
    assert 'data-testid="by-level-province"' in page and 'id="project-dashboard-data"' in page
    assert "<script>" not in page  # data in json_script, code in files (CSP)
    assert client.get("/projects/dashboard/", {"zone": "zone-b"}).status_code == 404
    assert client.get("/projects/dashboard/", {"zone": "zone-a"}).status_code == 200
    refused = client_for(world.users["department"]).get("/projects/dashboard/")
    assert refused.status_code == 403
    menu = client.get("/projects/").content.decode()
    assert 'href="/projects/dashboard/"' in menu
    assert 'href="/projects/dashboard/"' not in (
        client_for(world.users["department"]).get("/projects/").content.decode()
    )


def test_the_gantt_data_are_the_stored_dates(world):
    late, _soon, _fine = _portfolio(world)
    ProjectNode.objects.filter(project=late, code="approve").update(
        planned_on=late.signed_on + dt.timedelta(days=45)
    )
    today = timezone.localdate()
    rows = selectors.node_rows(world.users["leader"], late, today=today)
    data = selectors.gantt(rows, today=today)
    stored = list(ProjectNode.objects.filter(project=late).order_by("seq"))
    assert data["today"] == today.isoformat()
    assert [n["name"] for n in data["nodes"]] == [n.name for n in stored]
    lighter = Lighter(today)
    for item, node in zip(data["nodes"], stored, strict=True):
        assert item["baseline"] == node.baseline_on.isoformat()
        assert item["planned"] == node.planned_on.isoformat()
        assert item["actual"] == (node.done_on.isoformat() if node.done_on else None)
        assert item["light"] == (lighter(node) or "done")
        assert item["replanned"] == (node.planned_on != node.baseline_on)
    approve = data["nodes"][[s.code for s in stored].index("approve")]
    assert approve["replanned"] and approve["planned"] != approve["baseline"]
    assert data["nodes"][0]["light"] == "done" and data["nodes"][0]["actual"]


def test_the_project_page_carries_the_chart_data(world, client_for):
    late, _soon, _fine = _portfolio(world)
    page = client_for(world.users["leader"]).get(f"/projects/{late.pk}/").content.decode()
    assert 'id="project-gantt-data"' in page and 'id="gantt-chart"' in page
    assert late.nodes.get(code="sign").baseline_on.isoformat() in page


def test_the_dashboard_shows_the_investment_completion_by_level_and_kind(world, client_for):
    """The dashboard's investment card: the year's monthly plans, planned and completed through
    this month and the rate, for all projects and per level and kind, as the stored months add
    up (investment.zone_totals); the declared yearly plan is labelled apart (projwalk)."""
    from zonedesk.core.actors import SYSTEM
    from zonedesk.projects import investment, services

    today = timezone.localdate()
    signed = today.replace(month=1, day=2) - dt.timedelta(days=400)
    a = factories.project(world.zone_a, code="A", signed_on=signed, level="county")
    b = factories.project(
        world.zone_a, code="B", signed_on=signed, level="city", kind="infrastructure"
    )
    this_month = today.replace(day=1)
    later = this_month.replace(month=12)
    entered = [(a, this_month, "100", "60"), (b, this_month, "300", "90")]
    if later != this_month:
        entered.append((a, later, "100", "0"))
    for project, month, planned, done in entered:
        services.investment_set(
            actor=SYSTEM,
            project=project,
            month=month,
            planned_wan=Decimal(planned),
            done_wan=Decimal(done),
        )
    totals = selectors.dashboard_investment(world.users["leader"])
    by_hand = selectors.investment_totals([a, b])
    assert totals == by_hand
    assert totals.all.done_to_date == Decimal(150)
    assert totals.by_level["city"].planned_year == Decimal(300)
    assert totals.by_kind["industrial"].planned_year == Decimal(100 if later == this_month else 200)
    assert investment.completion_rate(Decimal(150), totals.all.planned_year) == totals.all.rate

    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "zh-hans"
    page = client.get("/projects/dashboard/").content.decode()
    card = page[page.index('data-testid="dashboard-investment"') :]
    assert "按月分解的年度计划投资" in card and "年度计划投资（项目申报" in page
    row = card[card.index('data-testid="invest-all"') :]
    assert "150.00" in row[: row.index("</tr>")]
    assert 'data-testid="invest-city"' in card and 'data-testid="invest-infrastructure"' in card
