"""The notification centre over the API: the caller's own notifications, marking read, what is
due for them."""

import pytest

from zonedesk.notices import selectors, services

pytestmark = pytest.mark.django_db


def _note(world, to="officer"):
    return services.notify(
        actor=world.users["leader"], recipient=world.users[to], kind="reminder", title="请回访"
    )


def test_the_list_is_the_callers_own_and_filters_unread(world, client_for):
    mine, theirs = _note(world), _note(world, to="officer2")
    client = client_for(world.users["officer"])
    body = client.get("/api/v1/notices").json()
    assert [n["id"] for n in body["items"]] == [mine.pk] and body["count"] == 1
    assert body["items"][0]["sender"] == str(world.users["leader"])
    services.notification_read(actor=world.users["officer"], pk=mine.pk)
    assert client.get("/api/v1/notices", {"unread": "true"}).json()["count"] == 0
    assert theirs.pk not in [n["id"] for n in client.get("/api/v1/notices").json()["items"]]


def test_read_marks_ones_own_and_refuses_anothers(world, client_for):
    mine, theirs = _note(world), _note(world, to="officer2")
    client = client_for(world.users["officer"])
    response = client.post(f"/api/v1/notices/{mine.pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.post(f"/api/v1/notices/{theirs.pk}/read").status_code == 404
    assert selectors.unread_count(world.users["officer2"]) == 1


def test_due_lists_what_the_page_lists(world, client_for):
    body = client_for(world.users["officer"]).get("/api/v1/notices/due").json()
    assert [(i["kind"], i["link"]) for i in body] == [
        ("contact_due", f"/casework/firms/{world.firm_a.pk}/contact/")
    ]
