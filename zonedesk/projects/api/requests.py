"""7x24 service requests over the API: raise, respond, resolve."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.projects import access, selectors, services
from zonedesk.projects.api.projects import _one_of, _project
from zonedesk.projects.models import (
    ServiceRequest,
)
from zonedesk.projects.schemas import (
    ServiceRaiseIn,
    ServiceRequestOut,
    ServiceResolveIn,
    ServiceRespondIn,
)

router = Router(tags=["projects"])


# --- service requests (7x24) -------------------------------------------------------------------


def _instant(at: dt.datetime | None) -> dt.datetime | None:
    """A time sent without an offset is the zone's local time; one that no calendar holds once
    its offset is applied is a field error."""
    if at is None:
        return None
    try:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        at.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        raise ValidationFailed({"at": [_("Not a time that can be recorded.")]}) from exc
    return at


def _service_out(row: selectors.ServiceLogRow) -> dict:
    c = row.clock
    return {
        "id": row.request.pk,
        "project_id": row.request.project_id,
        "problem_id": c.problem_id,
        "title": c.title,
        "category": c.category,
        "status": c.status,
        "status_label": c.status_label,
        "department": c.department,
        "raised_by": c.raised_by,
        "raised_at": c.raised_at,
        "respond_by": c.respond_by,
        "resolve_by": c.resolve_by,
        "responded_at": c.responded_at,
        "resolved_at": c.resolved_at,
        "response_hours": row.response_hours,
        "resolution_hours": row.resolution_hours,
        "late_response": row.late_response,
        "late_resolution": row.late_resolution,
        "can_respond": row.can_respond,
        "can_resolve": row.can_resolve,
    }


def _service_row(request, item: ServiceRequest) -> dict:
    project = _project(request, item.project_id)
    rows = selectors.service_log(request.user, project)
    return _service_out(next(r for r in rows if r.request.pk == item.pk))


@router.get("/projects/{int:pk}/service", response=list[ServiceRequestOut])
def list_service_requests(request, pk: int):
    """The project's service requests (7x24), newest first, on the round-the-clock clock: the
    limits to respond and resolve, the hours taken, whether each ran late and what the caller
    may record on it."""
    project = _project(request, pk)
    return [_service_out(r) for r in selectors.service_log(request.user, project)]


@router.post("/projects/{int:pk}/service", response={201: ServiceRequestOut})
def raise_service_request(request, pk: int, payload: ServiceRaiseIn):
    """Raise a service request: a casework problem of the investor firm on the round-the-clock
    clock, followed by the project's service officer. The zone's managers, the service officer
    or the investor firm's user; `at`: when it came in (not in the future)."""
    project = _project(request, pk)
    if not access.can_raise_service(request.user, project):
        raise PermissionDenied(_("You cannot raise a service request for this project."))
    choices = selectors.service_choices()
    errors = {}
    for field in ("category", "raised_via"):
        values = [v for v, _label in choices[field]]
        if getattr(payload, field) not in values:
            errors[field] = _one_of(values)
    if errors:
        raise ValidationFailed(errors)
    item = services.service_request_raise(
        actor=request.user,
        project=project,
        category=payload.category,
        title=payload.title,
        description=payload.description,
        raised_via=payload.raised_via,
        at=_instant(payload.at),
    )
    return Status(201, _service_row(request, item))


def _service_request(request, pk: int) -> ServiceRequest:
    item = selectors.service_request_get(request.user, pk=pk)
    if item is None:
        raise NotFound(_("No such service request."))
    return item


@router.post("/projects/service/{int:pk}/respond", response=ServiceRequestOut)
def respond_service_request(request, pk: int, payload: ServiceRespondIn):
    """Record the response: the request accepted and handed to a department of the zone (a
    manager or the service officer). 400 for a department of another zone or a time in the
    future or before its last step; 409 once it was responded to."""
    item = _service_request(request, pk)
    department = selectors.zone_department(payload.department)
    services.service_request_respond(
        actor=request.user, request=item, department=department, at=_instant(payload.at)
    )
    return _service_row(request, item)


@router.post("/projects/service/{int:pk}/resolve", response=ServiceRequestOut)
def resolve_service_request(request, pk: int, payload: ServiceResolveIn):
    """Record the resolution as the department reports it (the casework steps to resolved,
    each with it as its note): a manager, the service officer or the department it was handed
    to. 400 before it was responded to or once resolved; `at`: when (optional)."""
    item = _service_request(request, pk)
    services.service_request_resolve(
        actor=request.user, request=item, resolution=payload.resolution, at=_instant(payload.at)
    )
    return _service_row(request, item)
