"""Every write to the firm registry: atomic, permission-checked, audited in the same transaction."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit, events
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.masking import mask_phone
from zonedesk.core.services import audit_scope, audited_update, clean, version_check
from zonedesk.core.xlsx import CellError, ImportRejected
from zonedesk.enterprises import access
from zonedesk.enterprises.models import Contact, Enterprise, EnterpriseMember
from zonedesk.org import services as org_services
from zonedesk.org.models import Role, User, Zone

# A firm's registry fields, in the order of the form, the spreadsheet template and its export;
# the audit log records the same fields.
REGISTRY_FIELDS = (
    "name",
    "credit_code",
    "zone",
    "industry_code",
    "above_designated_size",
    "status",
    "production_start",
    "address",
    "legal_representative",
    "registered_capital_wan",
    "established_on",
    "enterprise_type",
    "main_products",
    "land_area_mu",
    "officer",
)
AUDITED_FIELDS = REGISTRY_FIELDS
EDITABLE_FIELDS = frozenset(REGISTRY_FIELDS) - {"zone"}
UPDATE_FIELDS = tuple(f for f in AUDITED_FIELDS if f in EDITABLE_FIELDS)  # in audit order
CONTACT_FIELDS = ("name", "title", "phone", "email")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ContactData:
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class EnterpriseData:
    """The registry fields of one firm, as forms, the API and imports deliver them; contacts
    None: the stored contacts stay as they are (on an update)."""

    name: str
    credit_code: str
    industry_code: str
    above_designated_size: bool = False
    status: str = Enterprise.Status.PRODUCING
    production_start: dt.date | None = None
    address: str = ""
    legal_representative: str = ""
    registered_capital_wan: Decimal | None = None
    established_on: dt.date | None = None
    enterprise_type: str = ""
    main_products: str = ""
    land_area_mu: Decimal | None = None
    officer: User | None = None
    contacts: list[ContactData] | None = field(default=None)

    def __post_init__(self):
        # Amounts at the stored precision, so 12.5 given for a stored 12.50 is no change.
        for name in ("registered_capital_wan", "land_area_mu"):
            value = getattr(self, name)
            if isinstance(value, Decimal | int) and Decimal(value).is_finite():
                object.__setattr__(self, name, Decimal(value).quantize(CENT))

    @classmethod
    def of(cls, enterprise: Enterprise) -> "EnterpriseData":
        """The firm's stored fields (contacts None): `replace(...)` it for a partial update."""
        return cls(**{name: getattr(enterprise, name) for name in UPDATE_FIELDS})


def _check_officer(officer: User | None, zone: Zone) -> None:
    if officer is None:
        return
    if officer.zone_id != zone.pk or not officer.has_role(Role.OFFICER):
        raise ValidationFailed(
            {
                "officer": [
                    _("%(user)s is not a liaison officer of %(zone)s.")
                    % {"user": officer, "zone": zone}
                ]
            }
        )


def _contact_audit(contact: Contact) -> dict:
    """A contact as the audit log keeps it: the phone number masked (auditors read the log)."""
    values = {f: getattr(contact, f) for f in CONTACT_FIELDS}
    values["phone"] = mask_phone(values["phone"])
    return values


def _contacts_snapshot(enterprise: Enterprise) -> list[dict]:
    return [_contact_audit(c) for c in enterprise.contacts.order_by("id")]


def _replace_contacts(enterprise: Enterprise, contacts: list[ContactData]) -> list[dict]:
    rows = [Contact(enterprise=enterprise, **vars(c)) for c in contacts if c.name.strip()]
    errors: dict[str, list[str]] = {}
    for i, row in enumerate(rows):
        try:
            row.full_clean(exclude=["enterprise"])
        except ValidationError as exc:
            for f, msgs in exc.message_dict.items():
                errors.setdefault(f"contacts[{i}].{f}", []).extend(msgs)
    if errors:
        raise ValidationFailed(errors)
    enterprise.contacts.all().delete()
    Contact.objects.bulk_create(rows)
    return [_contact_audit(c) for c in rows]


# Registry fields that other apps derive facts from (policies' industry, size, status, zone,
# new-this-year): a change to one of them is announced; a new address or phone is not.
FACT_FIELDS = frozenset(
    {"industry_code", "above_designated_size", "status", "zone", "production_start"}
)


@transaction.atomic
def enterprise_create(*, actor: Actor, zone: Zone, data: EnterpriseData) -> Enterprise:
    """Register a firm. The demo and commands act as core.actors.SYSTEM."""
    if not access.can_create(actor, zone):
        raise PermissionDenied()
    _check_officer(data.officer, zone)
    values = {k: v for k, v in vars(data).items() if k != "contacts"}
    enterprise = Enterprise(zone=zone, **values)
    clean(enterprise)
    enterprise.save()
    changes = audit.diff({}, audit.snapshot(enterprise, AUDITED_FIELDS))
    if data.contacts:
        changes["contacts"] = [None, _replace_contacts(enterprise, data.contacts)]
    audit.record(
        actor=actor,
        action="create",
        instance=enterprise,
        changes=changes,
        **audit_scope(enterprise),
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *,
    actor: Actor,
    enterprise: Enterprise,
    data: EnterpriseData,
    expected_version: int | None = None,
) -> Enterprise:
    """Set the firm's registry fields to `data` (the contacts too, unless `data.contacts` is
    None); for a few fields, `replace(EnterpriseData.of(enterprise), ...)`. The zone is not
    among them: a firm does not move between zones here. `expected_version`: the version the
    editor read (StaleVersion if the firm or its contacts changed since)."""
    if not access.can_edit(actor, enterprise):
        raise PermissionDenied()
    version_check(enterprise, expected_version)
    if data.officer != enterprise.officer:
        if not access.can_assign_officer(actor, enterprise):
            raise ValidationFailed(
                {
                    "officer": [
                        _(
                            "Only a zone leader or an administrator can reassign the liaison officer."
                        )
                    ]
                }
            )
        _check_officer(data.officer, enterprise.zone)
    facts = audit.snapshot(enterprise, FACT_FIELDS)
    contacts = {}
    if data.contacts is not None:
        old = _contacts_snapshot(enterprise)
        new = _replace_contacts(enterprise, data.contacts)
        if old != new:
            contacts["contacts"] = [old, new]
    audited_update(actor=actor, instance=enterprise, data=data, fields=UPDATE_FIELDS, also=contacts)
    if changed := audit.diff(facts, audit.snapshot(enterprise, FACT_FIELDS)):
        firms = Enterprise.objects.filter(pk=enterprise.pk)
        events.firms_changed(actor=actor, firms=firms)
        events.registry_changed(actor=actor, firms=firms, fields=frozenset(changed))
    return enterprise


@transaction.atomic
def enterprise_member_bind(*, actor: Actor, user: User, enterprise: Enterprise) -> EnterpriseMember:
    """Make `user` the enterprise user of `enterprise` (one firm per user)."""
    if not access.can_create(actor, enterprise.zone):
        raise PermissionDenied()
    if not user.has_role(Role.ENTERPRISE):
        raise ValidationFailed({"user": [_("The user does not have the enterprise user role.")]})
    if user.zone_id != enterprise.zone_id:
        raise ValidationFailed({"user": [_("The user does not belong to the firm's zone.")]})
    member, _created = EnterpriseMember.objects.update_or_create(
        user=user, defaults={"enterprise": enterprise}
    )
    audit.record(
        actor=actor,
        action="create",
        instance=member,
        changes={"user": [None, user.pk], "enterprise": [None, enterprise.pk]},
        **audit_scope(enterprise),
    )
    return member


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


def _merge_contact(
    enterprise: Enterprise, contact: ContactData, new_rows: list, changed_rows: list
) -> list | None:
    """An imported contact updates the firm's contact of that name (its phone) or is added;
    the rows to write go to new_rows / changed_rows. The audit's [before, after], or None."""
    contacts = list(enterprise.contacts.all())
    old = [_contact_audit(c) for c in contacts]
    match = next((c for c in contacts if c.name == contact.name), None)
    if match is None:
        match = Contact(enterprise=enterprise, **vars(contact))
        new_rows.append(match)
        contacts.append(match)
    elif contact.phone and match.phone != contact.phone:
        match.phone = contact.phone
        changed_rows.append(match)
    new = [_contact_audit(c) for c in contacts]
    return [old, new] if new != old else None


def enterprise_import(*, actor: Actor, fileobj) -> ImportResult:
    """Register or update every firm in the sheet, or nothing at all (raises ImportRejected).

    The file is read and checked outside any transaction (on SQLite a transaction holds the
    database's write lock: other users' writes would wait for the whole parse), then written
    in one short transaction."""
    from zonedesk.enterprises import imports

    if not access.can_import(actor):
        raise PermissionDenied()
    rows = imports.parse(actor, fileobj)
    try:
        return _import_write(actor=actor, rows=rows)
    except IntegrityError as exc:
        # A firm with one of the sheet's codes was registered since the sheet was checked.
        raise _register_changed() from exc


def _register_changed() -> ImportRejected:
    reason = _("The register changed during the import: nothing was changed; upload again.")
    return ImportRejected([CellError("", 0, "", "", reason)])


def _lock_unchanged(rows) -> None:
    """Lock the firms the sheet updates and refuse the import if any was edited after the sheet
    was checked (its version moved): the checked values, and the audit's "before", would be
    stale, and the edit silently overwritten."""
    read = {row.existing.pk: row.existing.version for row in rows if row.existing is not None}
    ids = list(read)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        now = Enterprise.objects.select_for_update().filter(pk__in=chunk)
        if any(read[pk] != version for pk, version in now.values_list("pk", "version")):
            raise _register_changed()


@transaction.atomic
def _import_write(*, actor: Actor, rows) -> ImportResult:
    from zonedesk.core.models import AuditEntry

    _lock_unchanged(rows)
    to_create, to_update, entries, contacts_new, contacts_changed = [], [], [], [], []
    unchanged = 0
    fact_changes: dict[str, list[int]] = {}  # registry fact -> the updated firms it changed on
    for row in rows:
        values = {k: v for k, v in vars(row.data).items() if k != "contacts"}
        enterprise = row.existing
        if enterprise is None:
            to_create.append((Enterprise(zone=row.zone, **values), row))
            continue
        # Only the columns the sheet has: a missing column leaves the stored value alone.
        before = audit.snapshot(enterprise, AUDITED_FIELDS)
        for name, value in values.items():
            if name in row.present:
                setattr(enterprise, name, value)
        changes = audit.diff(before, audit.snapshot(enterprise, AUDITED_FIELDS))
        for name in FACT_FIELDS & changes.keys():
            fact_changes.setdefault(name, []).append(enterprise.pk)
        if row.contact is not None:
            contacts = _merge_contact(enterprise, row.contact, contacts_new, contacts_changed)
            if contacts is not None:
                changes["contacts"] = contacts
        if changes:
            enterprise.updated_at = timezone.now()
            enterprise.version = F("version") + 1  # an edit form open on it is stale now
            to_update.append(enterprise)
            entries.append(
                audit.entry(
                    actor=actor,
                    action="update",
                    instance=enterprise,
                    changes=changes,
                    **audit_scope(enterprise),
                )
            )
        else:
            unchanged += 1
    Enterprise.objects.bulk_create([e for e, _row in to_create], batch_size=1000)
    for enterprise, row in to_create:
        changes = audit.diff({}, audit.snapshot(enterprise, AUDITED_FIELDS))
        if row.contact:
            contact = Contact(enterprise=enterprise, **vars(row.contact))
            contacts_new.append(contact)
            changes["contacts"] = [None, [_contact_audit(contact)]]
        entries.append(
            audit.entry(
                actor=actor,
                action="create",
                instance=enterprise,
                changes=changes,
                **audit_scope(enterprise),
            )
        )
    if to_update:
        Enterprise.objects.bulk_update(
            to_update,
            [f for f in AUDITED_FIELDS if f not in ("zone", "credit_code")]
            + ["updated_at", "version"],
            batch_size=1000,
        )
    Contact.objects.bulk_create(contacts_new, batch_size=1000)
    Contact.objects.bulk_update(contacts_changed, ["phone"], batch_size=1000)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    if to_update:
        events.firms_changed(
            actor=actor,
            firms=Enterprise.objects.filter(pk__in=[e.pk for e in to_update])
            if len(to_update) <= 5000  # else the zones: fewer query parameters
            else Enterprise.objects.filter(zone_id__in={e.zone_id for e in to_update}),
        )
        for name, pks in fact_changes.items():
            events.registry_changed(
                actor=actor, firms=Enterprise.objects.filter(pk__in=pks), fields=frozenset({name})
            )
    if to_create:
        # New firms are expected to report (the zone's pages change); they have no figures to
        # match yet, so they are named one by one, never widened to their zones' firms.
        events.firms_changed(
            actor=actor, firms=Enterprise.objects.filter(pk__in=[e.pk for e, _row in to_create])
        )
    return ImportResult(created=len(to_create), updated=len(to_update), unchanged=unchanged)


@transaction.atomic
def enterprise_account_create(
    *,
    actor: Actor,
    enterprise: Enterprise,
    username: str,
    full_name: str,
    password: str,
    phone: str = "",
) -> User:
    """An enterprise user account for the firm's staff, bound to this firm only."""
    user = org_services.user_create(
        actor=actor,
        username=username,
        password=password,
        roles=[Role.ENTERPRISE],
        full_name=full_name,
        phone=phone,
        zone=enterprise.zone,
    )
    enterprise_member_bind(actor=actor, user=user, enterprise=enterprise)
    return user
