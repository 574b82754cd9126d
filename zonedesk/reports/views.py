"""The work summary's page: the preview of the document a zone or an area would send, where
every figure says where it comes from, the sections left out and why, and the downloads
(Markdown; .docx and PDF once reports.render is installed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zonedesk.core.context_processors import MODULES
from zonedesk.core.errors import NotFound
from zonedesk.core.period import Period
from zonedesk.core.report_periods import ReportPeriod, parse
from zonedesk.core.views import found
from zonedesk.monitoring import selectors as monitoring
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.selectors import area_list, zone_list
from zonedesk.reports import selectors, summary
from zonedesk.reports.access import can_draft
from zonedesk.reports.document import Heading, Paragraph, Table, number, numbered, runs
from zonedesk.reports.export import FORMATS, RendererMissing, render_as

CONTENT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _scope_choices(user) -> list[tuple[str, str]]:
    """(query, label) for every area and zone the user may look at."""
    areas = (
        [(f"area={a.code}", a.name) for a in area_list(user).order_by("code")[:200]]
        if user.is_superuser or user.area_id is not None
        else []
    )
    zones = [(f"zone={z.code}", f"· {z.name}") for z in zone_list(user).order_by("code")[:500]]
    return areas + zones


def _scope(request) -> monitoring.Scope:
    if not can_view_dashboard(request.user):
        raise HttpForbidden
    zone, area = request.GET.get("zone", ""), request.GET.get("area", "")
    picked = request.GET.get("scope", "")
    if picked.startswith(("zone=", "area=")):
        kind, code = picked.split("=", 1)
        zone, area = (code, "") if kind == "zone" else ("", code)
    return found(monitoring.scope_for(request.user, zone=zone, area=area))


def _default_period(request, scope) -> ReportPeriod:
    """The half year of the latest month with figures (else of last month)."""
    latest = (
        monitoring.latest_period(request.user, scope) or Period.of(timezone.localdate()).previous
    )
    return parse(f"{latest.year}-H{1 if latest.month <= 6 else 2}")


def _period(request, scope) -> ReportPeriod:
    raw = request.GET.get("period", "").strip()
    if raw:
        try:
            return parse(raw)
        except ValueError:
            messages.warning(
                request,
                _(
                    "“%(value)s” is not a period (2020-06, 2020-Q2, 2020-H1 or 2020): showing %(shown)s."
                )
                % {"value": raw[:20], "shown": _default_period(request, scope).code},
            )
    return _default_period(request, scope)


def _module(selector: str) -> str:
    """The module a figure is read from, in the menu's words ("monitoring.selectors.status" ->
    生产监测): the tooltip speaks to officials, not in the code's names."""
    labels = {key: label for key, label, _url in MODULES}
    return str(labels.get(selector.split(".", 1)[0], _("Work summary")))


def _tooltip(source) -> str:
    when = date_format(timezone.localtime(source.as_of), "DATETIME_FORMAT") if source.as_of else "—"
    said = _("Figures as of %(time)s.") % {"time": when}
    return " · ".join((_module(source.selector), source.scope, source.period, said))


def _figure_html(shown: str, key: str, source, stale: dict) -> str:
    said = _tooltip(source) if source else ""
    now = stale.get((source.selector, key, shown)) if source else None
    if now is None:
        return format_html(
            '<span class="zd-figure" data-figure="{}" title="{}">{}</span>', key, said, shown
        )
    said += " · " + (
        _("the data now says %(value)s") % {"value": now} if now else _("no longer in the data")
    )
    return format_html(
        '<mark class="zd-figure zd-stale" data-figure="{}" data-testid="stale-figure" '
        'data-now="{}" title="{}">{}</mark>',
        key,
        now,
        said,
        shown,
    )


def _html(text: str, source, stale: dict | None = None) -> str:
    """A paragraph's text, escaped, each figure a <span> whose title says where it comes from;
    a figure of a draft that the data no longer gives (`stale`: (selector, key, shown) -> the
    value now) is a highlighted <mark>."""
    return format_html_join(
        "",
        "{}",
        (
            (_figure_html(shown, key, source, stale or {}) if key else shown,)
            for shown, key in runs(text)
        ),
    )


def _preview(blocks, lang: str, stale: dict | None = None) -> list[dict]:
    out = []
    for block, n in numbered(blocks):
        if isinstance(block, Heading):
            out.append(
                {
                    "kind": "heading",
                    "level": block.level,
                    "number": number(block.level, n, lang),
                    "text": block.text,
                }
            )
        elif isinstance(block, Paragraph):
            out.append(
                {
                    "kind": "paragraph",
                    "lead": block.lead,
                    "html": _html(block.text, block.source, stale),
                    "source": block.source,
                }
            )
        elif isinstance(block, Table):
            out.append({"kind": "table", "table": block})
        else:
            out.append({"kind": "chart", "chart": block})
    return out


def _download(doc, fmt: str, scope, period) -> HttpResponse:
    content = render_as(doc, fmt)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    name = f"summary-{scope.code}-{period.code}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def summary_page(request):
    scope = _scope(request)
    period = _period(request, scope)
    lang = request.GET.get("lang", "")
    lang = (
        lang if lang in summary.LANGUAGES else ("zh" if get_language().startswith("zh") else "en")
    )
    try:
        doc = summary.build(
            request.user,
            zone=scope.zone.code if scope.zone else None,
            area=scope.area.code if scope.area else None,
            period=period,
            lang=lang,
        )
    except NotFound:
        doc = found(None)
    query = urlencode(
        {"zone" if scope.zone else "area": scope.code, "period": period.code, "lang": lang}
    )
    fmt = request.GET.get("format", "")
    if fmt in FORMATS:
        try:
            return _download(doc, fmt, scope, period)
        except RendererMissing as exc:
            messages.error(
                request,
                _("%(reason)s The preview and the Markdown download still work.") % {"reason": exc},
            )
    elif fmt:
        messages.warning(
            request, _("“%(value)s” is not a format: md, docx or pdf.") % {"value": fmt[:20]}
        )
    context = {
        "doc": doc,
        "scope": scope,
        "period": period,
        "lang": lang,
        "query": query,
        "scope_query": f"{'zone' if scope.zone else 'area'}={scope.code}",
        "scopes": _scope_choices(request.user),
        "blocks": _preview(doc.blocks, doc.lang),
        "annex": _preview(doc.annex, doc.lang),
        "formats": FORMATS,
        "can_draft": can_draft(request.user),
        "draft": selectors.draft_find(request.user, scope, period=period.code, lang=lang),
    }
    return render(request, "reports/summary.html", context)


@login_required
def monthly_download(request, pk: int, fmt: str):
    """A generated monthly summary's .docx or PDF, for whoever may read it (its zone is theirs
    and their role drafts summaries: reports.selectors.can_read_monthly); 403 for another
    role, 404 for another zone's, so that its summaries are not even said to exist."""
    if not selectors.can_read_monthly(request.user):
        raise HttpForbidden
    if fmt not in ("docx", "pdf"):
        raise Http404
    row = found(selectors.monthly_summary_get(request.user, pk=pk))
    stored = getattr(row, fmt)
    try:
        handle = stored.open("rb")
    except FileNotFoundError as exc:  # the row is there, its file was removed from MEDIA_ROOT
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"summary-{row.zone.code}-{row.period}.{fmt}",
        content_type=CONTENT_TYPES[fmt],
    )
