"""Separation of duties (MLPS level 3, 三权分立): the system administrator (accounts), the
security administrator (roles) and the auditor (the audit log) are three accounts; none holds
two of these roles, each one's actions are audited, and only the auditor reads the log."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.org.models import RoleGrant, User
from zonedesk.org.services import user_create, user_set_password, user_update

pytestmark = pytest.mark.django_db
PASSWORD = "Kaijiang-2026-zone"


def _new(world, actor, roles, username="newbie"):
    return user_create(
        actor=actor,
        username=username,
        password=PASSWORD,
        roles=roles,
        full_name="新账号",
        zone=world.zone_a,
    )


def _update(actor, user, roles, **account):
    values = {
        "full_name": user.full_name,
        "phone": user.phone,
        "department": user.department,
        "bank": user.bank,
        "is_active": user.is_active,
        **account,
    }
    return user_update(actor=actor, user=user, roles=roles, **values)


@pytest.mark.parametrize(
    "roles", [["admin", "auditor"], ["admin", "security"], ["security", "auditor", "officer"]]
)
def test_no_account_holds_two_duties(world, roles):
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        _new(world, SYSTEM, roles)
    assert "separation of duties" in exc.value.errors["roles"][0]
    assert not User.objects.filter(username="newbie").exists()


def test_a_second_duty_is_refused_when_granted_later(world):
    with pytest.raises(ValidationFailed) as exc:
        _update(world.users["security"], world.users["admin"], ["admin", "auditor"])
    assert "roles" in exc.value.errors
    assert world.users["admin"].roles == {"admin"}


def test_the_database_refuses_a_second_duty(world):
    """A grant written around the services (the shell, raw SQL) meets the partial unique index."""
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=world.users["auditor"], role="security")
    RoleGrant.objects.create(user=world.users["auditor"], role="officer")  # a daily role is fine


def test_the_security_administrator_grants_and_withdraws_roles(world):
    officer = world.users["officer2"]
    _update(world.users["security"], officer, ["auditor"])
    officer.refresh_from_db()
    assert officer.roles == {"auditor"}
    entry = AuditEntry.objects.filter(action="update", target_id=str(officer.pk)).get()
    assert entry.actor == world.users["security"]
    assert entry.changes == {"roles": [["officer"], ["auditor"]]}


def test_the_system_administrator_grants_no_duty(world):
    admin = world.users["admin"]
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        _new(world, admin, ["officer", "security"])
    assert "Only the security administrator" in exc.value.errors["roles"][0]
    with pytest.raises(ValidationFailed):
        _update(admin, world.users["officer2"], ["officer", "auditor"])
    with pytest.raises(ValidationFailed):  # nor withdraws one
        _update(admin, world.users["auditor"], ["officer"])
    # the daily-work roles are still the system administrator's, with the accounts it opens
    assert _new(world, admin, ["officer", "leader"]).roles == {"officer", "leader"}


@pytest.mark.parametrize("who", ["admin", "security"])
def test_nobody_changes_their_own_roles(world, who):
    me = world.users[who]
    with translation.override("en"), pytest.raises(ValidationFailed) as exc:
        _update(me, me, sorted(me.roles | {"leader"}))
    assert "Your own roles" in exc.value.errors["roles"][0]


def test_the_security_administrator_does_not_edit_accounts(world):
    security, officer = world.users["security"], world.users["officer2"]
    with pytest.raises(PermissionDenied):
        _update(security, officer, ["officer"], full_name="改名")
    with pytest.raises(PermissionDenied):
        user_set_password(actor=security, user=officer, password=PASSWORD)
    with pytest.raises(PermissionDenied):
        _new(world, security, ["officer"])


def test_the_auditor_manages_nothing(world):
    auditor = world.users["auditor"]
    with pytest.raises(PermissionDenied):
        _update(auditor, world.users["officer2"], ["leader"])
    with pytest.raises(PermissionDenied):
        _new(world, auditor, ["officer"])


def test_the_security_administrators_page_edits_roles_only(world, client_for):
    officer = world.users["officer2"]
    client = client_for(world.users["security"])
    assert client.get("/users/").status_code == 200
    form = client.get(f"/users/{officer.pk}/edit/").context["form"]
    assert form.fields["full_name"].disabled and not form.fields["roles"].disabled
    response = client.post(
        f"/users/{officer.pk}/edit/", {"full_name": "篡改", "roles": ["officer", "auditor"]}
    )
    assert response.status_code == 302, response.context["form"].errors
    officer.refresh_from_db()
    assert officer.roles == {"officer", "auditor"} and officer.full_name != "篡改"
    assert client.get("/users/new/").status_code == 403
    assert client.get(f"/users/{officer.pk}/password/").status_code == 403


def test_the_system_administrators_page_keeps_the_duties_it_cannot_grant(world, client_for):
    auditor = world.users["auditor"]
    client = client_for(world.users["admin"])
    form = client.get(f"/users/{auditor.pk}/edit/").context["form"]
    offered = {value for value, _label in form.fields["roles"].choices}
    assert offered.isdisjoint({"admin", "security", "auditor"})
    response = client.post(
        f"/users/{auditor.pk}/edit/",
        {"full_name": "郑审计", "roles": [], "is_active": "on", "version": auditor.version},
    )
    assert response.status_code == 302
    auditor.refresh_from_db()
    assert auditor.roles == {"auditor"} and auditor.full_name == "郑审计"


@pytest.mark.parametrize(("who", "status"), [("auditor", 200), ("admin", 403), ("security", 403)])
def test_only_the_auditor_reads_the_log(world, client_for, who, status):
    assert client_for(world.users[who]).get("/audit/").status_code == status


def test_the_site_admins_role_grants_refuse_two_duties(world):
    from django.forms import inlineformset_factory

    from zonedesk.org.admin import RoleGrantFormSet

    target = world.users["officer2"]
    formset_class = inlineformset_factory(
        User, RoleGrant, formset=RoleGrantFormSet, fields=["role"], extra=0
    )
    data = {
        "role_grants-TOTAL_FORMS": "3",
        "role_grants-INITIAL_FORMS": "1",
        "role_grants-0-id": target.role_grants.get().pk,
        "role_grants-0-role": "officer",
        "role_grants-1-role": "admin",
        "role_grants-2-role": "auditor",
    }
    formset = formset_class(data, instance=target)
    assert not formset.is_valid()
    assert "separation of duties" in str(formset.non_form_errors()) or formset.non_form_errors()
    data["role_grants-2-role"] = "leader"
    assert formset_class(data, instance=target).is_valid()


# The security administrator's reach over every page and endpoint, in and out of their unit, is
# a column of tests/test_access_matrix.py: no zone data, their unit's users and locks.
