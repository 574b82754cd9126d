"""A template node's own yellow warning (TemplateNode.warn_days): set on the template page, copied
to the nodes of projects created afterwards, and used by every light (the project's nodes, the
调度会, the dashboard's counts, the daily reminder); a node without one falls back to the zone's
setting (ZONEDESK["PROJECT_WARN_WORKDAYS"])."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests import factories
from zonedesk.core.models import AuditEntry
from zonedesk.notices.models import Notification
from zonedesk.projects import lights, selectors, services
from zonedesk.projects.models import NodeLightNotice, NodeTemplate, ProjectNode, TemplateNode

pytestmark = pytest.mark.django_db
D = dt.date
# Monday 1 June 2020; Thursday 11 June is 8 working days on (2-5, 8-11 June), Tuesday 2 June 1.
TODAY, EIGHT_AHEAD, TOMORROW = D(2020, 6, 1), D(2020, 6, 11), D(2020, 6, 2)


@pytest.fixture
def warn5(settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "PROJECT_WARN_WORKDAYS": 5}


def _tnode(world, kind: str, code: str) -> TemplateNode:
    """The node of zone A's template of `kind` (its own, else the default it uses)."""
    return services.template_of(world.zone_a, kind).nodes.select_related("template").get(code=code)


def _set_warn(actor, tnode: TemplateNode, days: int | None) -> None:
    services.template_node_edit(
        actor=actor,
        zone=actor.zone,
        node=tnode,
        data=services.TemplateNodeData(
            code=tnode.code,
            name=tnode.name,
            offset_days=tnode.offset_days,
            department_name=tnode.department_name,
            depends_on=tuple(d.code for d in tnode.depends_on.all()),
            warn_days=days,
        ),
        expected_version=tnode.template.version,
    )


@pytest.fixture
def three(world, warn5):
    """Three projects signed in August (every node green on 1 June), one node of each moved:
    A's 立项 (its template gives it 10 days) and B's (the zone's 5) planned 8 working days
    ahead, C's planned tomorrow with a warning of 0 days."""
    leader = world.users["leader"]
    _set_warn(leader, _tnode(world, "industrial", "approve"), 10)
    officer = world.users["officer"]
    a = factories.project(
        world.zone_a,
        code="XM-A",
        kind="industrial",
        signed_on=D(2020, 8, 3),
        service_officer=officer,
    )
    b = factories.project(
        world.zone_a, code="XM-B", kind="services", signed_on=D(2020, 8, 3), service_officer=officer
    )
    c = factories.project(
        world.zone_a,
        code="XM-C",
        kind="infrastructure",
        signed_on=D(2020, 8, 3),
        service_officer=officer,
    )
    ProjectNode.objects.filter(project__in=[a, b], code="approve").update(planned_on=EIGHT_AHEAD)
    ProjectNode.objects.filter(project=c, code="approve").update(planned_on=TOMORROW, warn_days=0)
    return {p.code: p.nodes.get(code="approve") for p in (a, b, c)}


def test_the_template_nodes_warning_is_copied_to_new_projects_only(world, warn5):
    leader = world.users["leader"]
    before = factories.project(world.zone_a, code="XM-OLD", signed_on=TODAY)
    _set_warn(leader, _tnode(world, "industrial", "approve"), 10)
    after = factories.project(world.zone_a, code="XM-NEW", signed_on=TODAY)

    own = dict(after.nodes.values_list("code", "warn_days"))
    assert own["approve"] == 10
    assert {code for code, days in own.items() if days is not None} == {"approve"}
    assert not before.nodes.filter(warn_days__isnull=False).exists()
    template = NodeTemplate.objects.get(zone=world.zone_a, kind="industrial")
    entry = AuditEntry.objects.filter(target_type="projects.nodetemplate").latest("seq")
    old, new = entry.changes["node approve"]
    assert (old["warn_days"], new["warn_days"]) == (None, 10)
    assert entry.target_id == str(template.pk)


def test_every_light_uses_the_nodes_own_warning(world, three):
    leader = world.users["leader"]
    lighter = selectors.Lighter(TODAY)
    assert lighter(three["XM-A"]) == lights.YELLOW  # 8 working days ahead, warned 10
    assert lighter(three["XM-B"]) == lights.GREEN  # the zone's 5
    assert lighter(three["XM-C"]) == lights.GREEN  # tomorrow, warned 0

    listed = {
        (i.node.pk, i.light) for _d, items in selectors.meeting(leader, today=TODAY) for i in items
    }
    assert listed == {(three["XM-A"].pk, lights.YELLOW)}

    board = selectors.dashboard(leader, today=TODAY)
    assert (board.totals.projects, board.totals.yellow, board.totals.red) == (3, 1, 0)

    rows = {r.project.code: r.light for r in selectors.project_rows(leader, today=TODAY)}
    assert rows == {"XM-A": "yellow", "XM-B": "green", "XM-C": "green"}


def test_the_reminder_tells_the_node_with_its_own_warning(world, three):
    call_command(
        "projects", "remind", "--date", TODAY.isoformat(), "--lang", "en", stdout=io.StringIO()
    )
    assert list(NodeLightNotice.objects.values_list("node_id", "light")) == [
        (three["XM-A"].pk, "yellow")
    ]
    note = Notification.objects.get(kind="project_light")
    assert "within 10 working days" in note.body


def test_without_its_own_the_zones_setting_applies(world, three, settings):
    """B's node, with no warning of its own, turns yellow when the zone warns 8 days ahead."""
    settings.ZONEDESK = {**settings.ZONEDESK, "PROJECT_WARN_WORKDAYS": 8}
    lighter = selectors.Lighter(TODAY)
    assert lighter(ProjectNode.objects.get(pk=three["XM-B"].pk)) == lights.YELLOW
    assert lighter(ProjectNode.objects.get(pk=three["XM-C"].pk)) == lights.GREEN


class TestPage:
    def test_shown_and_set_on_the_template_page(self, world, client_for, warn5):
        tnode = _tnode(world, "industrial", "approve")
        client = client_for(world.users["leader"])
        page = client.get(reverse("projects:templates")).content.decode()
        assert f'data-testid="tnode-warn-{tnode.pk}"' in page and "5（统一设置）" in page

        response = client.post(
            reverse("projects:template_node_edit", args=[tnode.pk]),
            {
                "name": tnode.name,
                "code": tnode.code,
                "offset_days": str(tnode.offset_days),
                "department_name": tnode.department_name,
                "depends_on": ["sign"],
                "warn_days": "12",
                "version": str(tnode.template.version),
            },
        )
        assert response.status_code == 302
        default = tnode
        tnode = _tnode(world, "industrial", "approve")  # zone A's own copy, made by this change
        assert tnode.warn_days == 12 and tnode.template.zone == world.zone_a
        default.refresh_from_db()
        assert default.warn_days is None
        edit = client.get(reverse("projects:template_node_edit", args=[tnode.pk])).content.decode()
        assert 'name="warn_days" value="12"' in edit

    @pytest.mark.parametrize("value", ["31", "-1", "abc"])
    def test_a_bad_warning_is_refused_beside_its_field(self, world, client_for, value):
        tnode = _tnode(world, "industrial", "approve")
        version = tnode.template.version
        response = client_for(world.users["leader"]).post(
            reverse("projects:template_node_edit", args=[tnode.pk]),
            {
                "name": tnode.name,
                "code": tnode.code,
                "offset_days": "30",
                "warn_days": value,
                "version": str(version),
            },
        )
        assert response.status_code == 400
        assert 'data-testid="error-warn_days"' in response.content.decode()
        tnode.refresh_from_db()
        assert tnode.warn_days is None and tnode.template.version == version

    def test_emptied_falls_back_to_the_zones_setting(self, world, client_for):
        tnode = _tnode(world, "industrial", "approve")
        _set_warn(world.users["leader"], tnode, 7)
        tnode = _tnode(world, "industrial", "approve")
        assert tnode.warn_days == 7
        response = client_for(world.users["leader"]).post(
            reverse("projects:template_node_edit", args=[tnode.pk]),
            {
                "name": tnode.name,
                "code": tnode.code,
                "offset_days": "30",
                "depends_on": ["sign"],
                "warn_days": "",
                "version": str(tnode.template.version),
            },
        )
        assert response.status_code == 302
        tnode.refresh_from_db()
        assert tnode.warn_days is None and tnode.template.zone == world.zone_a
