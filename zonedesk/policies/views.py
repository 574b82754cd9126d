"""Pages of support policies: a firm's benefits and why, the benefit's next step, an officer's
open benefits, and a zone's 一条不漏 / 应享尽享 coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core import xlsx
from zonedesk.core.errors import DomainError, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
from zonedesk.core.views import found
from zonedesk.core.xlsx import ImportRejected
from zonedesk.enterprises.access import is_member
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring.selectors import Scope, figure_history, latest_period, zone_for
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.models import Role
from zonedesk.org.selectors import area_list, zone_list
from zonedesk.policies import access, facts, imports, selectors, services, sheets
from zonedesk.policies.forms import (
    DocumentForm,
    LibraryFilterForm,
    MeasureForm,
    MeasuresImportForm,
    MoveForm,
)
from zonedesk.policies.models import Entitlement, Measure, PolicyDocument

S = Entitlement.State


@login_required
def index(request):
    """The module's front page by role: a firm's own benefits; an officer's open benefits of
    their firms; the zone's coverage for its other staff."""
    user = request.user
    membership = getattr(user, "enterprise_membership", None)
    if membership is not None and user.has_role(Role.ENTERPRISE):
        return redirect("policies:firm", membership.enterprise_id)
    if can_view_dashboard(user) and not user.has_role(Role.OFFICER):
        return redirect("policies:coverage")
    return redirect("policies:open")


def _firm_context(request, enterprise, *, form_for=None, form=None) -> dict:
    user = request.user
    cache = {}  # the firm's facts per month, computed once for the page
    rows = selectors.firm_entitlements(user, enterprise=enterprise, cache=cache)
    if rows:
        period = max(Period.of(f.entitlement.period) for f in rows)
    else:  # no decisions yet: the firm's latest month, if it reported one
        latest = figure_history(user, enterprise=enterprise, months=1)
        period = latest[0].month if latest else None
    member = is_member(user, enterprise)
    groups = {"open": [], "undetermined": [], "received": [], "closed": [], "lapsed": []}
    for f in rows:
        e = f.entitlement
        moves = services.next_moves(user, e)
        item = (f, moves, form if form_for == e.pk else None, _state_help(e, member))
        if e.state == S.DISBURSED:
            groups["received"].append(item)
        elif e.state in (S.REJECTED, S.DECLINED):
            groups["closed"].append(item)
        elif e.decision == Entitlement.Decision.UNDETERMINED:
            groups["undetermined"].append(item)
        elif e.decision == Entitlement.Decision.NOT_ELIGIBLE:
            groups["lapsed"].append(item)
        else:
            groups["open"].append(item)
    return {
        "enterprise": enterprise,
        "groups": groups,
        "summary": selectors.firm_summary(user, enterprise=enterprise),
        "others": selectors.firm_other_measures(
            user, enterprise=enterprise, period=period, cache=cache
        ),
        "period": period,
        "is_member": member,
    }


def _state_help(e: Entitlement, member: bool) -> str:
    """What the benefit's state means and what comes next, for the firm or for staff."""
    automatic = e.measure.mode == e.measure.Mode.AUTOMATIC
    if e.decision != Entitlement.Decision.ELIGIBLE:
        return ""
    if e.state == S.IDENTIFIED:
        return (
            _("You qualify; your liaison officer will tell you how to claim it.")
            if member
            else _("Found by the rules; the firm has not been told yet.")
        )
    if e.state == S.NOTIFIED:
        if automatic:
            return _("Paid without application (免申即享): the department approves it directly.")
        return (
            _("Apply to the department with the materials listed.")
            if member
            else _("The firm has been told; it applies to the department.")
        )
    if e.state == S.APPLIED:
        return _("Applied; the department decides.")
    if e.state == S.APPROVED:
        return _("Approved; waiting for the money or relief to arrive.")
    return ""


@login_required
def firm(request, pk: int):
    enterprise = found(enterprise_get(request.user, pk=pk))
    return render(request, "policies/firm.html", _firm_context(request, enterprise))


@login_required
@require_http_methods(["GET", "POST"])
def move(request, pk: int):
    """The benefit's next step, from the firm page; a refused step re-shows the page with the
    reason beside the benefit (scrolled to). A GET (a reload, a bookmark) goes to the benefit."""
    entitlement = found(selectors.entitlement_get(request.user, pk=pk))
    if request.method == "GET":
        return redirect(reverse("policies:firm", args=[entitlement.enterprise_id]) + f"#e{pk}")
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.entitlement_move(
                actor=request.user,
                entitlement=entitlement,
                to=data["to"],
                amount_wan=data["amount_wan"],
                on=data["on"],
                note=data["note"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            if isinstance(exc, HttpForbidden):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("“%(measure)s”: %(state)s.")
                % {"measure": moved.measure.title, "state": moved.get_state_display()},
            )
            return redirect(reverse("policies:firm", args=[moved.enterprise_id]) + f"#e{moved.pk}")
    messages.error(
        request,
        _("“%(measure)s”: the step was not recorded; the reason is shown beside it.")
        % {"measure": entitlement.measure.title},
    )
    context = _firm_context(request, entitlement.enterprise, form_for=entitlement.pk, form=form)
    return render(request, "policies/firm.html", context | {"focus": entitlement.pk}, status=400)


def _open_filters(request) -> dict:
    default = "mine" if selectors.mine_by_default(request.user) else "all"
    mine = request.GET.get("who", default) == "mine"
    state = request.GET.get("state", "")
    level = request.GET.get("level", "")
    return {"mine": mine, "state": state, "level": level}


@login_required
def open_list(request):
    """An officer's firms' benefits still on their way (a manager's: the whole unit's)."""
    f = _open_filters(request)
    rows = selectors.open_entitlements(request.user, **f)
    counts = selectors.open_counts(request.user, mine=f["mine"])
    context = {
        "rows": rows[:500],
        "total": rows.count(),
        "states": [(s, S(s).label, counts.get(s, 0)) for s in selectors.OPEN],
        "levels": PolicyDocument.Level.choices,
        "query": request.GET.urlencode(),
        **f,
    }
    return render(request, "policies/open.html", context)


@login_required
def open_export(request):
    rows = selectors.open_entitlements(request.user, **_open_filters(request))
    return xlsx.xlsx_response(
        xlsx.write_workbook([sheets.open_sheet(rows)]), _("open-benefits.xlsx")
    )


def _zone(request):
    if not can_view_dashboard(request.user):
        raise HttpForbidden
    return found(zone_for(request.user, code=request.GET.get("zone", "")))


@login_required
def coverage(request):
    zone = _zone(request)
    by_level, by_measure = selectors.coverage(request.user, zone=zone)
    context = {
        "zone": zone,
        "by_level": by_level,
        "by_measure": by_measure,
        "total": sheets.total_row(by_level),
        "unclaimed": selectors.unclaimed_firms(request.user, zone=zone),
        "zones": _zone_choices(request.user),
    }
    return render(request, "policies/coverage.html", context)


def _zone_choices(user):
    return list(zone_list(user).order_by("code").values_list("code", "name")[:500])


@login_required
def coverage_export(request):
    zone = _zone(request)
    by_level, by_measure = selectors.coverage(request.user, zone=zone)
    unclaimed = selectors.unclaimed_firms(request.user, zone=zone, limit=1000)
    content = xlsx.write_workbook(sheets.coverage_sheets(by_level, by_measure, unclaimed))
    return xlsx.xlsx_response(content, _("coverage-%(code)s.xlsx") % {"code": zone.code})


# --- the library ---------------------------------------------------------------------------------


@login_required
def library(request):
    """The policy documents the user may read, searched in titles, numbers, issuers and the
    measures' wording."""
    form = LibraryFilterForm(request.GET or None)
    q = level = ""
    if form.is_valid():
        q, level = form.cleaned_data["q"], form.cleaned_data["level"]
    docs = selectors.documents(request.user, q=q, level=level)
    context = {
        "form": form,
        "documents": docs[:200],
        "total": docs.count(),
        "measures": selectors.measures(request.user, q=q, level=level)[:50] if q else None,
        "can_edit": access.can_edit_library(request.user),
        "query": request.GET.urlencode(),
        "today": timezone.localdate(),
    }
    return render(request, "policies/library.html", context)


def _document_or_404(request, pk: int) -> PolicyDocument:
    return found(selectors.document_get(request.user, pk))


@login_required
def document(request, pk: int):
    doc = _document_or_404(request, pk)
    context = {
        "document": doc,
        "measures": doc.measures.all(),
        "can_edit": access.can_edit_document(request.user, area=doc.area, zone=doc.zone),
    }
    return render(request, "policies/document.html", context)


def _editable_units(user):
    areas = [
        a for a in area_list(user).order_by("code")[:500] if access.can_edit_document(user, area=a)
    ]
    zones = [
        z for z in zone_list(user).order_by("code")[:500] if access.can_edit_document(user, zone=z)
    ]
    return areas, zones


def _document_form(request, instance=None):
    areas, zones = _editable_units(request.user)
    if not areas and not zones:
        raise HttpForbidden
    return DocumentForm(request.POST or None, instance=instance, areas=areas, zones=zones)


@login_required
def document_create(request):
    form = _document_form(request)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            doc = services.document_create(
                actor=request.user,
                data=services.DocumentData(**values, **form.scope_values()),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Document added: %(title)s") % {"title": doc.title})
            return redirect("policies:document", pk=doc.pk)
    return render(
        request,
        "policies/document_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def document_edit(request, pk: int):
    doc = _document_or_404(request, pk)
    if not access.can_edit_document(request.user, area=doc.area, zone=doc.zone):
        raise HttpForbidden
    before = _document_or_404(request, pk)  # the form writes onto its own instance
    form = _document_form(request, instance=doc)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.document_update(
                actor=request.user,
                document=before,
                data=services.DocumentData(**values, **form.scope_values()),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("policies:document", pk=doc.pk)
    return render(
        request,
        "policies/document_form.html",
        {"form": form, "document": before},
        status=400 if form.errors else 200,
    )


def _rule_context(request, form, document) -> dict:
    zones = list(zone_list(request.user).order_by("code")[:500])
    return {
        "form": form,
        "document": document,
        "facts": [(name, f) for name, f in facts.FACTS.items()],
        "preview_zones": zones,
    }


@login_required
def measure_create(request, pk: int):
    doc = _document_or_404(request, pk)
    if not access.can_edit_document(request.user, area=doc.area, zone=doc.zone):
        raise HttpForbidden
    form = MeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {name: data[name] for name in form.Meta.fields}
        try:
            measure = services.measure_create(
                actor=request.user,
                document=doc,
                data=services.MeasureData(
                    eligibility=data["eligibility"], benefit=data["benefit"], **values
                ),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Measure added; the firms it covers have been matched: %(title)s")
                % {"title": measure.title},
            )
            return redirect("policies:measure", pk=measure.pk)
    return render(
        request,
        "policies/measure_form.html",
        _rule_context(request, form, doc),
        status=400 if form.errors else 200,
    )


def _measure_or_404(request, pk: int) -> Measure:
    return found(selectors.measure_get(request.user, pk))


@login_required
def measure(request, pk: int):
    m = _measure_or_404(request, pk)
    doc = m.document
    context = {
        "measure": m,
        "document": doc,
        "versions": list(m.versions.all())[::-1],
        "decided": selectors.measure_decisions(request.user, measure=m),
        "can_edit": access.can_edit_document(request.user, area=doc.area, zone=doc.zone),
    }
    return render(request, "policies/measure.html", context)


@login_required
def measure_edit(request, pk: int):
    m = _measure_or_404(request, pk)
    doc = m.document
    if not access.can_edit_document(request.user, area=doc.area, zone=doc.zone):
        raise HttpForbidden
    # the form writes onto its own instance
    form = MeasureForm(request.POST or None, instance=_measure_or_404(request, pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {name: data[name] for name in form.Meta.fields}
        before = m.current_id
        try:
            saved = services.measure_update(
                actor=request.user,
                measure=m,
                data=services.MeasureData(
                    eligibility=data["eligibility"], benefit=data["benefit"], **values
                ),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            if saved.current_id != before:
                messages.success(
                    request,
                    _("Saved: the rules are version %(n)d now, and the firms are re-matched.")
                    % {"n": saved.current.number},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect("policies:measure", pk=m.pk)
    context = _rule_context(request, form, doc) | {"measure": m}
    return render(
        request, "policies/measure_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def rule_check(request):
    """The rule editor's live check (htmx): positioned messages, or how many of a zone's firms
    the rules would decide which way on its latest figures. Nothing is stored."""
    if not access.can_preview_rules(request.user):
        raise HttpForbidden
    eligibility = request.POST.get("eligibility", "")[:4000]
    benefit = request.POST.get("benefit", "")[:4000]
    zone = zone_for(request.user, code=request.POST.get("preview_zone", "")) or zone_for(
        request.user
    )
    problems = (
        services.rule_problems(eligibility, benefit, get_language() or "zh-hans")
        if eligibility.strip() or benefit.strip()
        else []
    )
    preview = period = None
    if zone is not None and not problems and eligibility.strip():
        period = latest_period(request.user, Scope.of_zone(zone))
        if period is not None:
            preview = selectors.rule_preview(
                request.user, zone=zone, period=period, eligibility=eligibility, benefit=benefit
            )
    return render(
        request,
        "policies/partials/rule_check.html",
        {"problems": problems, "preview": preview, "zone": zone, "period": period},
    )


@login_required
def library_import(request):
    if not access.can_edit_library(request.user):
        raise HttpForbidden
    form = MeasuresImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.measures_import(
                actor=request.user, content=upload.read(), filename=upload.name
            )
        except ImportRejected as exc:
            errors = exc.errors
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Imported: %(documents_created)d documents added, %(documents_updated)d "
                    "changed; %(measures_created)d measures added, %(measures_updated)d changed, "
                    "%(measures_unchanged)d unchanged; %(rule_versions_added)d new rule versions."
                )
                % vars(summary),
            )
            return redirect("policies:library")
    status = 400 if errors or form.errors else 200
    return render(request, "policies/import.html", {"form": form, "errors": errors}, status=status)


@login_required
def library_template(request):
    return xlsx.xlsx_response(imports.template_bytes(), _("policy-measures-template.xlsx"))


@login_required
def library_export(request):
    return xlsx.xlsx_response(imports.export_bytes(request.user), _("policy-measures.xlsx"))
