"""A node's completion, re-plans (asked and decided), blocking by a guarantee item."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.views import found
from zonedesk.projects import access, selectors, services
from zonedesk.projects.forms import (
    BlockForm,
    CompleteForm,
    DecideForm,
    ReplanForm,
)
from zonedesk.projects.models import Replan
from zonedesk.projects.views.common import _detail, _done, _replans


@login_required
@require_http_methods(["GET", "POST"])
def node_complete(request, pk: int):
    """Complete a node on its actual date (given: the form shows today, an empty one is
    refused)."""
    node = found(selectors.node_get(request.user, pk=pk))
    if request.method == "GET":
        return redirect("projects:detail", pk=node.project_id)
    form = CompleteForm(request.POST)
    if not form.is_valid():
        if "done_on" in form.errors:
            messages.error(
                request,
                _("“%(node)s” was not completed: %(reason)s")
                % {"node": node.name, "reason": " ".join(form.errors["done_on"])},
            )
        else:
            messages.error(request, _("The node was not completed: the form was not filled in."))
        return _detail(request, node.project, status=400, complete_errors={node.pk: form.errors})
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
        (
            _(
                "The re-plan of %(node)s awaits the decision of another leader: you asked for "
                "it, so you cannot approve it."
            )
            if access.can_decide_replan(request.user, node.project)
            else _("The re-plan of %(node)s awaits a leader's decision.")
        )
        % {"node": node.name},
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


@login_required
def replan_list(request):
    """The re-plans awaiting the user's decision (待审批改期), with approve and refuse."""
    if not access.can_view_replans(request.user):
        raise Forbidden
    return _replans(request)


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
