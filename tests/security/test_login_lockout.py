"""Log-in locks: 5 failures lock a user name (from any address) and an address (for any user
name) for the cool-down; the same words whether or not the account exists; audited; lifted by
the security administrator of the account's unit. The clock is moved by editing the stored
failure times."""

import datetime as dt

import pytest
from django.test import Client

from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.org.models import LoginThrottle
from zonedesk.org.services import user_create

pytestmark = pytest.mark.django_db
GOOD = "Unused-in-tests-1"  # every factories user's password
WRONG = "Wrong-password-9"


def attempt(username, password=WRONG, address="127.0.0.2", client=None):
    """One log-in on the page; returns the response (200 with errors, or 302 when logged in)."""
    client = client or Client()
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(response) -> bool:
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def error_codes(response) -> list[str]:
    return [e.code for e in response.context["form"].errors.as_data().get("__all__", [])]


def lock_text(response) -> str:
    return response.context["form"].non_field_errors()[0]


def test_five_failures_lock_a_user_name_from_any_address(world):
    for i in range(4):
        assert error_codes(attempt("leader", address=f"127.0.1.{i}")) == ["invalid_login"]
    fifth = attempt("leader", address="127.0.1.9")
    assert error_codes(fifth) == ["locked"]
    # the right password, from a fresh address, is not even checked while the lock lasts
    right = attempt("leader", GOOD, address="127.0.2.1")
    assert not logged_in(right) and error_codes(right) == ["locked"]
    # another account from those addresses is not concerned
    assert logged_in(attempt("officer", GOOD, address="127.0.1.0"))


def test_four_failures_do_not_lock_and_a_success_forgets_them(world):
    for i in range(4):
        attempt("leader", address=f"127.0.3.{i}")
    assert logged_in(attempt("leader", GOOD, address="127.0.3.9"))
    assert not LoginThrottle.objects.filter(kind="username", key="leader").exists()
    for i in range(4):
        attempt("leader", address=f"127.0.4.{i}")
    assert logged_in(attempt("leader", GOOD, address="127.0.4.9"))


def test_five_failures_from_one_address_lock_it_for_every_user_name(world):
    for name in ["leader", "officer", "no-such-user", "admin", "auditor"]:
        attempt(name, address="127.0.5.5")
    refused = attempt("officer2", GOOD, address="127.0.5.5")
    assert not logged_in(refused) and error_codes(refused) == ["locked"]
    assert logged_in(attempt("officer2", GOOD, address="127.0.5.6"))


def test_user_names_are_counted_whatever_their_case(world):
    for i, name in enumerate(["leader", "Leader", "LEADER ", "leader", "lEader"]):
        attempt(name, address=f"127.0.6.{i}")
    assert error_codes(attempt("leader", GOOD, address="127.0.6.9")) == ["locked"]


def test_an_unknown_and_a_known_user_name_read_the_same(world):
    for i in range(5):
        attempt("leader", address=f"127.0.7.{i}")
        attempt("nobody-at-all", address=f"127.0.8.{i}")
    known = attempt("leader", address="127.0.7.9")
    unknown = attempt("nobody-at-all", address="127.0.8.9")
    assert lock_text(known) == lock_text(unknown)
    assert "15" in lock_text(known)  # how long to wait, in minutes
    assert known.content.decode().count('role="alert"') == 1


def _move_clock(minutes: int) -> None:
    """Every stored failure and lock `minutes` earlier, as if that time had passed."""
    delta = dt.timedelta(minutes=minutes)
    for row in LoginThrottle.objects.all():
        row.last_failure_at -= delta
        if row.locked_until:
            row.locked_until -= delta
        row.save()


def test_a_lock_ends_after_the_cool_down(world):
    for i in range(5):
        attempt("leader", address=f"127.0.9.{i}")
    _move_clock(14)
    response = attempt("leader", GOOD, address="127.0.9.9")
    assert error_codes(response) == ["locked"] and "1" in lock_text(response)
    _move_clock(2)
    assert logged_in(attempt("leader", GOOD, address="127.0.9.9"))


def test_a_lock_ends_after_a_configured_cool_down(world, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "LOGIN_COOLDOWN_MINUTES": 60}
    for i in range(5):
        attempt("leader", address=f"127.0.10.{i}")
    _move_clock(30)
    assert "30" in lock_text(attempt("leader", GOOD, address="127.0.10.9"))
    _move_clock(31)
    assert logged_in(attempt("leader", GOOD, address="127.0.10.9"))


def test_failures_older_than_the_cool_down_are_forgotten(world):
    for i in range(4):
        attempt("leader", address=f"127.0.11.{i}")
    _move_clock(16)
    attempt("leader", address="127.0.11.8")
    row = LoginThrottle.objects.get(kind="username", key="leader")
    assert row.failures == 1 and row.locked_until is None


def test_failures_and_locks_are_audited(world):
    for i in range(5):
        attempt("leader", address=f"127.0.12.{i}")
    attempt("ghost", address="127.0.12.0")
    failed = AuditEntry.objects.filter(action="login_failed", actor_name="leader")
    assert failed.count() == 5
    assert {e.actor for e in failed} == {world.users["leader"]}
    assert failed.filter(ip_address="127.0.12.4").get().changes == {"username": 5, "address": 1}
    locked = AuditEntry.objects.get(action="locked_out")
    assert locked.actor == world.users["leader"] and locked.zone_id == world.zone_a.pk
    assert locked.changes["by"] == "username" and locked.ip_address == "127.0.12.4"
    ghost = AuditEntry.objects.get(action="login_failed", actor_name="ghost")
    assert ghost.actor is None and ghost.target_id == ""
    # a try while locked is recorded too, and does not lengthen the lock
    until = LoginThrottle.objects.get(kind="username", key="leader").locked_until
    attempt("leader", GOOD, address="127.0.12.7")
    assert AuditEntry.objects.filter(action="login_failed", actor_name="leader").count() == 6
    assert LoginThrottle.objects.get(kind="username", key="leader").locked_until == until


def test_an_address_lock_is_audited_without_an_account(world):
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        attempt(name, address="127.0.13.1")
    locked = AuditEntry.objects.get(action="locked_out")
    assert locked.actor is None and locked.changes["key"] == "127.0.13.1"


def test_the_api_token_is_unaffected_by_a_lock(world, client):
    from zonedesk.org.services import api_token_create

    _row, token = api_token_create(actor=SYSTEM, user=world.users["leader"], name="t")
    for i in range(6):
        attempt("leader", address=f"127.0.14.{i}")
    response = client.get("/api/v1/zones", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_the_site_administration_logs_in_on_the_locked_page(world):
    for i in range(5):
        attempt("leader", address=f"127.0.15.{i}")
    response = Client().get("/admin/login/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- the security administrator's page -----------------------------------------------------------


@pytest.fixture
def security(world):
    return user_create(
        actor=SYSTEM, username="sec", password=GOOD, roles=["security"], zone=world.zone_a
    )


def _lock(username, address="127.0.20.1"):
    for i in range(5):
        attempt(username, address=f"{address}{i}")
    return LoginThrottle.objects.get(kind="username", key=username.casefold())


def test_the_security_administrator_sees_the_locks_of_their_unit(world, security, client_for):
    mine, theirs, nobody = _lock("officer2"), _lock("officer_b"), _lock("nobody")
    for i in range(5):
        attempt(f"spray{i}", address="127.0.21.1")
    page = client_for(security).get("/lockouts/")
    assert page.status_code == 200
    listed = set(page.context["locks"])
    address = LoginThrottle.objects.get(kind="address", key="127.0.21.1")
    assert listed == {mine, nobody, address}
    assert theirs not in listed
    assert 'href="/lockouts/"' in page.content.decode()  # linked from the navigation
    assert 'href="/lockouts/"' not in client_for(world.users["admin"]).get("/").content.decode()


def test_lifting_a_lock_lets_the_user_in_and_is_audited(world, security, client_for):
    lock = _lock("officer2")
    client = client_for(security)
    assert client.post(f"/lockouts/{lock.pk}/lift/").status_code == 302
    assert not LoginThrottle.objects.filter(pk=lock.pk).exists()
    entry = AuditEntry.objects.get(action="delete", target_type="org.loginthrottle")
    assert entry.actor == security and entry.zone_id == world.zone_a.pk
    assert entry.changes["failures"] == [5, 0]
    assert logged_in(attempt("officer2", GOOD, address="127.0.22.1"))


def test_another_units_lock_cannot_be_lifted(world, security, client_for):
    lock = _lock("officer_b")
    assert client_for(security).post(f"/lockouts/{lock.pk}/lift/").status_code == 404
    assert client_for(world.users["admin"]).post(f"/lockouts/{lock.pk}/lift/").status_code == 403
    assert LoginThrottle.objects.filter(pk=lock.pk).exists()


def test_old_failures_are_deleted_by_later_ones(world):
    for i in range(3):
        attempt(f"typo{i}", address="127.0.16.1")
    for i in range(5):
        attempt("leader", address=f"127.0.17.{i}")
    _move_clock(20)  # the typos are old; the leader's lock has ended too
    attempt("officer", address="127.0.18.1")
    assert set(LoginThrottle.objects.values_list("key", flat=True)) == {"officer", "127.0.18.1"}


def test_an_office_behind_one_address_can_be_given_a_higher_limit(world, settings):
    """ZONEDESK_LOGIN_MAX_FAILURES_PER_ADDRESS: an office whose users share one NAT address
    gets its own limit for the address; the user name's limit stays 5."""
    settings.ZONEDESK = {**settings.ZONEDESK, "LOGIN_MAX_FAILURES_PER_ADDRESS": 20}
    for name in ["leader", "officer", "no-such-user", "admin", "auditor", "dept"]:
        attempt(name, address="127.0.7.7")
    assert logged_in(attempt("officer2", GOOD, address="127.0.7.7"))
    for _ in range(4):
        attempt("leader", address="127.0.7.7")
    assert error_codes(attempt("leader", GOOD, address="127.0.7.8")) == ["locked"]


def test_the_auditors_see_an_address_lock_and_its_lifting(world, security, client_for):
    """An address's lock belongs to no unit: every auditor reads it (as every security
    administrator may lift it); its lifting is filed in the lifting administrator's unit."""
    from zonedesk.org.selectors import audit_list

    for i in range(5):
        attempt(f"spray{i}", address="127.0.23.1")
    lock = LoginThrottle.objects.get(kind="address", key="127.0.23.1")
    assert client_for(security).post(f"/lockouts/{lock.pk}/lift/").status_code == 302
    auditor = world.users["auditor"]
    seen = audit_list(auditor)
    locked = seen.get(action="locked_out", changes__by="address")
    assert locked.zone_id is None and locked.area_code == ""
    lifted = seen.get(action="delete", target_type="org.loginthrottle")
    assert lifted.zone_id == world.zone_a.pk and lifted.actor == security
    # another zone's entries stay out of sight
    from zonedesk.core import audit

    theirs = audit.security_event("login", user=world.users["officer_b"])
    assert theirs.zone_id == world.zone_b.pk
    assert not audit_list(auditor).filter(pk=theirs.pk).exists()
