"""Sessions end after 30 idle minutes (configurable) and 12 hours after log-in; the last activity
is written at most once a minute. The clock is moved by editing the session's stored times."""

import time

import pytest
from django.test import Client

from zonedesk.core.sessions import SEEN, STARTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(world):
    client = Client()
    client.force_login(world.users["leader"])
    client.cookies["django_language"] = "en"
    assert client.get("/zones/").status_code == 200  # the first request stamps the session
    return client


def _shift(client, **seconds_back) -> None:
    session = client.session
    for key, back in seconds_back.items():
        session[key] -= back
    session.save()


def test_the_first_request_after_log_in_stamps_the_session(leader):
    session = leader.session
    assert abs(session[SEEN] - time.time()) < 5 and session[STARTED] == session[SEEN]


def test_thirty_idle_minutes_log_the_user_out_with_a_message(leader):
    _shift(leader, **{SEEN: 31 * 60})
    response = leader.get("/zones/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/zones/")
    assert "_auth_user_id" not in leader.session
    page = leader.get(response["Location"]).content.decode()
    assert "logged out after 30 minutes without activity" in page


def test_activity_within_the_limit_keeps_the_session_and_slides_it(leader):
    _shift(leader, **{SEEN: 29 * 60})
    assert leader.get("/zones/").status_code == 200
    assert abs(leader.session[SEEN] - time.time()) < 5  # slid forward
    _shift(leader, **{SEEN: 29 * 60})
    assert leader.get("/zones/").status_code == 200


def test_the_last_activity_is_written_at_most_once_a_minute(leader):
    _shift(leader, **{SEEN: 30})
    stamped = leader.session[SEEN]
    response = leader.get("/zones/")
    assert response.status_code == 200
    assert leader.session[SEEN] == stamped
    assert "sessionid" not in response.cookies  # the session was not saved again


def test_the_idle_limit_is_configurable(leader, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "SESSION_IDLE_MINUTES": 5}
    _shift(leader, **{SEEN: 6 * 60})
    assert leader.get("/zones/").status_code == 302


def test_a_session_ends_twelve_hours_after_log_in_however_active(leader):
    _shift(leader, **{STARTED: 12 * 3600 + 60})
    response = leader.get("/zones/")
    assert response.status_code == 302 and "_auth_user_id" not in leader.session
    assert "12 hours after logging in" in leader.get(response["Location"]).content.decode()


def test_htmx_and_api_requests_are_told_too(world):
    for path, headers, status in [
        ("/enterprises/", {"HX-Request": "true"}, 204),
        ("/api/v1/zones", {"Accept-Language": "en"}, 401),
    ]:
        client = Client()
        client.force_login(world.users["leader"])
        client.get("/zones/")
        _shift(client, **{SEEN: 31 * 60})
        response = client.get(path, headers=headers)
        assert response.status_code == status
        if status == 204:
            assert response["HX-Redirect"] == "/accounts/login/"
        else:
            assert "without activity" in response.json()["detail"]


def test_the_cookie_and_the_stored_session_last_no_longer_than_the_maximum(settings, leader):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert leader.session.get_expiry_age() <= 12 * 3600
