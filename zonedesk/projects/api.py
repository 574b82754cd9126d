"""Key projects over the API: the projects with their lights, one project with its nodes,
completing a node, asking for a re-plan and deciding it, a project's re-plans; its element
guarantee items (add, change, done, a node blocked by one), its monthly investment and its
service requests (7x24: raise, respond, resolve). The same services and selectors as the
pages: scoping and every rule live there."""

import datetime as dt
from dataclasses import replace

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.pagination import Pagination
from zonedesk.core.period import Period
from zonedesk.core.schemas import ConflictOut
from zonedesk.org.models import Department
from zonedesk.org.selectors import zone_get
from zonedesk.projects import access, lights, selectors, services
from zonedesk.projects.models import (
    Guarantee,
    Kind,
    MonthlyInvestment,
    Project,
    Replan,
    ServiceRequest,
)
from zonedesk.projects.schemas import (
    BlockIn,
    CompleteIn,
    DecisionIn,
    GuaranteeDoneIn,
    GuaranteeIn,
    GuaranteeOut,
    GuaranteePatchIn,
    InvestmentIn,
    InvestmentMonthOut,
    InvestmentOut,
    NodeOut,
    ProjectDetailOut,
    ProjectFilterIn,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
    ReplanIn,
    ReplanOut,
    ServiceRaiseIn,
    ServiceRequestOut,
    ServiceResolveIn,
    ServiceRespondIn,
)

router = Router(tags=["projects"])

LIGHTS = (lights.RED, lights.YELLOW, lights.GREEN)


def _one_of(values) -> list[str]:
    return [_("Not one of: %(values)s.") % {"values": ", ".join(values)}]


def _project_out(project: Project, *, light: str, stage: str, done: int, total: int) -> dict:
    return {
        "id": project.pk,
        "code": project.code,
        "name": project.name,
        "zone": project.zone.code,
        "level": project.level,
        "kind": project.kind,
        "state": project.state,
        "investor": project.investor_label,
        "investor_id": project.investor_id,
        "light": light,
        "stage": stage,
        "nodes_done": done,
        "nodes_total": total,
        "total_investment_wan": project.total_investment_wan,
        "first_production_month": project.first_production_month,
        "signed_on": project.signed_on,
        "leading_cadre": str(project.leading_cadre) if project.leading_cadre_id else None,
        "service_officer": str(project.service_officer) if project.service_officer_id else None,
        "version": project.version,
    }


def _node_out(row: selectors.NodeRow) -> dict:
    node = row.node
    return {
        "id": node.pk,
        "project_id": node.project_id,
        "seq": node.seq,
        "code": node.code,
        "name": node.name,
        "status": node.status,
        "light": row.light,
        "baseline_on": node.baseline_on,
        "planned_on": node.planned_on,
        "done_on": node.done_on,
        "replanned": node.replanned,
        "department": node.department.name if node.department_id else None,
        "person": str(node.person) if node.person_id else None,
        "waits_for": row.waits_for,
        "pending_replan_id": row.pending.pk if row.pending else None,
        "can_complete": row.can_complete,
        "can_replan": row.can_replan,
        "version": node.version,
    }


def _replan_out(r: Replan) -> dict:
    return {
        "id": r.pk,
        "project_id": r.node.project_id,
        "node_id": r.node_id,
        "node": r.node.name,
        "from_on": r.from_on,
        "to_on": r.to_on,
        "reason": r.reason,
        "status": r.status,
        "requested_by": str(r.requested_by) if r.requested_by_id else None,
        "requested_at": r.requested_at,
        "decided_by": str(r.decided_by) if r.decided_by_id else None,
        "decided_at": r.decided_at,
        "decision_note": r.decision_note,
    }


@router.get("/projects", response=list[ProjectOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_projects(request, filters: Query[ProjectFilterIn]):
    """The key projects the caller may see with their light and stage, red first, then yellow,
    then by code; filtered by level, kind and light (400 on a value that is none of them)."""
    f = filters.dict()
    errors = {}
    if f["level"] and f["level"] not in Project.Level.values:
        errors["level"] = _one_of(Project.Level.values)
    if f["kind"] and f["kind"] not in Kind.values:
        errors["kind"] = _one_of(Kind.values)
    if f["light"] and f["light"] not in LIGHTS:
        errors["light"] = _one_of(LIGHTS)
    if errors:
        raise ValidationFailed(errors)
    rows = selectors.project_rows(
        request.user, level=f["level"] or None, kind=f["kind"] or None, light=f["light"] or None
    )
    return [
        _project_out(r.project, light=r.light, stage=r.stage, done=r.done, total=r.total)
        for r in rows
    ]


def _project(request, pk: int) -> Project:
    project = selectors.project_get(request.user, pk=pk)
    if project is None:
        raise NotFound(_("No such key project."))
    return project


def _detail(request, project: Project) -> dict:
    rows = selectors.node_rows(request.user, project)
    first_open = next((r.node for r in rows if r.light is not None), None)
    out = _project_out(
        project,
        light=lights.worst(r.light for r in rows),
        stage=first_open.name if first_open else "",
        done=sum(r.light is None for r in rows),
        total=len(rows),
    )
    return {
        **out,
        "site": project.site,
        "site_area_mu": project.site_area_mu,
        "yearly_investment_wan": project.yearly_investment_wan,
        "expected_output_wan": project.expected_output_wan,
        "expected_tax_wan": project.expected_tax_wan,
        "industry_code": project.industry_code,
        "investor_credit_code": project.investor_credit_code,
        "nodes": [_node_out(r) for r in rows],
    }


@router.get("/projects/{int:pk}", response=ProjectDetailOut)
def get_project(request, pk: int):
    """One key project with its nodes in order: baseline, planned and actual dates, lights,
    what each waits for, a re-plan awaiting a decision and what the caller may do."""
    return _detail(request, _project(request, pk))


def _node(request, pk: int):
    node = selectors.node_get(request.user, pk=pk)
    if node is None:
        raise NotFound(_("No such project node."))
    return node


def _node_row(request, node) -> dict:
    project = _project(request, node.project_id)
    return _node_out(next(r for r in selectors.node_rows(request.user, project) if r.node == node))


@router.post("/projects/nodes/{int:pk}/complete", response={200: NodeOut, 409: ConflictOut})
def complete_node(request, pk: int, payload: CompleteIn):
    """Complete a node (its actual date: today unless given, never in the future). 409 while a
    node it waits for is open, when it is done already, or when it changed since `version`;
    403 for someone who may not act on it."""
    node = _node(request, pk)
    services.node_complete(
        actor=request.user,
        node=node,
        done_on=payload.done_on,
        expected_version=payload.version,
    )
    return _node_row(request, node)


@router.post("/projects/nodes/{int:pk}/replans", response={201: ReplanOut, 409: ConflictOut})
def request_replan(request, pk: int, payload: ReplanIn):
    """Ask to move an open node's planned date, with the reason; a leader over the zone or the
    project's leading cadre decides. 400 with field errors (no reason, the same date, a
    re-plan already waiting, a done node); 409 when the node changed since `version`."""
    node = _node(request, pk)
    replan = services.replan_request(
        actor=request.user,
        node=node,
        to_on=payload.to_on,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return Status(201, _replan_out(selectors.replan_get(request.user, pk=replan.pk)))


@router.get("/projects/{int:pk}/replans", response=list[ReplanOut])
def list_replans(request, pk: int):
    """The project's re-plans, newest first, each with its reason and decision."""
    project = _project(request, pk)
    return [_replan_out(r) for r in selectors.replans_of(request.user, project)]


@router.post("/projects/replans/{int:pk}/decision", response=ReplanOut)
def decide_replan(request, pk: int, payload: DecisionIn):
    """Approve (the node's planned date moves; its baseline stays) or refuse (with a note) a
    re-plan: a leader over the zone or the project's leading cadre, not the one who asked for
    it. 409 once it is decided."""
    replan = selectors.replan_get(request.user, pk=pk)
    if replan is None:
        raise NotFound(_("No such re-plan."))
    decisions = (Replan.Status.APPROVED, Replan.Status.REFUSED)
    if payload.decision not in decisions:
        raise ValidationFailed({"decision": _one_of(decisions)})
    services.replan_decide(
        actor=request.user, replan=replan, decision=payload.decision, note=payload.note
    )
    return _replan_out(selectors.replan_get(request.user, pk=pk))


# --- creating and editing a project (pform) --------------------------------------------------

REQUIRED = (
    "code",
    "name",
    "level",
    "total_investment_wan",
    "first_production_month",
    "signed_on",
    "state",
)
TEXTS = ("investor_name", "investor_credit_code", "industry_code", "site")


def _people_and_firm(request, zone, fields: dict) -> dict:
    """`fields` with the investor's id and the people's user names resolved among the zone's
    firms, leaders over it and officers of it (400 on a name that is none of them)."""
    choices = selectors.project_form_choices(request.user, [zone])
    errors = {}
    out = dict(fields)
    if "investor_id" in out:
        firm_id = out.pop("investor_id")
        out["investor"] = None
        if firm_id is not None:
            out["investor"] = choices["firms"].filter(zone=zone, pk=firm_id).first()
            if out["investor"] is None:
                errors["investor_id"] = [_("No such firm in the project's zone.")]
    people = {
        "leading_cadre": (choices["leaders"], _("Not the user name of a leader over the zone.")),
        "service_officer": (choices["officers"], _("Not the user name of an officer of the zone.")),
    }
    for name, (qs, message) in people.items():
        if out.get(name) is not None:
            out[name] = qs.filter(username=out[name]).first()
            if out[name] is None:
                errors[name] = [message]
    if errors:
        raise ValidationFailed(errors)
    return out


def _api_errors(exc: ValidationFailed) -> ValidationFailed:
    names = {"investor": "investor_id"}
    return ValidationFailed({names.get(k, k): v for k, v in exc.errors.items()})


@router.post("/projects", response={201: ProjectDetailOut})
def create_project(request, payload: ProjectIn):
    """Add a key project to a zone (its leaders and administrators); its nodes are planned from
    the kind's template, counted from `signed_on`. The investor is `investor_id` (a firm of the
    zone) or `investor_name` (a new firm, with its credit code when known). 400 with field
    errors; 403 for who may not."""
    zone = zone_get(request.user, code=payload.zone)
    if zone is None:
        raise ValidationFailed({"zone": [_("Not one of your zones.")]})
    fields = _people_and_firm(request, zone, payload.dict(exclude={"zone"}))
    fields.setdefault("investor", None)
    try:
        project = services.project_create(
            actor=request.user, zone=zone, data=services.ProjectData(**fields)
        )
    except ValidationFailed as exc:
        raise _api_errors(exc) from exc
    return Status(201, _detail(request, _project(request, project.pk)))


@router.patch("/projects/{int:pk}", response={200: ProjectDetailOut, 409: ConflictOut})
def update_project(request, pk: int, payload: ProjectPatch):
    """Change the fields given (the zone's leaders and administrators, the project's service
    officer); `version` is the one read: 409, naming who changed the project and when, if it
    changed since. Giving `investor_name` without `investor_id` makes the investor a new firm."""
    project = _project(request, pk)
    fields = payload.dict(exclude_unset=True)
    version = fields.pop("version")
    for name in REQUIRED:
        if name in fields and fields[name] is None:
            raise ValidationFailed({name: [_("This field cannot be empty.")]})
    for name in TEXTS:
        if name in fields and fields[name] is None:
            fields[name] = ""  # null clears a text field
    if fields.get("investor_name") and "investor_id" not in fields:
        fields["investor_id"] = None
    fields = _people_and_firm(request, project.zone, fields)
    data = replace(services.ProjectData.of(project), **fields)
    try:
        services.project_edit(
            actor=request.user, project=project, data=data, expected_version=version
        )
    except ValidationFailed as exc:
        raise _api_errors(exc) from exc
    return _detail(request, _project(request, pk))


# --- element guarantees ------------------------------------------------------------------------


def _guarantee_out(row: selectors.GuaranteeRow) -> dict:
    g = row.guarantee
    return {
        "id": g.pk,
        "project_id": g.project_id,
        "category": g.category,
        "land_stage": g.land_stage,
        "quantity": g.quantity,
        "unit": g.unit,
        "need": g.need,
        "need_label": g.need_label,
        "department_id": g.department_id,
        "department": g.department.name if g.department_id else None,
        "utility": g.utility,
        "due_on": g.due_on,
        "done_on": g.done_on,
        "note": g.note,
        "overdue": row.overdue,
        "blocking": row.blocking or [],
        "can_edit": row.can_edit,
        "version": g.version,
    }


def _guarantee_row(request, guarantee: Guarantee) -> dict:
    project = _project(request, guarantee.project_id)
    rows = selectors.guarantee_rows(request.user, project)
    return _guarantee_out(next(r for r in rows if r.guarantee.pk == guarantee.pk))


def _guarantee_data(project: Project, values: dict) -> services.GuaranteeData:
    """The item's values as the service takes them; a value that is none of its choices, or a
    department that is not one of the project's zone, is a field error."""
    errors = {}
    if values["category"] not in Guarantee.Category.values:
        errors["category"] = _one_of(Guarantee.Category.values)
    if values["land_stage"] and values["land_stage"] not in Guarantee.LandStage.values:
        errors["land_stage"] = _one_of(Guarantee.LandStage.values)
    department = None
    if values["department"] is not None:
        department = Department.objects.filter(pk=values["department"], zone=project.zone).first()
        if department is None:
            errors["department"] = [_("The department must be one of the project's zone.")]
    if errors:
        raise ValidationFailed(errors)
    return services.GuaranteeData(
        category=values["category"],
        land_stage=values["land_stage"] or "",
        quantity=values["quantity"],
        unit=values["unit"] or "",
        need=values["need"] or "",
        department=department,
        utility=values["utility"] or "",
        due_on=values["due_on"],
        note=values["note"] or "",
    )


@router.get("/projects/{int:pk}/guarantees", response=list[GuaranteeOut])
def list_guarantees(request, pk: int):
    """The project's element guarantee items (要素保障), open first, then by due date: each with
    whether it is overdue, the open nodes it blocks and whether the caller may change it."""
    project = _project(request, pk)
    return [_guarantee_out(r) for r in selectors.guarantee_rows(request.user, project)]


@router.post("/projects/{int:pk}/guarantees", response={201: GuaranteeOut})
def add_guarantee(request, pk: int, payload: GuaranteeIn):
    """Add an item: what is needed (a quantity with its unit, or the need in words), who
    provides it (a department of the zone, or a utility) and by when. The zone's managers and
    the project's service officer (403 otherwise); 400 with field errors."""
    project = _project(request, pk)
    if not access.can_add_guarantee(request.user, project):
        raise PermissionDenied(
            _("Only the zone's leaders or the project's service officer can add a guarantee item.")
        )
    item = services.guarantee_create(
        actor=request.user, project=project, data=_guarantee_data(project, payload.dict())
    )
    return Status(201, _guarantee_row(request, item))


def _item(request, pk: int) -> Guarantee:
    item = selectors.guarantee_get(request.user, pk=pk)
    if item is None:
        raise NotFound(_("No such guarantee item."))
    return item


@router.patch("/projects/guarantees/{int:pk}", response={200: GuaranteeOut, 409: ConflictOut})
def edit_guarantee(request, pk: int, payload: GuaranteePatchIn):
    """Change an open item: the fields sent (null or absent: as stored, except `department`,
    which null clears) on the `version` read; 409 when it changed since, 400 once it is done.
    Who may add one, and the staff of its responsible department."""
    item = _item(request, pk)
    if not access.can_edit_guarantee(request.user, item):
        raise PermissionDenied(
            _(
                "Only the zone's leaders, the project's service officer or the responsible "
                "department can change a guarantee item."
            )
        )
    sent = payload.dict(exclude_unset=True)
    version = sent.pop("version")
    values = {f: getattr(item, f) for f in services.GUARANTEE_FIELDS}
    values["department"] = item.department_id
    values |= {f: v for f, v in sent.items() if v is not None or f == "department"}
    services.guarantee_edit(
        actor=request.user,
        guarantee=item,
        data=_guarantee_data(item.project, values),
        expected_version=version,
    )
    return _guarantee_row(request, item)


@router.post("/projects/guarantees/{int:pk}/done", response={200: GuaranteeOut, 409: ConflictOut})
def guarantee_done(request, pk: int, payload: GuaranteeDoneIn):
    """Mark an item done (today unless `done_on`, never in the future); the open nodes it
    blocked are released. 400 when it is done already; 409 when it changed since `version`."""
    item = _item(request, pk)
    services.guarantee_done(
        actor=request.user,
        guarantee=item,
        done_on=payload.done_on,
        expected_version=payload.version,
    )
    return _guarantee_row(request, item)


@router.post("/projects/nodes/{int:pk}/block", response={200: NodeOut, 409: ConflictOut})
def block_node(request, pk: int, payload: BlockIn):
    """Mark an open node blocked by an open guarantee item of its project (its delay is then
    the item's), or release it (`guarantee` null): acting on the node. 400 for an item of
    another project, a done item or node, or nothing to release; 409 when the node changed
    since `version`."""
    node = _node(request, pk)
    item = None
    if payload.guarantee is not None:
        item = selectors.project_guarantee(node.project_id, payload.guarantee)
        if item is None:
            if not access.can_act_on_node(request.user, node):
                raise PermissionDenied(_("You cannot mark this node blocked."))
            raise ValidationFailed(
                {"guarantee": [_("The guarantee item must be one of the node's project.")]}
            )
    services.node_block(
        actor=request.user, node=node, guarantee=item, expected_version=payload.version
    )
    return _node_row(request, node)


# --- monthly investment ------------------------------------------------------------------------


def _month_out(row: MonthlyInvestment) -> dict:
    return {
        "month": f"{row.month:%Y-%m}",
        "planned_wan": row.planned_wan,
        "done_wan": row.done_wan,
        "version": row.version,
    }


@router.get("/projects/{int:pk}/investment", response=InvestmentOut)
def get_investment(request, pk: int):
    """The project's monthly investment as its page shows it: this year's figures through this
    month (the year's plan, planned and completed to date, the completion rate) and every
    month entered, newest first."""
    project = _project(request, pk)
    view = selectors.investment_of(request.user, project)
    year = view.year
    return {
        "project_id": project.pk,
        "year": {
            "year": year.year,
            "through": f"{year.through:%Y-%m}",
            "planned_year_wan": year.planned_year,
            "planned_to_date_wan": year.planned_to_date,
            "done_to_date_wan": year.done_to_date,
            "rate": year.rate,
        },
        "months": [_month_out(m) for m in view.months],
        "first_month": f"{view.first_month:%Y-%m}",
        "can_enter": view.can_enter,
    }


@router.put(
    "/projects/{int:pk}/investment/{month}", response={200: InvestmentMonthOut, 409: ConflictOut}
)
def put_investment(request, pk: int, month: str, payload: InvestmentIn):
    """Enter a month's planned and completed investment (`month`: YYYY-MM). `version`: the
    month's as read (GET …/investment), or none for a month not yet entered; 409 when it
    changed (or was entered by someone else) since. The zone's managers and officers."""
    project = _project(request, pk)
    if not access.can_enter_investment(request.user, project.zone):
        raise PermissionDenied(
            _("Only the zone's leaders, administrators and officers enter a project's investment.")
        )
    try:
        first_day = Period.parse(month).first_day
    except ValueError as exc:
        raise ValidationFailed({"month": [_("Not a month: write YYYY-MM, e.g. 2020-06.")]}) from exc
    row = services.investment_set(
        actor=request.user,
        project=project,
        month=first_day,
        planned_wan=payload.planned_wan,
        done_wan=payload.done_wan,
        expected_version=payload.version or None,
    )
    return _month_out(row)


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
    department = Department.objects.filter(pk=payload.department).first()
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
