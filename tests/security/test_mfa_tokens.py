"""API tokens (ASVS 5.0 V9 self-contained and bearer tokens, V7 session management): they
expire (90 days, or fewer as their creator chooses), are created, listed and revoked by their
owner on a page, are refused with 401 and the reason once expired or revoked, and die with a
password change. Run on SQLite and PostgreSQL."""

import datetime as dt
import re

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.org import services
from zonedesk.org.models import ApiToken

pytestmark = pytest.mark.django_db
TOKENS = "/account/tokens/"


def _bearer(text: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}", "HTTP_ACCEPT_LANGUAGE": "en"}


def _days_left(row: ApiToken) -> float:
    return (row.expires_at - timezone.now()) / dt.timedelta(days=1)


def test_a_token_lasts_90_days_or_fewer_as_chosen(world):
    leader = world.users["leader"]
    row, _text = services.api_token_create(actor=leader, user=leader, name="default")
    assert 89.9 < _days_left(row) <= 90
    row, _text = services.api_token_create(actor=leader, user=leader, name="short", days=7)
    assert 6.9 < _days_left(row) <= 7
    for days in (0, -1, 91, 10**6):
        with pytest.raises(ValidationFailed) as refused:
            services.api_token_create(actor=leader, user=leader, name="long", days=days)
        assert "days" in refused.value.errors
    assert leader.api_tokens.count() == 2


def test_the_lifetime_is_configured(world, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "API_TOKEN_DAYS": 30}
    leader = world.users["leader"]
    row, _text = services.api_token_create(actor=leader, user=leader, name="cfg")
    assert 29.9 < _days_left(row) <= 30
    with pytest.raises(ValidationFailed):
        services.api_token_create(actor=leader, user=leader, name="cfg", days=31)


def test_an_expired_token_is_refused_with_the_reason_and_audited(world, client):
    leader = world.users["leader"]
    row, text = services.api_token_create(actor=leader, user=leader, name="old", days=1)
    assert client.get("/api/v1/zones", **_bearer(text)).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/api/v1/zones", **_bearer(text))
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    entry = AuditEntry.objects.filter(action="login_failed").get()
    assert entry.actor == leader and entry.changes == {"factor": "token", "reason": "expired"}


def test_a_revoked_token_is_refused_with_the_reason(world, client):
    leader = world.users["leader"]
    row, text = services.api_token_create(actor=leader, user=leader, name="gone")
    services.api_token_revoke(actor=leader, token=row)
    response = client.get("/api/v1/firms", **_bearer(text))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    unknown = client.get("/api/v1/firms", **_bearer("zd_" + "x" * 43))
    assert unknown.status_code == 401


def test_a_deactivated_users_token_is_refused(world, client):
    leader = world.users["leader"]
    _row, text = services.api_token_create(actor=SYSTEM, user=leader, name="t")
    leader.is_active = False
    leader.save()
    assert client.get("/api/v1/zones", **_bearer(text)).status_code == 401


def test_the_page_creates_shows_once_lists_and_revokes(world, client_for):
    officer = world.users["officer"]
    client = client_for(officer)
    response = client.post(TOKENS, {"name": "月报脚本", "days": 30})
    page = response.content.decode()
    text = re.search(r'data-testid="new-token">(zd_[\w-]+)<', page).group(1)
    row = officer.api_tokens.get()
    assert row.name == "月报脚本" and 29.9 < _days_left(row) <= 30
    assert ApiToken.hash(text) == row.digest and text not in (row.digest, row.prefix)
    listed = client.get(TOKENS).content.decode()
    assert text not in listed  # shown once
    assert "月报脚本" in listed and f"zd_{row.prefix}" in listed
    assert timezone.localtime(row.expires_at).strftime("%Y-%m-%d") in listed
    assert client.get("/api/v1/zones", **_bearer(text)).status_code == 200

    response = client.post(f"{TOKENS}{row.pk}/revoke/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.revoked_at is not None
    assert client.get("/api/v1/zones", **_bearer(text)).status_code == 401
    entry = AuditEntry.objects.filter(target_type="org.apitoken", action="update").get()
    assert entry.actor == officer and entry.zone_id == world.zone_a.pk


def test_the_page_refuses_bad_input_and_changes_nothing(world, client_for):
    client = client_for(world.users["officer"])
    for form in ({"name": "", "days": 10}, {"name": "x", "days": 91}, {"name": "x", "days": "a"}):
        response = client.post(TOKENS, form)
        assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_nobody_revokes_or_sees_anothers_token(world, client_for):
    other, _text = services.api_token_create(
        actor=SYSTEM, user=world.users["officer_b"], name="theirs"
    )
    client = client_for(world.users["admin"])
    assert "theirs" not in client.get(TOKENS).content.decode()
    assert client.post(f"{TOKENS}{other.pk}/revoke/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=world.users["admin"], token=other)
    other.refresh_from_db()
    assert other.revoked_at is None


def test_a_password_change_revokes_every_token(world, client):
    leader = world.users["leader"]
    texts = [services.api_token_create(actor=leader, user=leader, name=n)[1] for n in "ab"]
    services.user_set_password(actor=world.users["admin"], user=leader, password="Neues-Pass-2026")
    for text in texts:
        response = client.get("/api/v1/zones", **_bearer(text))
        assert response.status_code == 401 and "revoked" in response.json()["detail"]
    revoked = AuditEntry.objects.filter(target_type="org.apitoken", action="update")
    assert revoked.count() == 2 and {e.actor for e in revoked} == {world.users["admin"]}
    assert services.api_tokens_revoke_all(actor=leader, user=leader) == 0  # safe twice
    # A password an administrator set must be changed by its user before anything else, the
    # API included (org.access.password_expired); then a new token works.
    services.user_set_password(actor=leader, user=leader, password="Eigenes-Pass-2026")
    _row, fresh = services.api_token_create(actor=leader, user=leader, name="after")
    assert client.get("/api/v1/zones", **_bearer(fresh)).status_code == 200


def test_a_password_change_in_the_site_admin_revokes_every_token(world, client_for, client):
    root = factories.User.objects.create_superuser("root", password="x")
    officer = world.users["officer2"]
    _row, text = services.api_token_create(actor=officer, user=officer, name="t")
    response = client_for(root).post(
        f"/admin/org/user/{officer.pk}/password/",
        {"password1": "Changed-in-admin-1", "password2": "Changed-in-admin-1"},
    )
    assert response.status_code == 302
    assert not officer.api_tokens.get().is_valid(timezone.now())
    assert client.get("/api/v1/zones", **_bearer(text)).status_code == 401


def test_revoke_all_is_for_the_user_or_their_administrator(world):
    leader = world.users["leader"]
    services.api_token_create(actor=leader, user=leader, name="t")
    with pytest.raises(PermissionDenied):
        services.api_tokens_revoke_all(actor=world.users["officer"], user=leader)
    with pytest.raises(PermissionDenied):  # another province's administrator
        services.api_tokens_revoke_all(actor=world.users["officer_b"], user=leader)
    assert services.api_tokens_revoke_all(actor=world.users["admin"], user=leader) == 1


def test_a_token_is_letters_and_digits_so_its_prefix_is_never_read_as_an_option():
    from zonedesk.org.models import ApiToken

    tokens = [ApiToken.generate() for _ in range(500)]
    assert all(re.fullmatch(r"zd_[A-Za-z0-9]{43}", t) for t in tokens)
    assert len(set(tokens)) == 500


def test_the_token_command_keeps_working(world, capsys):
    call_command("token", "create", "leader", "--days", "5", "--name", "nightly")
    text = capsys.readouterr().out.strip()
    row = world.users["leader"].api_tokens.get()
    assert ApiToken.hash(text) == row.digest and 4.9 < _days_left(row) <= 5
    call_command("token", "list", "leader")
    assert "nightly" in (listed := capsys.readouterr().out) and "valid" in listed
    with pytest.raises(CommandError):
        call_command("token", "create", "leader", "--days", "1000")
    call_command("token", "revoke", "leader", row.prefix)
    call_command("token", "list", "leader")
    assert "revoked" in capsys.readouterr().out
