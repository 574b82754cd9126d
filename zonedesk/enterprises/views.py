from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core import industry, xlsx
from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import SpreadsheetForm, apply_errors
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import ImportRejected
from zonedesk.enterprises import access, imports, selectors, services
from zonedesk.enterprises.forms import (
    AccountForm,
    ContactFormSet,
    EnterpriseFilterForm,
    EnterpriseForm,
)
from zonedesk.org.access import can_manage_users
from zonedesk.org.selectors import officer_list, zone_list

PAGE_SIZES = (25, 50, 100)


def _filter_form(request):
    zones = list(zone_list(request.user))
    return EnterpriseFilterForm(
        request.GET or None, zones=zones, officers=officer_list(request.user)
    )


@login_required
def enterprise_list(request):
    form = _filter_form(request)
    filters = form.to_filters()
    per_page = next((n for n in PAGE_SIZES if str(n) == request.GET.get("per_page")), PAGE_SIZES[0])
    page = Paginator(selectors.enterprise_list(request.user, filters), per_page).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "per_page": per_page,
        "page_sizes": PAGE_SIZES,
        "can_create": access.can_create_somewhere(request.user),
        "show_zone": "zone" in form.fields,
        "can_import": access.can_import(request.user),
    }
    template = "enterprises/partials/list_table.html" if request.htmx else "enterprises/list.html"
    return render(request, template, context)


@login_required
def enterprise_export(request):
    cols, data = imports.export_rows(request.user, _filter_form(request).to_filters())
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return export_response(
        request,
        [(imports.SHEET, cols, data)],
        _("enterprises-%(stamp)s.xlsx") % {"stamp": stamp},
        what="enterprises",
    )


@login_required
def enterprise_detail(request, pk: int):
    enterprise = found(selectors.enterprise_get(request.user, pk=pk))
    return _render_detail(request, enterprise)


def _render_detail(request, enterprise, *, account_form=None, status=200):
    contacts = selectors.contact_rows(request.user, enterprise)
    manage_accounts = can_manage_users(request.user)
    context = {
        "enterprise": enterprise,
        "contacts": contacts,
        "can_edit": access.can_edit(request.user, enterprise),
        "is_new_this_year": enterprise.is_new_in(timezone.localdate().year),
        "accounts": selectors.enterprise_accounts(request.user, enterprise)
        if manage_accounts
        else None,
        "account_form": account_form or (AccountForm() if manage_accounts else None),
    }
    return render(request, "enterprises/detail.html", context, status=status)


@login_required
@require_POST
def enterprise_account_create(request, pk: int):
    """An administrator opens an account for the firm's own staff."""
    enterprise = found(selectors.enterprise_get(request.user, pk=pk))
    if not can_manage_users(request.user):
        raise HttpForbidden
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            user = services.enterprise_account_create(
                actor=request.user, enterprise=enterprise, **form.cleaned_data
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Account %(name)s was created for the firm.") % {"name": user.username}
            )
            return redirect(enterprise)
    return _render_detail(request, enterprise, account_form=form, status=400)


def _form_kwargs(request, *, enterprise=None):
    can_assign = access.can_assign_officer(request.user, enterprise) if enterprise else True
    return {
        "zones": zone_list(request.user),
        "officers": officer_list(request.user, zone=enterprise.zone if enterprise else None),
        "can_assign_officer": can_assign,
    }


def _contacts(formset) -> list[services.ContactData]:
    return [
        services.ContactData(
            **{k: f.cleaned_data.get(k, "") for k in ("name", "title", "phone", "email")}
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    if not access.can_create_somewhere(request.user):
        raise HttpForbidden
    form = EnterpriseForm(request.POST or None, **_form_kwargs(request))
    formset = ContactFormSet(request.POST or None, prefix="contacts")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            enterprise = services.enterprise_create(
                actor=request.user,
                zone=d["zone"],
                data=services.EnterpriseData(
                    **{k: d[k] for k in services.EDITABLE_FIELDS}, contacts=_contacts(formset)
                ),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was registered.") % {"name": enterprise.name})
            return redirect(enterprise)
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "formset": formset,
            "industries": industry.table().values(),
        },
    )


def _contact_post(data):
    """The contact rows of a POST as new rows: the service replaces a firm's contacts whole, so
    their ids matter not, and a row someone else replaced meanwhile is not an error."""
    if data is None:
        return None
    data = data.copy()
    for key in [k for k in data if k.startswith("contacts-") and k.endswith("-id")]:
        del data[key]
    data["contacts-INITIAL_FORMS"] = "0"
    return data


def _their_contacts(request, fresh, mine: list[services.ContactData]) -> list[dict] | None:
    """The contacts saved meanwhile, when they differ from the user's (after a stale save)."""
    stored = [
        services.ContactData(**{k: getattr(c, k) for k in services.CONTACT_FIELDS})
        for c in fresh.contacts.all()
    ]
    return None if stored == mine else selectors.contact_rows(request.user, fresh)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    enterprise = found(selectors.enterprise_get(request.user, pk=pk))
    if not access.can_edit(request.user, enterprise):
        raise HttpForbidden
    # The form works on its own copy so the service can diff the stored values for the audit.
    form = EnterpriseForm(
        request.POST or None,
        instance=selectors.enterprise_get(request.user, pk=pk),
        **_form_kwargs(request, enterprise=enterprise),
    )
    formset = ContactFormSet(
        _contact_post(request.POST or None), instance=form.instance, prefix="contacts"
    )
    status, their_contacts = 200, None
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        fields = {k: d[k] for k in services.EDITABLE_FIELDS if k in d}
        if form.fields["officer"].disabled:
            fields.pop("officer", None)
        try:
            services.enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                data=replace(
                    services.EnterpriseData.of(enterprise), **fields, contacts=_contacts(formset)
                ),
                expected_version=d["version"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except StaleVersion as exc:
            fresh = found(selectors.enterprise_get(request.user, pk=pk))
            form.show_conflict(exc, {n: getattr(fresh, n) for n in services.REGISTRY_FIELDS})
            their_contacts = _their_contacts(request, fresh, _contacts(formset))
            status = 409
        else:
            messages.success(
                request, _("Changes to %(name)s were saved.") % {"name": enterprise.name}
            )
            return redirect(enterprise)
    return render(
        request,
        "enterprises/form.html",
        {
            "form": form,
            "formset": formset,
            "enterprise": enterprise,
            "industries": industry.table().values(),
            "their_contacts": their_contacts,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_import(request):
    if not access.can_import(request.user):
        raise HttpForbidden
    form = SpreadsheetForm(request.POST or None, request.FILES or None)
    errors, result = [], None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.enterprise_import(
                actor=request.user, fileobj=form.cleaned_data["file"]
            )
        except ImportRejected as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Imported: %(created)d registered, %(updated)d updated, %(unchanged)d unchanged.")
                % vars(result),
            )
            return redirect("enterprises:list")
    status = 400 if errors or form.errors else 200
    return render(
        request, "enterprises/import.html", {"form": form, "errors": errors}, status=status
    )


@login_required
def enterprise_import_template(request):
    if not access.can_import(request.user):
        raise HttpForbidden
    return xlsx.xlsx_response(
        imports.template_bytes(request.user), _("enterprise-import-template.xlsx")
    )
