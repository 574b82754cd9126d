"""Pages of key projects: the list with lights, one project with its nodes (complete, re-plan,
decide a re-plan, blocked by a guarantee item) and its element guarantees checklist (add, edit,
done), and the scheduling meeting's list (调度会) with its xlsx export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import DomainError, PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import Column
from zonedesk.projects import access, selectors, services
from zonedesk.projects.forms import (
    BlockForm,
    CompleteForm,
    DecideForm,
    FilterForm,
    GuaranteeDoneForm,
    GuaranteeForm,
    InvestmentForm,
    ProjectEditForm,
    ProjectForm,
    ReplanForm,
    ServiceRaiseForm,
    ServiceResolveForm,
    ServiceRespondForm,
)
from zonedesk.projects.models import Guarantee, Kind, Project, Replan


def _refusal(exc: DomainError) -> str:
    """The messages of a refusal, without the names of fields."""
    if isinstance(exc, ValidationFailed):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message


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
        },
    )


def _invest_form(request, project, today) -> InvestmentForm:
    """The page's month form: a stored month to change (?month=YYYY-MM: its figures and the
    version read), else the current month empty."""
    initial = {"month": today.strftime("%Y-%m")}
    try:
        month = Period.parse(request.GET.get("month", "")).first_day
    except ValueError:
        return InvestmentForm(initial=initial)
    stored = selectors.investment_month(project, month)
    if stored is None:
        return InvestmentForm(initial={"month": f"{month:%Y-%m}"})
    return InvestmentForm(
        initial={
            "month": f"{month:%Y-%m}",
            "planned_wan": stored.planned_wan,
            "done_wan": stored.done_wan,
            "version": stored.version,
        }
    )


def _detail(
    request,
    project,
    *,
    status=200,
    add_form=None,
    edit_form=None,
    service_forms=None,
    invest_form=None,
):
    """The project page; after a refused item or service form, that form again with its field
    errors."""
    guarantees = selectors.guarantee_rows(request.user, project)
    for row in guarantees:
        if row.can_edit and row.guarantee.done_on is None:
            bound = edit_form if edit_form and edit_form.prefix == f"g{row.guarantee.pk}" else None
            row.form = bound or GuaranteeForm.of(row.guarantee)
    can_add = access.can_add_guarantee(request.user, project)
    today = timezone.localdate()
    rows = selectors.node_rows(request.user, project, today=today)
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "can_edit_project": access.can_edit_project(request.user, project),
            "service_rows": selectors.service_log(request.user, project),
            "can_raise_service": project.investor_id is not None
            and access.can_raise_service(request.user, project),
            "service_form": (service_forms or {}).get("raise")
            or ServiceRaiseForm(choices=selectors.service_choices()),
            "departments": project.zone.departments.order_by("name"),
            "hours": services.service_hours(project.zone),
            "now": timezone.localtime(),
            "rows": rows,
            "gantt": {
                **selectors.gantt(rows, today=today),
                "labels": {
                    "baseline": _("Baseline"),
                    "planned": _("Planned date"),
                    "actual": _("Actual"),
                    "today": _("Today"),
                },
            },
            "replans": selectors.replans_of(request.user, project)[:50],
            "today": today,
            "can_decide": access.can_decide_replan(request.user, project),
            "invest": selectors.investment_of(request.user, project, today=today),
            "invest_form": invest_form or _invest_form(request, project, today),
            "warn_days": selectors.warn_days(),
            "guarantees": guarantees,
            "open_guarantees": [r.guarantee for r in guarantees if r.guarantee.done_on is None],
            "add_form": (add_form or GuaranteeForm(project=project)) if can_add else None,
            "add_refused": add_form is not None,
            "production": selectors.promised_actual(request.user, project),
        },
        status=status,
    )


@login_required
def project_detail(request, pk: int):
    return _detail(request, found(selectors.project_get(request.user, pk=pk)))


def _done(request, project, call, success: str, *, back_to_list: bool = False):
    """Run a service for a node's form: on success back to the project (or to the list of
    re-plans to decide, where the form was sent from there), else that page again with the
    reason (a stale version names who changed the node and when)."""
    try:
        call()
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, _refusal(exc))
        if back_to_list:
            return _replans(request, status=400)
        return _detail(request, project, status=400)
    messages.success(request, success)
    if back_to_list:
        return redirect("projects:replans")
    return redirect("projects:detail", pk=project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def node_complete(request, pk: int):
    """Complete a node (its actual date: today unless given)."""
    node = found(selectors.node_get(request.user, pk=pk))
    if request.method == "GET":
        return redirect("projects:detail", pk=node.project_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The node was not completed: the form was not filled in."))
        return _detail(request, node.project, status=400)
    data = form.cleaned_data
    return _done(
        request,
        node.project,
        lambda: services.node_complete(
            actor=request.user,
            node=node,
            done_on=data["done_on"],
            expected_version=data["version"],
        ),
        _("Completed: %(node)s.") % {"node": node.name},
    )


@login_required
@require_http_methods(["GET", "POST"])
def node_replan(request, pk: int):
    """Ask for a node's new planned date, with the reason; a leader decides."""
    node = found(selectors.node_get(request.user, pk=pk))
    if request.method == "GET":
        return redirect("projects:detail", pk=node.project_id)
    form = ReplanForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The re-plan was not asked for: give the new date and the reason.")
        )
        return _detail(request, node.project, status=400)
    data = form.cleaned_data
    return _done(
        request,
        node.project,
        lambda: services.replan_request(
            actor=request.user,
            node=node,
            to_on=data["to_on"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        _("The re-plan of %(node)s awaits a leader's decision.") % {"node": node.name},
    )


@login_required
@require_POST
def replan_decide(request, pk: int):
    """Approve or refuse a re-plan (a leader, or the project's leading cadre)."""
    replan = found(selectors.replan_get(request.user, pk=pk))
    project = replan.node.project
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or refuse the re-plan."))
        return _detail(request, project, status=400)
    decision = form.cleaned_data["decision"]
    return _done(
        request,
        project,
        lambda: services.replan_decide(
            actor=request.user, replan=replan, decision=decision, note=form.cleaned_data["note"]
        ),
        _("Re-plan approved.") if decision == Replan.Status.APPROVED else _("Re-plan refused."),
        back_to_list=form.cleaned_data["back"] == "replans",
    )


def _replans(request, *, status=200):
    return render(
        request,
        "projects/replans.html",
        {"pending": selectors.replans_to_decide(request.user)},
        status=status,
    )


@login_required
def replan_list(request):
    """The re-plans awaiting the user's decision (待审批改期), with approve and refuse."""
    return _replans(request)


@login_required
def meeting(request):
    """The scheduling meeting (调度会): red and yellow nodes beside the open guarantee items,
    grouped by department (or utility); printable on A4."""
    groups = selectors.meeting_board(request.user)
    return render(
        request,
        "projects/meeting.html",
        {
            "groups": groups,
            "today": timezone.localdate(),
            "warn_days": selectors.warn_days(),
            "count": sum(len(g.items) for g in groups),
            "items": sum(len(g.guarantees) for g in groups),
        },
    )


@login_required
def meeting_export(request):
    """The scheduling meeting's rows as an .xlsx (the same rows as the page)."""
    today = timezone.localdate()
    groups = selectors.meeting_board(request.user, today=today)
    columns = [
        Column(_("Department or utility"), 18),
        Column(pgettext("scheduling meeting row", "Kind"), 10),
        Column(_("Project"), 30),
        Column(_("Node or item"), 24),
        Column(_("Light or state"), 10),
        Column(_("Planned or due date"), 12, "date"),
        Column(_("Days late"), 8, "int"),
        Column(_("Person in charge"), 12),
        Column(_("Blocked by, or note"), 40, "wrap"),
    ]
    return export_response(
        request,
        [(_("Scheduling meeting"), columns, _meeting_rows(groups))],
        _("scheduling-meeting-%(day)s.xlsx") % {"day": today.isoformat()},
        what="scheduling meeting",
    )


def _guarantee_data(form: GuaranteeForm) -> services.GuaranteeData:
    d = form.cleaned_data
    return services.GuaranteeData(
        category=d["category"],
        land_stage=d["land_stage"] or "",
        quantity=d["quantity"],
        unit=d["unit"],
        need=d["need"],
        department=d["department"],
        utility=d["utility"],
        due_on=d["due_on"],
        note=d["note"],
    )


def _on_form(form, exc: ValidationFailed) -> None:
    """A service's refusal shown on the form: under each field it names, else above it."""
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


@login_required
@require_http_methods(["GET", "POST"])
def guarantee_add(request, pk: int):
    """Add an element guarantee item to the project's checklist."""
    project = found(selectors.project_get(request.user, pk=pk))
    if request.method == "GET":
        return redirect("projects:detail", pk=project.pk)
    if not access.can_add_guarantee(request.user, project):
        raise Forbidden
    form = GuaranteeForm(request.POST, project=project)
    if form.is_valid():
        try:
            item = services.guarantee_create(
                actor=request.user, project=project, data=_guarantee_data(form)
            )
        except ValidationFailed as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("Guarantee item added: %(item)s.") % {"item": item})
            return redirect("projects:detail", pk=project.pk)
    messages.error(request, _("The guarantee item was not added: see the form."))
    return _detail(request, project, status=400, add_form=form)


def _item(request, pk: int) -> Guarantee:
    item = selectors.guarantee_get(request.user, pk=pk)
    if item is None:
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def guarantee_edit(request, pk: int):
    """Change an item (on the version the editor read)."""
    item = _item(request, pk)
    project = item.project
    if request.method == "GET":
        return redirect("projects:detail", pk=project.pk)
    if not access.can_edit_guarantee(request.user, item):
        raise Forbidden
    form = GuaranteeForm(request.POST, project=project, prefix=f"g{item.pk}")
    if form.is_valid():
        try:
            services.guarantee_edit(
                actor=request.user,
                guarantee=item,
                data=_guarantee_data(form),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            _on_form(form, exc)
        except DomainError as exc:  # a stale version: who changed it and when
            messages.error(request, _refusal(exc))
            return _detail(request, project, status=400)
        else:
            messages.success(request, _("Guarantee item saved: %(item)s.") % {"item": item})
            return redirect("projects:detail", pk=project.pk)
    messages.error(request, _("The guarantee item was not saved: see the form."))
    return _detail(request, project, status=400, edit_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def guarantee_done(request, pk: int):
    """Mark an item done (the nodes it blocked are released)."""
    item = _item(request, pk)
    project = item.project
    if request.method == "GET":
        return redirect("projects:detail", pk=project.pk)
    form = GuaranteeDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The guarantee item was not marked done: give a valid date."))
        return _detail(request, project, status=400)
    data = form.cleaned_data
    return _done(
        request,
        project,
        lambda: services.guarantee_done(
            actor=request.user,
            guarantee=item,
            done_on=data["done_on"],
            expected_version=data["version"],
        ),
        _("Guarantee item done: %(item)s.") % {"item": item},
    )


def _service_done(request, project, call, success: str, form_key: str, form):
    """Run a service request's service: on success back to the project's service log, else
    the page again with the reason (field errors beside the form that was sent)."""
    try:
        call()
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, _refusal(exc))
        if isinstance(exc, ValidationFailed):  # beside the field as well, when it has one
            for name, msgs in exc.errors.items():
                if name in form.fields:
                    form.add_error(name, msgs)
        return _detail(request, project, status=400, service_forms={form_key: form})
    messages.success(request, success)
    return redirect(reverse("projects:detail", args=[project.pk]) + "#service-log")


@login_required
@require_POST
def service_raise(request, pk: int):
    """Raise a service request of the project (7x24)."""
    project = found(selectors.project_get(request.user, pk=pk))
    if not access.can_raise_service(request.user, project):
        raise PermissionDenied(_("You cannot raise a service request for this project."))
    form = ServiceRaiseForm(request.POST, choices=selectors.service_choices())
    if not form.is_valid():
        messages.error(request, _("The request was not recorded: see the fields marked."))
        return _detail(request, project, status=400, service_forms={"raise": form})
    data = form.cleaned_data
    return _service_done(
        request,
        project,
        lambda: services.service_request_raise(
            actor=request.user,
            project=project,
            category=data["category"],
            title=data["title"],
            description=data["description"],
            raised_via=data["raised_via"],
            at=data["at"],
        ),
        _("Service request recorded: %(title)s.") % {"title": data["title"]},
        "raise",
        form,
    )


@login_required
@require_http_methods(["GET", "POST"])
def node_block(request, pk: int):
    """Mark a node blocked by one of its project's open guarantee items, or release it."""
    node = found(selectors.node_get(request.user, pk=pk))
    project = node.project
    if request.method == "GET":
        return redirect("projects:detail", pk=project.pk)
    form = BlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the guarantee item the node waits for."))
        return _detail(request, project, status=400)
    item = None
    if form.cleaned_data["guarantee"]:
        item = selectors.project_guarantee(project.pk, form.cleaned_data["guarantee"])
        if item is None:
            messages.error(request, _("Choose a guarantee item of this project."))
            return _detail(request, project, status=400)
    return _done(
        request,
        project,
        lambda: services.node_block(
            actor=request.user,
            node=node,
            guarantee=item,
            expected_version=form.cleaned_data["version"],
        ),
        (_("%(node)s is marked blocked by %(item)s.") % {"node": node.name, "item": item})
        if item
        else _("%(node)s is no longer marked blocked.") % {"node": node.name},
    )


def _meeting_rows(groups):
    """The meeting's rows as the page lists them: each group's nodes, then its open items."""
    for g in groups:
        name = g.name or _("No department in charge")
        for i in g.items:
            blocked = i.blocked_by
            yield [
                name,
                _("Node"),
                i.node.project.name,
                i.node.name,
                _("Red") if i.light == "red" else _("Yellow"),
                i.node.planned_on,
                i.late_days or None,
                i.node.person.full_name if i.node.person else "",
                str(blocked) if blocked else "",
            ]
        for r in g.guarantees:
            item = r.guarantee
            yield [
                name,
                _("Guarantee item"),
                item.project.name,
                str(item),
                _("Overdue") if r.overdue else pgettext("guarantee item", "Open"),
                item.due_on,
                None,
                "",
                item.note,
            ]


@login_required
@require_POST
def service_respond(request, pk: int):
    """Record the response: the request handed to a department of the zone."""
    item = found(selectors.service_request_get(request.user, pk=pk))
    form = ServiceRespondForm(request.POST, zone=item.project.zone)
    if not form.is_valid():
        messages.error(request, _("The response was not recorded: choose the department."))
        return _detail(request, item.project, status=400)
    data = form.cleaned_data
    return _service_done(
        request,
        item.project,
        lambda: services.service_request_respond(
            actor=request.user, request=item, department=data["department"], at=data["at"]
        ),
        _("Response recorded: handed to %(department)s.") % {"department": data["department"]},
        "respond",
        form,
    )


@login_required
@require_POST
def service_resolve(request, pk: int):
    """Record the resolution as the department reports it."""
    item = found(selectors.service_request_get(request.user, pk=pk))
    form = ServiceResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The resolution was not recorded: write how it was resolved."))
        return _detail(request, item.project, status=400)
    data = form.cleaned_data
    return _service_done(
        request,
        item.project,
        lambda: services.service_request_resolve(
            actor=request.user, request=item, resolution=data["resolution"], at=data["at"]
        ),
        _("Resolution recorded."),
        "resolve",
        form,
    )


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
        {"d": data, "zones": zones.order_by("code"), "zone": zone, "chart": chart},
    )
