"""Utility data: a firm's power and water account numbers, and the companies' monthly readings
of a zone imported from their spreadsheet (every row or none; an upload replaces the readings of
the accounts it lists, and the whole of its months only when asked to)."""

import hashlib
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
    removed: int  # stored readings of the file's months that the file does not list, removed
    matched: int  # the file's rows whose account is a firm's of the zone
    unmatched: list[Unmatched] = field(default_factory=list)
    kept: int = 0  # stored readings of the file's months that the file does not list, kept

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


def _check_import(actor: Actor, zone: Zone, kind: str) -> None:
    if not access.can_import(actor, zone):
        raise PermissionDenied()
    if kind not in UtilityKind.values:
        raise ValidationFailed({"kind": [_("Choose electricity or water.")]})


class Change:
    """What an upload does to one account's reading of a month."""

    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"  # stored, not in the file, left as it is
    REMOVED = "removed"  # stored, not in the file, removed (the whole month replaced)


@dataclass(frozen=True)
class ReadingChange:
    period: Period
    account_number: str
    account_name: str
    change: str  # a Change
    old: Decimal | None
    new: Decimal | None
    firm: str  # the zone's firm holding the account ("" when none does)


@dataclass(frozen=True)
class UtilityPreview:
    """An upload checked and compared with the stored readings, nothing written: the file's rows
    (new, updated, unchanged) and the stored readings of its months that it does not list
    (`others`: kept, or removed if the whole month is replaced). `stored` fingerprints the
    stored readings compared, so that confirming refuses when they changed in between."""

    kind: str
    periods: tuple[Period, ...]
    rows: list[ReadingChange]
    others: list[ReadingChange]
    readings: list  # utility_imports.Reading, to store on confirmation
    stored: str

    def count(self, change: str) -> int:
        return sum(1 for r in self.rows if r.change == change)

    def result(self, *, replace_month: bool = False) -> UtilityImportResult:
        """What importing the file would report (the same counts as the write's result)."""
        unmatched: dict[str, tuple[str, list[Period]]] = {}
        for r in self.rows:
            if not r.firm:
                _name, months = unmatched.setdefault(r.account_number, (r.account_name, []))
                months.append(r.period)
        removed = len(self.others) if replace_month else 0
        return UtilityImportResult(
            kind=self.kind,
            periods=self.periods,
            created=self.count(Change.NEW),
            updated=self.count(Change.UPDATED),
            unchanged=self.count(Change.UNCHANGED),
            removed=removed,
            kept=len(self.others) - removed,
            matched=sum(1 for r in self.rows if r.firm),
            unmatched=[
                Unmatched(number, name, tuple(sorted(months)))
                for number, (name, months) in sorted(unmatched.items())
            ],
        )

    def changes(self, *, replace_month: bool = False) -> list[ReadingChange]:
        """Every reading the import would add, update or remove (or keep, not in the file)."""
        gone = Change.REMOVED if replace_month else Change.KEPT
        return [r for r in self.rows if r.change != Change.UNCHANGED] + [
            ReadingChange(r.period, r.account_number, r.account_name, gone, r.old, None, r.firm)
            for r in self.others
        ]


def _stored_readings(zone: Zone, kind: str, periods, *, lock: bool = False) -> dict:
    rows = UtilityReading.objects.filter(
        zone=zone, kind=kind, period__in=[p.first_day for p in periods]
    ).order_by("period", "account_number")
    if lock:
        rows = rows.select_for_update()
    return {(Period.of(r.period), r.account_number): r for r in rows}


def _fingerprint(stored: dict, unit: str) -> str:
    """The stored readings as they were compared: account, month, name, quantity, firm."""
    digest = hashlib.sha256()
    for (period, number), r in sorted(stored.items()):
        line = f"{period}|{number}|{r.account_name}|{getattr(r, unit)}|{r.enterprise_id}\n"
        digest.update(line.encode())
    return digest.hexdigest()


def utility_import_preview(*, actor: Actor, zone: Zone, kind: str, fileobj) -> UtilityPreview:
    """Read and check the company's sheet (ImportRejected as the import) and say, per account
    and month, what importing it would do; nothing is written."""
    from zonedesk.monitoring import utility_imports

    _check_import(actor, zone, kind)
    _sheet, readings = utility_imports.parse(kind=kind, fileobj=fileobj)
    unit = UTILITY_UNIT_FIELD[kind]
    periods = sorted({r.period for r in readings})
    stored = _stored_readings(zone, kind, periods)
    holders = dict(
        UtilityAccount.objects.filter(kind=kind, enterprise__zone=zone).values_list(
            "number", "enterprise__name"
        )
    )
    rows, seen = [], set()
    for r in sorted(readings, key=lambda r: (r.period, r.account_number)):
        key = (r.period, r.account_number)
        seen.add(key)
        old = stored.get(key)
        was = None if old is None else getattr(old, unit)
        if old is None:
            change = Change.NEW
        elif was == r.quantity and old.account_name == r.account_name:
            change = Change.UNCHANGED
        else:
            change = Change.UPDATED
        rows.append(
            ReadingChange(
                r.period,
                r.account_number,
                r.account_name,
                change,
                was,
                r.quantity,
                holders.get(r.account_number, ""),
            )
        )
    others = [
        ReadingChange(
            period,
            number,
            old.account_name,
            Change.KEPT,
            getattr(old, unit),
            None,
            holders.get(number, ""),
        )
        for (period, number), old in sorted(stored.items())
        if (period, number) not in seen
    ]
    return UtilityPreview(
        kind=kind,
        periods=tuple(periods),
        rows=rows,
        others=others,
        readings=readings,
        stored=_fingerprint(stored, unit),
    )


def utility_import(
    *,
    actor: Actor,
    zone: Zone,
    kind: str,
    fileobj=None,
    readings=None,
    replace_month: bool = False,
    expected_stored: str | None = None,
) -> UtilityImportResult:
    """Store every reading of the company's sheet, or nothing at all (raises ImportRejected).

    The sheet (`fileobj`) is read and checked first, outside any transaction (core.xlsx: extent
    limits, a child process with a memory cap for a large file); or `readings` are those of a
    preview the user confirmed. Then they are written in one transaction: the accounts the file
    lists get its reading of each month (added, or updated), so importing the same file again
    changes nothing. The stored readings of the file's months that the file does not list are
    kept (a partial sheet, some accounts of a month, adds to the month), unless
    `replace_month`: then each month of the file becomes exactly the file's rows and those
    readings are removed. `expected_stored` is the preview's fingerprint of the stored
    readings: when they changed since, nothing is written (ValidationFailed). Each reading is
    matched to the zone's firm holding its account number; an unmatched reading is kept (it
    joins the firm once the number is recorded on it) and listed in the result."""
    from zonedesk.monitoring import utility_imports

    _check_import(actor, zone, kind)
    if readings is None:
        _sheet, readings = utility_imports.parse(kind=kind, fileobj=fileobj)
    return _write_readings(
        actor=actor,
        zone=zone,
        kind=kind,
        readings=readings,
        replace_month=replace_month,
        expected_stored=expected_stored,
    )


def _plain(value: Decimal | None):
    return None if value is None else str(value)


@transaction.atomic
def _write_readings(
    *,
    actor: Actor,
    zone: Zone,
    kind: str,
    readings,
    replace_month: bool = False,
    expected_stored: str | None = None,
) -> UtilityImportResult:
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
    stored = _stored_readings(zone, kind, periods, lock=True)
    if expected_stored is not None and _fingerprint(stored, unit) != expected_stored:
        raise ValidationFailed(
            {
                "__all__": [
                    _(
                        "The stored readings of these months changed since the preview "
                        "(another upload or an account recorded on a firm): nothing was "
                        "imported. Upload the file again to see the changes as they are now."
                    )
                ]
            }
        )
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
    others = [old for key, old in stored.items() if key not in seen]
    gone = others if replace_month else []
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
        kept=len(others) - len(gone),
        matched=sum(1 for r in readings if r.account_number in firms),
        unmatched=[
            Unmatched(number, name, tuple(sorted(months)))
            for number, (name, months) in sorted(unmatched.items())
        ],
    )
