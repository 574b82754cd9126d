"""Pages of the policy library: documents and their measures, the rule editor's check, and the
library as a spreadsheet (template, import, export)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zonedesk.core import xlsx
from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.views import found
from zonedesk.core.xlsx import ImportRejected
from zonedesk.monitoring.selectors import zone_for
from zonedesk.org.selectors import area_list, zone_list
from zonedesk.policies import access, asof, facts, imports, selectors, services
from zonedesk.policies.forms import (
    DocumentForm,
    LibraryFilterForm,
    MeasureForm,
    MeasuresImportForm,
)
from zonedesk.policies.models import OPERATING, Measure, PolicyDocument


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
        "as_of": selectors.viewer_as_of(request.user),
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
        "as_of": selectors.viewer_as_of(request.user),
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
    _check_edit(request, doc)
    before = _document_or_404(request, pk)  # the form writes onto its own instance
    form = _document_form(request, instance=doc)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.document_update(
                actor=request.user,
                document=before,
                data=services.DocumentData(**values, **form.scope_values()),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except StaleVersion as exc:
            fresh = _document_or_404(request, pk)
            scope = f"zone:{fresh.zone.code}" if fresh.zone_id else f"area:{fresh.area.code}"
            stored = {n: getattr(fresh, n) for n in form.Meta.fields}
            form.show_conflict(exc, stored | {"scope": scope})
            return _document_page(request, form, before, status=409)
        else:
            messages.success(request, _("Saved."))
            return redirect("policies:document", pk=doc.pk)
    return _document_page(request, form, before, status=400 if form.errors else 200)


def _document_page(request, form, document, *, status: int):
    return render(
        request, "policies/document_form.html", {"form": form, "document": document}, status=status
    )


def _rule_context(request, form, document) -> dict:
    zones = list(zone_list(request.user).order_by("code")[:500])
    return {
        "form": form,
        "document": document,
        "facts": [(name, f) for name, f in facts.FACTS.items()],
        "preview_zones": zones,
        "preview_zone": request.POST.get("preview_zone", ""),
    }


@login_required
def measure_create(request, pk: int):
    doc = _document_or_404(request, pk)
    _check_edit(request, doc)
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
            _saved_message(
                request, measure, _("Measure added: %(title)s.") % {"title": measure.title}
            )
            return redirect("policies:measure", pk=measure.pk)
    return render(
        request,
        "policies/measure_form.html",
        _rule_context(request, form, doc),
        status=400 if form.errors else 200,
    )


def _check_edit(request, doc: PolicyDocument) -> None:
    """Refuse (403) a user who may not edit the document, saying why and who may."""
    refusal = access.edit_refusal(request.user, document=doc)
    if refusal is not None:
        raise HttpForbidden(refusal)


def _measure_or_404(request, pk: int) -> Measure:
    return found(selectors.measure_get(request.user, pk))


@login_required
def measure(request, pk: int):
    m = _measure_or_404(request, pk)
    doc = m.document
    refusal = access.edit_refusal(request.user, document=doc)
    context = {
        "measure": m,
        "document": doc,
        "versions": list(m.versions.all())[::-1],
        "decided": selectors.measure_decisions(request.user, measure=m),
        "can_edit": refusal is None,
        # Said to those who edit the library elsewhere, so they know whom to ask.
        "edit_refusal": refusal if access.can_edit_library(request.user) else None,
        "as_of": selectors.viewer_as_of(request.user),
    }
    return render(request, "policies/measure.html", context)


@login_required
def measure_edit(request, pk: int):
    m = _measure_or_404(request, pk)
    doc = m.document
    _check_edit(request, doc)
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
                expected_version=data["version"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except StaleVersion as exc:
            fresh = _measure_or_404(request, pk)
            stored = {n: getattr(fresh, n) for n in form.Meta.fields}
            rules = {"eligibility": "", "benefit": ""}
            if fresh.current is not None:
                rules = {"eligibility": fresh.current.eligibility, "benefit": fresh.current.benefit}
            form.show_conflict(exc, stored | rules)
            context = _rule_context(request, form, doc) | {"measure": m}
            return render(request, "policies/measure_form.html", context, status=409)
        else:
            if saved.current_id != before:
                prefix = _("Saved: the rules are version %(n)d now.") % {"n": saved.current.number}
            else:
                prefix = _("Saved.")
            _saved_message(request, saved, prefix)
            return redirect("policies:measure", pk=m.pk)
    context = _rule_context(request, form, doc) | {"measure": m}
    return render(
        request, "policies/measure_form.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def rule_check(request):
    """The rule editor's live check (htmx): positioned messages, or how many of a zone's firms
    the rules would decide which way, each on its latest figures, on the zone's as-of date,
    and whether the document is in force then. Nothing is stored."""
    if not access.can_preview_rules(request.user):
        raise HttpForbidden
    eligibility = request.POST.get("eligibility", "")[:4000]
    benefit = request.POST.get("benefit", "")[:4000]
    zone = zone_for(request.user, code=request.POST.get("preview_zone", "")) or zone_for(
        request.user
    )
    document = None
    raw_document = request.POST.get("preview_document", "")
    if raw_document.isdigit():
        document = selectors.document_get(request.user, int(raw_document))
    problems = (
        services.rule_problems(eligibility, benefit, get_language() or "zh-hans")
        if eligibility.strip() or benefit.strip()
        else []
    )
    preview = as_of = None
    if zone is not None:
        as_of = asof.zone_as_of(zone)
    if zone is not None and not problems and eligibility.strip() and as_of.from_figures:
        preview = selectors.rule_preview(
            request.user,
            zone=zone,
            eligibility=eligibility,
            benefit=benefit,
            firm_statuses=request.POST.getlist("firm_statuses")[:4] or OPERATING,
            document=document,
        )
    return render(
        request,
        "policies/partials/rule_check.html",
        {
            "problems": problems,
            "preview": preview,
            "zone": zone,
            "as_of": as_of,
            "period": as_of.period if as_of else None,
            "eligibility": eligibility,
        },
    )


def _saved_message(request, measure: Measure, prefix: str) -> None:
    """After a save: what was stored for the preview's zone, on its as-of date, in the words
    of the preview; plainly not "matched" when the document is not in force then."""
    zone = zone_for(request.user, code=request.POST.get("preview_zone", "")) or zone_for(
        request.user
    )
    if zone is None:
        messages.success(request, prefix)
        return
    outcome = selectors.saved_outcome(request.user, measure=measure, zone=zone)
    document = measure.document
    values = {
        "prefix": prefix,
        "zone": zone.name,
        "date": outcome.as_of.date.isoformat(),
        "status": outcome.status_label,
        "from": document.valid_from.isoformat(),
        "to": document.valid_to.isoformat() if document.valid_to else _("open-ended"),
        "eligible": outcome.eligible,
        "undetermined": outcome.undetermined,
    }
    if not outcome.in_force:
        messages.warning(
            request,
            _(
                "%(prefix)s The document is %(status)s on %(date)s (the as-of date of "
                "%(zone)s; valid %(from)s – %(to)s), so no firm is matched."
            )
            % values,
        )
        return
    messages.success(
        request,
        _(
            "%(prefix)s On %(date)s (the as-of date of %(zone)s), each firm on its latest "
            "figures: %(eligible)d qualify, %(undetermined)d lack figures to decide."
        )
        % values,
    )


@login_required
def library_import(request):
    if not access.can_edit_library(request.user):
        raise HttpForbidden
    form = MeasuresImportForm(request.POST or None, request.FILES or None)
    errors, file_errors = [], []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.measures_import(
                actor=request.user, content=upload.read(), filename=upload.name
            )
        except ImportRejected as exc:
            # A refusal of the whole file (it cannot be read, is too large, is not a
            # spreadsheet) is said as such, not as a cell of a "row 0"; the others keep the row
            # numbers Excel shows (the header is row 1).
            file_errors = [e.reason.rstrip(" ：:") for e in exc.errors if not e.row]
            errors = [e for e in exc.errors if e.row]
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except StaleVersion as exc:  # a measure changed by someone while the sheet was read
            form.add_error(None, exc.message)
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
    status = 400 if errors or file_errors or form.errors else 200
    context = {"form": form, "errors": errors, "file_errors": file_errors}
    return render(request, "policies/import.html", context, status=status)


@login_required
def library_template(request):
    return xlsx.xlsx_response(imports.template_bytes(), _("policy-measures-template.xlsx"))


@login_required
def library_export(request):
    return xlsx.xlsx_response(imports.export_bytes(request.user), _("policy-measures.xlsx"))
