"""The leaders' escalation page: overdue problems by department and by officer, firms past their
contact plan, benefits stuck in a step beyond the working days set; a reminder to the person
responsible, once a day per item, for leaders only."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.utils import translation

from tests import factories
from zonedesk.casework import selectors, services
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.notices import selectors as notices
from zonedesk.notices import services as notices_services
from zonedesk.notices.services import AlreadySent
from zonedesk.org.models import Department

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 18)  # a Wednesday of an ordinary week


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)


def _overdue(world, firm=None, days=5, department=True):
    problem = factories.problem(firm or world.firm_a)
    problem.due_at = TODAY - dt.timedelta(days=days)
    if department:
        problem.department = Department.objects.get(zone=world.zone_a)
    problem.save(update_fields=["due_at", "department"])
    return problem


def test_overdue_problems_by_department_and_by_officer(world):
    _overdue(world, days=5)
    _overdue(world, days=2)
    _overdue(world, firm=world.firm_a2, days=1, department=False)
    found = selectors.escalation(world.users["leader"], today=TODAY)

    assert [(c.name, c.n, c.most_days) for c in found.by_department] == [
        ("经济发展局", 2, 5),
        ("No department yet", 1, 1),
    ]
    assert [(c.name, c.n) for c in found.by_officer] == [
        (str(world.users["officer"]), 2),
        ("No liaison officer", 1),
    ]
    assert [p.days for p in found.problems] == [5, 2, 1]
    assert found.problems[0].responsible == world.users["officer"]
    assert found.problems[2].responsible is None


def test_firms_past_their_contact_plan_with_their_officer(world):
    found = selectors.escalation(world.users["leader"], today=TODAY)
    rows = {r.firm: r for r in found.contacts}
    assert set(rows) == {world.firm_a.name, world.firm_a2.name}  # never contacted
    assert rows[world.firm_a.name].responsible == world.users["officer"]
    assert rows[world.firm_a.name].detail == "Never contacted"


def test_a_benefit_is_stuck_after_the_working_days_set(world, settings):
    """Two working days allowed: notified on Friday the 13th is two working days by Tuesday
    (Monday, Tuesday: not stuck, though four calendar days) and three by Wednesday (stuck)."""
    settings.ZONEDESK = {**settings.ZONEDESK, "BENEFIT_STUCK_WORKDAYS": 2}
    benefit = factories.entitlement(
        world, world.firm_a, state="notified", since=_at(dt.date(2026, 11, 13))
    )
    leader = world.users["leader"]
    assert selectors.escalation(leader, today=dt.date(2026, 11, 17)).benefits == []
    [row] = selectors.escalation(leader, today=TODAY).benefits
    assert (row.pk, row.days, row.responsible) == (benefit.pk, 3, world.users["officer"])
    assert "2026-11-13" in row.detail


def test_a_benefit_moved_on_lately_is_not_stuck(world, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "BENEFIT_STUCK_WORKDAYS": 2}
    factories.entitlement(world, world.firm_a, state="applied", since=_at(TODAY))
    assert selectors.escalation(world.users["leader"], today=TODAY).benefits == []


def test_a_reminder_reaches_the_responsible_officer_once_a_day(world):
    world.users["officer"].email = "officer@zone-a.example.cn"
    world.users["officer"].save(update_fields=["email"])
    problem = _overdue(world)
    leader = world.users["leader"]

    sent = services.reminder_send(actor=leader, kind="problem", pk=problem.pk, today=TODAY)

    assert sent.recipient == world.users["officer"] and sent.kind == "reminder"
    assert sent.link == f"/casework/problems/{problem.pk}/"
    task = f"the problem “{problem.title}” of {world.firm_a.name}, overdue 5 days"
    assert sent.title == f"Please deal with {task}"
    assert sent.body == f"{leader} reminds you to deal with: {task}."
    notices_services.deliveries_send(actor=SYSTEM)  # the e-mail goes out from the worker
    [message] = mail.outbox
    assert message.to == ["officer@zone-a.example.cn"]
    assert AuditEntry.objects.filter(
        target_type="notices.notification", target_id=str(sent.pk), actor=leader
    ).exists()
    with pytest.raises(AlreadySent):
        services.reminder_send(
            actor=world.users["city_leader"], kind="problem", pk=problem.pk, today=TODAY
        )
    notices_services.deliveries_send(actor=SYSTEM)
    assert len(mail.outbox) == 1
    [row] = selectors.escalation(leader, today=TODAY).problems
    assert row.reminded


def test_only_leaders_remind(world):
    problem = _overdue(world)
    for name in ("officer", "admin", "auditor", "department"):
        with pytest.raises(PermissionDenied):
            services.reminder_send(
                actor=world.users[name], kind="problem", pk=problem.pk, today=TODAY
            )
        assert selectors.escalation(world.users[name], today=TODAY) is None
    assert not notices.notifications(world.users["officer"]).exists()


def test_an_item_outside_the_unit_or_not_late_is_not_found(world):
    theirs = _overdue(world, firm=world.firm_b, department=False)
    on_time = _overdue(world, days=-3)
    for pk in (theirs.pk, on_time.pk):
        with pytest.raises(NotFound):
            services.reminder_send(actor=world.users["leader"], kind="problem", pk=pk, today=TODAY)


def test_nobody_to_remind_says_so(world):
    problem = _overdue(world, firm=world.firm_a2, department=False)
    with pytest.raises(ValidationFailed, match="assign a liaison officer"):
        services.reminder_send(
            actor=world.users["leader"], kind="problem", pk=problem.pk, today=TODAY
        )


def test_the_city_leader_sees_their_zones(world):
    _overdue(world)
    found = selectors.escalation(world.users["city_leader"], today=TODAY)
    assert len(found.problems) == 1 and found.problems[0].zone == world.zone_a.name


def test_the_page_and_the_button(world, client_for):
    problem = _overdue(world)
    client = client_for(world.users["leader"])
    page = client.get("/casework/escalation/").content.decode()
    assert f'data-testid="row-problem-{problem.pk}"' in page
    assert 'data-testid="remind"' in page

    response = client.post("/casework/escalation/remind/", {"kind": "problem", "pk": problem.pk})
    assert response.status_code == 302
    [said] = [str(m) for m in get_messages(response.wsgi_request)]
    # "已提醒陈干部：已超期 N 天：…" had two colons: now one, before the request itself
    assert said.startswith(f"已提醒{world.users['officer']}：") and problem.title in said
    assert said.count("：") + said.count(":") == 1
    assert response["Location"] == f"/casework/escalation/#problem-{problem.pk}"
    assert notices.unread_count(world.users["officer"]) == 1
    page = client.get("/casework/escalation/").content.decode()
    row = page.split(f'data-testid="row-problem-{problem.pk}"')[1].split("</form>")[0]
    assert 'data-testid="reminded"' in row


def test_bad_input_is_a_message_not_an_error(world, client_for):
    client = client_for(world.users["leader"])
    for data in ({"kind": "problem", "pk": "x"}, {"kind": "gossip", "pk": "1"}, {}):
        response = client.post("/casework/escalation/remind/", data, follow=True)
        assert response.status_code == 200
        assert "alert-danger" in response.content.decode()
    assert client_for(world.users["officer"]).get("/casework/escalation/").status_code == 403


def test_the_page_shows_the_hundred_most_late_and_counts_the_rest(world, client_for):
    for days in range(1, 103):
        _overdue(world, days=days)
    page = client_for(world.users["leader"]).get("/casework/escalation/").content.decode()
    listed = page.split('data-testid="late-problem"')[1].split('data-testid="late-contact"')[0]
    assert listed.count('data-testid="row-problem-') == 100
    assert 'data-testid="count-problem">102<' in page
    assert 'data-testid="more-problem"' in listed and "?overdue=1" in listed


def test_a_reminder_reads_as_one_sentence_in_chinese(world):
    """The notice read "李主任的督办提醒（督办提醒页）。" and its title strung labels with colons:
    now the body says who asks what, and the title is one request."""
    problem = _overdue(world)
    leader = world.users["leader"]
    with translation.override("zh-hans"):
        sent = services.reminder_send(actor=leader, kind="problem", pk=problem.pk, today=TODAY)
    assert "督办提醒页" not in sent.body
    assert sent.title.count("：") + sent.title.count(":") == 0
    assert sent.body.count("：") + sent.body.count(":") <= 1
    assert str(leader) in sent.body and problem.title in sent.body and "5" in sent.body
