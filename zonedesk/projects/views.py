"""Pages of key projects: the list with lights, one project with its nodes (complete, re-plan,
decide a re-plan), and the scheduling meeting's list (调度会)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from zonedesk.core.views import found
from zonedesk.projects import access, selectors, services
from zonedesk.projects.forms import (
    CompleteForm,
    DecideForm,
    FilterForm,
    ReplanForm,
    ServiceRaiseForm,
    ServiceResolveForm,
    ServiceRespondForm,
)
from zonedesk.projects.models import Replan


def _refusal(exc: DomainError) -> str:
    """The messages of a refusal, without the names of fields."""
    if isinstance(exc, ValidationFailed):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message


@login_required
def project_list(request):
    """The user's key projects with their lights, filtered by level, kind and light."""
    form = FilterForm(request.GET or None)
    f = form.cleaned_data if form.is_valid() else {}
    rows = selectors.project_rows(
        request.user,
        level=f.get("level") or None,
        kind=f.get("kind") or None,
        light=f.get("light") or None,
    )
    return render(
        request,
        "projects/list.html",
        {"form": form, "rows": rows, "today": timezone.localdate(), "f": f},
    )


def _detail(request, project, *, status=200, service_forms=None):
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "service_rows": selectors.service_log(request.user, project),
            "can_raise_service": project.investor_id is not None
            and access.can_raise_service(request.user, project),
            "service_form": (service_forms or {}).get("raise")
            or ServiceRaiseForm(choices=selectors.service_choices()),
            "departments": project.zone.departments.order_by("name"),
            "hours": services.service_hours(project.zone),
            "now": timezone.localtime(),
            "rows": selectors.node_rows(request.user, project),
            "replans": selectors.replans_of(request.user, project)[:50],
            "today": timezone.localdate(),
            "can_decide": access.can_decide_replan(request.user, project),
        },
        status=status,
    )


@login_required
def project_detail(request, pk: int):
    return _detail(request, found(selectors.project_get(request.user, pk=pk)))


def _done(request, project, call, success: str):
    """Run a service for a node's form: on success back to the project, else the page again
    with the reason (a stale version names who changed the node and when)."""
    try:
        call()
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, _refusal(exc))
        return _detail(request, project, status=400)
    messages.success(request, success)
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
    )


@login_required
def meeting(request):
    """The scheduling meeting (调度会): red and yellow nodes grouped by department."""
    groups = selectors.meeting(request.user)
    return render(
        request,
        "projects/meeting.html",
        {
            "groups": groups,
            "today": timezone.localdate(),
            "count": sum(len(items) for _name, items in groups),
        },
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
