"""Reads of the work summary's drafts and generated monthly summaries, scoped: a draft is seen by
whoever may draft (access) and sees its zone or area (monitoring's scope, as the summary page has
it); a monthly summary by whoever may draft and sees its zone."""

from dataclasses import dataclass
from datetime import datetime

from zonedesk.monitoring import selectors as monitoring
from zonedesk.org.selectors import zone_list
from zonedesk.reports import drafts, summary
from zonedesk.reports.access import can_draft
from zonedesk.reports.document import Document
from zonedesk.reports.models import MonthlySummary, SummaryDraft, SummaryDraftVersion


def draft_scope(user, draft: SummaryDraft) -> monitoring.Scope | None:
    """The draft's zone or area as the user sees it; None when the user may not see it."""
    if not can_draft(user):
        return None
    if draft.zone_id:
        return monitoring.scope_for(user, zone=draft.zone.code)
    return monitoring.scope_for(user, area=draft.area.code)


def draft_get(user, *, pk: int) -> SummaryDraft | None:
    draft = SummaryDraft.objects.select_related("zone", "area").filter(pk=pk).first()
    if draft is None or draft_scope(user, draft) is None:
        return None
    return draft


def draft_find(user, scope: monitoring.Scope, *, period: str, lang: str) -> SummaryDraft | None:
    """The draft of a scope (one the user sees, from monitoring.scope_for) and period, if any."""
    if not can_draft(user):
        return None
    found = SummaryDraft.objects.filter(period=period, lang=lang)
    found = found.filter(zone=scope.zone) if scope.zone else found.filter(area=scope.area)
    return found.first()


def draft_versions(user, draft: SummaryDraft) -> list[SummaryDraftVersion]:
    """The draft's versions, newest first (the draft from draft_get: already scoped)."""
    return list(draft.versions.select_related("author").order_by("-number"))


def draft_version(user, draft: SummaryDraft, *, number: int | None = None):
    """One version (the latest when `number` is None), or None."""
    rows = draft.versions.select_related("author")
    if number is None:
        return rows.order_by("-number").first()
    return rows.filter(number=number).first()


def draft_document(version: SummaryDraftVersion) -> Document:
    """The document a version says: its title and edited body in the draft's frame."""
    return drafts.load_document(version.draft.frame, version.title, version.blocks)


@dataclass(frozen=True)
class Checked:
    document: Document  # the version's
    stale: list[drafts.StaleFigure]  # its marked figures the data no longer gives
    as_of_now: datetime | None = None  # the newest stored row the summary reads today


def draft_checked(user, version: SummaryDraftVersion) -> Checked:
    """The version's document, and its figures compared with the data as it is now: the summary
    built again for the same scope, period and language as the user sees it, on the draft's
    date (so that only a change of the data, not the passing of days, makes a figure stale)."""
    draft = version.draft
    doc = draft_document(version)
    now = summary.build(
        user,
        zone=draft.zone.code if draft.zone_id else None,
        area=draft.area.code if draft.area_id else None,
        period=draft.period,
        lang=draft.lang,
        today=doc.dated,
    )
    return Checked(doc, drafts.stale_figures(doc, now), now.as_of)


# --- the monthly summaries ------------------------------------------------------------------------


def can_read_monthly(user) -> bool:
    """The generated summaries are built as the system (the whole zone, liaison sections
    included), so they are for the roles that draft summaries, as the drafts are."""
    return can_draft(user)


def monthly_summaries(user, zones) -> list[MonthlySummary]:
    """The newest month's generated summaries of those of `zones` (Zone rows) the user sees,
    by zone code; [] for a user whose role does not read them."""
    if not can_read_monthly(user):
        return []
    visible = zone_list(user).filter(pk__in=[z.pk for z in zones])
    rows = MonthlySummary.objects.filter(zone__in=visible)
    newest = rows.order_by("-period").values_list("period", flat=True).first()
    if newest is None:
        return []
    return list(rows.filter(period=newest).select_related("zone").order_by("zone__code"))


def monthly_summary_get(user, *, pk: int) -> MonthlySummary | None:
    """One generated summary, if its zone is the user's and the role reads them."""
    if not can_read_monthly(user):
        return None
    return (
        MonthlySummary.objects.select_related("zone")
        .filter(pk=pk, zone__in=zone_list(user))
        .first()
    )
