"""A month's sheet of a zone, uploaded: checked, then stored in bulk (inline for a small file,
by the background worker for a larger one), every row or none."""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zonedesk.core import audit, auditchain, bulk, events
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise, EnterpriseMember
from zonedesk.monitoring import access, figures, rollups
from zonedesk.monitoring.flows import FIGURE_FLOW
from zonedesk.monitoring.models import FigureEvent, MonthlyFigure
from zonedesk.monitoring.services.figures import FIGURE_FIELDS, Status, check_month
from zonedesk.org.models import Zone

logger = logging.getLogger(__name__)


class FirmRef(NamedTuple):
    """A firm of an import's preview or result, as officials name it."""

    id: int
    name: str
    credit_code: str


class Source:
    """Who stands behind a stored month an import would overwrite."""

    CONFIRMED = "confirmed"  # confirmed by the liaison officer (审定)
    OWN = "own"  # the firm's own report, not yet confirmed
    OFFICE = "office"  # entered or uploaded by the zone's staff, not yet confirmed

    LABELS = {
        CONFIRMED: gettext_lazy("Confirmed (审定)"),
        OWN: gettext_lazy("The firm's own report"),
        OFFICE: gettext_lazy("Entered by the zone's staff"),
    }


@dataclass(frozen=True)
class Overwrite:
    """A stored month the sheet would change: the firm, who stands behind the stored figures,
    and each figure as stored and as in the file (`changes`: name -> [old, new], audit form)."""

    firm: FirmRef
    period: Period
    source: str  # a Source
    changes: dict


@dataclass(frozen=True)
class ImportResult:
    period: Period
    created: int
    updated: int
    unchanged: int
    # The firms by name (all of them; a job keeps the first IMPORT_FIRMS_KEPT of each).
    created_firms: tuple[FirmRef, ...] = ()
    updated_firms: tuple[FirmRef, ...] = ()
    unchanged_firms: tuple[FirmRef, ...] = ()

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class MonthlyPreview:
    """A sheet checked and compared with the month's stored figures, nothing written: the firms
    it would create a month for, those whose stored month it would overwrite (with the old and
    new figures), and those it leaves unchanged. `stored` fingerprints the stored months
    compared, so that confirming refuses when they changed in between."""

    period: Period
    created: tuple[FirmRef, ...]
    overwrites: tuple[Overwrite, ...]
    unchanged: tuple[FirmRef, ...]
    stored: str
    # Figures accepted but to be checked (figures.warnings), by firm: (firm, {kind: message},
    # the month's figures as they would stand), e.g. halted all month yet output reported.
    # Importing is not refused for them.
    warnings: tuple[tuple[FirmRef, dict, dict], ...] = ()

    def sources(self) -> dict[str, int]:
        """How many overwritten months are confirmed, the firms' own reports, the office's."""
        counts = {Source.CONFIRMED: 0, Source.OWN: 0, Source.OFFICE: 0}
        for o in self.overwrites:
            counts[o.source] += 1
        return counts


def _check_import(actor: Actor, zone: Zone, period: Period) -> None:
    if not access.can_import(actor, zone):
        raise PermissionDenied()
    check_month(period)


def monthly_import_preview(
    *, actor: Actor, zone: Zone, period: Period, fileobj, progress: Callable | None = None
) -> MonthlyPreview:
    """Read and check the month's sheet (ImportRejected as the import) and say, firm by firm,
    what importing it would do: create the month, overwrite the stored one (each figure old →
    new, and whether the stored month was confirmed, the firm's own report or the office's),
    or leave it as it is. Nothing is written."""
    from zonedesk.monitoring import imports

    _check_import(actor, zone, period)
    rows = imports.parse(zone=zone, period=period, fileobj=fileobj, progress=progress)
    stored = _stored_months(zone, period)
    written, unchanged = _compare(rows, stored)
    firms = _firm_refs(zone)
    own = _members(zone)
    overwrites = []
    for w in written:
        if w.status is None:
            continue
        old = stored[w.enterprise_id]
        if w.status == Status.CONFIRMED:
            source = Source.CONFIRMED
        elif (old["submitted_by_id"], w.enterprise_id) in own:
            source = Source.OWN
        else:
            source = Source.OFFICE
        overwrites.append(Overwrite(firms[w.enterprise_id], period, source, w.changes))
    # The months whose stored figures a careless upload would undo first: confirmed ones, then
    # the firms' own reports, then by name.
    rank = {Source.CONFIRMED: 0, Source.OWN: 1, Source.OFFICE: 2}
    overwrites.sort(key=lambda o: (rank[o.source], o.firm.name, o.firm.id))
    # The file's months as they would stand (a row left unchanged: as stored), checked for
    # what is accepted but worth a second look.
    months = {w.enterprise_id: w.values for w in written}
    months.update({i: stored[i] for i in unchanged})
    warned = [
        (firms[i], found, values)
        for i, values in months.items()
        if (found := figures.warnings(values, period.days))
    ]
    return MonthlyPreview(
        period=period,
        created=tuple(
            sorted((firms[w.enterprise_id] for w in written if w.status is None), key=_by_name)
        ),
        overwrites=tuple(overwrites),
        unchanged=tuple(sorted((firms[i] for i in unchanged), key=_by_name)),
        stored=_fingerprint(stored),
        warnings=tuple(sorted(warned, key=lambda fw: _by_name(fw[0]))),
    )


def monthly_import(
    *,
    actor: Actor,
    zone: Zone,
    period: Period,
    fileobj,
    progress: Callable | None = None,
    expected_stored: str | None = None,
) -> ImportResult:
    """Store every row of the month's sheet, or nothing at all (raises ImportRejected).

    The sheet is read and checked first (no transaction held; `progress(stage, done, total)`
    is told how far it is), then every row is written in one transaction: upserted in bulk
    (INSERT … ON CONFLICT on both databases), with an audit entry for each created or changed
    row, written in bulk in the same transaction. `expected_stored` is the preview's
    fingerprint of the month's stored figures: when they changed since (a firm reported, an
    officer confirmed, another upload), nothing is written (ValidationFailed).
    """
    from zonedesk.monitoring import imports

    _check_import(actor, zone, period)
    rows = imports.parse(zone=zone, period=period, fileobj=fileobj, progress=progress)
    if progress:
        progress("writing", len(rows), len(rows))
    return _write_rows(
        actor=actor, zone=zone, period=period, rows=rows, expected_stored=expected_stored
    )


def _by_name(firm: FirmRef):
    return (firm.name, firm.id)


def _firm_refs(zone: Zone) -> dict[int, FirmRef]:
    return {
        pk: FirmRef(pk, name, code)
        for pk, name, code in Enterprise.objects.filter(zone=zone).values_list(
            "pk", "name", "credit_code"
        )
    }


def _members(zone: Zone) -> set[tuple[int, int]]:
    """(user, firm) of the zone's firms' own accounts: a month one of them submitted is the
    firm's own report."""
    return set(
        EnterpriseMember.objects.filter(enterprise__zone=zone).values_list(
            "user_id", "enterprise_id"
        )
    )


def _stored_months(zone: Zone, period: Period, *, lock: bool = False) -> dict[int, dict]:
    rows = MonthlyFigure.objects.filter(enterprise__zone=zone, period=period.first_day)
    if lock:
        rows = rows.select_for_update()
    return {
        f["enterprise_id"]: f
        for f in rows.values(
            "id", "enterprise_id", "status", "version", "submitted_by_id", *FIGURE_FIELDS
        )
    }


def _fingerprint(stored: dict[int, dict]) -> str:
    """The stored months as compared: each firm's month, its version (moved on by every
    change) and status."""
    digest = hashlib.sha256()
    for firm_id in sorted(stored):
        f = stored[firm_id]
        digest.update(f"{firm_id}|{f['version']}|{f['status']}\n".encode())
    return digest.hexdigest()


FIGURE_WRITTEN = (
    "enterprise_id",
    "period",
    *FIGURE_FIELDS,
    "status",
    "submitted_by_id",
    "submitted_at",
    "confirmed_by_id",
    "confirmed_at",
)
EVENT_WRITTEN = (
    "figure_id",
    "move",
    "from_state",
    "to_state",
    "actor_id",
    "actor_name",
    "at",
    "payload",
)


class _Written(NamedTuple):  # a tuple: one per row of up to 100,000, built in a loop
    """A created or changed row of the sheet: what its figure, audit entry and event get."""

    enterprise_id: int
    values: dict
    changes: dict
    status: str | None  # the stored row's status; None for a new row


def _plain(value):
    """audit.plain for the values a figure holds (Decimal, int, None)."""
    return str(value) if isinstance(value, Decimal) else value


def _compare(rows, stored: dict) -> tuple[list[_Written], list[int]]:
    """The rows that create or change a figure, and the firms whose month they leave as it
    is."""
    present = frozenset().union(*(r.values.keys() for r in rows))
    whole = present.issuperset(FIGURE_FIELDS)  # the usual sheet: every figure's column
    written, unchanged = [], []
    for row in rows:
        old = stored.get(row.enterprise_id)
        # A column the sheet lacks keeps the stored value (or stays empty on a new row).
        if whole:
            values = {name: row.values[name] for name in FIGURE_FIELDS}
        else:
            values = {
                name: row.values.get(name) if name in present else (old or {}).get(name)
                for name in FIGURE_FIELDS
            }
        if values["days_halted"] is None:
            values["days_halted"] = 0
        if old is None:
            changes = {k: [None, _plain(v)] for k, v in values.items() if v is not None}
            written.append(_Written(row.enterprise_id, values, changes, None))
            continue
        changes = {}
        for k, v in values.items():
            was = old[k]
            # Equal values of one type (the same places: both are quantized as stored)
            # have equal audit forms; only the others are compared in that form.
            if was == v and type(was) is type(v):
                continue
            before, after = _plain(was), _plain(v)
            if before != after:
                changes[k] = [before, after]
        if changes:
            written.append(_Written(row.enterprise_id, values, changes, old["status"]))
        else:
            unchanged.append(row.enterprise_id)
    return written, unchanged


@transaction.atomic
def _write_rows(
    *, actor: Actor, zone: Zone, period: Period, rows, expected_stored: str | None = None
) -> ImportResult:
    """Upsert the checked rows; write an audit entry and the flow's event ("submitted", from
    the stored status or, for a new row, from none) for each created or changed one, in SQL
    (core.bulk): at a zone's scale the ORM's per-object preparation cost more than the
    database's own work."""
    # A confirmed upload waits for a write of the zone's month under way, then compares.
    stored = _stored_months(zone, period, lock=expected_stored is not None)
    if expected_stored is not None and _fingerprint(stored) != expected_stored:
        raise ValidationFailed(
            {
                "__all__": [
                    _(
                        "The stored figures of %(period)s changed since the preview (a firm "
                        "reported, an officer confirmed or another upload): nothing was "
                        "imported. Upload the file again to see the changes as they are now."
                    )
                    % {"period": period}
                ]
            }
        )
    written, unchanged = _compare(rows, stored)
    by = user_or_none(actor)
    by_id, name = (by.pk if by else None), getattr(actor, "username", "") or "system"
    now = timezone.now()
    day, stamp = bulk.Adapted.date(period.first_day), bulk.Adapted.datetime(now)
    to_state = str(FIGURE_FLOW.target(FIGURE_FLOW.initial, Status.SUBMITTED))
    submitted = (to_state, by_id, stamp, None, None)
    bulk.insert(
        MonthlyFigure._meta.db_table,
        FIGURE_WRITTEN,
        ((w.enterprise_id, day, *w.values.values(), *submitted) for w in written),
        conflict=("enterprise_id", "period"),
        update=FIGURE_WRITTEN[2:],
        bump=("version",),  # an edit form open on a replaced month is stale now
    )
    # The new rows' ids, so that every entry and event names its record (one query).
    ids = dict(
        MonthlyFigure.objects.filter(enterprise__zone=zone, period=period.first_day).values_list(
            "enterprise_id", "id"
        )
    )
    target_type = MonthlyFigure._meta.label_lower
    auditchain.insert(
        [
            audit.row(
                actor=actor,
                action="create" if w.status is None else "update",
                target_type=target_type,
                target_id=str(ids[w.enterprise_id]),
                target_repr=f"{w.enterprise_id} {period}",
                changes=w.changes,
                zone_id=zone.pk,
                area_code=zone.area.code,
                at=now,
            )
            for w in written
        ]
    )
    # The same rows as FIGURE_FLOW.event would build, in the database's form.
    move, payload = str(Status.SUBMITTED), bulk.Adapted.json({})
    bulk.insert(
        FigureEvent._meta.db_table,
        EVENT_WRITTEN,
        (
            (ids[w.enterprise_id], move, w.status or "", to_state, by_id, name, stamp, payload)
            for w in written
        ),
    )
    if written:
        rollups.invalidate([zone.pk], [period])
        events.firms_changed(actor=actor, firms=Enterprise.objects.filter(zone=zone))
    firms = _firm_refs(zone)
    created = sorted((firms[w.enterprise_id] for w in written if w.status is None), key=_by_name)
    updated = sorted(
        (firms[w.enterprise_id] for w in written if w.status is not None), key=_by_name
    )
    return ImportResult(
        period=period,
        created=len(created),
        updated=len(updated),
        unchanged=len(unchanged),
        created_firms=tuple(created),
        updated_firms=tuple(updated),
        unchanged_firms=tuple(sorted((firms[i] for i in unchanged), key=_by_name)),
    )
