"""Writes of the work summary: its drafts, opened from the data and saved as new versions; the
monthly summaries the schedule generates for every zone.

Each save is a compare-and-set on the draft's version (core.services): an edit made on an older
version than the stored one is refused with StaleVersion, nothing saved. Every write is audited
in its transaction."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zonedesk.casework import selectors as casework
from zonedesk.core import audit
from zonedesk.core.actors import Actor, is_system, user_or_none
from zonedesk.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.fields import validate_name, validate_text
from zonedesk.core.period import Period
from zonedesk.core.report_periods import parse
from zonedesk.core.services import audit_scope, clean, version_bump, version_check
from zonedesk.monitoring import selectors as monitoring
from zonedesk.org.selectors import zone_list
from zonedesk.reports import drafts, figure_names, summary
from zonedesk.reports.access import can_draft
from zonedesk.reports.document import Paragraph
from zonedesk.reports.export import render_as
from zonedesk.reports.models import MonthlySummary, SummaryDraft, SummaryDraftVersion
from zonedesk.reports.selectors import draft_scope


def _scope_of(actor: Actor, *, zone: str, area: str) -> monitoring.Scope:
    if not can_draft(actor):
        raise PermissionDenied()
    scope = monitoring.scope_for(actor, zone=zone, area=area) if (zone or area) else None
    if scope is None:
        raise NotFound(_("No zone or area “%(code)s” that you may see.") % {"code": zone or area})
    return scope


@transaction.atomic
def draft_open(
    *, actor: Actor, zone: str = "", area: str = "", period: str, lang: str
) -> tuple[SummaryDraft, bool]:
    """The draft of a zone or area (code), period and language: the stored one, or a new one
    built from the data as the actor sees it (version 1). Returns (draft, created)."""
    scope = _scope_of(actor, zone=zone, area=area)
    if lang not in summary.LANGUAGES:
        raise ValidationFailed(
            {"lang": [_("The language is zh or en, not “%(v)s”.") % {"v": lang}]}
        )
    period = parse(period).code  # ValueError for a period that is none of the four kinds
    existing = SummaryDraft.objects.filter(period=period, lang=lang)
    existing = existing.filter(zone=scope.zone) if scope.zone else existing.filter(area=scope.area)
    if (found := existing.first()) is not None:
        return found, False
    doc = summary.build(
        actor,
        zone=scope.zone.code if scope.zone else None,
        area=scope.area.code if scope.area else None,
        period=period,
        lang=lang,
    )
    draft = SummaryDraft(
        zone=scope.zone,
        area=scope.area,
        period=period,
        lang=lang,
        frame=drafts.dump_frame(doc),
        created_by=user_or_none(actor),
    )
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError:  # opened by someone else at the same moment: theirs is the draft
        return existing.get(), False
    SummaryDraftVersion.objects.create(
        draft=draft,
        number=1,
        title=doc.title,
        blocks=drafts.dump_blocks(doc.blocks),
        author=user_or_none(actor),
        saved_at=draft.created_at,
    )
    audit.record(
        actor=actor,
        action="create",
        instance=draft,
        changes={"period": [None, period], "lang": [None, lang], "version": [None, 1]},
        **audit_scope(draft),
    )
    return draft, True


@transaction.atomic
def draft_save(
    *,
    actor: Actor,
    draft: SummaryDraft,
    expected_version: int,
    title: str,
    texts: list[str],
) -> SummaryDraftVersion:
    """A new version of the draft: `title` and the edited text of each paragraph of the version
    `expected_version` (in order; an empty text drops the paragraph), figures as tokens
    (reports.drafts.edited). StaleVersion when the draft has moved on since that version;
    ValidationFailed (field -> messages, nothing saved) for a broken or changed figure."""
    if not can_draft(actor):
        raise PermissionDenied()
    if draft_scope(actor, draft) is None:  # the zone or area is not the actor's
        raise NotFound()
    version_check(draft, expected_version)
    base = draft.versions.get(number=expected_version)
    blocks = drafts.load_blocks(base.blocks)
    paragraphs = [i for i, b in enumerate(blocks) if isinstance(b, Paragraph)]
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title or len(title) > drafts.TITLE_MAX:
        errors["title"] = [
            _("The title is needed, in at most %(max)d characters.") % {"max": drafts.TITLE_MAX}
        ]
    else:
        try:
            validate_name(title)
        except ValidationError as exc:
            errors["title"] = exc.messages
    if len(texts) != len(paragraphs):
        raise ValidationFailed(
            {
                "__all__": [
                    _(
                        "The form has %(got)d paragraphs, version %(version)d has %(want)d: "
                        "reload the draft."
                    )
                    % {"got": len(texts), "version": expected_version, "want": len(paragraphs)}
                ]
            }
        )
    new_blocks = list(blocks)
    removed: list[str] = []
    for n, (i, text) in enumerate(zip(paragraphs, texts, strict=True), start=1):
        old: Paragraph = blocks[i]
        text = text.replace("\r\n", "\n").strip()
        try:
            validate_text(text)
            done = drafts.edited(text, old.text, draft.frame.get("lang"))
        except drafts.EditError as exc:
            errors[f"p{n}"] = [
                _("Paragraph %(n)d: %(message)s") % {"n": n, "message": m} for m in exc.messages
            ]
            continue
        except ValidationError as exc:
            errors[f"p{n}"] = [
                _("Paragraph %(n)d: %(message)s") % {"n": n, "message": m} for m in exc.messages
            ]
            continue
        removed += done.removed
        new_blocks[i] = (
            Paragraph(done.text, old.source, old.lead) if done.text else None  # type: ignore[assignment]
        )
    if errors:
        raise ValidationFailed(errors)
    kept = [b for b in new_blocks if b is not None]
    if kept == list(blocks) and title == base.title:
        raise ValidationFailed({"__all__": [_("Nothing was changed: no new version saved.")]})
    version_bump(draft)
    row = SummaryDraftVersion.objects.create(
        draft=draft,
        number=draft.version,
        title=title,
        blocks=drafts.dump_blocks(kept),
        removed=sorted(set(removed)),
        author=user_or_none(actor),
        saved_at=timezone.now(),
    )
    changes = {
        "version": [expected_version, draft.version],
        "paragraphs_changed": [
            0,
            sum(1 for a, b in zip(blocks, new_blocks, strict=True) if a != b),
        ],
    }
    if title != base.title:
        changes["title"] = [base.title, title]
    if removed:
        # By name, in the draft's language, as the auditor reads them (the keys stay on the row).
        with translation.override(summary.LANGUAGES.get(draft.lang, draft.lang)):
            names = [figure_names.name(k) for k in sorted(set(removed))]
        changes["figures_removed"] = [[], list(dict.fromkeys(names))]
    audit.record(
        actor=actor, action="update", instance=draft, changes=changes, **audit_scope(draft)
    )
    return row


# --- the monthly summaries (`zonedesk report schedule`) -------------------------------------------


class CalendarYearMissing(DomainError):
    """The working-day calendar does not know the year, so its first working day is a guess."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            _(
                "The working-day calendar has no holidays for %(year)d, so the first working day "
                "of the month is not known and no monthly summary was generated. Load the "
                "year's official holiday arrangement (zonedesk casework holidays --load FILE, "
                "or the calendar page of the administration) and run the schedule again."
            )
            % {"year": year}
        )


@dataclass
class Schedule:
    """What one run of the schedule did on `day`."""

    day: dt.date
    first_working_day: dt.date
    period: Period  # the month summarised: the one before `day`'s
    generated: list[MonthlySummary] = field(default_factory=list)
    existing: int = 0  # zones whose summary of the month was already there

    @property
    def due(self) -> bool:
        return self.day >= self.first_working_day


def first_working_day(day: dt.date) -> dt.date:
    """The first working day of `day`'s month, by the project's holiday calendar (the official
    arrangement and the administrators' own days). CalendarYearMissing for a year it lacks."""
    first = day.replace(day=1)
    calendar = casework.work_calendar(first, first + dt.timedelta(days=31))
    if not calendar.knows(first, first):
        raise CalendarYearMissing(first.year)
    while not calendar.is_working_day(first):
        first += dt.timedelta(days=1)
    return first


def monthly_summaries_schedule(*, actor: Actor, day: dt.date) -> Schedule:
    """The previous month's summary of every zone, generated when `day` is the month's first
    working day or later (a run missed on that day, the machine off, catches up the next
    time); a zone whose summary of the month exists is left as it is, so a second run does
    nothing. Each zone is generated and committed on its own: one zone's failure leaves the
    others' files. The system's task: PermissionDenied for anyone else."""
    if not is_system(actor):
        raise PermissionDenied()
    run = Schedule(
        day=day, first_working_day=first_working_day(day), period=Period.of(day).previous
    )
    if not run.due:
        return run
    done = set(
        MonthlySummary.objects.filter(period=str(run.period)).values_list("zone_id", flat=True)
    )
    for zone in zone_list(actor).order_by("code"):
        if zone.pk in done:
            run.existing += 1
            continue
        made = monthly_summary_generate(actor=actor, zone=zone, period=run.period, today=day)
        if made is None:
            run.existing += 1
        else:
            run.generated.append(made)
    return run


@transaction.atomic
def monthly_summary_generate(
    *, actor: Actor, zone, period: Period, today: dt.date
) -> MonthlySummary | None:
    """The zone's summary of `period` (a month) in Chinese, as .docx and PDF under MEDIA_ROOT,
    built from the data as the system sees it on `today`; None when it exists already. Audited."""
    if not is_system(actor):
        raise PermissionDenied()
    if MonthlySummary.objects.filter(zone=zone, period=str(period)).exists():
        return None
    doc = summary.build(actor, zone=zone.code, period=str(period), lang="zh", today=today)
    row = MonthlySummary(zone=zone, period=str(period), as_of=doc.as_of)
    name = f"summary-{zone.code}-{period}"
    with translation.override(summary.LANGUAGES["zh"]):
        row.docx = ContentFile(render_as(doc, "docx"), name=f"{name}.docx")
        row.pdf = ContentFile(render_as(doc, "pdf"), name=f"{name}.pdf")
    clean(row)  # the size cap (models.validate_file_size), the month's form
    try:
        with transaction.atomic():
            row.save()  # writes the files (FileField.pre_save), then the row
    except IntegrityError:  # another run made it at the same moment: theirs is kept
        row.docx.delete(save=False)
        row.pdf.delete(save=False)
        return None
    audit.record(
        actor=actor,
        action="create",
        instance=row,
        changes={
            "period": [None, str(period)],
            "docx": [None, row.docx.name],
            "pdf": [None, row.pdf.name],
            "as_of": [None, doc.as_of.isoformat() if doc.as_of else None],
        },
        **audit_scope(row),
    )
    return row
