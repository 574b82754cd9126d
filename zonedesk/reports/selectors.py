"""Reads of the work summary's drafts, scoped: a draft is seen by whoever may draft (access) and
sees its zone or area (monitoring's scope, as the summary page has it)."""

from dataclasses import dataclass
from datetime import datetime

from zonedesk.monitoring import selectors as monitoring
from zonedesk.reports import drafts, summary
from zonedesk.reports.access import can_draft
from zonedesk.reports.document import Document
from zonedesk.reports.models import SummaryDraft, SummaryDraftVersion


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
