"""The audit log: written with the change, placed in the org tree, never edited."""

import pytest

from tests import factories
from zonedesk.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_entries_cannot_be_changed_or_deleted(world):
    entry = AuditEntry.objects.first()
    entry.target_repr = "tampered"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_web_changes_record_the_client_address(world, client_for):
    client = client_for(world.users["leader"])
    url = f"/enterprises/{world.firm_a.pk}/edit/"
    form = {
        "name": world.firm_a.name,
        "credit_code": world.firm_a.credit_code,
        "industry_code": "C3311",
        "status": "producing",
        "address": "园区一路 1 号",
        "officer": world.users["officer"].pk,
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "version": world.firm_a.version,
    }

    response = client.post(url, form, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.ip_address == "203.0.113.7" and entry.via == "web"
    assert entry.changes["address"] == ["", "园区一路 1 号"]


def test_behind_a_trusted_proxy_the_appended_address_is_recorded(world, client_for, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "TRUST_X_FORWARDED_FOR": True}
    client = client_for(world.users["leader"])
    client.patch(
        f"/api/v1/firms/{world.firm_a.pk}",
        '{"address": "x", "version": 1}',
        content_type="application/json",
        HTTP_X_FORWARDED_FOR="10.0.0.1, 198.51.100.9",
        REMOTE_ADDR="127.0.0.1",
    )
    entry = AuditEntry.objects.filter(action="update").get()
    assert entry.ip_address == "198.51.100.9" and entry.via == "api"


def test_auditor_sees_their_zone_only(world, client_for):
    response = client_for(world.users["auditor"]).get("/audit/")
    body = response.content.decode()
    assert world.firm_a.name in body
    assert world.firm_b.name not in body


def test_site_admin_changes_are_audited(world, client_for):
    root = factories.User.objects.create_superuser("root", password="x")
    client = client_for(root)
    zone = world.zone_a
    response = client.post(
        f"/admin/org/zone/{zone.pk}/change/",
        {"code": zone.code, "name": "改名后的园区", "area": zone.area_id},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="update", target_type="org.zone").get()
    assert entry.actor == root and entry.changes == {"name": ["甲经开区", "改名后的园区"]}
    assert entry.zone_id == zone.pk and entry.area_code == "511723"


def test_firms_are_read_only_in_the_site_admin(world, client_for):
    root = factories.User.objects.create_superuser("root", password="x")
    response = client_for(root).post(
        f"/admin/enterprises/enterprise/{world.firm_a.pk}/change/", {"name": "x"}
    )
    assert response.status_code == 403


def test_the_log_never_shows_full_phone_numbers(world, client_for):
    """Auditors read the log; contact and staff phones are stored masked."""
    from zonedesk.org.services import user_create

    user_create(
        actor=world.users["admin"],
        username="phoned",
        password="Kaijiang-2026-zone",  # not containing the user name (org.passwords)
        roles=["officer"],
        zone=world.zone_a,
        phone="13911112222",
    )
    body = client_for(world.users["auditor"]).get("/audit/").content.decode()
    assert "13812345678" not in body and "138****5678" in body
    assert "13911112222" not in body and "139****2222" in body


def test_site_admin_password_and_group_changes_are_audited_without_errors(world, client_for):
    from django.contrib.auth.models import Group

    root = factories.User.objects.create_superuser("root", password="x")
    client = client_for(root)
    officer = world.users["officer2"]
    response = client.post(
        f"/admin/org/user/{officer.pk}/password/",
        {
            "password1": "Changed-in-admin-1",
            "password2": "Changed-in-admin-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(
        target_type="org.user", target_id=str(officer.pk), action="update"
    ).get()
    assert entry.changes == {"password": ["***", "***"]} and entry.actor == root

    group = Group.objects.create(name="g")
    form = {
        "username": officer.username,
        "password": officer.password,
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "groups": [group.pk],
        "is_active": "on",
        "zone": world.zone_a.pk,
        "role_grants-TOTAL_FORMS": 1,
        "role_grants-INITIAL_FORMS": 1,
        "role_grants-0-id": officer.role_grants.get().pk,
        "role_grants-0-user": officer.pk,
        "role_grants-0-role": "auditor",
    }
    response = client.post(f"/admin/org/user/{officer.pk}/change/", form)
    assert response.status_code == 302, response.content[:2000]
    changes = [e.changes for e in AuditEntry.objects.filter(action="update").order_by("id")]
    assert any(c.get("groups") == [[], [group.pk]] for c in changes)
    assert {"role": ["officer", "auditor"]} in changes


def test_site_admin_files_each_entry_under_the_records_place_in_the_org_tree(world, client_for):
    from zonedesk.org.models import Department

    client = client_for(factories.User.objects.create_superuser("root", password="x"))
    dept = Department.objects.get(zone=world.zone_a, name="经济发展局")
    department = client.post(
        f"/admin/org/department/{dept.pk}/change/",
        {"name": "经济发展和改革局", "zone": dept.zone_id},
    )
    area = world.dazhou
    city = client.post(
        f"/admin/org/area/{area.pk}/change/",
        {"code": area.code, "name": "达州", "level": area.level, "parent": area.parent_id},
    )
    assert department.status_code == city.status_code == 302
    filed = dict(AuditEntry.objects.filter(action="update").values_list("target_type", "zone_id"))
    assert filed == {"org.department": world.zone_a.pk, "org.area": None}
    assert AuditEntry.objects.get(action="update", target_type="org.area").area_code == "511700"
    assert (
        AuditEntry.objects.get(action="update", target_type="org.department").area_code == "511723"
    )


def test_a_security_event_is_filed_under_the_users_unit(world):
    from zonedesk.core.audit import security_event

    officer = world.users["officer"]
    entry = security_event("login", user=officer)
    assert (entry.actor, entry.target_id, entry.zone_id) == (
        officer,
        str(officer.pk),
        officer.zone_id,
    )
    unknown = security_event("login_failed", username="nobody", detail={"reason": "unknown"})
    assert (unknown.actor, unknown.target_id, unknown.actor_name) == (None, "", "nobody")
    assert AuditEntry.objects.filter(action="login_failed", changes__reason="unknown").exists()
