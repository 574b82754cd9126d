"""`zonedesk projects remind`: run daily, it tells a node's person in charge and the project's
service officer when the node turns yellow or red, in the notification centre and by e-mail,
once per light change, counting working days on the calendar (a weekend with a make-up Sunday,
and the 2020 National Day holiday)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.models import AuditEntry
from zonedesk.notices.models import Notification
from zonedesk.projects import services
from zonedesk.projects.models import NodeLightNotice, ProjectNode

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def warn3(settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "PROJECT_WARN_WORKDAYS": 3}


@pytest.fixture
def mailed(world):
    for name in ("officer", "department", "leader"):
        user = world.users[name]
        user.email = f"{name}@zone-a.example.cn"
        user.save(update_fields=["email"])
    return world


def _project(world, signed_on, **fields):
    """A project whose signing node (planned on `signed_on`) is in the department user's charge;
    its other nodes are planned a month and more later."""
    project = factories.project(
        world.zone_a,
        signed_on=signed_on,
        service_officer=world.users["officer"],
        leading_cadre=world.users["leader"],
        **fields,
    )
    ProjectNode.objects.filter(project=project, code="sign").update(
        person=world.users["department"]
    )
    return project


def _remind(day: dt.date, lang: str = "en") -> str:
    out = io.StringIO()
    call_command("projects", "remind", "--date", day.isoformat(), "--lang", lang, stdout=out)
    return out.getvalue()


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def test_across_a_weekend_and_the_national_day_holiday_each_light_is_told_once(mailed, warn3):
    # Signing planned for Friday 9 October 2020, the day after the 1-8 October holiday.
    # Working days in (today, 9 Oct] with Sunday 27 September worked: on Friday 25 September
    # 27, 28, 29, 30 Sep (4, green); on Monday 28 September 29, 30 Sep and 9 Oct (3: yellow,
    # nine calendar days ahead, where ordinary weeks would wait until Tuesday 6 October).
    # Saturday 10 October (a make-up working day) is past the date: red.
    project = _project(mailed, D(2020, 10, 9))
    told: dict[dt.date, list[tuple[str, str]]] = {}
    for day in _days(D(2020, 9, 24), D(2020, 10, 13)):
        mail.outbox.clear()
        _remind(day)
        told[day] = sorted((m.to[0], m.subject) for m in mail.outbox)

    said = {day: mails for day, mails in told.items() if mails}
    assert list(said) == [D(2020, 9, 28), D(2020, 10, 10)]
    yellow, red = said[D(2020, 9, 28)], said[D(2020, 10, 10)]
    assert [to for to, _subject in yellow] == [
        "department@zone-a.example.cn",
        "officer@zone-a.example.cn",
    ]
    assert "is due soon" in yellow[0][1] and project.name in yellow[0][1]
    assert [to for to, _subject in red] == [
        "department@zone-a.example.cn",
        "officer@zone-a.example.cn",
    ]
    assert "is late" in red[0][1]

    node = ProjectNode.objects.get(project=project, code="sign")
    notices = list(NodeLightNotice.objects.filter(node=node).order_by("on"))
    assert [(n.light, n.on, n.planned_on, n.recipients) for n in notices] == [
        ("yellow", D(2020, 9, 28), D(2020, 10, 9), 2),
        ("red", D(2020, 10, 10), D(2020, 10, 9), 2),
    ]
    # In the centre too, linked to the project's page; the leading cadre is not told (the
    # node has its people).
    centre = Notification.objects.filter(kind="project_light")
    assert centre.count() == 4
    assert {n.recipient.username for n in centre} == {"department", "officer"}
    assert {n.link for n in centre} == {f"/projects/{project.pk}/"}
    assert AuditEntry.objects.filter(target_type="projects.nodelightnotice").count() == 2


def test_a_second_run_on_the_same_day_tells_nobody_again(mailed, warn3):
    _project(mailed, D(2020, 6, 1))
    first = _remind(D(2020, 6, 10))
    assert "1 nodes turned yellow or red" in first
    assert len(mail.outbox) == 2
    mail.outbox.clear()

    again = _remind(D(2020, 6, 10))
    assert "0 nodes turned yellow or red" in again and "0 notifications" in again
    assert mail.outbox == []
    assert NodeLightNotice.objects.count() == 1


def test_a_node_skipping_yellow_is_told_red_at_once(mailed, warn3):
    """The first run after a node is already late tells it red, and not yellow."""
    _project(mailed, D(2020, 6, 1))
    _remind(D(2020, 6, 10))
    assert list(NodeLightNotice.objects.values_list("light", flat=True)) == ["red"]


def test_a_replan_starts_the_lights_afresh(mailed, warn3):
    project = _project(mailed, D(2020, 6, 1))
    node = ProjectNode.objects.get(project=project, code="sign")
    _remind(D(2020, 6, 3))
    asked = timezone.make_aware(dt.datetime(2020, 6, 3, 10))  # noqa: DTZ001 (made aware)
    replan = services.replan_request(
        actor=mailed.users["officer"],
        node=node,
        to_on=D(2020, 6, 15),
        reason="签约仪式推迟",
        at=asked,
    )
    services.replan_decide(
        actor=mailed.users["leader"],
        replan=replan,
        decision="approved",
        at=asked + dt.timedelta(hours=2),
    )
    # The re-plan's own notices (asked, decided) leave first: only the lights' are counted below.
    call_command("notices", "send", stdout=io.StringIO())
    mail.outbox.clear()

    # Wednesday 10 June: 11, 12, 15 June are three working days: yellow at the new date.
    _remind(D(2020, 6, 9))
    assert mail.outbox == []
    _remind(D(2020, 6, 10))
    assert len(mail.outbox) == 2 and "is due soon" in mail.outbox[0].subject
    assert sorted(NodeLightNotice.objects.values_list("light", "planned_on")) == [
        ("red", D(2020, 6, 1)),
        ("yellow", D(2020, 6, 15)),
    ]


def test_a_done_node_is_not_told(mailed, warn3):
    project = _project(mailed, D(2020, 6, 1))
    node = ProjectNode.objects.get(project=project, code="sign")
    services.node_complete(actor=SYSTEM, node=node, done_on=D(2020, 6, 1))
    _remind(D(2020, 6, 10))
    assert not NodeLightNotice.objects.exists() and mail.outbox == []


def test_without_people_the_leading_cadre_is_told_and_with_nobody_it_waits(mailed, warn3):
    cadre_only = factories.project(
        mailed.zone_a,
        code="XM-CADRE",
        signed_on=D(2020, 6, 1),
        leading_cadre=mailed.users["leader"],
    )
    nobody = factories.project(mailed.zone_a, code="XM-NOBODY", signed_on=D(2020, 6, 1))
    out = _remind(D(2020, 6, 10))

    assert [m.to for m in mail.outbox] == [["leader@zone-a.example.cn"]]
    assert NodeLightNotice.objects.get().node.project == cadre_only
    assert f"Nobody to tell of “签约” of {nobody.name}" in out
    # Once someone serves it, the next run tells them.
    nobody.service_officer = mailed.users["officer"]
    nobody.save(update_fields=["service_officer"])
    mail.outbox.clear()
    _remind(D(2020, 6, 11))
    assert [m.to for m in mail.outbox] == [["officer@zone-a.example.cn"]]


def test_an_inactive_person_is_skipped(mailed, warn3):
    _project(mailed, D(2020, 6, 1))
    department = mailed.users["department"]
    department.is_active = False
    department.save(update_fields=["is_active"])
    _remind(D(2020, 6, 10))
    assert [m.to for m in mail.outbox] == [["officer@zone-a.example.cn"]]


def test_the_channels_each_chose_apply(mailed, warn3):
    """The officer turned e-mail off for node lights: the centre only."""
    from zonedesk.notices.registry import Kind
    from zonedesk.notices.services import preferences_set

    officer = mailed.users["officer"]
    chosen = {kind: {"inapp", "email"} for kind in Kind.values} | {"project_light": {"inapp"}}
    preferences_set(actor=officer, user=officer, chosen=chosen)
    _project(mailed, D(2020, 6, 1))
    _remind(D(2020, 6, 10))
    assert [m.to for m in mail.outbox] == [["department@zone-a.example.cn"]]
    assert Notification.objects.filter(recipient=mailed.users["officer"]).count() == 1


def test_chinese_by_default(mailed, warn3):
    project = _project(mailed, D(2020, 6, 1))
    out = _remind(D(2020, 6, 10), lang="zh")
    notification = Notification.objects.filter(recipient=mailed.users["officer"]).get()
    assert project.name in notification.title and "2020年6月1日" in notification.title
    assert "逾期" in notification.title
    assert "2020-06-10" in out


def test_only_the_system_runs_it_and_a_bad_date_is_refused(world):
    with pytest.raises(PermissionDenied):
        services.lights_remind(actor=world.users["leader"], today=D(2020, 6, 1))
    with pytest.raises(CommandError, match="2020-13-01"):
        call_command("projects", "remind", "--date", "2020-13-01", "--lang", "en")


def test_on_the_demo_the_first_run_tells_exactly_the_meetings_nodes(demo):
    """Every red and yellow node of the 调度会 is told to its people once (every demo project
    has a service officer); the next run tells nothing."""
    from django.utils import timezone

    from zonedesk.org.models import User
    from zonedesk.projects import selectors

    today = timezone.localdate()
    leader = User.objects.get(username="leader")
    listed = {
        (i.node.pk, i.light) for _n, items in selectors.meeting(leader, today=today) for i in items
    }
    out = _remind(today)
    told = set(NodeLightNotice.objects.values_list("node_id", "light"))
    assert told == listed and len(told) > 10
    assert f"{len(told)} nodes turned yellow or red" in out
    officers = set(
        Notification.objects.filter(kind="project_light").values_list(
            "recipient__username", flat=True
        )
    )
    assert officers and officers <= {"officer", "officer2", "officer3", "dept"}
    assert "0 nodes turned yellow or red" in _remind(today)


def test_a_node_told_by_another_run_or_completed_meanwhile_is_not_told(mailed, warn3):
    """Two runs read the same change: the unique key lets one tell it. A node completed after
    the run read it is not told."""
    from zonedesk.projects import selectors

    first = _project(mailed, D(2020, 6, 1))
    second = _project(mailed, D(2020, 6, 1), code="XM-002")
    day = D(2020, 6, 10)
    read = {node.project_id: (node, light) for node, light in selectors.light_changes(today=day)}
    node, light = read[first.pk]
    assert services.node_light_notify(actor=SYSTEM, node=node, light=light, today=day)
    assert services.node_light_notify(actor=SYSTEM, node=node, light=light, today=day) is None

    node, light = read[second.pk]
    services.node_complete(actor=SYSTEM, node=node, done_on=D(2020, 6, 1))
    assert services.node_light_notify(actor=SYSTEM, node=node, light=light, today=day) is None
    assert NodeLightNotice.objects.count() == 1
    assert Notification.objects.filter(kind="project_light").count() == 2


def test_a_project_added_on_the_page_has_people_on_its_nodes_and_is_reminded(
    mailed, warn3, client_for
):
    """A project created on the page names its service officer in charge of every node (the
    department from the template), so the daily run has someone to tell."""
    from django.urls import reverse

    from tests.projects.test_project_form import _post
    from zonedesk.projects.models import Project

    client = client_for(mailed.users["leader"])
    body = _post(mailed, signed_on="2020-06-01", first_production_month="2021-09", leading_cadre="")
    assert client.post(reverse("projects:create"), body).status_code == 302
    project = Project.objects.get(code="XM-P1")
    nodes = project.nodes.all()
    assert {n.person.username if n.person else None for n in nodes} == {"officer"}
    assert any(n.department_id for n in nodes)

    out = _remind(D(2020, 6, 10))

    assert "1 nodes turned yellow or red" in out
    assert [m.to for m in mail.outbox] == [["officer@zone-a.example.cn"]]
    sign = nodes.get(code="sign")
    assert Notification.objects.get(kind="project_light").recipient == mailed.users["officer"]
    assert NodeLightNotice.objects.get().node == sign


def test_a_node_without_a_person_is_told_to_the_service_officer(mailed, warn3):
    project = factories.project(
        mailed.zone_a,
        signed_on=D(2020, 6, 1),
        service_officer=mailed.users["officer"],
        leading_cadre=mailed.users["leader"],
    )
    ProjectNode.objects.filter(project=project).update(person=None)
    _remind(D(2020, 6, 10))
    assert [m.to for m in mail.outbox] == [["officer@zone-a.example.cn"]]
    assert "is late" in mail.outbox[0].subject
    told = Notification.objects.get(kind="project_light")
    assert told.recipient == mailed.users["officer"] and told.channels == ["inapp", "email"]


def _projects(world, n: int) -> None:
    for k in range(n):
        _project(world, D(2020, 6, 1), code=f"XM-{k:03d}")


@pytest.mark.parametrize("batch", [2000, 2])
def test_the_run_writes_in_batches_not_per_node(mailed, warn3, batch, monkeypatch):
    """The queries of a run do not grow with the nodes it tells (a batch writes each table in
    one statement), and a run split into batches of 2 tells every node once all the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zonedesk.projects.services import reminders

    monkeypatch.setattr(reminders, "BATCH", batch)
    _projects(mailed, 2)
    with CaptureQueriesContext(connection) as few:
        services.lights_remind(actor=SYSTEM, today=D(2020, 6, 10))
    NodeLightNotice.objects.all().delete()
    Notification.objects.all().delete()
    _projects_more = 6
    for k in range(_projects_more):
        _project(mailed, D(2020, 6, 1), code=f"XM-M{k:02d}")
    with CaptureQueriesContext(connection) as many:
        result = services.lights_remind(actor=SYSTEM, today=D(2020, 6, 10))

    assert result.told == 8 and result.notifications == 16
    assert NodeLightNotice.objects.count() == 8
    assert Notification.objects.filter(kind="project_light").count() == 16
    assert AuditEntry.objects.filter(target_type="projects.nodelightnotice").count() == 10
    if batch > 8:
        assert len(many) == len(few)
    else:  # four batches of two nodes against one
        assert len(many) <= 4 * len(few)
    assert services.lights_remind(actor=SYSTEM, today=D(2020, 6, 10)).told == 0
