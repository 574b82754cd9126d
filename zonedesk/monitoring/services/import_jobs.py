"""A month's sheet as an import job (monitoring.models.ImportJob): uploaded and checked into a
preview, confirmed or cancelled by the person who uploaded it, run inline for a small file or by
the background worker for a larger one; stale previews purged. The checking and the writing are
`uploads`'s."""

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor, is_system, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.core.period import Period
from zonedesk.monitoring.models import ImportJob
from zonedesk.monitoring.services.uploads import (
    FirmRef,
    ImportResult,
    MonthlyPreview,
    _check_import,
    _plain,
    monthly_import,
    monthly_import_preview,
)
from zonedesk.org.models import Zone

logger = logging.getLogger(__name__)

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
