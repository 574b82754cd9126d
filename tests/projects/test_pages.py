"""Key projects' pages through the test client: the list with its lights and filters, the
project page with baseline, re-planned and actual dates, a node completed, refused and re-planned
from the page, and the scheduling meeting."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories
from zonedesk.projects.models import ProjectNode, Replan

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_for(client_for):
    """Pages in English (the Chinese is the catalogue's)."""

    def make(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return make


def _projects(world):
    today = timezone.localdate()
    late = factories.project(
        world.zone_a,
        code="A-1",
        name="红灯厂房项目",
        signed_on=today - dt.timedelta(days=100),
        service_officer=world.users["officer"],
        level="province",
    )
    fine = factories.project(
        world.zone_a,
        code="A-2",
        name="绿灯仓储项目",
        kind="services",
        signed_on=today + dt.timedelta(days=60),
    )
    factories.project(world.zone_b, code="B-1", name="乙区项目", signed_on=today)
    return late, fine


def test_the_list_shows_lights_and_filters(world, client_for):
    _projects(world)
    leader = client_for(world.users["leader"])

    page = leader.get("/projects/").content.decode()
    assert "红灯厂房项目" in page and "绿灯仓储项目" in page and "乙区项目" not in page
    assert page.index("红灯厂房项目") < page.index("绿灯仓储项目")  # red first
    assert 'data-light="red"' in page and 'data-light="green"' in page

    red = leader.get("/projects/", {"light": "red"}).content.decode()
    assert "红灯厂房项目" in red and "绿灯仓储项目" not in red
    services = leader.get("/projects/", {"kind": "services"}).content.decode()
    assert "绿灯仓储项目" in services and "红灯厂房项目" not in services
    province = leader.get("/projects/", {"level": "province"}).content.decode()
    assert "红灯厂房项目" in province and "绿灯仓储项目" not in province
    for odd in ({"light": "<b>"}, {"level": "x"}, {"kind": "1"}):
        assert leader.get("/projects/", odd).status_code == 200


def test_the_nav_links_the_projects_for_the_zones_officials(world, client_for):
    assert 'href="/projects/"' in client_for(world.users["officer"]).get("/").content.decode()
    assert 'href="/projects/"' not in client_for(world.users["bank"]).get("/").content.decode()


def test_a_node_is_completed_and_refused_from_the_project_page(world, client_for):
    late, _fine = _projects(world)
    officer = client_for(world.users["officer"])
    sign = late.nodes.get(code="sign")
    land = late.nodes.get(code="land")

    page = officer.get(f"/projects/{late.pk}/").content.decode()
    assert 'data-testid="complete-sign"' in page and 'data-testid="complete-land"' not in page

    today = timezone.localdate().isoformat()
    refused = officer.post(
        f"/projects/nodes/{land.pk}/complete/", {"version": land.version, "done_on": today}
    )
    assert refused.status_code == 400
    assert "complete those first" in refused.content.decode()
    assert ProjectNode.objects.get(pk=land.pk).status == "open"

    done = officer.post(
        f"/projects/nodes/{sign.pk}/complete/", {"version": sign.version, "done_on": today}
    )
    assert done.status_code == 302
    sign.refresh_from_db()
    assert (sign.status, sign.done_on) == ("done", timezone.localdate())

    stale = officer.post(
        f"/projects/nodes/{late.nodes.get(code='approve').pk}/complete/",
        {"version": 7, "done_on": today},
    )
    assert stale.status_code == 400 and "Nothing was saved" in stale.content.decode()


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "Give the node&#x27;s actual date: the day it was done."),
        ("zh-hans", "请填写节点的实际完成日期"),
    ],
)
def test_an_empty_actual_date_is_a_field_error_not_today(world, client_for, lang, words):
    """The form shows today's date; emptied, it is refused on the field and nothing is done."""
    late, _fine = _projects(world)
    sign = late.nodes.get(code="sign")
    officer = client_for(world.users["officer"])
    officer.cookies["django_language"] = lang
    page = officer.get(f"/projects/{late.pk}/").content.decode()
    assert f'name="done_on" value="{timezone.localdate().isoformat()}" required' in page

    refused = officer.post(
        f"/projects/nodes/{sign.pk}/complete/", {"version": sign.version, "done_on": ""}
    )

    assert refused.status_code == 400
    html = refused.content.decode()
    assert 'data-testid="complete-error-sign"' in html and words in html
    sign.refresh_from_db()
    assert (sign.status, sign.done_on) == ("open", None)


def test_a_replan_is_asked_for_and_approved_from_the_page(world, client_for):
    late, _fine = _projects(world)
    start = late.nodes.get(code="start")
    to = start.planned_on + dt.timedelta(days=45)
    officer = client_for(world.users["officer"])

    asked = officer.post(
        f"/projects/nodes/{start.pk}/replan/",
        {"version": start.version, "to_on": to.isoformat(), "reason": "施工许可延后"},
    )
    assert asked.status_code == 302
    page = officer.get(f"/projects/{late.pk}/").content.decode()
    assert 'data-testid="pending-start"' in page and 'data-testid="decide-start"' not in page

    leader = client_for(world.users["leader"])
    assert 'data-testid="decide-start"' in leader.get(f"/projects/{late.pk}/").content.decode()
    replan = Replan.objects.get()
    assert (
        leader.post(f"/projects/replans/{replan.pk}/decide/", {"decision": "approved"}).status_code
        == 302
    )

    page = leader.get(f"/projects/{late.pk}/").content.decode()
    row = page[page.index('data-testid="node-start"') :]
    row = row[: row.index("</tr>")]
    assert start.baseline_on.isoformat() in row and to.isoformat() in row  # baseline kept


def test_a_replan_without_a_reason_is_refused_on_the_page(world, client_for):
    late, _fine = _projects(world)
    start = late.nodes.get(code="start")
    response = client_for(world.users["officer"]).post(
        f"/projects/nodes/{start.pk}/replan/",
        {"version": start.version, "to_on": "2030-01-01", "reason": ""},
    )
    assert response.status_code == 400 and not Replan.objects.exists()


def test_the_meeting_groups_red_and_yellow_nodes_by_department(world, client_for):
    late, _fine = _projects(world)
    page = client_for(world.users["leader"]).get("/projects/meeting/").content.decode()
    assert "经济发展局" in page and "红灯厂房项目" in page and "绿灯仓储项目" not in page
    assert f"meeting-node-{late.nodes.get(code='approve').pk}" in page
    # The day in the sentence is written as prose writes it (2026年12月6日), not as an ISO date.
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    zh = client_for(world.users["leader"])
    zh.cookies["django_language"] = "zh-hans"
    said = zh.get("/projects/meeting/").content.decode()
    today = timezone.localdate()
    with translation.override("zh-hans"):
        assert f"{date_format(today)}共有" in said and f"{today:%Y-%m-%d}共有" not in said
