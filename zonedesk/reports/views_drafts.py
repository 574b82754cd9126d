"""The work summary's drafts: open one from the summary page, edit its paragraphs with the
figures as tokens, save a new version (a stale save is refused with 409), look at any version
with the figures the data no longer gives highlighted and listed, and export it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from zonedesk.core.errors import NotFound, StaleVersion, ValidationFailed
from zonedesk.core.report_periods import parse
from zonedesk.core.views import found
from zonedesk.reports import drafts, selectors, services
from zonedesk.reports.access import can_draft
from zonedesk.reports.document import Heading, Paragraph
from zonedesk.reports.export import FORMATS, RendererMissing, render_as
from zonedesk.reports.figure_names import name as figure_name
from zonedesk.reports.markdown import counted_text
from zonedesk.reports.views import _preview, attachment


@login_required
@require_POST
def draft_open(request):
    """Open the draft of the zone or area, period and language asked for (made from the data
    when there is none yet)."""
    if not can_draft(request.user):
        raise HttpForbidden
    data = request.POST
    try:
        draft, created = services.draft_open(
            actor=request.user,
            zone=data.get("zone", "")[:32],
            area=data.get("area", "")[:12],
            period=data.get("period", "").strip()[:10],
            lang=data.get("lang", "zh"),
        )
    except NotFound:
        found(None)
    except (ValueError, ValidationFailed) as exc:
        messages.error(request, _("No draft was opened: %(reason)s") % {"reason": exc})
        scope = "zone" if data.get("zone") else "area"
        query = {scope: data.get(scope, ""), "period": data.get("period", "")}
        return redirect(f"/reports/summary/?{urlencode(query)}")
    if created:
        messages.success(request, _("A draft was made from the data: version 1."))
    return redirect("reports:draft", pk=draft.pk)


def _period_label(code: str) -> str:
    """The draft's period in words (2020年上半年), not its code (2020-H1)."""
    try:
        return str(parse(code).label)
    except ValueError:
        return code


def _editor(blocks, lang: str) -> list[dict]:
    """The body as the editor shows it: headings for orientation, a text box per paragraph."""
    rows, n = [], 0
    for block in blocks:
        if isinstance(block, Heading):
            rows.append({"kind": "heading", "text": block.text, "level": block.level})
        elif isinstance(block, Paragraph):
            n += 1
            rows.append(
                {
                    "kind": "paragraph",
                    "name": f"p{n}",
                    "number": n,
                    "text": drafts.editable(block.text, lang),
                }
            )
    return rows


def _with_texts(rows: list[dict], posted: dict) -> list[dict]:
    """The editor's rows with what the user typed (a refused save keeps the edit)."""
    return [r | {"text": posted[r["name"]]} if r["kind"] == "paragraph" else r for r in rows]


@login_required
def draft_page(request, pk: int):
    if not can_draft(request.user):
        raise HttpForbidden
    draft = found(selectors.draft_get(request.user, pk=pk))
    latest = selectors.draft_version(request.user, draft)
    status, errors, posted_title, posted = 200, {}, None, None
    if request.method == "POST":
        n = sum(1 for b in latest.blocks if b["kind"] == "paragraph")
        posted = {f"p{i}": request.POST.get(f"p{i}", "") for i in range(1, n + 1)}
        posted_title = request.POST.get("title", "")
        try:
            expected = int(request.POST.get("version", ""))
        except ValueError:
            expected = -1
        try:
            saved = services.draft_save(
                actor=request.user,
                draft=draft,
                expected_version=expected,
                title=posted_title,
                texts=list(posted.values()),
            )
        except StaleVersion as exc:
            errors, status = {"__all__": [exc.message]}, 409
            draft.refresh_from_db()
            latest = selectors.draft_version(request.user, draft)
        except ValidationFailed as exc:
            errors, status = exc.errors, 400
        else:
            said = _("Saved as version %(n)d.") % {"n": saved.number}
            if saved.removed:
                said += " " + _("Figures deleted from the text: %(keys)s.") % {
                    "keys": pgettext("between figure names", ", ").join(
                        dict.fromkeys(figure_name(k) for k in saved.removed)
                    )
                }
            messages.success(request, said)
            return redirect("reports:draft", pk=draft.pk)
    number = request.GET.get("version", "")
    shown = latest
    if number.isdigit() and int(number) != latest.number:
        shown = found(selectors.draft_version(request.user, draft, number=int(number)))
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        doc = selectors.draft_document(shown)
        try:
            content = render_as(doc, fmt)
        except RendererMissing as exc:
            messages.error(request, str(exc))
        else:
            name = _("%(title)s (version %(n)d)") % {"title": shown.title, "n": shown.number}
            return attachment(content, fmt, name, f"summary-draft-{draft.pk}-v{shown.number}")
    checked = selectors.draft_checked(request.user, shown)
    stale = {(s.selector, s.key, s.shown): s.now for s in checked.stale}
    editing = selectors.draft_document(latest)
    rows = _editor(editing.blocks, editing.lang)
    context = {
        "draft": draft,
        "scope_label": draft.zone.name if draft.zone_id else draft.area.name,
        "period_label": _period_label(draft.period),
        "shown": shown,
        "latest": latest,
        "doc": checked.document,
        "stale": checked.stale,
        # Rows stored since the draft was made: the annex (kept as made) may be behind too.
        "newer_data": checked.as_of_now
        if checked.as_of_now
        and (not checked.document.as_of or checked.as_of_now > checked.document.as_of)
        else None,
        "blocks": _preview(checked.document.blocks, checked.document.lang, stale),
        "annex": _preview(checked.document.annex, checked.document.lang),
        "counted": counted_text(checked.document.counted_on) if checked.document.counted_on else "",
        "versions": [
            # The figures a version deleted, by name (its keys stay in the row for the checks).
            (v, list(dict.fromkeys(figure_name(k) for k in v.removed)))
            for v in selectors.draft_versions(request.user, draft)
        ],
        "editor": _with_texts(rows, posted) if posted and status != 409 else rows,
        "mine": list(posted.values()) if posted and status == 409 else None,
        "title_value": posted_title if posted_title is not None and status != 409 else latest.title,
        "errors": errors,
        "formats": FORMATS,
        "summary_query": urlencode(
            {
                "zone" if draft.zone_id else "area": (
                    draft.zone.code if draft.zone_id else draft.area.code
                ),
                "period": draft.period,
                "lang": draft.lang,
            }
        ),
    }
    return render(request, "reports/draft.html", context, status=status)
