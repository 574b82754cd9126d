"""The notification centre page, the badge in the top bar, marking read, the channels form."""

import pytest

from zonedesk.notices import selectors, services

pytestmark = pytest.mark.django_db


def _reminder(world, title="请尽快走访甲一机械", link="/casework/contacts/due/"):
    return services.notify(
        actor=world.users["leader"],
        recipient=world.users["officer"],
        kind="reminder",
        title=title,
        link=link,
    )


def test_the_centre_shows_what_is_due_and_the_notifications(world, client_for):
    n = _reminder(world)
    page = client_for(world.users["officer"]).get("/notices/").content.decode()
    assert 'data-testid="due-item" data-kind="contact_due"' in page  # never contacted
    assert f'href="/casework/firms/{world.firm_a.pk}/contact/"' in page
    assert f'data-testid="notification-{n.pk}"' in page
    assert 'data-testid="notices-unread">1<' in page


def test_the_badge_is_on_every_page_and_counts_only_ones_own(world, client_for):
    _reminder(world)
    assert (
        'data-testid="notices-unread">1<'
        in client_for(world.users["officer"]).get("/casework/").content.decode()
    )
    other = client_for(world.users["officer2"]).get("/casework/").content.decode()
    assert 'data-testid="notices-badge"' in other and "notices-unread" not in other


def test_open_marks_read_and_follows_the_link(world, client_for):
    n = _reminder(world)
    response = client_for(world.users["officer"]).post(f"/notices/{n.pk}/read/", {"go": "1"})
    assert response.status_code == 302 and response["Location"] == "/casework/contacts/due/"
    assert selectors.unread_count(world.users["officer"]) == 0


def test_a_link_to_another_site_is_not_followed(world, client_for):
    n = _reminder(world, link="https://evil.example.com/")
    response = client_for(world.users["officer"]).post(f"/notices/{n.pk}/read/", {"go": "1"})
    assert response["Location"] == "/notices/"


def test_another_users_notification_is_not_found(world, client_for):
    n = _reminder(world)
    response = client_for(world.users["officer2"]).post(f"/notices/{n.pk}/read/")
    assert response.status_code == 404
    assert selectors.unread_count(world.users["officer"]) == 1


def test_the_channels_form_saves_the_choice(world, client_for):
    client = client_for(world.users["officer"])
    response = client.post(
        "/notices/preferences/", {"reminder": ["inapp"], "contact_due": ["inapp", "email"]}
    )
    assert response.status_code == 302
    chosen = selectors.preferences(world.users["officer"])
    assert chosen["reminder"] == {"inapp"} and chosen["problem_due"] == set()
    page = client.get("/notices/").content.decode()
    assert "alert-success" in page


def test_a_forged_channel_is_refused_with_a_message(world, client_for):
    client = client_for(world.users["officer"])
    client.post("/notices/preferences/", {"reminder": ["pigeon"]})
    assert selectors.preferences(world.users["officer"])["reminder"] == {"inapp", "email"}
    assert "alert-danger" in client.get("/notices/").content.decode()


def test_a_dashboard_kept_in_the_page_cache_shows_a_new_notification(world):
    """The whole dashboard is kept per user (monitoring.pagecache); the unread count is part of
    its key, so a notification that arrives shows on the next reload."""
    from django.test import Client

    leader = world.users["leader"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(leader)
    june = {"period": "2020-06"}
    for _ in range(3):  # the CSRF cookie, then the page kept
        page = client.get("/monitoring/", june).content.decode()
    assert "notices-unread" not in page
    services.notify(actor=world.users["city_leader"], recipient=leader, kind="reminder", title="看")
    page = client.get("/monitoring/", june).content.decode()
    assert 'data-testid="notices-unread">1<' in page
