"""A month's sheet of a zone, uploaded: checked, then stored in bulk (inline for a small file,
by the background worker for a larger one), every row or none."""

import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zonedesk.core import audit, auditchain, bulk, events
from zonedesk.core.actors import Actor, is_system, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise, EnterpriseMember
from zonedesk.monitoring import access, figures, rollups
from zonedesk.monitoring.flows import FIGURE_FLOW
from zonedesk.monitoring.models import FigureEvent, ImportJob, MonthlyFigure
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


IMPORT_FIRMS_KEPT = 2000  # firms of each kind a job lists by name; its counts cover them all


def preview_valid() -> dt.timedelta:
    """How long a preview waits for its confirmation (ZONEDESK["IMPORT_PREVIEW_HOURS"], 24):
    after that it is not stored, and `import_previews_purge` drops it with its file."""
    return dt.timedelta(hours=settings.ZONEDESK["IMPORT_PREVIEW_HOURS"])


def _firm_json(firm: FirmRef) -> list:
    return [firm.id, firm.name, firm.credit_code]


def preview_json(preview: MonthlyPreview) -> dict:
    """The preview as a job keeps it (and the API gives it): counts, the overwritten months
    with their figures old and new, the firms created, the stored months' fingerprint."""
    return {
        "stored": preview.stored,
        "created": len(preview.created),
        "updated": len(preview.overwrites),
        "unchanged": len(preview.unchanged),
        "sources": preview.sources(),
        "overwrites": [
            {
                "firm": _firm_json(o.firm),
                "period": str(o.period),
                "source": o.source,
                "changes": o.changes,
            }
            for o in preview.overwrites[:IMPORT_FIRMS_KEPT]
        ],
        "created_firms": [_firm_json(f) for f in preview.created[:IMPORT_FIRMS_KEPT]],
        "warned": len(preview.warnings),
        # Kept as kinds and figures (the page words them in the reader's language).
        "warnings": [
            {
                "firm": _firm_json(f),
                "kinds": sorted(found),
                "days_halted": values["days_halted"],
                "output_value_wan": _plain(values["output_value_wan"]),
            }
            for f, found, values in preview.warnings[:IMPORT_FIRMS_KEPT]
        ],
    }


def result_firms_json(result: ImportResult) -> dict:
    return {
        "created": [_firm_json(f) for f in result.created_firms[:IMPORT_FIRMS_KEPT]],
        "updated": [_firm_json(f) for f in result.updated_firms[:IMPORT_FIRMS_KEPT]],
        "unchanged": [_firm_json(f) for f in result.unchanged_firms[:IMPORT_FIRMS_KEPT]],
    }


def import_start(*, actor: Actor, zone: Zone, period: Period, upload) -> ImportJob:
    """Accept an upload: small files are checked at once, larger ones by the background worker.

    Either way the result is an ImportJob that the page shows and polls: previewed (checked and
    compared with the stored month, waiting for the uploader's confirmation: nothing is
    written before `import_confirm`), rejected or, for the worker, queued. Permission and the
    month are checked before anything is queued.
    """
    from zonedesk.monitoring.tasks import run_import

    _check_import(actor, zone, period)
    # A new upload of the month replaces the uploader's previews of it still waiting: their
    # files are not kept for a confirmation that will not come.
    ImportJob.objects.filter(
        zone=zone,
        period=period.first_day,
        created_by=user_or_none(actor),
        state=ImportJob.State.PREVIEWED,
    ).update(state=ImportJob.State.CANCELLED, content=b"", finished_at=timezone.now())
    ctx = audit.current_context.get()
    job = ImportJob.objects.create(
        zone=zone,
        period=period.first_day,
        created_by=user_or_none(actor),
        filename=getattr(upload, "name", "")[:200],
        content=upload.read(),
        ip_address=ctx.ip_address,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    if len(job.content) <= settings.ZONEDESK["IMPORT_INLINE_BYTES"]:
        _execute(job)
    else:
        transaction.on_commit(lambda: run_import.enqueue(str(job.pk)))
    return job


@transaction.atomic
def import_confirm(*, actor: Actor, job: ImportJob) -> ImportJob:
    """The uploader confirms the preview: the file is stored (at once when small, else by the
    worker) against the stored months as previewed. A preview older than preview_valid() is not
    stored: the job is cancelled and its file dropped (the caller sees the state)."""
    from zonedesk.monitoring.tasks import run_import

    job = ImportJob.objects.select_for_update().select_related("zone__area").get(pk=job.pk)
    if user_or_none(actor) is None or job.created_by_id != user_or_none(actor).pk:
        raise PermissionDenied()
    _check_import(actor, job.zone, Period.of(job.period))
    if job.state != ImportJob.State.PREVIEWED:
        raise ValidationFailed(
            {
                "__all__": [
                    _("This upload is not waiting for a confirmation (it is %(state)s).")
                    % {"state": job.get_state_display()}
                ]
            }
        )
    if timezone.now() - job.created_at > preview_valid():
        job.state, job.content, job.finished_at = ImportJob.State.CANCELLED, b"", timezone.now()
        job.save(update_fields=["state", "content", "finished_at"])
        return job
    job.confirmed_at = timezone.now()
    job.state = ImportJob.State.QUEUED
    ctx = audit.current_context.get()
    job.ip_address = ctx.ip_address or job.ip_address
    job.language = translation.get_language() or job.language
    job.save(update_fields=["confirmed_at", "state", "ip_address", "language"])
    if len(job.content) <= settings.ZONEDESK["IMPORT_INLINE_BYTES"]:
        _execute(job)
    else:
        transaction.on_commit(lambda: run_import.enqueue(str(job.pk)))
    return job


def import_cancel(*, actor: Actor, job: ImportJob) -> ImportJob:
    """The uploader drops a previewed upload: nothing is written, the file is discarded."""
    user = user_or_none(actor)
    if user is None or job.created_by_id != user.pk:
        raise PermissionDenied()
    done = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PREVIEWED).update(
        state=ImportJob.State.CANCELLED, content=b"", finished_at=timezone.now()
    )
    job.refresh_from_db()
    if not done:
        raise ValidationFailed(
            {
                "__all__": [
                    _("This upload is not waiting for a confirmation (it is %(state)s).")
                    % {"state": job.get_state_display()}
                ]
            }
        )
    return job


def import_previews_purge(*, actor: Actor, now: dt.datetime | None = None) -> int:
    """Drop the previews left waiting for a confirmation longer than preview_valid() (the
    uploader went away): each is cancelled and its file deleted, audited in its zone. Run by
    `zonedesk import_purge` (hourly, deploy/systemd/zonedesk-import-purge.timer). How many."""
    if not is_system(actor):
        raise PermissionDenied()
    now = now or timezone.now()
    stale = ImportJob.objects.filter(
        state=ImportJob.State.PREVIEWED, created_at__lt=now - preview_valid()
    ).select_related("zone__area", "created_by")
    purged = 0
    for job in stale:
        size = len(job.content or b"")
        # only if still waiting: a confirmation at this very moment wins
        done = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.PREVIEWED).update(
            state=ImportJob.State.CANCELLED, content=b"", finished_at=now
        )
        if not done:
            continue
        purged += 1
        audit.record(
            actor=actor,
            action=AuditEntry.Action.UPDATE,
            instance=job,
            changes={
                "state": [ImportJob.State.PREVIEWED, ImportJob.State.CANCELLED],
                "filename": [job.filename, None],
                "content": [size, 0],
                "created_by": [str(job.created_by) if job.created_by else None, None],
                "created_at": [job.created_at.isoformat(), None],
            },
            zone_id=job.zone_id,
            area_code=job.zone.area.code if job.zone.area_id else "",
        )
    return purged


def import_run(*, job_id) -> None:
    """The worker's entry: run a queued job, audited with the uploader's address."""
    job = ImportJob.objects.select_related("zone__area", "created_by").get(pk=job_id)
    if job.created_by is None and not job.finished:
        # The uploader's account is gone: nobody is left whose permission would cover it.
        job.state = ImportJob.State.REJECTED
        job.errors = [
            ["", 0, "", "", str(_("The account that uploaded the file no longer exists."))]
        ]
        job.content, job.finished_at = b"", timezone.now()
        job.save()
        return
    token = audit.current_context.set(
        audit.RequestContext(ip_address=job.ip_address, via="web, background")
    )
    try:
        _execute(job)
    finally:
        audit.current_context.reset(token)


def _execute(job: ImportJob) -> None:
    """Check a job's file and preview it, or (confirmed) store it; never raises: the job
    records the outcome. A previewed job keeps its file until it is confirmed or cancelled."""
    if job.finished:
        return

    def progress(stage: str, done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(state=stage, rows_done=done, rows_total=total)

    with translation.override(job.language or settings.LANGUAGE_CODE):
        _record_outcome(job, progress)
    if job.state != ImportJob.State.PREVIEWED:
        job.content = b""
        job.finished_at = timezone.now()
    job.save()


def _record_outcome(job: ImportJob, progress: Callable) -> None:
    from zonedesk.core.xlsx import ImportRejected

    try:
        if job.confirmed_at is None:
            preview = monthly_import_preview(
                actor=job.created_by,
                zone=job.zone,
                period=Period.of(job.period),
                fileobj=bytes(job.content),
                progress=progress,
            )
        else:
            result = monthly_import(
                actor=job.created_by,
                zone=job.zone,
                period=Period.of(job.period),
                fileobj=bytes(job.content),
                progress=progress,
                expected_stored=job.preview.get("stored", ""),
            )
    except ImportRejected as exc:
        job.state = ImportJob.State.REJECTED
        job.errors = [
            [e.sheet, e.row, e.column, e.value, e.reason]
            for e in exc.errors[: settings.ZONEDESK["IMPORT_MAX_ERRORS"]]
        ]
        job.rows_done = 0
        job.message = str(len(exc.errors))
    except (PermissionDenied, ValidationFailed) as exc:
        job.state = ImportJob.State.REJECTED
        job.errors = [["", 0, "", "", str(exc)]]
    except Exception as exc:  # a fault of ours: the job must still end, with it recorded
        job.state = ImportJob.State.FAILED
        job.message = repr(exc)[:2000]
        logger.exception("import %s failed", job.pk)
    else:
        if job.confirmed_at is None:
            job.state = ImportJob.State.PREVIEWED
            job.preview = preview_json(preview)
            job.rows_done = job.rows_total = (
                len(preview.created) + len(preview.overwrites) + len(preview.unchanged)
            )
            return
        job.state = ImportJob.State.DONE
        job.created, job.updated, job.unchanged = result.created, result.updated, result.unchanged
        job.firms = result_firms_json(result)
        job.rows_done = job.rows_total = result.rows
