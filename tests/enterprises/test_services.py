"""Registering and changing firms: validation on every path, permissions, and the audit trail."""

from dataclasses import fields, replace

import pytest
from django.utils import translation

from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import (
    ContactData,
    EnterpriseData,
    enterprise_create,
    enterprise_update,
)

pytestmark = pytest.mark.django_db


def _data(**overrides) -> EnterpriseData:
    values = {
        "name": "新建机械有限公司",
        "credit_code": "91110108551385082Q",
        "industry_code": "C3311",
    }
    return EnterpriseData(**{**values, **overrides})


def _changed(firm: Enterprise, **fields) -> EnterpriseData:
    """The firm's stored fields with `fields` changed: what a page or the API sends."""
    return replace(EnterpriseData.of(firm), **fields)


class TestCreate:
    def test_leader_registers_a_firm_and_the_audit_records_it(self, world):
        leader = world.users["leader"]

        firm = enterprise_create(
            actor=leader,
            zone=world.zone_a,
            data=_data(contacts=[ContactData(name="王五", phone="13900001111")]),
        )

        assert firm.industry_code == "3311"  # the section letter is dropped on the field
        entry = AuditEntry.objects.get(target_type="enterprises.enterprise", target_id=str(firm.pk))
        assert entry.actor == leader and entry.action == "create"
        assert entry.changes["credit_code"] == [None, "91110108551385082Q"]
        assert entry.changes["contacts"][1][0]["phone"] == "139****1111"  # masked in the log
        assert entry.zone_id == world.zone_a.pk and entry.area_code == "511723"

    def test_credit_code_is_normalised(self, world):
        firm = enterprise_create(
            actor=SYSTEM, zone=world.zone_a, data=_data(credit_code=" 91110108551385082q ")
        )
        assert firm.credit_code == "91110108551385082Q"

    @pytest.mark.parametrize(
        ("field", "value", "fragment"),
        [
            ("credit_code", "91110108551385082A", "check character"),
            ("credit_code", "9111010855138508", "18 characters"),
            ("industry_code", "9999", "not a GB/T 4754-2017 industry code"),
            ("name", "", "cannot be blank"),
        ],
    )
    def test_bad_fields_are_refused_and_nothing_is_written(self, world, field, value, fragment):
        before = Enterprise.objects.count(), AuditEntry.objects.count()
        with translation.override("en"), pytest.raises(ValidationFailed) as exc:
            enterprise_create(actor=SYSTEM, zone=world.zone_a, data=_data(**{field: value}))
        assert any(fragment in m for m in exc.value.errors[field])
        assert (Enterprise.objects.count(), AuditEntry.objects.count()) == before

    def test_duplicate_credit_code_is_refused(self, world):
        with translation.override("en"), pytest.raises(ValidationFailed) as exc:
            enterprise_create(
                actor=SYSTEM, zone=world.zone_a, data=_data(credit_code=world.firm_b.credit_code)
            )
        assert "already exists" in exc.value.errors["credit_code"][0]

    def test_officer_must_be_an_officer_of_the_zone(self, world):
        with pytest.raises(ValidationFailed) as exc:
            enterprise_create(
                actor=SYSTEM, zone=world.zone_a, data=_data(officer=world.users["officer_b"])
            )
        assert "officer" in exc.value.errors

    @pytest.mark.parametrize("role", ["officer", "department", "enterprise", "bank", "auditor"])
    def test_other_roles_may_not_register_firms(self, world, role):
        with pytest.raises(PermissionDenied):
            enterprise_create(actor=world.users[role], zone=world.zone_a, data=_data())

    def test_managers_of_another_unit_may_not_register_firms_there(self, world):
        with pytest.raises(PermissionDenied):
            enterprise_create(actor=world.users["city_leader"], zone=world.zone_b, data=_data())


class TestUpdate:
    def test_officer_edits_their_own_firm_and_the_diff_is_audited(self, world):
        officer = world.users["officer"]

        enterprise_update(
            actor=officer,
            enterprise=world.firm_a,
            data=_changed(world.firm_a, address="创业路 8 号", status="halted"),
        )

        entry = AuditEntry.objects.filter(action="update").get()
        assert entry.changes == {"address": ["", "创业路 8 号"], "status": ["producing", "halted"]}
        assert entry.actor == officer

    def test_no_change_writes_no_audit_entry(self, world):
        enterprise_update(
            actor=world.users["leader"],
            enterprise=world.firm_a,
            data=_changed(world.firm_a, name=world.firm_a.name),
        )
        assert not AuditEntry.objects.filter(action="update").exists()

    def test_officer_may_not_edit_another_officers_firm(self, world):
        with pytest.raises(PermissionDenied):
            enterprise_update(
                actor=world.users["officer2"],
                enterprise=world.firm_a,
                data=_changed(world.firm_a, address="x"),
            )

    def test_only_managers_reassign_the_officer(self, world):
        with pytest.raises(ValidationFailed) as exc:
            enterprise_update(
                actor=world.users["officer"],
                enterprise=world.firm_a,
                data=_changed(world.firm_a, officer=world.users["officer2"]),
            )
        assert "officer" in exc.value.errors
        enterprise_update(
            actor=world.users["leader"],
            enterprise=world.firm_a,
            data=_changed(world.firm_a, officer=world.users["officer2"]),
        )
        world.firm_a.refresh_from_db()
        assert world.firm_a.officer == world.users["officer2"]

    def test_the_zone_cannot_be_changed_by_update(self, world):
        """An update's data has no zone: a firm does not move between zones here."""
        assert "zone" not in {f.name for f in fields(EnterpriseData)}
        with pytest.raises(TypeError):
            _changed(world.firm_a, zone=world.zone_b)

    def test_a_bad_value_changes_nothing(self, world):
        with pytest.raises(ValidationFailed):
            enterprise_update(
                actor=world.users["leader"],
                enterprise=world.firm_a,
                data=_changed(world.firm_a, address="ok", credit_code="bad"),
            )
        world.firm_a.refresh_from_db()
        assert (
            world.firm_a.address == "" and not AuditEntry.objects.filter(action="update").exists()
        )

    def test_contacts_are_replaced_and_audited(self, world):
        enterprise_update(
            actor=world.users["leader"],
            enterprise=world.firm_a,
            data=_changed(
                world.firm_a, contacts=[ContactData(name="新联系人", phone="13700000000")]
            ),
        )
        assert list(world.firm_a.contacts.values_list("name", flat=True)) == ["新联系人"]
        entry = AuditEntry.objects.filter(action="update").get()
        assert entry.changes["contacts"][0][0]["name"] == "联系人甲"

    def test_fields_and_contacts_changed_together_are_one_audit_entry(self, world):
        enterprise_update(
            actor=world.users["leader"],
            enterprise=world.firm_a,
            data=_changed(world.firm_a, address="创业路 9 号", contacts=[ContactData(name="乙")]),
        )
        entry = AuditEntry.objects.filter(action="update").get()
        assert set(entry.changes) == {"address", "contacts"}


def test_binding_a_firm_account_is_audited_with_named_fields(world):
    """The audit log names the binding's fields in the reader's language (用户, 企业), not by
    their column names (“user” showed before)."""
    from zonedesk.enterprises.models import EnterpriseMember
    from zonedesk.enterprises.services import enterprise_member_bind
    from zonedesk.org.auditlog import field_label as _field_label

    user = world.users["enterprise"]
    enterprise_member_bind(actor=SYSTEM, user=user, enterprise=world.firm_a)
    entry = AuditEntry.objects.filter(action="create").order_by("-id").first()
    assert set(entry.changes) == {"user", "enterprise"}
    with translation.override("zh-hans"):
        labels = {_field_label(EnterpriseMember, name) for name in entry.changes}
    assert labels == {"用户", "企业"}
    with translation.override("en"):
        labels = {_field_label(EnterpriseMember, name) for name in entry.changes}
    assert labels == {"user", "enterprise"}
