"""Utility data: a firm's power and water account numbers, and the companies' monthly readings
of a zone imported from their spreadsheet (every row or none; a month imported again replaces
that month's readings)."""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit, auditchain
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.services import audit_scope, version_bump, version_check
from zonedesk.enterprises import access as enterprise_access
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import access, pagecache
from zonedesk.monitoring.models import (
    UTILITY_UNIT_FIELD,
    UtilityAccount,
    UtilityKind,
    UtilityReading,
    account_number_validator,
)
from zonedesk.org.models import Zone

# The audit log's names of a firm's account sets (as the firm's entry records them).
ACCOUNT_FIELDS = {UtilityKind.POWER: "power_accounts", UtilityKind.WATER: "water_accounts"}


def _numbers(raw: list[str], field_name: str) -> list[str]:
    """The numbers as entered, trimmed, full-width folded, duplicates dropped, checked."""
    out, errors = [], []
    for item in raw:
        number = unicodedata.normalize("NFKC", item or "").replace(" ", "").strip()
        if not number or number in out:
            continue
        try:
            account_number_validator(number)
        except ValidationError:
            errors.append(
                _("“%(number)s”: an account number is 1 to 32 letters, digits or hyphens.")
                % {"number": number[:40]}
            )
            continue
        out.append(number)
    if errors:
        raise ValidationFailed({field_name: errors})
    return sorted(out)


@transaction.atomic
def utility_accounts_set(
    *,
    actor: Actor,
    enterprise: Enterprise,
    power: list[str],
    water: list[str],
    expected_version: int | None = None,
) -> bool:
    """Set the firm's power and water account numbers (each list replaces the kind's set).

    The accounts are part of the firm's record: the edit is made on the firm's version
    (`expected_version`, StaleVersion if the firm changed since it was read) and moves it on,
    and one audit entry on the firm records both sets before and after. A number held by
    another firm is refused. The zone's stored readings of an added number join the firm, those
    of a removed one become unmatched. Returns whether anything changed."""
    if not enterprise_access.can_edit(actor, enterprise):
        raise PermissionDenied()
    version_check(enterprise, expected_version)
    wanted = {
        UtilityKind.POWER: _numbers(power, ACCOUNT_FIELDS[UtilityKind.POWER]),
        UtilityKind.WATER: _numbers(water, ACCOUNT_FIELDS[UtilityKind.WATER]),
    }
    errors: dict[str, list[str]] = {}
    for kind, numbers in wanted.items():
        taken = (
            UtilityAccount.objects.filter(kind=kind, number__in=numbers)
            .exclude(enterprise=enterprise)
            .values_list("number", flat=True)
        )
        for number in sorted(taken):
            errors.setdefault(ACCOUNT_FIELDS[kind], []).append(
                _("%(number)s is already the account of another firm.") % {"number": number}
            )
    if errors:
        raise ValidationFailed(errors)
    changes = {}
    for kind, numbers in wanted.items():
        stored = sorted(
            UtilityAccount.objects.filter(enterprise=enterprise, kind=kind).values_list(
                "number", flat=True
            )
        )
        if stored == numbers:
            continue
        changes[ACCOUNT_FIELDS[kind]] = [stored, numbers]
        added, removed = set(numbers) - set(stored), set(stored) - set(numbers)
        UtilityAccount.objects.filter(enterprise=enterprise, kind=kind, number__in=removed).delete()
        UtilityAccount.objects.bulk_create(
            [UtilityAccount(enterprise=enterprise, kind=kind, number=n) for n in sorted(added)]
        )
        readings = UtilityReading.objects.filter(zone_id=enterprise.zone_id, kind=kind)
        readings.filter(account_number__in=removed, enterprise=enterprise).update(enterprise=None)
        readings.filter(account_number__in=added).update(enterprise=enterprise)
    if not changes:
        return False
    version_bump(enterprise)
    audit.record(
        actor=actor,
        action="update",
        instance=enterprise,
        changes=changes,
        **audit_scope(enterprise),
    )
    pagecache.changed([enterprise.zone_id])
    return True


@dataclass(frozen=True)
class Unmatched:
    account_number: str
    account_name: str
    months: tuple[Period, ...]


@dataclass(frozen=True)
class UtilityImportResult:
    kind: str
    periods: tuple[Period, ...]
    created: int
    updated: int
    unchanged: int
    removed: int  # stored readings of the file's months that the file no longer lists
    matched: int  # the file's rows whose account is a firm's of the zone
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


def _check_import(actor: Actor, zone: Zone, kind: str) -> None:
    if not access.can_import(actor, zone):
        raise PermissionDenied()
    if kind not in UtilityKind.values:
        raise ValidationFailed({"kind": [_("Choose electricity or water.")]})


def utility_import(*, actor: Actor, zone: Zone, kind: str, fileobj) -> UtilityImportResult:
    """Store every reading of the company's sheet, or nothing at all (raises ImportRejected).

    The sheet is read and checked first, outside any transaction (core.xlsx: extent limits, a
    child process with a memory cap for a large file); then the file's months are written in
    one transaction. For each month in the file the zone's readings of `kind` become exactly
    the file's rows: new accounts added, changed ones updated, accounts no longer listed
    removed, so importing the same file again changes nothing. Each reading is matched to the
    zone's firm holding its account number; an unmatched reading is kept (it joins the firm
    once the number is recorded on it) and listed in the result."""
    from zonedesk.monitoring import utility_imports

    _check_import(actor, zone, kind)
    _sheet, readings = utility_imports.parse(kind=kind, fileobj=fileobj)
    return _write_readings(actor=actor, zone=zone, kind=kind, readings=readings)


def _plain(value: Decimal | None):
    return None if value is None else str(value)


@transaction.atomic
def _write_readings(*, actor: Actor, zone: Zone, kind: str, readings) -> UtilityImportResult:
    # Imports of one zone wait for each other here: two uploads of the same month would both
    # find no stored reading and insert the same rows.
    list(Zone.objects.select_for_update().filter(pk=zone.pk).values_list("pk", flat=True))
    unit = UTILITY_UNIT_FIELD[kind]
    periods = sorted({r.period for r in readings})
    firms = dict(
        UtilityAccount.objects.filter(kind=kind, enterprise__zone=zone).values_list(
            "number", "enterprise_id"
        )
    )
    stored = {
        (Period.of(r.period), r.account_number): r
        for r in UtilityReading.objects.select_for_update().filter(
            zone=zone, kind=kind, period__in=[p.first_day for p in periods]
        )
    }
    new, changed, entries, unchanged = [], [], [], 0
    now = timezone.now()
    scope = audit_scope(zone)
    label = UtilityReading._meta.label_lower

    def entry(action: str, reading: UtilityReading, changes: dict) -> None:
        entries.append(
            audit.row(
                actor=actor,
                action=action,
                target_type=label,
                target_id=str(reading.pk or ""),
                target_repr=str(reading),
                changes=changes,
                at=now,
                **scope,
            )
        )

    seen = set()
    for r in readings:
        key = (r.period, r.account_number)
        seen.add(key)
        firm = firms.get(r.account_number)
        old = stored.get(key)
        if old is None:
            new.append(
                UtilityReading(
                    zone=zone,
                    kind=kind,
                    period=r.period.first_day,
                    account_number=r.account_number,
                    account_name=r.account_name,
                    enterprise_id=firm,
                    **{unit: r.quantity},
                )
            )
            continue
        was = {"account_name": old.account_name, unit: _plain(getattr(old, unit))}
        now_values = {"account_name": r.account_name, unit: _plain(r.quantity)}
        diff = {k: [was[k], v] for k, v in now_values.items() if was[k] != v}
        if old.enterprise_id != firm:
            diff["enterprise"] = [old.enterprise_id, firm]
        if not diff:
            unchanged += 1
            continue
        old.account_name, old.enterprise_id = r.account_name, firm
        setattr(old, unit, r.quantity)
        changed.append(old)
        entry("update", old, diff)
    gone = [old for key, old in stored.items() if key not in seen]
    for old in gone:
        entry("delete", old, {unit: [_plain(getattr(old, unit)), None]})
    UtilityReading.objects.filter(pk__in=[o.pk for o in gone]).delete()
    UtilityReading.objects.bulk_update(
        changed, ["account_name", "enterprise", unit], batch_size=1000
    )
    created = UtilityReading.objects.bulk_create(new, batch_size=1000)
    if any(c.pk is None for c in created):  # backends that do not return ids (none of ours)
        ids = dict(
            (((Period.of(p), n)), pk)
            for p, n, pk in UtilityReading.objects.filter(
                zone=zone, kind=kind, period__in=[p.first_day for p in periods]
            ).values_list("period", "account_number", "id")
        )
        for c in created:
            c.pk = ids[Period.of(c.period), c.account_number]
    for c in created:
        entry(
            "create",
            c,
            {
                "account_number": [None, c.account_number],
                "account_name": [None, c.account_name],
                unit: [None, _plain(getattr(c, unit))],
                "enterprise": [None, c.enterprise_id],
            },
        )
    auditchain.insert(entries)
    if entries:
        pagecache.changed([zone.pk])
    unmatched: dict[str, tuple[str, list[Period]]] = {}
    for r in readings:
        if r.account_number not in firms:
            _name, months = unmatched.setdefault(r.account_number, (r.account_name, []))
            months.append(r.period)
    return UtilityImportResult(
        kind=kind,
        periods=tuple(periods),
        created=len(created),
        updated=len(changed),
        unchanged=unchanged,
        removed=len(gone),
        matched=sum(1 for r in readings if r.account_number in firms),
        unmatched=[
            Unmatched(number, name, tuple(sorted(months)))
            for number, (name, months) in sorted(unmatched.items())
        ],
    )
