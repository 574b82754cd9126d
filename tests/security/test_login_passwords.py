"""Passwords of level 3: 8+ characters of three classes, not the user name, not common (Django's
list and common Chinese ones), not one of the last 5; they expire (staff 90 days, firm and bank
users 180); an administrator's password must be changed at the next log-in; everybody changes
their own on one page, through the one service."""

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.org.models import PasswordHistory, User
from zonedesk.org.services import user_create, user_set_password

pytestmark = pytest.mark.django_db
GOOD = "Unused-in-tests-1"


@pytest.mark.parametrize(
    ("password", "code", "words"),
    [
        ("Ab1!xyz", "password_too_short", "at least 8 characters"),
        ("kaijiang2026", "password_too_simple", "at least 3 of"),
        ("KAIJIANG-ZONE", "password_too_simple", "at least 3 of"),
        ("Xinyu-Officer9", "password_has_username", "may not contain your user name"),
        ("Password1", "password_too_common", "commonly used password"),
        ("Woaini1314!", "password_too_common", "commonly used password"),
        ("Qq123456!", "password_too_common", "commonly used password"),
        ("Zhangwei@1988", "password_too_common", "common word or name with digits"),
        ("5201314Aa", "password_too_common", "commonly used password"),
    ],
)
def test_each_rule_refuses_with_a_clear_message(world, password, code, words):
    user = User(username="officer9", first_name="Xinyu")
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    assert code in [e.code for e in exc.value.error_list]
    assert any(words in m for m in exc.value.messages), exc.value.messages


def test_the_user_name_is_refused_inside_out_and_by_similarity(world):
    user = User(username="kaijiang-officer")
    for password in ["Kaijiang-Officer", "x-KAIJIANG-OFFICER-1", "Kaijiang-0fficer"]:
        with pytest.raises(ValidationError):
            validate_password(password, user)


@pytest.mark.parametrize("password", ["Kaijiang-2026-zone", "xT7#pL9q", "开江经开区Zone1"])
def test_strong_passwords_pass(world, password):
    validate_password(password, User(username="officer9"))


def test_the_demo_password_meets_the_rules(world):
    from zonedesk.demo.data import PASSWORD

    for username in ["admin", "leader", "officer", "dept", "firm", "bank", "auditor", "superadmin"]:
        validate_password(PASSWORD, User(username=username))


def test_the_service_refuses_with_field_errors_and_changes_nothing(world):
    officer = world.users["officer"]
    before = officer.password
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        user_set_password(actor=world.users["admin"], user=officer, password="woaini1314")
    assert exc.value.errors["password"]
    officer.refresh_from_db()
    assert officer.password == before and not PasswordHistory.objects.exists()


def test_the_last_five_passwords_may_not_come_back(world):
    officer = world.users["officer"]
    used = [GOOD] + [f"Kaijiang-{n}-zone" for n in range(1, 6)]
    for password in used[1:]:
        user_set_password(actor=officer, user=officer, password=password)
    assert officer.password_history.count() == 4  # with the current one, the last five
    for password in used[2:]:
        with translation.override("en"), pytest.raises(ValidationFailed) as exc:
            user_set_password(actor=officer, user=officer, password=password)
        assert "last 5 passwords" in exc.value.errors["password"][0]
    user_set_password(actor=officer, user=officer, password=used[0])  # six back: allowed again
    assert authenticate(username="officer", password=used[0]) == officer


def test_the_history_length_is_configurable(world, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "PASSWORD_HISTORY": 2}
    officer = world.users["officer"]
    for password in ["Kaijiang-1-zone", "Kaijiang-2-zone", GOOD]:
        user_set_password(actor=officer, user=officer, password=password)
    assert officer.password_history.count() == 1


# --- expiry ----------------------------------------------------------------------------------------


def _age(user, days):
    User.objects.filter(pk=user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=days)
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_an_expired_staff_password_sends_every_page_to_the_change_page(world):
    leader = world.users["leader"]
    _age(leader, 89)
    assert _client(leader).get("/enterprises/").status_code == 200
    _age(leader, 91)
    client = _client(leader)
    for path in ["/enterprises/", "/", "/monitoring/", "/users/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    assert client.get("/accounts/password/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302


def test_the_api_answers_403_with_the_reason(world):
    from zonedesk.org.services import api_token_create

    leader = world.users["leader"]
    _row, token = api_token_create(actor=SYSTEM, user=leader, name="t")
    _age(leader, 91)
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    by_session = _client(leader).get("/api/v1/zones", **en)
    by_token = Client().get("/api/v1/zones", HTTP_AUTHORIZATION=f"Bearer {token}", **en)
    for response in (by_session, by_token):
        assert response.status_code == 403
        assert "password has expired" in response.json()["detail"]


def test_firm_and_bank_users_have_their_own_period(world, settings):
    firm = world.users["enterprise"]
    _age(firm, 91)
    assert _client(firm).get("/enterprises/").status_code == 200
    _age(firm, 181)
    assert _client(firm).get("/enterprises/")["Location"] == "/accounts/password/"
    settings.ZONEDESK = {**settings.ZONEDESK, "PASSWORD_MAX_AGE_DAYS_EXTERNAL": 0}
    assert _client(firm).get("/enterprises/").status_code == 200  # 0: never


def test_the_staff_period_is_configurable(world, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "PASSWORD_MAX_AGE_DAYS": 30}
    _age(world.users["leader"], 31)
    assert _client(world.users["leader"]).get("/enterprises/").status_code == 302


def test_a_password_set_by_an_administrator_is_changed_at_the_next_log_in(world):
    officer = world.users["officer"]
    user_set_password(actor=world.users["admin"], user=officer, password="Kaijiang-9-zone")
    officer.refresh_from_db()
    assert officer.password_changed_at is None
    assert _client(officer).get("/enterprises/")["Location"] == "/accounts/password/"
    made = user_create(
        actor=world.users["admin"],
        username="newbie",
        password="Kaijiang-9-zone",
        roles=["officer"],
        zone=world.zone_a,
    )
    assert made.password_changed_at is None
    by_system = user_create(
        actor=SYSTEM, username="loader", password=GOOD, roles=["officer"], zone=world.zone_a
    )
    assert by_system.password_changed_at is not None


# --- the user's own page ---------------------------------------------------------------------------


def _change(client, old=GOOD, new="Kaijiang-7-zone", again=None):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "password1": new, "password2": again or new},
    )


def test_the_own_password_page_shows_each_error_on_its_field(world):
    client = _client(world.users["officer"])
    client.cookies["django_language"] = "en"
    page = client.get("/accounts/password/").content.decode()
    assert "at least 3 of" in page and "last 5 passwords" in page  # the rules are shown
    cases = [
        (_change(client, old="Not-my-password-1"), "old_password", "entered incorrectly"),
        (_change(client, again="Kaijiang-8-zone"), "password2", "differ"),
        (_change(client, new="woaini1314"), "password1", "commonly used"),
        (_change(client, new=GOOD), "password1", "last 5 passwords"),
    ]
    for response, field, words in cases:
        assert response.status_code == 200
        assert any(words in m for m in response.context["form"].errors[field])
    assert authenticate(username="officer", password=GOOD) is not None


def test_changing_ones_password_keeps_the_session_ends_the_others_and_is_audited(world):
    officer = world.users["officer"]
    elsewhere = _client(officer)
    assert elsewhere.get("/enterprises/").status_code == 200
    client = _client(officer)
    _age(officer, 100)  # expired: the page is still reachable, and the change ends it
    response = _change(client)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/enterprises/").status_code == 200  # same session, no longer expired
    assert elsewhere.get("/enterprises/").status_code == 302  # the other session ended
    officer.refresh_from_db()
    assert timezone.now() - officer.password_changed_at < dt.timedelta(minutes=1)
    assert authenticate(username="officer", password="Kaijiang-7-zone") == officer
    entry = AuditEntry.objects.get(action="update", target_id=str(officer.pk))
    assert entry.actor == officer and entry.changes == {"password": ["***", "***"]}


def test_the_user_menu_links_the_page(world):
    html = _client(world.users["bank"]).get("/zones/").content.decode()
    assert 'href="/accounts/password/"' in html


# --- the other ways a password is set go through the same service -------------------------------


def test_the_changepassword_command_follows_the_rules(world, monkeypatch, capsys):
    from django.core.management import call_command

    answers = iter(["woaini1314", "woaini1314", "Kaijiang-5-zone", "Kaijiang-5-zone"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    with translation.override("en"):
        call_command("changepassword", "leader")
    assert "commonly used" in capsys.readouterr().err  # the first answer, refused
    leader = User.objects.get(username="leader")
    assert leader.check_password("Kaijiang-5-zone") and leader.password_history.count() == 1
    assert AuditEntry.objects.filter(action="update", target_id=str(leader.pk)).exists()


def test_the_site_administration_resets_through_the_service(world, client_for):
    root = User.objects.create_superuser("root", password=GOOD)
    client = client_for(root)  # with the second factor passed
    officer = world.users["officer"]
    url = f"/admin/org/user/{officer.pk}/password/"
    weak = client.post(url, {"password1": "abc", "password2": "abc", "usable_password": "true"})
    assert weak.status_code == 200
    ok = client.post(
        url,
        {"password1": "Kaijiang-4-zone", "password2": "Kaijiang-4-zone", "usable_password": "true"},
    )
    assert ok.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("Kaijiang-4-zone") and officer.password_changed_at is None
    assert officer.password_history.count() == 1
    entry = AuditEntry.objects.get(action="update", target_id=str(officer.pk))
    assert entry.actor == root
    assert client.get("/admin/password_change/")["Location"] == "/accounts/password/"


def test_the_site_administration_adds_a_user_through_the_service(world, client_for):
    root = User.objects.create_superuser("root", password=GOOD)
    client = client_for(root)  # with the second factor passed
    weak = client.post(
        "/admin/org/user/add/",
        {
            "username": "added",
            "password1": "woaini1314",
            "password2": "woaini1314",
            "role_grants-TOTAL_FORMS": "0",
            "role_grants-INITIAL_FORMS": "0",
        },
    )
    assert weak.status_code == 200 and not User.objects.filter(username="added").exists()
    response = client.post(
        "/admin/org/user/add/",
        {
            "username": "added",
            "password1": "Kaijiang-3-zone",
            "password2": "Kaijiang-3-zone",
            "usable_password": "true",
            "role_grants-TOTAL_FORMS": "0",
            "role_grants-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    added = User.objects.get(username="added")
    assert added.check_password("Kaijiang-3-zone") and added.password_changed_at is None
    entries = AuditEntry.objects.filter(target_id=str(added.pk))
    assert {e.action for e in entries} == {"create", "update"}
    assert all("Kaijiang-3-zone" not in str(e.changes) for e in entries)  # no password in clear


def test_wrong_current_passwords_count_as_failed_log_ins(world):
    client = _client(world.users["officer"])
    for _ in range(4):
        response = _change(client, old="Not-my-password-1")
        assert [e.code for e in response.context["form"].errors.as_data()["old_password"]] == [
            "password_incorrect"
        ]
    response = _change(client, old="Not-my-password-1")
    assert [e.code for e in response.context["form"].errors.as_data()["old_password"]] == ["locked"]
    # locked: even the right current password is refused, and the log-in page is locked too
    response = _change(client)
    assert [e.code for e in response.context["form"].errors.as_data()["old_password"]] == ["locked"]
    assert AuditEntry.objects.filter(action="locked_out", actor=world.users["officer"]).exists()
    login = Client().post("/accounts/login/", {"username": "officer", "password": GOOD})
    assert login.status_code == 200 and "_auth_user_id" not in login.client.session


@pytest.mark.parametrize("password", ["Password1", "12345678", "officer9", "Ab1!"])
def test_one_message_per_rule_and_polite_chinese(world, password):
    """A password on Django's list and ours gets one message, and every message in Chinese
    addresses the user as 您 (Django's own catalogue says 你)."""
    user = User(username="officer9", first_name="Xinyu")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    codes = [e.code for e in exc.value.error_list]
    assert len(codes) == len(set(codes)), exc.value.messages
    assert not any("你" in m for m in exc.value.messages), exc.value.messages
    with translation.override("zh-hans"):
        help_texts = password_validators_help_texts()
    assert help_texts and not any("你" in h for h in help_texts)
