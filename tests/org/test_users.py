"""Administrators manage the users of their unit; firm accounts are bound to one firm."""

import pytest
from django.contrib.auth import authenticate
from django.utils import translation

from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.selectors import enterprise_list
from zonedesk.enterprises.services import enterprise_account_create
from zonedesk.org.models import User
from zonedesk.org.selectors import user_list
from zonedesk.org.services import user_create, user_set_password, user_update

pytestmark = pytest.mark.django_db
GOOD_PASSWORD = "Kaijiang-2026-zone"


def _create(world, actor="admin", **kwargs):
    values = {
        "username": "newbie",
        "password": GOOD_PASSWORD,
        "roles": ["officer"],
        "full_name": "新干部",
        "zone": world.zone_a,
    }
    return user_create(actor=world.users[actor] if actor else None, **{**values, **kwargs})


def test_admin_creates_an_officer_who_can_log_in(world):
    user = _create(world)
    assert user.roles == {"officer"} and user.zone == world.zone_a
    assert user.password.startswith("md5$") or user.password.startswith(
        "pbkdf2"
    )  # hashed, not stored
    assert authenticate(username="newbie", password=GOOD_PASSWORD) == user
    entry = AuditEntry.objects.get(target_type="org.user", target_id=str(user.pk))
    assert entry.actor == world.users["admin"] and entry.changes["roles"] == [None, ["officer"]]
    assert "password" not in entry.changes


def test_weak_passwords_are_refused(world):
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        _create(world, password="123")
    assert any("too short" in m for m in exc.value.errors["password"])
    assert not User.objects.filter(username="newbie").exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"roles": []}, "roles"),
        ({"roles": ["emperor"]}, "roles"),
        ({"roles": ["department"]}, "department"),
        ({"roles": ["bank"]}, "bank"),
        ({"username": "bad name!"}, "username"),
        ({"username": "admin"}, "username"),
    ],
)
def test_inconsistent_users_are_refused(world, kwargs, field):
    with pytest.raises(ValidationFailed) as exc:
        _create(world, **kwargs)
    assert field in exc.value.errors


def test_a_department_of_another_zone_is_refused(world):
    from zonedesk.org.services import department_create

    other = department_create(actor=SYSTEM, zone=world.zone_b, name="乙园区经发局")
    with pytest.raises(ValidationFailed) as exc:
        _create(world, roles=["department"], department=other, zone=world.zone_a)
    assert "department" in exc.value.errors


@pytest.mark.parametrize("actor", ["leader", "officer", "auditor", "enterprise"])
def test_only_administrators_create_users(world, actor):
    with pytest.raises(PermissionDenied):
        _create(world, actor=actor)


def test_zone_admin_cannot_create_users_elsewhere(world):
    with pytest.raises(PermissionDenied):
        _create(world, zone=world.zone_b)
    with pytest.raises(PermissionDenied):
        _create(world, zone=None, area=world.dazhou)


def test_province_admin_creates_a_city_level_user(world):
    user = _create(world, actor="province_admin", zone=None, area=world.dazhou, roles=["leader"])
    assert user.area == world.dazhou and user in user_list(world.users["province_admin"])
    assert user not in user_list(world.users["admin"])


def test_update_changes_roles_and_audits_the_difference(world):
    officer = world.users["officer2"]
    user_update(
        actor=world.users["admin"],
        user=officer,
        roles=["officer", "leader"],
        full_name="刘干部",
        is_active=True,
    )
    officer.refresh_from_db()
    assert officer.roles == {"officer", "leader"}
    entry = AuditEntry.objects.filter(action="update", target_type="org.user").get()
    assert entry.changes["roles"] == [["officer"], ["leader", "officer"]]


def test_disabled_users_cannot_log_in(world):
    officer = world.users["officer2"]
    user_set_password(actor=world.users["admin"], user=officer, password=GOOD_PASSWORD)
    assert authenticate(username="officer2", password=GOOD_PASSWORD) is not None
    user_update(
        actor=world.users["admin"], user=officer, roles=["officer"], full_name="", is_active=False
    )
    assert authenticate(username="officer2", password=GOOD_PASSWORD) is None


def test_an_admin_cannot_lock_themselves_out(world):
    admin = world.users["admin"]
    with pytest.raises(ValidationFailed):
        user_update(actor=admin, user=admin, roles=["admin"], full_name="", is_active=False)
    with pytest.raises(ValidationFailed):
        user_update(actor=admin, user=admin, roles=["leader"], full_name="")


def test_superusers_are_out_of_reach_of_unit_admins(world):
    root = User.objects.create_superuser("root", password="x")
    assert root not in user_list(world.users["admin"])
    with pytest.raises(PermissionDenied):
        user_set_password(actor=world.users["admin"], user=root, password=GOOD_PASSWORD)


def test_firm_account_sees_only_its_firm(world):
    user = enterprise_account_create(
        actor=world.users["admin"],
        enterprise=world.firm_a2,
        username="a2-staff",
        full_name="甲二员工",
        password=GOOD_PASSWORD,
    )
    assert list(enterprise_list(user)) == [world.firm_a2]


def test_pages_create_edit_and_reset(world, client_for):
    client = client_for(world.users["admin"])
    response = client.post(
        "/users/new/",
        {
            "username": "page-user",
            "full_name": "页面用户",
            "unit": f"zone:{world.zone_a.pk}",
            "roles": ["officer", "auditor"],
            "password": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="page-user")
    assert user.roles == {"officer", "auditor"}

    response = client.post(
        f"/users/{user.pk}/edit/", {"full_name": "改名", "roles": ["auditor"], "is_active": "on"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.full_name == "改名" and user.roles == {"auditor"}

    response = client.post(f"/users/{user.pk}/password/", {"password1": "x", "password2": "y"})
    assert response.status_code == 200 and "password2" in response.context["form"].errors
    response = client.post(
        f"/users/{user.pk}/password/",
        {"password1": "Another-pass-2026", "password2": "Another-pass-2026"},
    )
    assert response.status_code == 302
    assert authenticate(username="page-user", password="Another-pass-2026") == user


def test_zone_admin_is_offered_only_their_zone(world, client_for):
    form = client_for(world.users["admin"]).get("/users/new/").context["form"]
    assert [c for c, _label in form.fields["unit"].choices] == [f"zone:{world.zone_a.pk}"]


def test_the_firm_page_opens_accounts_and_shows_errors(world, client_for):
    client = client_for(world.users["admin"])
    url = f"/enterprises/{world.firm_a.pk}/accounts/"
    bad = client.post(url, {"username": "x y", "full_name": "", "password": "1"})
    assert bad.status_code == 400 and bad.context["account_form"].errors
    ok = client.post(
        url, {"username": "firm-a-2", "full_name": "员工二", "password": GOOD_PASSWORD}
    )
    assert ok.status_code == 302
    page = client.get(f"/enterprises/{world.firm_a.pk}/").content.decode()
    assert "firm-a-2" in page and "enterprise" in page  # the existing account is listed too


def test_repeated_roles_are_accepted_once(world, client_for):
    response = client_for(world.users["admin"]).post(
        "/users/new/",
        {
            "username": "twice",
            "full_name": "两次",
            "unit": f"zone:{world.zone_a.pk}",
            "roles": ["leader", "leader"],
            "password": GOOD_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="twice").roles == {"leader"}


def test_an_admin_without_a_unit_sees_no_users(world, client_for):
    from zonedesk.org.services import user_update  # noqa: F401 - the unitless admin is made directly

    lost = User.objects.create_user("lost", password="x")
    lost.role_grants.create(role="admin")
    client = client_for(lost)
    assert client.get("/users/").status_code == 200
    assert list(user_list(lost)) == []
    assert client.get("/users/new/").status_code == 200


def test_a_firm_account_keeps_its_role_when_edited(world, client_for):
    account = world.users["enterprise"]
    client = client_for(world.users["admin"])
    form = client.get(f"/users/{account.pk}/edit/").context["form"]
    assert [c for c, _l in form.fields["roles"].choices] == ["enterprise"]
    response = client.post(
        f"/users/{account.pk}/edit/", {"full_name": "企业员工", "roles": ["enterprise"]}
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.roles == {"enterprise"} and not account.is_active
    with pytest.raises(ValidationFailed):
        user_update(actor=world.users["admin"], user=account, roles=["officer"], full_name="x")


def test_firm_and_bank_users_get_no_officer_list_or_firm_counts(world, client_for):
    from zonedesk.org.selectors import officer_list, zone_overview

    for role in ("enterprise", "bank"):
        user = world.users[role]
        assert not officer_list(user).exists()
        assert not hasattr(zone_overview(user).first() or object(), "n_enterprises")
    assert officer_list(world.users["leader"]).exists()


def test_a_firm_account_must_be_in_the_firms_zone(world):
    from zonedesk.enterprises.services import enterprise_member_bind

    outsider = user_create(
        actor=SYSTEM,
        username="outsider",
        password=GOOD_PASSWORD,
        roles=["enterprise"],
        zone=world.zone_b,
    )
    with pytest.raises(ValidationFailed):
        enterprise_member_bind(actor=SYSTEM, user=outsider, enterprise=world.firm_a)


def test_api_tokens_can_be_listed_and_revoked(world, client, capsys):
    from django.core.management import call_command

    call_command("token", "create", "leader")
    token = capsys.readouterr().out.strip()
    assert client.get("/api/v1/zones", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    call_command("token", "list", "leader")
    assert token[3:11] in capsys.readouterr().out
    call_command("token", "revoke", "leader", token[3:11])
    assert client.get("/api/v1/zones", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    # revoked, not deleted: the refusal can say why, and the list keeps it
    entry = AuditEntry.objects.filter(target_type="org.apitoken", action="update").get()
    assert entry.zone_id == world.zone_a.pk and entry.changes["revoked_at"][0] is None


def test_an_area_leader_is_labelled_by_the_areas_level(world, client_for):
    html = client_for(world.users["city_leader"]).get("/zones/").content.decode()
    assert "市级领导" in html and "园区领导" not in html
    assert "园区领导" in client_for(world.users["leader"]).get("/zones/").content.decode()
