"""Projects over the API: the list with lights, one project with its nodes, create and change."""

from dataclasses import replace

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from zonedesk.core.errors import NotFound, ValidationFailed
from zonedesk.core.pagination import Pagination
from zonedesk.core.schemas import ConflictOut
from zonedesk.org.selectors import zone_get
from zonedesk.projects import lights, selectors, services
from zonedesk.projects.models import (
    Kind,
    Project,
    Replan,
)
from zonedesk.projects.schemas import (
    ProjectDetailOut,
    ProjectFilterIn,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
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
    out = dict(fields)
    found = selectors.project_named(
        request.user,
        zone,
        firm_id=out.get("investor_id"),
        leader=out.get("leading_cadre") or "",
        officer=out.get("service_officer") or "",
    )
    errors = {}
    if "investor_id" in out:
        firm_id = out.pop("investor_id")
        out["investor"] = found["investor"]
        if firm_id is not None and out["investor"] is None:
            errors["investor_id"] = [_("No such firm in the project's zone.")]
    people = {
        "leading_cadre": _("Not the user name of a leader over the zone."),
        "service_officer": _("Not the user name of an officer of the zone."),
    }
    for name, message in people.items():
        if out.get(name) is not None:
            out[name] = found[name]
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
    the zone's template of its kind (its own, else the installation's default), counted from
    `signed_on`. The investor is `investor_id` (a firm of the zone) or `investor_name` (a new
    firm, with its credit code when known). 400 with field errors; 403 for who may not."""
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
