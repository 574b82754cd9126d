"""The project list and page, creating and editing a project, the zone's dashboard."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.views import found
from zonedesk.projects import access, selectors, services
from zonedesk.projects.forms import (
    FilterForm,
    ProjectEditForm,
    ProjectForm,
)
from zonedesk.projects.models import Kind, Project
from zonedesk.projects.views.common import _detail


@login_required
def project_list(request):
    """The user's key projects with their lights, filtered by level, kind, light, stage,
    leading cadre and the department of the current node, with the listed projects'
    investment of the year (planned, completed, rate)."""
    leaders, departments = selectors.filter_choices(request.user)
    form = FilterForm(request.GET or None, leaders=leaders, departments=departments)
    f = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    rows = selectors.project_rows(
        request.user,
        level=f.get("level") or None,
        kind=f.get("kind") or None,
        light=f.get("light") or None,
        stage=f.get("stage") or None,
        leader=f.get("leader"),
        department=f.get("department"),
        today=today,
    )
    totals = selectors.investment_totals([r.project for r in rows], today=today)
    return render(
        request,
        "projects/list.html",
        {
            "form": form,
            "rows": rows,
            "today": today,
            "f": f,
            "totals": totals.all,
            "totals_by": [
                *[
                    (label, totals.by_level[key])
                    for key, label in Project.Level.choices
                    if key in totals.by_level
                ],
                *[
                    (label, totals.by_kind[key])
                    for key, label in Kind.choices
                    if key in totals.by_kind
                ],
            ],
            "can_import": bool(selectors.investment_zones(request.user)),
            "warn_days": selectors.warn_days(),
            "to_decide": len(selectors.replans_to_decide(request.user)),
            "can_create": selectors.creatable_zones(request.user).exists(),
            "can_meet": access.can_view_meeting(request.user),
            "can_view_templates": access.can_view_templates(request.user),
        },
    )


@login_required
def project_detail(request, pk: int):
    return _detail(request, found(selectors.project_get(request.user, pk=pk)))


# --- creating and editing a project (pform) --------------------------------------------------


def _project_data(form: ProjectForm, *, kind: str | None = None) -> services.ProjectData:
    d = form.cleaned_data
    return services.ProjectData(
        code=d["code"],
        name=d["name"],
        level=d["level"],
        kind=kind or d["kind"],
        total_investment_wan=d["total_investment_wan"],
        first_production_month=d["first_production_month"],
        signed_on=d["signed_on"],
        investor=d["investor_firm"],
        investor_name=d["investor_name"],
        investor_credit_code=d.get("investor_credit_code") or "",
        industry_code=d.get("industry_code") or "",
        site=d.get("site") or "",
        site_area_mu=d.get("site_area_mu"),
        yearly_investment_wan=d["yearly_investment_wan"],
        expected_output_wan=d.get("expected_output_wan"),
        expected_tax_wan=d.get("expected_tax_wan"),
        leading_cadre=d.get("leading_cadre"),
        service_officer=d.get("service_officer"),
        state=d["state"],
    )


def _project_errors(form, exc: ValidationFailed) -> None:
    """The service's field errors on the form's fields (the investor is one field here)."""
    names = {"investor_name": "investor"}
    apply_errors(form, ValidationFailed({names.get(k, k): v for k, v in exc.errors.items()}))


def _form_page(request, form, *, project=None, status=200):
    from zonedesk.core import industry

    return render(
        request,
        "projects/form.html",
        {"form": form, "project": project, "industries": industry.table().values()},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request):
    """A new key project; its nodes are planned from the kind's template."""
    zones = selectors.creatable_zones(request.user)
    if not zones.exists():
        raise Forbidden
    choices = selectors.project_form_choices(request.user, zones)
    form = ProjectForm(
        request.POST or None,
        zones=zones,
        initial={"state": Project.State.ACTIVE, "signed_on": timezone.localdate()},
        **choices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user, zone=form.cleaned_data["zone"], data=_project_data(form)
            )
        except ValidationFailed as exc:
            _project_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s was added, its nodes planned from the signing date.")
                % {"name": project.name},
            )
            return redirect("projects:detail", pk=project.pk)
    return _form_page(request, form, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    """Edit a project's fields on the version read; a stale save shows who changed it."""
    project = found(selectors.project_get(request.user, pk=pk))
    if not access.can_edit_project(request.user, project):
        raise Forbidden
    choices = selectors.project_form_choices(request.user, [project.zone])
    kwargs = {"zones": None, "project": project, **choices}
    initial = ProjectForm.initial_of(project)
    form = ProjectEditForm(request.POST or None, initial=initial, version=project.version, **kwargs)
    status = 400 if form.is_bound else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.project_edit(
                actor=request.user,
                project=project,
                data=_project_data(form, kind=project.kind),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            _project_errors(form, exc)
        except StaleVersion as exc:
            fresh = found(selectors.project_get(request.user, pk=pk))
            form.show_conflict(exc, ProjectForm.initial_of(fresh))
            status = 409
        else:
            messages.success(request, _("Changes to %(name)s were saved.") % {"name": project.name})
            return redirect("projects:detail", pk=project.pk)
    return _form_page(request, form, project=project, status=status)


@login_required
def dashboard(request):
    """The zone's project dashboard: projects by stage, light, level, kind and zone, with their
    investment; an area user sees their zones together, or one of them (?zone=code)."""
    if not access.can_view_dashboard(request.user):
        raise Forbidden
    zones = selectors.dashboard_zones(request.user)
    code = request.GET.get("zone") or ""
    zone = found(zones.filter(code=code).first()) if code else None
    data = selectors.dashboard(request.user, zones=[zone] if zone else None)
    invest = selectors.dashboard_investment(request.user, zones=[zone] if zone else None)
    invest_rows = [(_("All projects"), invest.all, "all")]
    invest_rows += [
        (label, invest.by_level[value], value)
        for value, label in Project.Level.choices
        if value in invest.by_level
    ]
    invest_rows += [
        (label, invest.by_kind[value], value)
        for value, label in Kind.choices
        if value in invest.by_kind
    ]
    chart = {
        "stages": [[s.name or str(_("No node done yet")), s.projects] for s in data.stages],
        "lights": [
            [_("Red"), data.totals.red, "red"],
            [_("Yellow"), data.totals.yellow, "yellow"],
            [_("Green"), data.totals.green, "green"],
        ],
        "levels": [[g.label, g.projects] for g in data.by_level],
        "kinds": [[g.label, g.projects] for g in data.by_kind],
    }
    return render(
        request,
        "projects/dashboard.html",
        {
            "d": data,
            "zones": zones.order_by("code"),
            "zone": zone,
            "chart": chart,
            "invest": invest,
            "invest_rows": invest_rows,
        },
    )
