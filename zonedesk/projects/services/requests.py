"""7x24 service requests: casework problems on the round-the-clock clock."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from zonedesk.casework import services as casework_services
from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
)
from zonedesk.org.models import Department
from zonedesk.projects import access
from zonedesk.projects.flows import TO_RESOLVED
from zonedesk.projects.models import (
    Project,
    ServiceRequest,
)

# --- service requests (7x24) -----------------------------------------------------------------

DEFAULT_SERVICE_HOURS = {"respond": 2, "resolve": 24}


def service_hours(zone) -> casework_services.Hours:
    """The round-the-clock limits of a zone's service requests: settings
    ZONEDESK["PROJECT_SERVICE_HOURS"] (2 h to respond, 24 h to resolve by default), overridden
    for the zone by ZONEDESK["PROJECT_SERVICE_HOURS_BY_ZONE"][zone code]."""
    hours = {
        **DEFAULT_SERVICE_HOURS,
        **settings.ZONEDESK.get("PROJECT_SERVICE_HOURS", {}),
        **settings.ZONEDESK.get("PROJECT_SERVICE_HOURS_BY_ZONE", {}).get(zone.code, {}),
    }
    return casework_services.Hours(int(hours["respond"]), int(hours["resolve"]))


@transaction.atomic
def service_request_raise(
    *,
    actor: Actor,
    project: Project,
    category: str,
    title: str,
    description: str = "",
    raised_via: str = "phone",
    severity: str = "urgent",
    at: dt.datetime | None = None,
) -> ServiceRequest:
    """A service request of the project (a power cut on site at 22:00, a permit question): a
    casework problem of the investor firm on the round-the-clock clock (service_hours), which
    the project's service officer follows. Raised by the zone's managers, the service officer
    or the investor firm's user; `at`: when it came in, if recorded afterwards."""
    if not access.can_raise_service(actor, project):
        raise PermissionDenied(
            _(
                "Only the zone's leaders, the project's service officer or the investor firm "
                "can raise a service request for %(project)s."
            )
            % {"project": project}
        )
    if project.investor_id is None:
        raise ValidationFailed(
            {
                "project": [
                    _(
                        "The investor %(name)s is not yet a firm of the registry: add the firm "
                        "and link it to the project before raising a service request."
                    )
                    % {"name": project.investor_name}
                ]
            }
        )
    problem = casework_services.problem_submit(
        actor=actor,
        enterprise=project.investor,
        category=category,
        title=title,
        description=description,
        raised_via=raised_via,
        severity=severity,
        officer=project.service_officer,
        hours=service_hours(project.zone),
        at=at,
    )
    request = ServiceRequest.objects.create(
        project=project, problem=problem, created_at=problem.created_at
    )
    audit.record(
        actor=actor,
        action="create",
        instance=request,
        changes={
            "project": [None, project.name],
            "problem": [None, problem.title],
            "respond_by": [None, audit.plain(problem.respond_by)],
            "resolve_by": [None, audit.plain(problem.resolve_by)],
        },
        **audit_scope(project),
    )
    return request


@transaction.atomic
def service_request_respond(
    *,
    actor: Actor,
    request: ServiceRequest,
    department: Department,
    at: dt.datetime | None = None,
):
    """The response: the request is accepted and handed to a department of the zone (the
    casework step "accepted", by the service officer, the firm's liaison officer or a manager);
    `at`: when it happened, if recorded afterwards."""
    return casework_services.problem_transition(
        actor=actor, problem=request.problem, to="accepted", department=department, at=at
    )


@transaction.atomic
def service_request_resolve(
    *,
    actor: Actor,
    request: ServiceRequest,
    resolution: str,
    at: dt.datetime | None = None,
):
    """The resolution as the department reports it: the casework steps from where the problem
    is to "resolved" (in progress, replied, resolved), each with the resolution as its note,
    by the department's staff, the service officer or a manager. Responded first: a request
    not yet handed to a department is refused."""
    if not resolution.strip():
        raise ValidationFailed({"resolution": [_("Write how the request was resolved.")]})
    problem = request.problem
    problem.refresh_from_db()
    steps = TO_RESOLVED.get(problem.status)
    if steps is None:
        raise ValidationFailed(
            {
                "resolution": [
                    _(
                        "Only a request that was responded to and is not yet resolved can be "
                        "resolved (it is “%(status)s”)."
                    )
                    % {"status": problem.get_status_display()}
                ]
            }
        )
    for to in steps:
        problem = casework_services.problem_transition(
            actor=actor, problem=problem, to=to, reason=resolution, at=at
        )
    return problem
