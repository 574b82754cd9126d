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


def test_the_preferences_address_opened_directly_goes_to_the_form(world, client_for):
    """GET /notices/preferences/ (a bookmark, an address typed in) was a bare 405: it now leads
    to the form on the centre."""
    response = client_for(world.users["officer"]).get("/notices/preferences/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [("/notices/#preferences", 302)]
    assert 'id="preferences"' in response.content.decode()


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("officer", {"contact_due", "problem_due", "benefit_step", "reminder"}),
        ("leader", {"problem_due", "reminder"}),
        ("department", {"problem_due", "reminder"}),
        ("enterprise", {"benefit_step"}),
        ("bank", set()),
        ("auditor", set()),
    ],
)
def test_the_form_offers_only_the_kinds_the_role_can_receive(world, client_for, role, offered):
    """A firm's or a bank's user has no contact plan, no problem to handle and no leader to
    remind them: those kinds are not offered to them."""
    page = client_for(world.users[role]).get("/notices/").content.decode()
    shown = {
        kind
        for kind in ("contact_due", "problem_due", "benefit_step", "reminder")
        if f'name="{kind}"' in page
    }
    assert shown == offered
    assert ('data-testid="preferences-none"' in page) == (not offered)


def test_saving_leaves_the_kinds_not_offered_as_they_were(world, client_for):
    """The firm's user turns e-mail off for benefit steps; the kinds never sent to them are not
    switched off behind their back (nor audited as changed)."""
    user = world.users["enterprise"]
    response = client_for(user).post("/notices/preferences/", {"benefit_step": ["inapp"]})
    assert response["Location"] == "/notices/#preferences"
    chosen = selectors.preferences(user)
    assert chosen["benefit_step"] == {"inapp"}
    assert chosen["reminder"] == chosen["contact_due"] == {"inapp", "email"}
