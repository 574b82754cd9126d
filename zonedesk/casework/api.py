"""Casework over the API: firms' problems (诉求) and their steps, contacts due, a zone's overview.
The same services and selectors as the pages: scoping and every rule live there."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from zonedesk.casework import flows, selectors, services
from zonedesk.casework.models import Problem
from zonedesk.casework.schemas import (
    ActionIn,
    ActionOut,
    ContactDueOut,
    ContactRecordIn,
    ContactRecordOut,
    DifficultiesOut,
    OverviewOut,
    PlanIn,
    PlanOut,
    ProblemDetailOut,
    ProblemFilterIn,
    ProblemIn,
    ProblemOut,
    StepIn,
)
from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.pagination import LazyPage, Pagination
from zonedesk.core.period import Period
from zonedesk.core.schemas import ConflictOut
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.selectors import zone_get

router = Router(tags=["casework"])


def _out(p: Problem, today: dt.date) -> dict:
    return {
        "id": p.pk,
        "enterprise_id": p.enterprise_id,
        "enterprise": p.enterprise.name,
        "category": p.category,
        "title": p.title,
        "severity": p.severity,
        "status": p.status,
        "department": p.department.name if p.department_id else None,
        "assignee": str(p.assignee) if p.assignee_id else None,
        "due_at": p.due_at,
        "due_uncertain": p.due_uncertain,
        "overdue": flows.is_overdue(p, today),
        "extended": p.extended,
        "escalated": p.escalated_at is not None,
        "satisfaction": p.satisfaction,
        "created_at": p.created_at,
    }


def _detail(request, p: Problem) -> dict:
    return {
        **_out(p, timezone.localdate()),
        "description": p.description,
        "raised_via": p.raised_via,
        "anonymous": p.anonymous,
        "firm_comment": p.firm_comment,
        "next_steps": flows.next_steps(request.user, p),
        "events": [
            {
                "step": e.move,
                "from_status": e.from_state,
                "to_status": e.to_state,
                "actor": str(e.actor) if e.actor_id else None,
                "at": e.at,
                "reason": e.reason,
            }
            for e in p.events.all()
        ],
    }


@router.get("/problems", response=list[ProblemOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_problems(request, filters: Query[ProblemFilterIn]):
    """The problems the user may see (a firm: its own; a department: those in its charge),
    overdue first, then soonest deadline."""
    f = filters.dict()
    errors = {}
    if f["status"] and f["status"] not in Problem.Status.values:
        errors["status"] = [_("Not one of: %(values)s.") % {"values": ", ".join(Problem.Status)}]
    if f["category"] and f["category"] not in Problem.Category.values:
        errors["category"] = [
            _("Not one of: %(values)s.") % {"values": ", ".join(Problem.Category)}
        ]
    if errors:
        raise ValidationFailed(errors)
    today = timezone.localdate()
    qs = selectors.problems(
        request.user,
        status=f["status"] or None,
        category=f["category"] or None,
        overdue=f["overdue"],
        mine=f["mine"],
        enterprise=f["enterprise"],
        today=today,
    )
    return LazyPage(selectors.overdue_first(qs, today), lambda p: _out(p, today))


def _problem(request, pk: int) -> Problem:
    problem = selectors.problem_get(request.user, pk=pk)
    if problem is None:
        raise NotFound(_("No such problem."))
    return problem


@router.get("/problems/{int:pk}", response=ProblemDetailOut)
def get_problem(request, pk: int):
    """One problem with every step taken and the steps the user may take next."""
    return _detail(request, _problem(request, pk))


@router.post("/firms/{int:pk}/problems", response={201: ProblemDetailOut})
def submit_problem(request, pk: int, payload: ProblemIn):
    """Raise a problem for a firm (the firm itself, its liaison officer or a zone leader)."""
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)d.") % {"id": pk})
    problem = services.problem_submit(actor=request.user, enterprise=enterprise, **payload.dict())
    return Status(201, _detail(request, _problem(request, problem.pk)))


@router.post("/problems/{int:pk}/steps", response=ProblemDetailOut)
def take_step(request, pk: int, payload: StepIn):
    """The problem's next step; refused (409) when it may not follow, 400 when an input is
    missing, 403 when the user may not take it."""
    problem = _problem(request, pk)
    data = payload.dict()
    department_id, assignee_id = data.pop("department_id"), data.pop("assignee_id")
    department = assignee = None
    if department_id is not None:
        department = selectors.departments_for(problem).filter(pk=department_id).first()
        if department is None:
            raise ValidationFailed({"department_id": [_("Not a department of the firm's zone.")]})
    if assignee_id is not None:
        assignee = selectors.active_user(request.user, pk=assignee_id)
        if assignee is None:
            raise ValidationFailed({"assignee_id": [_("No such user.")]})
    services.problem_transition(
        actor=request.user, problem=problem, department=department, assignee=assignee, **data
    )
    return _detail(request, _problem(request, pk))


@router.get("/casework/contacts-due", response=list[ContactDueOut])
def contacts_due(request):
    """Firms whose next visit or call is overdue by their contact plan: an officer's own, a
    leader's whole unit."""
    return [
        {
            "enterprise_id": r.enterprise.pk,
            "enterprise": r.enterprise.name,
            "at_risk": r.at_risk,
            "visit_every_days": r.visit_every_days,
            "call_every_days": r.call_every_days,
            "last_visit": r.last_visit,
            "last_contact": r.last_contact,
            "visit_days_overdue": r.visit_days_overdue,
            "call_days_overdue": r.call_days_overdue,
            "never_visited": r.never_visited,
            "days_overdue": r.days_overdue,
        }
        for r in selectors.contacts_due(request.user, today=timezone.localdate())
    ]


def _row(r) -> dict:
    def two(v):
        return None if v is None else v.quantize(Decimal("0.01"), ROUND_HALF_UP)

    return {
        "key": r.key,
        "label": str(r.label),
        "raised": r.raised,
        "open": r.open,
        "overdue": r.overdue,
        "resolved": r.resolved,
        "avg_days_to_resolve": two(r.avg_days_to_resolve),
        "satisfaction_avg": two(r.satisfaction_avg),
    }


@router.get("/zones/{code}/casework", response=OverviewOut)
def zone_casework(request, code: str, period: str = Query(..., max_length=7)):
    """A zone's problems in a month: raised, open, overdue and resolved by category and by
    department, days to resolve and satisfaction."""
    if not can_view_dashboard(request.user):
        raise PermissionDenied(_("Zone-wide figures are for the zone's staff."))
    zone = zone_get(request.user, code=code)
    if zone is None:
        raise NotFound(_("No such zone or area in your unit."))
    try:
        month = Period.parse(period)
    except ValueError as exc:
        raise ValidationFailed(
            {"period": [_("Not a month: write YYYY-MM, e.g. 2020-06.")]}
        ) from exc
    overview = selectors.zone_overview(request.user, zone=zone, period=month)
    if overview is None:
        raise NotFound(_("No such zone or area in your unit."))
    return {
        "zone": zone.code,
        "period": str(month),
        "total": _row(overview.total),
        "by_category": [_row(r) for r in overview.by_category],
        "by_department": [_row(r) for r in overview.by_department],
    }


@router.post("/firms/{int:pk}/contacts", response={201: ContactRecordOut})
def log_contact(request, pk: int, payload: ContactRecordIn):
    """Record a visit or call (the firm's liaison officer or a zone leader), with the problems
    heard."""
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)d.") % {"id": pk})
    data = payload.dict()
    heard = [services.ProblemData(**p) for p in data.pop("problems")]
    contact = services.contact_log(
        actor=request.user,
        enterprise=enterprise,
        participants=[request.user],
        problems=heard,
        **data,
    )
    return Status(
        201,
        {
            "id": contact.pk,
            "enterprise_id": enterprise.pk,
            "date": contact.date,
            "kind": contact.kind,
            "problems": list(contact.problems.values_list("id", flat=True)),
        },
    )


def _plan_firm(request, pk: int):
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No enterprise with id %(id)d.") % {"id": pk})
    return enterprise


@router.get("/firms/{int:pk}/contact-plan", response=PlanOut)
def get_contact_plan(request, pk: int):
    """The firm's contact plan as its plan page shows it (the defaults and version 0 when it
    has none yet); its `version` goes with a change (PUT)."""
    enterprise = _plan_firm(request, pk)
    if not can_view_dashboard(request.user):
        raise PermissionDenied(_("Zone-wide figures are for the zone's staff."))
    plan = selectors.plan_initial(enterprise)
    cadre = _cadre(enterprise, plan["leading_cadre"])
    return {
        "enterprise_id": enterprise.pk,
        **{k: plan[k] for k in ("visit_every_days", "call_every_days", "at_risk", "version")},
        "leading_cadre": str(cadre) if cadre else None,
    }


def _cadre(enterprise, pk):
    return selectors.cadres(enterprise).filter(pk=pk).first() if pk else None


@router.put("/firms/{int:pk}/contact-plan", response={200: PlanOut, 409: ConflictOut})
def set_contact_plan(request, pk: int, payload: PlanIn):
    """How often the firm is to be visited and called (its officer or a zone leader).
    `version`: the plan's as read, or none when the firm has no plan yet; 409 if it changed
    (or was set by someone else) since."""
    enterprise = _plan_firm(request, pk)
    values = payload.dict()
    version = values.pop("version") or 0
    plan = services.plan_set(
        actor=request.user, enterprise=enterprise, expected_version=version, **values
    )
    return {
        "enterprise_id": enterprise.pk,
        "visit_every_days": plan.visit_every_days,
        "call_every_days": plan.call_every_days,
        "at_risk": plan.at_risk,
        "leading_cadre": str(plan.leading_cadre) if plan.leading_cadre_id else None,
        "version": plan.version,
    }


@router.post("/firms/{int:pk}/plan-actions", response={201: ActionOut})
def add_plan_action(request, pk: int, payload: ActionIn):
    """Add an action to the firm's own plan (一企一策): its liaison officer or a zone leader;
    the owner is an official of the firm's zone who acts on firms, else 400 on `owner_id`."""
    from zonedesk.policies.selectors import measure_get

    enterprise = _plan_firm(request, pk)
    data = payload.dict()
    owner = selectors.action_owners(enterprise.zone).filter(pk=data.pop("owner_id")).first()
    problem_id, measure_id = data.pop("problem_id"), data.pop("measure_id")
    problem = selectors.problem_get(request.user, pk=problem_id) if problem_id else None
    measure = measure_get(request.user, measure_id) if measure_id else None
    errors = {}
    if owner is None:
        errors["owner_id"] = [
            _(
                "Not an official of the firm's zone who can be responsible for an action (a "
                "leader, liaison officer or department staff)."
            )
        ]
    if problem_id and problem is None:
        errors["problem_id"] = [_("No such problem.")]
    if measure_id and measure is None:
        errors["measure_id"] = [_("No such measure.")]
    if errors:
        raise ValidationFailed(errors)
    action = services.action_add(
        actor=request.user,
        enterprise=enterprise,
        owner=owner,
        problem=problem,
        measure=measure,
        **data,
    )
    return Status(
        201,
        {
            "id": action.pk,
            "enterprise_id": enterprise.pk,
            "kind": action.kind,
            "title": action.title,
            "owner_id": owner.pk,
            "owner": str(owner),
            "due_on": action.due_on,
            "status": action.status,
            "problem_id": action.problem_id,
            "measure_id": action.measure_id,
        },
    )


@router.get("/zones/{code}/difficulties", response=DifficultiesOut)
def zone_difficulties(request, code: str, period: str = Query(..., max_length=8)):
    """The difficulties section of a month (YYYY-MM) or a quarter (YYYY-Qn), from the stored
    problems."""
    from zonedesk.casework.difficulties import ordered
    from zonedesk.core.report_periods import months
    from zonedesk.reports import sections

    if not can_view_dashboard(request.user):
        raise PermissionDenied(_("Zone-wide figures are for the zone's staff."))
    zone = zone_get(request.user, code=code)
    if zone is None:
        raise NotFound(_("No such zone or area in your unit."))
    try:
        first, last, label = months(period)
    except ValueError as exc:
        raise ValidationFailed(
            {"period": [_("Not a month or a quarter: write 2020-06 or 2020-Q2.")]}
        ) from exc
    found = selectors.difficulties(request.user, zone=zone, first=first, last=last, label=label)
    if found is None:
        raise NotFound(_("No such zone or area in your unit."))
    return {
        "period": label,
        "text": sections.difficulties.paragraph(found),
        "firms": found.firms,
        "categories": [
            {
                "category": c.key,
                "raised": c.raised,
                "firms": c.firms,
                "resolved": c.resolved,
                "overdue": c.overdue,
                "previous": c.previous,
            }
            for c in ordered(found.categories)
        ],
    }
