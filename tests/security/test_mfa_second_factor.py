"""The second factor (GB/T 22239-2019 8.1.4.1 identification: two or more techniques, one of
them cryptographic; ASVS 5.0 V6): enrolment, verification after the password, wrong codes
refused, counted and audited, one-time recovery codes, required of administrators (pages and the
site admin) and optional for others. Run on SQLite and PostgreSQL."""

import datetime as dt
import re
from base64 import b32decode

import pytest
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.otp_codes import totp_code, verified_session
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.org import mfa

pytestmark = pytest.mark.django_db
PASSWORD = "Second-factor-2026"
SETUP = "/account/second-factor/setup/"
VERIFY = "/account/second-factor/verify/"


def _log_in(user, *, client=None) -> Client:
    """The real first step: the password on the log-in page (not force_login)."""
    user.set_password(PASSWORD)
    user.save()
    client = client or Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    return client


def _enrol(client, user) -> list[str]:
    """Set up an authenticator through the pages; returns the recovery codes shown."""
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', page).group(1)
    assert b32decode(secret.replace(" ", "")) == device.bin_key  # the secret typed in by hand
    response = client.post(SETUP, {"code": totp_code(device)})
    assert response.status_code == 200
    return re.findall(r"<code class=\"fs-3\">([a-z2-9-]{14})</code>", response.content.decode())


def _failures(user) -> list[dict]:
    return list(
        AuditEntry.objects.filter(action="login_failed", target_id=str(user.pk))
        .order_by("id")
        .values_list("changes", flat=True)
    )


def test_enrolment_shows_a_qr_code_and_the_secret_and_needs_a_first_code(world):
    officer = world.users["officer"]
    client = _log_in(officer)
    page = client.get(SETUP).content.decode()
    assert "<svg" in page and 'class="qrline"' in page  # drawn on the server, inline
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed

    wrong = client.post(SETUP, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and 'data-testid="error-code"' in wrong.content.decode()
    device.refresh_from_db()
    assert not device.confirmed and device.throttling_failure_count == 1
    device.throttling_failure_timestamp = None  # let the next try through at once
    device.save()

    codes = _enrol(client, officer)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=officer).confirmed
    # only digests are stored: a copy of the database shows no usable recovery code
    stored = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert stored == {mfa.recovery_digest(c) for c in codes} and not stored & set(codes)
    assert client.get("/enterprises/").status_code == 200  # this session passed the factor
    entry = (
        AuditEntry.objects.filter(target_id=str(officer.pk), action="update").order_by("id").last()
    )
    assert entry.changes == {"second_factor": [None, "totp"]}


def test_after_the_password_a_second_page_asks_for_the_code(world):
    officer = world.users["officer"]
    _enrol(_log_in(officer), officer)
    client = _log_in(officer)  # a new log-in: the password alone is not enough now
    response = client.get("/enterprises/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.get("/api/v1/zones").status_code == 401  # nor for the API in the browser
    assert client.get(VERIFY).status_code == 200

    device = TOTPDevice.objects.get(user=officer)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/enterprises/"})
    assert response.status_code == 302 and response["Location"] == "/enterprises/"
    assert client.get("/enterprises/").status_code == 200
    login = (
        AuditEntry.objects.filter(action="login", target_id=str(officer.pk)).order_by("id").last()
    )
    assert login.changes == {"factor": "totp"}


def test_a_verification_refuses_an_outside_next_address(world):
    officer = world.users["officer"]
    _enrol(_log_in(officer), officer)
    client = _log_in(officer)
    device = TOTPDevice.objects.get(user=officer)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/start/"


def test_a_wrong_code_is_refused_counted_and_audited(world):
    admin = world.users["admin"]
    device = TOTPDevice.objects.create(user=admin, name="authenticator", confirmed=True)
    client = _log_in(admin)
    right = totp_code(device)
    wrong = f"{(int(right) + 1) % 1000000:06d}"

    response = client.post(VERIFY, {"code": wrong})
    assert response.status_code == 200
    assert _failures(admin) == [{"factor": "totp"}]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # throttled: even the right code waits now (django-otp: 1, 2, 4 … seconds)
    response = client.post(VERIFY, {"code": right})
    assert response.status_code == 200 and client.get("/users/").status_code == 302
    assert len(_failures(admin)) == 2  # audited; the wait does not grow while it runs
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(minutes=5)
    )
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302
    assert client.get("/users/").status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_garbage_codes_are_refused_with_a_field_error_not_a_500(world):
    officer = world.users["officer"]
    _enrol(_log_in(officer), officer)
    client = _log_in(officer)
    for code in ["", "x" * 25, "１２３４５６", "\u202e123456", "12 34 56 78"]:
        response = client.post(VERIFY, {"code": code})
        assert response.status_code == 200, code
        TOTPDevice.objects.filter(user=officer).update(throttling_failure_timestamp=None)
        StaticDevice.objects.filter(user=officer).update(throttling_failure_timestamp=None)
    assert client.get("/enterprises/").status_code == 302


def test_a_recovery_code_works_once(world):
    officer = world.users["officer"]
    codes = _enrol(_log_in(officer), officer)

    first = _log_in(officer)
    response = first.post(VERIFY, {"code": codes[3].upper().replace("-", " ")}, follow=True)
    assert response.redirect_chain and first.get("/enterprises/").status_code == 200
    assert "9" in response.content.decode()  # the warning tells how many are left
    login = (
        AuditEntry.objects.filter(action="login", target_id=str(officer.pk)).order_by("id").last()
    )
    assert login.changes == {"factor": "recovery_code", "recovery_codes_left": 9}

    again = _log_in(officer)
    assert again.post(VERIFY, {"code": codes[3]}).status_code == 200
    assert again.get("/enterprises/").status_code == 302
    assert _failures(officer) == [{"factor": "recovery_code"}]


def test_recovery_digests_need_the_secret_key_and_survive_its_rotation(world, settings):
    """A database copy alone cannot be guessed against offline: the stored digest is keyed by
    SECRET_KEY (a plain hash of the code is not stored). After the key changes, codes made
    before work while the old key is a fallback; a wrong code counts once however many keys."""
    import hashlib

    officer = world.users["officer"]
    codes = _enrol(_log_in(officer), officer)
    stored = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    plain = {hashlib.sha256(c.replace("-", "").encode()).hexdigest()[:16] for c in codes}
    assert not stored & plain

    old_key = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another-" + old_key, []
    assert mfa.recovery_digest(codes[0]) not in stored
    refused = _log_in(officer)
    assert refused.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert refused.get("/enterprises/").status_code == 302

    settings.SECRET_KEY_FALLBACKS = [old_key]
    device = StaticDevice.objects.get(user=officer)
    device.throttling_failure_count, device.throttling_failure_timestamp = 0, None
    device.save()
    wrong = _log_in(officer)
    assert wrong.post(VERIFY, {"code": "abcd-efgh-jkmn"}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    device.throttling_failure_timestamp = None
    device.save()
    passed = _log_in(officer)
    passed.post(VERIFY, {"code": codes[0]})
    assert passed.get("/enterprises/").status_code == 200


def test_new_recovery_codes_replace_the_old(world, client_for):
    officer = world.users["officer"]
    old = _enrol(_log_in(officer), officer)
    client = client_for(officer)
    verified_session(client, officer)
    response = client.post("/account/second-factor/recovery-codes/")
    new = re.findall(r"<code class=\"fs-3\">([a-z2-9-]{14})</code>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(ValidationFailed):
        mfa.otp_verify(user=officer, code=old[0])
    StaticDevice.objects.filter(user=officer).update(throttling_failure_timestamp=None)
    assert mfa.otp_verify(user=officer, code=new[0]) is not None


def _security_admin(world):
    return world.users["security"]  # zone_a's security administrator


@pytest.mark.parametrize("who", ["admin", "province_admin", "security", "superuser"])
def test_the_administrators_reach_nothing_before_setting_it_up(world, who):
    if who == "security":
        user = _security_admin(world)
    elif who == "superuser":
        user = factories.User.objects.create_superuser("root", password=PASSWORD)
    else:
        user = world.users[who]
    client = _log_in(user)
    for url in ["/", "/enterprises/", "/users/", "/audit/", "/account/tokens/", "/admin/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(SETUP), url
    assert client.get("/api/v1/zones").status_code == 401
    assert client.get(SETUP).status_code == 200
    _enrol(client, user)
    assert client.get("/users/" if who != "security" else "/").status_code == 200


def test_the_site_admin_needs_the_second_factor(world):
    root = factories.User.objects.create_superuser("root", password=PASSWORD)
    device = TOTPDevice.objects.create(user=root, name="authenticator", confirmed=True)
    client = _log_in(root)
    response = client.get("/admin/org/zone/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.get("/admin/org/zone/").status_code == 200
    # the site's own one-step log-in form is not a way round it
    anonymous = Client().get("/admin/login/?next=/admin/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


def test_the_site_admin_refuses_a_session_without_the_factor(world, rf):
    """The site itself checks too (core.admin_site), not only the middleware."""
    from django.contrib.admin import site

    root = factories.User.objects.create_superuser("root", password=PASSWORD)
    request = rf.get("/admin/")
    request.user = root
    root.is_verified = lambda: False
    assert not site.has_permission(request)
    root.is_verified = lambda: True
    assert site.has_permission(request)


def test_optional_for_everybody_else(world):
    officer = world.users["officer"]
    client = _log_in(officer)
    assert client.get("/enterprises/").status_code == 200  # no second factor: password only
    with pytest.raises(ValidationFailed):  # nothing to turn off yet
        mfa.otp_remove(actor=officer, user=officer)
    _enrol(client, officer)
    response = client.post("/account/second-factor/remove/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert client.get("/enterprises/").status_code == 200
    assert _log_in(officer).get("/enterprises/").status_code == 200


def test_an_administrator_cannot_turn_it_off(world, client_for):
    admin = world.users["admin"]
    client = client_for(admin)  # verified, with an authenticator
    client.post("/account/second-factor/remove/")
    assert TOTPDevice.objects.filter(user=admin).exists()
    with pytest.raises(ValidationFailed):
        mfa.otp_remove(actor=admin, user=admin)


def test_the_security_administrator_removes_a_lost_factor_in_their_unit(world):
    security = _security_admin(world)
    admin, outsider = world.users["admin"], world.users["officer_b"]
    for user in (admin, outsider):
        TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    with pytest.raises(PermissionDenied):
        mfa.otp_remove(actor=world.users["leader"], user=admin)
    with pytest.raises(PermissionDenied):
        mfa.otp_remove(actor=security, user=outsider)
    mfa.otp_remove(actor=security, user=admin)
    assert not TOTPDevice.objects.filter(user=admin).exists()
    entry = AuditEntry.objects.filter(target_id=str(admin.pk), action="update").last()
    assert entry.actor == security and entry.changes == {"second_factor": ["totp", None]}
    # at the next log-in the administrator sets up a new one
    response = _log_in(admin).get("/users/")
    assert response["Location"].startswith(SETUP)


def test_a_second_factor_is_the_users_own(world):
    with pytest.raises(PermissionDenied):
        mfa.otp_enrol_start(actor=world.users["admin"], user=world.users["officer"])
    with pytest.raises(PermissionDenied):
        mfa.otp_enrol_start(actor=SYSTEM, user=world.users["officer"])


def test_the_operator_removes_a_superusers_lost_factor(world, capsys):
    from django.core.management import CommandError, call_command

    root = factories.User.objects.create_superuser("root", password=PASSWORD)
    TOTPDevice.objects.create(user=root, name="authenticator", confirmed=True)
    call_command("second_factor", "remove", "root")
    assert "root" in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=root).exists()
    entry = AuditEntry.objects.filter(target_id=str(root.pk), action="update").last()
    assert entry.actor is None and entry.via == "command"
    with pytest.raises(CommandError):  # nothing left to remove
        call_command("second_factor", "remove", "root")


def test_the_site_admin_shows_no_secrets_of_second_factors(world, client_for):
    root = factories.User.objects.create_superuser("root", password=PASSWORD)
    client = client_for(root)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


def test_the_security_administrator_removes_it_from_the_users_page(world, client_for):
    security, officer = world.users["security"], world.users["officer"]
    TOTPDevice.objects.create(user=officer, name="authenticator", confirmed=True)
    page = client_for(security).get(f"/users/{officer.pk}/edit/")
    assert 'data-testid="remove-second-factor"' in page.content.decode()
    # the system administrator is not shown the button and may not use the address
    admin_page = client_for(world.users["admin"]).get(f"/users/{officer.pk}/edit/")
    assert "remove-second-factor" not in admin_page.content.decode()
    remove = f"/users/{officer.pk}/second-factor/remove/"
    assert client_for(world.users["admin"]).post(remove).status_code == 403
    assert TOTPDevice.objects.filter(user=officer).exists()

    response = client_for(security).post(remove)
    assert response.status_code == 302 and response["Location"] == f"/users/{officer.pk}/edit/"
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = (
        AuditEntry.objects.filter(target_id=str(officer.pk), action="update").order_by("id").last()
    )
    assert entry.actor == security and entry.changes == {"second_factor": ["totp", None]}
    again = client_for(security).post(remove, follow=True)  # nothing left: a message, no 500
    assert again.status_code == 200
