"""A month's sheet of a zone, uploaded: checked, then stored in bulk (inline for a small file,
by the background worker for a larger one), every row or none."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zonedesk.core import audit, auditchain, bulk, events
from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import access, rollups
from zonedesk.monitoring.flows import FIGURE_FLOW
from zonedesk.monitoring.models import FigureEvent, ImportJob, MonthlyFigure
from zonedesk.monitoring.services.figures import FIGURE_FIELDS, Status, check_month
from zonedesk.org.models import Zone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportResult:
    period: Period
    created: int
    updated: int
    unchanged: int

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged


def _check_import(actor: Actor, zone: Zone, period: Period) -> None:
    if not access.can_import(actor, zone):
        raise PermissionDenied()
    check_month(period)


def monthly_import(
    *, actor: Actor, zone: Zone, period: Period, fileobj, progress: Callable | None = None
) -> ImportResult:
    """Store every row of the month's sheet, or nothing at all (raises ImportRejected).

    The sheet is read and checked first (no transaction held; `progress(stage, done, total)`
    is told how far it is), then every row is written in one transaction: upserted in bulk
    (INSERT … ON CONFLICT on both databases), with an audit entry for each created or changed
    row, written in bulk in the same transaction.
    """
    from zonedesk.monitoring import imports

    _check_import(actor, zone, period)
    rows = imports.parse(zone=zone, period=period, fileobj=fileobj, progress=progress)
    if progress:
        progress("writing", len(rows), len(rows))
    return _write_rows(actor=actor, zone=zone, period=period, rows=rows)


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


def _compare(rows, stored: dict) -> tuple[list[_Written], int]:
    """The rows that create or change a figure, and how many leave theirs unchanged."""
    present = frozenset().union(*(r.values.keys() for r in rows))
    whole = present.issuperset(FIGURE_FIELDS)  # the usual sheet: every figure's column
    written, unchanged = [], 0
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
            unchanged += 1
    return written, unchanged


@transaction.atomic
def _write_rows(*, actor: Actor, zone: Zone, period: Period, rows) -> ImportResult:
    """Upsert the checked rows; write an audit entry and the flow's event ("submitted", from
    the stored status or, for a new row, from none) for each created or changed one, in SQL
    (core.bulk): at a zone's scale the ORM's per-object preparation cost more than the
    database's own work."""
    stored = {
        f["enterprise_id"]: f
        for f in MonthlyFigure.objects.filter(
            enterprise__zone=zone, period=period.first_day
        ).values("id", "enterprise_id", "status", *FIGURE_FIELDS)
    }
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
    created = sum(w.status is None for w in written)
    return ImportResult(
        period=period, created=created, updated=len(written) - created, unchanged=unchanged
    )


def import_start(*, actor: Actor, zone: Zone, period: Period, upload) -> ImportJob:
    """Accept an upload: small files are stored at once, larger ones by the background worker.

    Either way the result is an ImportJob (state done, rejected or, for the worker, queued) that
    the page shows and polls. Permission and the month are checked before anything is queued.
    """
    from zonedesk.monitoring.tasks import run_import

    _check_import(actor, zone, period)
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
    """Check and store a job's file; never raises: the job records the outcome."""
    if job.finished:
        return

    def progress(stage: str, done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(state=stage, rows_done=done, rows_total=total)

    with translation.override(job.language or settings.LANGUAGE_CODE):
        _record_outcome(job, progress)
    job.content = b""
    job.finished_at = timezone.now()
    job.save()


def _record_outcome(job: ImportJob, progress: Callable) -> None:
    from zonedesk.core.xlsx import ImportRejected

    try:
        result = monthly_import(
            actor=job.created_by,
            zone=job.zone,
            period=Period.of(job.period),
            fileobj=bytes(job.content),
            progress=progress,
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
        job.state = ImportJob.State.DONE
        job.created, job.updated, job.unchanged = result.created, result.updated, result.unchanged
        job.rows_done = job.rows_total = result.rows
