"""Every write to the firm registry: atomic, permission-checked, audited in the same transaction."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.enterprises import access
from zonedesk.enterprises.models import Contact, Enterprise, EnterpriseMember
from zonedesk.org import services as org_services
from zonedesk.org.models import Role, User, Zone

AUDITED_FIELDS = (
    "name",
    "credit_code",
    "zone",
    "industry_code",
    "above_designated_size",
    "status",
    "production_start",
    "address",
    "officer",
)
EDITABLE_FIELDS = frozenset(AUDITED_FIELDS) - {"zone"}
CONTACT_FIELDS = ("name", "title", "phone", "email")


@dataclass
class ContactData:
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class EnterpriseData:
    """The registry fields of one firm, as forms, the API and imports deliver them."""

    name: str
    credit_code: str
    industry_code: str
    above_designated_size: bool = False
    status: str = Enterprise.Status.PRODUCING
    production_start: dt.date | None = None
    address: str = ""
    officer: User | None = None
    contacts: list[ContactData] | None = field(default=None)


def _scope(enterprise: Enterprise) -> dict:
    return {"zone_id": enterprise.zone_id, "area_code": enterprise.zone.area.code}


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


def _clean(enterprise: Enterprise, *, validate_unique: bool = True) -> None:
    try:
        enterprise.full_clean(validate_unique=validate_unique)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def _contacts_snapshot(enterprise: Enterprise) -> list[dict]:
    return [{f: getattr(c, f) for f in CONTACT_FIELDS} for c in enterprise.contacts.order_by("id")]


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
    return [{f: getattr(c, f) for f in CONTACT_FIELDS} for c in rows]


@transaction.atomic
def enterprise_create(*, actor, zone: Zone, data: EnterpriseData) -> Enterprise:
    """Register a firm. `actor=None` is the system itself (demo and commands)."""
    if actor is not None and not access.can_create(actor, zone):
        raise PermissionDenied()
    _check_officer(data.officer, zone)
    values = {k: v for k, v in vars(data).items() if k != "contacts"}
    enterprise = Enterprise(zone=zone, **values)
    _clean(enterprise)
    enterprise.save()
    changes = audit.diff({}, audit.snapshot(enterprise, AUDITED_FIELDS))
    if data.contacts:
        changes["contacts"] = [None, _replace_contacts(enterprise, data.contacts)]
    audit.record(
        actor=actor, action="create", instance=enterprise, changes=changes, **_scope(enterprise)
    )
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor, enterprise: Enterprise, contacts: list[ContactData] | None = None, **fields
) -> Enterprise:
    """Change the given fields (and, when given, replace the contacts)."""
    if actor is not None and not access.can_edit(actor, enterprise):
        raise PermissionDenied()
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            {f: [_("This field cannot be changed here.")] for f in sorted(unknown)}
        )
    if "officer" in fields and fields["officer"] != enterprise.officer:
        if actor is not None and not access.can_assign_officer(actor, enterprise):
            raise ValidationFailed(
                {
                    "officer": [
                        _(
                            "Only a zone leader or an administrator can reassign the liaison officer."
                        )
                    ]
                }
            )
        _check_officer(fields["officer"], enterprise.zone)
    before = audit.snapshot(enterprise, AUDITED_FIELDS)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    _clean(enterprise)
    enterprise.save()
    changes = audit.diff(before, audit.snapshot(enterprise, AUDITED_FIELDS))
    if contacts is not None:
        old = _contacts_snapshot(enterprise)
        new = _replace_contacts(enterprise, contacts)
        if old != new:
            changes["contacts"] = [old, new]
    if changes:
        audit.record(
            actor=actor, action="update", instance=enterprise, changes=changes, **_scope(enterprise)
        )
    return enterprise


@transaction.atomic
def enterprise_member_bind(*, actor, user: User, enterprise: Enterprise) -> EnterpriseMember:
    """Make `user` the enterprise user of `enterprise` (one firm per user)."""
    if actor is not None and not access.can_create(actor, enterprise.zone):
        raise PermissionDenied()
    if not user.has_role(Role.ENTERPRISE):
        raise ValidationFailed({"user": [_("The user does not have the enterprise user role.")]})
    member, _created = EnterpriseMember.objects.update_or_create(
        user=user, defaults={"enterprise": enterprise}
    )
    audit.record(
        actor=actor,
        action="create",
        instance=member,
        changes={"user": [None, user.pk], "enterprise": [None, enterprise.pk]},
        **_scope(enterprise),
    )
    return member


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def enterprise_import(*, actor, fileobj) -> ImportResult:
    """Register or update every firm in the sheet, or nothing at all (raises ImportRejected)."""
    from zonedesk.core.models import AuditEntry
    from zonedesk.enterprises import imports

    if actor is not None and not access.can_import(actor):
        raise PermissionDenied()
    rows = imports.parse(actor, fileobj)
    zones = {
        z.pk: z
        for z in Zone.objects.select_related("area").filter(pk__in={r.zone_id for r in rows})
    }
    existing = {
        e.credit_code: e
        for e in Enterprise.objects.select_related("zone")
        .prefetch_related("contacts")
        .filter(credit_code__in=[r.data.credit_code for r in rows])
    }
    to_create, to_update, entries, contacts_new = [], [], [], []
    unchanged = 0
    for row in rows:
        values = {k: v for k, v in vars(row.data).items() if k != "contacts"}
        enterprise = existing.get(row.data.credit_code)
        if enterprise is None:
            enterprise = Enterprise(zone=zones[row.zone_id], **values)
            to_create.append((enterprise, row))
            continue
        before = audit.snapshot(enterprise, AUDITED_FIELDS)
        for name, value in values.items():
            setattr(enterprise, name, value)
        changes = audit.diff(before, audit.snapshot(enterprise, AUDITED_FIELDS))
        if row.contact and row.contact.name not in {c.name for c in enterprise.contacts.all()}:
            contacts_new.append(Contact(enterprise=enterprise, **vars(row.contact)))
            changes["contacts"] = [None, vars(row.contact)]
        elif row.contact:
            contact = next(c for c in enterprise.contacts.all() if c.name == row.contact.name)
            if row.contact.phone and contact.phone != row.contact.phone:
                Contact.objects.filter(pk=contact.pk).update(phone=row.contact.phone)
                changes["contacts"] = [
                    {"name": contact.name, "phone": contact.phone},
                    vars(row.contact),
                ]
        if changes:
            enterprise.updated_at = timezone.now()
            to_update.append(enterprise)
            entries.append(
                audit.entry(
                    actor=actor,
                    action="update",
                    instance=enterprise,
                    changes=changes,
                    **_scope(enterprise),
                )
            )
        else:
            unchanged += 1
    Enterprise.objects.bulk_create([e for e, _row in to_create], batch_size=1000)
    for enterprise, row in to_create:
        changes = audit.diff({}, audit.snapshot(enterprise, AUDITED_FIELDS))
        if row.contact:
            contacts_new.append(Contact(enterprise=enterprise, **vars(row.contact)))
            changes["contacts"] = [None, [vars(row.contact)]]
        entries.append(
            audit.entry(
                actor=actor,
                action="create",
                instance=enterprise,
                changes=changes,
                **_scope(enterprise),
            )
        )
    if to_update:
        Enterprise.objects.bulk_update(
            to_update,
            [f for f in AUDITED_FIELDS if f not in ("zone", "credit_code")] + ["updated_at"],
            batch_size=1000,
        )
    Contact.objects.bulk_create(contacts_new, batch_size=1000)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return ImportResult(created=len(to_create), updated=len(to_update), unchanged=unchanged)


@transaction.atomic
def enterprise_account_create(
    *, actor, enterprise: Enterprise, username: str, full_name: str, password: str, phone: str = ""
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
