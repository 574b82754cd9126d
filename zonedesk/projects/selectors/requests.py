"""7x24 service requests: the service log and its clock."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from zonedesk.casework import clock
from zonedesk.casework.clock import ClockRow
from zonedesk.casework.selectors import clock_rows as work_clock_rows
from zonedesk.casework.selectors import problem_choices as clock_choices
from zonedesk.org.access import is_active
from zonedesk.org.models import Role
from zonedesk.projects import access, servicelog
from zonedesk.projects.facts import ServiceFacts
from zonedesk.projects.flows import TO_RESOLVED
from zonedesk.projects.models import (
    Project,
    ServiceRequest,
)
from zonedesk.projects.selectors.projects import project_scope

# --- service requests (7x24) -----------------------------------------------------------------


@dataclass
class ServiceLogRow:
    """One service request on the project's page: the clock's row, the hours taken, whether
    it ran past a limit, and what the user may record on it (the services check again)."""

    request: ServiceRequest
    clock: ClockRow
    response_hours: float | None
    resolution_hours: float | None
    late_response: bool
    late_resolution: bool
    can_respond: bool
    can_resolve: bool

    @property
    def overdue(self) -> bool:
        return self.late_response or self.late_resolution


def service_log(user, project: Project, *, now: dt.datetime | None = None) -> list[ServiceLogRow]:
    """The project's service requests, newest first, on the round-the-clock clock (hours,
    nights and weekends counted). The project is one the user sees (project_get)."""
    now = now or timezone.now()
    requests = {r.problem_id: r for r in project.service_requests.all()}
    clocks = {c.problem_id: c for c in work_clock_rows(requests)}
    rows = []
    for problem_id, request in requests.items():
        c = clocks[problem_id]
        rows.append(
            ServiceLogRow(
                request=request,
                clock=c,
                response_hours=clock.response_hours(c),
                resolution_hours=clock.resolution_hours(c),
                late_response=clock.late_response(c, now),
                late_resolution=clock.late_resolution(c, now),
                can_respond=c.status == "submitted" and _may_respond(user, project),
                can_resolve=c.status in TO_RESOLVED and _may_resolve(user, project, c),
            )
        )
    rows.sort(key=lambda r: (r.clock.raised_at, r.request.pk), reverse=True)
    return rows


def _may_respond(user, project: Project) -> bool:
    return access.is_manager(user, project) or access.is_service_officer(user, project)


def _may_resolve(user, project: Project, c: ClockRow) -> bool:
    if _may_respond(user, project):
        return True
    return (
        is_active(user)
        and user.has_role(Role.DEPARTMENT)
        and user.department_id is not None
        and user.department_id == c.department_id
    )


def service_request_get(user, *, pk: int) -> ServiceRequest | None:
    return (
        ServiceRequest.objects.filter(project__in=project_scope(user))
        .select_related("project__zone__area", "problem__enterprise__zone__area")
        .filter(pk=pk)
        .first()
    )


def service_facts(projects: QuerySet[Project], *, start, end, now) -> ServiceFacts:
    """The service requests of `projects` raised from `start` to `end` (instants), as of
    `now` (servicelog.figures)."""
    ids = ServiceRequest.objects.filter(
        project__in=projects, created_at__gte=start, created_at__lt=end
    ).values_list("problem_id", flat=True)
    return servicelog.figures(work_clock_rows(ids), start=start, end=end, now=now)


def service_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices of a request's category and way raised (casework's).

    Reference data: not scoped, because they are the same for every user."""
    return clock_choices()
