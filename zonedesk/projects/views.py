"""Pages of key projects: the list with lights, one project with its nodes (complete, re-plan,
decide a re-plan), and the scheduling meeting's list (调度会)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import DomainError, PermissionDenied, ValidationFailed
from zonedesk.core.views import found
from zonedesk.projects import access, selectors, services
from zonedesk.projects.forms import CompleteForm, DecideForm, FilterForm, ReplanForm
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
        {
            "form": form,
            "rows": rows,
            "today": timezone.localdate(),
            "f": f,
            "warn_days": selectors.warn_days(),
            "to_decide": len(selectors.replans_to_decide(request.user)),
        },
    )


def _detail(request, project, *, status=200):
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "rows": selectors.node_rows(request.user, project),
            "replans": selectors.replans_of(request.user, project)[:50],
            "today": timezone.localdate(),
            "can_decide": access.can_decide_replan(request.user, project),
            "warn_days": selectors.warn_days(),
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
    """The scheduling meeting (调度会): red and yellow nodes grouped by department."""
    groups = selectors.meeting(request.user)
    return render(
        request,
        "projects/meeting.html",
        {
            "groups": groups,
            "today": timezone.localdate(),
            "count": sum(len(items) for _name, items in groups),
            "warn_days": selectors.warn_days(),
        },
    )
