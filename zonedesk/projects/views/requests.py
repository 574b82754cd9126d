"""7x24 service requests: raise, respond, resolve."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zonedesk.core.errors import PermissionDenied
from zonedesk.core.views import found
from zonedesk.projects import access, selectors, services
from zonedesk.projects.forms import (
    ServiceRaiseForm,
    ServiceResolveForm,
    ServiceRespondForm,
)
from zonedesk.projects.views.common import _detail, _service_done


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
