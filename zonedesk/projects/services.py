"""Every write of key projects: atomic, permission-checked, audited in the same transaction.

A node is completed only through `node_complete` (flows.NODE: refused while a node it waits for
is open); its planned date moves only through a re-plan that a leader approves
(`replan_request`, then `replan_decide`, flows.REPLAN); the baseline never moves.
A service request (7x24) is a casework problem of the investor firm on the round-the-clock clock
(`service_request_raise`); its response and resolution are casework's own steps, taken through
casework's services (`service_request_respond`, `service_request_resolve`).
"""

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework import services as casework_services
from zonedesk.core import audit
from zonedesk.core.actors import SYSTEM, Actor, user_or_none
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
    audited_update,
    clean,
    version_bump,
    version_check,
)
from zonedesk.enterprises import services as enterprise_services
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.models import Department
from zonedesk.projects import access, templates_default
from zonedesk.projects.flows import NODE, REPLAN, TO_RESOLVED
from zonedesk.projects.models import (
    Guarantee,
    Kind,
    NodeTemplate,
    Project,
    ProjectNode,
    Replan,
    ServiceRequest,
    TemplateNode,
)

PROJECT_FIELDS = (
    "zone",
    "code",
    "name",
    "level",
    "kind",
    "investor",
    "investor_name",
    "investor_credit_code",
    "site",
    "site_area_mu",
    "total_investment_wan",
    "yearly_investment_wan",
    "expected_output_wan",
    "first_production_month",
    "leading_cadre",
    "service_officer",
    "state",
    "signed_on",
    "industry_code",
    "expected_tax_wan",
)
NODE_FIELDS = ("status", "done_on", "planned_on")


def templates_ensure() -> None:
    """The default template (templates_default.py) for every kind that has none."""
    for kind in Kind.values:
        if NodeTemplate.objects.filter(kind=kind).exists():
            continue
        template = NodeTemplate.objects.create(kind=kind, name=templates_default.NAME)
        by_code = {}
        for seq, (code, name, offset, dept, _waits) in enumerate(templates_default.NODES, 1):
            by_code[code] = TemplateNode.objects.create(
                template=template,
                seq=seq,
                code=code,
                name=name,
                offset_days=offset,
                department_name=dept,
            )
        for code, _name, _offset, _dept, waits in templates_default.NODES:
            by_code[code].depends_on.set([by_code[w] for w in waits])


@dataclass(frozen=True)
class ProjectData:
    code: str
    name: str
    level: str
    kind: str
    total_investment_wan: Decimal
    first_production_month: dt.date
    signed_on: dt.date
    investor: object = None
    investor_name: str = ""
    investor_credit_code: str = ""
    site: str = ""
    site_area_mu: Decimal | None = None
    yearly_investment_wan: Decimal = Decimal(0)
    expected_output_wan: Decimal | None = None
    leading_cadre: object = None
    service_officer: object = None
    industry_code: str = ""
    expected_tax_wan: Decimal | None = None


@transaction.atomic
def project_create(*, actor: Actor, zone, data: ProjectData) -> Project:
    """A key project of `zone` with its nodes copied from its kind's template, planned from the
    signing date (each node's baseline is its first planned date); the department in charge is
    the zone's department of the template's name, when the zone has one."""
    probe = Project(zone=zone)
    if not access.is_manager(actor, probe):
        raise PermissionDenied(_("Only the zone's leaders or administrators can add a project."))
    if data.investor is not None and data.investor.zone_id != zone.pk:
        raise ValidationFailed({"investor": [_("The investor must be a firm of the same zone.")]})
    values = {f: getattr(data, f) for f in ProjectData.__dataclass_fields__}
    project = Project(zone=zone, **values)
    project.first_production_month = data.first_production_month.replace(day=1)
    project.code, project.name = project.code.strip(), project.name.strip()
    clean(project)
    project.save()
    templates_ensure()
    template = NodeTemplate.objects.get(kind=project.kind)
    departments = {d.name: d for d in Department.objects.filter(zone=zone)}
    tnodes = list(template.nodes.prefetch_related("depends_on"))
    nodes = {}
    for t in tnodes:
        on = data.signed_on + dt.timedelta(days=t.offset_days)
        nodes[t.pk] = ProjectNode.objects.create(
            project=project,
            seq=t.seq,
            code=t.code,
            name=t.name,
            baseline_on=on,
            planned_on=on,
            department=departments.get(t.department_name),
        )
    for t in tnodes:
        nodes[t.pk].depends_on.set([nodes[d.pk] for d in t.depends_on.all()])
    audit.record(
        actor=actor,
        action="create",
        instance=project,
        changes={
            **audit.diff({}, audit.snapshot(project, PROJECT_FIELDS)),
            "nodes": [None, [t.name for t in tnodes]],  # as the auditor reads them
        },
        **audit_scope(project),
    )
    return project


def _locked_node(node: ProjectNode, expected_version: int | None) -> ProjectNode:
    version_check(node, expected_version)
    return ProjectNode.objects.select_related("project__zone__area").get(pk=node.pk)


@transaction.atomic
def node_transition(
    *,
    actor: Actor,
    node: ProjectNode,
    to: str,
    done_on: dt.date | None = None,
    expected_version: int | None = None,
) -> ProjectNode:
    """The one move of a node along flows.NODE (open → done): refused while a node it waits
    for is open, and when someone changed the node since `expected_version`. `done_on` is the
    actual date (today by default; not in the future). Completing 投产 puts the project in
    production, 达产 at full production."""
    node = _locked_node(node, expected_version)
    today = timezone.localdate()
    done_on = done_on or today
    NODE.check(actor=actor, obj=node, move=to)
    if done_on > today:
        raise ValidationFailed({"done_on": [_("The actual date cannot be in the future.")]})
    before = audit.snapshot(node, NODE_FIELDS)
    node.done_on = done_on
    project = node.project
    state = {
        templates_default.PRODUCING: Project.State.PRODUCING,
        templates_default.FULL: Project.State.FULL,
    }.get(node.code)
    if state and project.state != state:
        _project_state(actor=actor, project=project, state=state)
    if node.code == templates_default.PRODUCING:
        _into_production(actor=actor, project=project, started_on=done_on)
    NODE.apply(
        actor=actor,
        obj=node,
        move=to,
        before=before,
        audited=NODE_FIELDS,
        scope=audit_scope(project),
        payload={"done_on": audit.plain(done_on)},
    )
    version_bump(node)
    return node


def node_complete(
    *,
    actor: Actor,
    node: ProjectNode,
    done_on: dt.date | None = None,
    expected_version: int | None = None,
) -> ProjectNode:
    """Mark a node done (node_transition to done)."""
    return node_transition(
        actor=actor,
        node=node,
        to=ProjectNode.Status.DONE,
        done_on=done_on,
        expected_version=expected_version,
    )


def _project_state(*, actor: Actor, project: Project, state: str) -> None:
    version_check(project)
    before = audit.snapshot(project, ("state",))
    project.state = state
    project.save(update_fields=["state"])
    version_bump(project)
    audit.record(
        actor=actor,
        action="update",
        instance=project,
        changes=audit.diff(before, audit.snapshot(project, ("state",))),
        **audit_scope(project),
    )


REPLAN_FIELDS = ("node", "from_on", "to_on", "reason", "status")


@transaction.atomic
def replan_request(
    *,
    actor: Actor,
    node: ProjectNode,
    to_on: dt.date,
    reason: str,
    expected_version: int | None = None,
) -> Replan:
    """Ask to move an open node's planned date to `to_on`, with the reason; a leader decides."""
    node = _locked_node(node, expected_version)
    if not access.can_act_on_node(actor, node):
        raise PermissionDenied(
            _(
                "Only the zone's leaders, the project's service officer, or the person or "
                "department in charge of the node can ask for a re-plan."
            )
        )
    errors = {}
    if node.status == ProjectNode.Status.DONE:
        errors["__all__"] = [
            _("“%(node)s” is done; its plan no longer moves.") % {"node": node.name}
        ]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason for the new date.")]
    if to_on == node.planned_on:
        errors["to_on"] = [_("The new date is the planned date already.")]
    if node.replans.filter(status=Replan.Status.REQUESTED).exists():
        errors["__all__"] = [
            _("A re-plan of “%(node)s” already awaits a decision.") % {"node": node.name}
        ]
    if errors:
        raise ValidationFailed(errors)
    replan = Replan(
        node=node,
        from_on=node.planned_on,
        to_on=to_on,
        reason=reason.strip(),
        requested_by=user_or_none(actor),
    )
    clean(replan)
    replan.save()
    REPLAN.event(
        actor=actor, obj=replan, move=Replan.Status.REQUESTED, from_state="", to_state=replan.status
    ).save()
    audit.record(
        actor=actor,
        action="create",
        instance=replan,
        changes=audit.diff({}, audit.snapshot(replan, REPLAN_FIELDS)),
        **audit_scope(node.project),
    )
    return replan


def _asked_it(actor: Actor, replan: Replan) -> bool:
    return getattr(actor, "pk", None) is not None and replan.requested_by_id == actor.pk


@transaction.atomic
def replan_decide(*, actor: Actor, replan: Replan, decision: str, note: str = "") -> Replan:
    """Approve (the node's planned date moves; its baseline stays) or refuse (with a note)."""
    replan = (
        Replan.objects.select_for_update(of=("self",))
        .select_related("node__project__zone__area")
        .get(pk=replan.pk)
    )
    note = (note or "").strip()
    REPLAN.check(actor=actor, obj=replan, move=decision, inputs={"note": note or None})
    if decision == Replan.Status.APPROVED and _asked_it(actor, replan):
        # Who asks does not approve (a leader may still refuse, i.e. withdraw, their own).
        raise PermissionDenied(
            _("A re-plan is approved by someone other than the one who asked for it.")
        )
    before = audit.snapshot(replan, ("status", "decision_note"))
    project = replan.node.project
    if decision == Replan.Status.APPROVED:
        node = _locked_node(replan.node, None)
        if node.status == ProjectNode.Status.DONE:
            raise ValidationFailed(
                {
                    "__all__": [
                        _("“%(node)s” is done; its plan no longer moves.") % {"node": node.name}
                    ]
                }
            )
        node_before = audit.snapshot(node, ("planned_on",))
        node.planned_on = replan.to_on
        node.save(update_fields=["planned_on"])
        version_bump(node)
        audit.record(
            actor=actor,
            action="update",
            instance=node,
            changes={
                **audit.diff(node_before, audit.snapshot(node, ("planned_on",))),
                "replan_reason": [None, replan.reason],  # the re-plan's words, not its id
            },
            **audit_scope(project),
        )
    replan.decided_by = user_or_none(actor)
    replan.decided_at = timezone.now()
    replan.decision_note = note
    REPLAN.apply(
        actor=actor,
        obj=replan,
        move=decision,
        before=before,
        audited=("status", "decision_note"),
        scope=audit_scope(project),
        payload={"from_on": audit.plain(replan.from_on), "to_on": audit.plain(replan.to_on)},
    )
    return replan


# --- element guarantees (要素保障) ------------------------------------------------------------

GUARANTEE_FIELDS = (
    "category",
    "land_stage",
    "quantity",
    "unit",
    "need",
    "department",
    "utility",
    "due_on",
    "note",
)
DEFAULT_UNITS = {Guarantee.Category.LAND: "亩", Guarantee.Category.DEMOLITION: "户"}


@dataclass(frozen=True)
class GuaranteeData:
    category: str
    due_on: dt.date
    land_stage: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    need: str = ""
    department: object = None
    utility: str = ""
    note: str = ""


def _guarantee_checked(project: Project, data: GuaranteeData) -> dict:
    """The item's values, tidied, or ValidationFailed naming each field that is wrong."""
    values = {f: getattr(data, f) for f in GUARANTEE_FIELDS}
    for f in ("unit", "need", "utility", "note"):
        values[f] = (values[f] or "").strip()
    if values["quantity"] is not None:
        values["quantity"] = Decimal(values["quantity"]).quantize(Decimal("0.01"))
    if values["quantity"] is not None and not values["unit"]:
        values["unit"] = DEFAULT_UNITS.get(values["category"], "")
    if values["category"] != Guarantee.Category.LAND:
        values["land_stage"] = ""
    errors = {}
    if values["category"] == Guarantee.Category.LAND and not values["land_stage"]:
        errors["land_stage"] = [_("Say whether the land is to be acquired, acquired or supplied.")]
    if values["quantity"] is None and not values["need"]:
        errors["quantity"] = [_("Give the quantity needed, or the need in words.")]
    department = values["department"]
    if department is None and not values["utility"]:
        errors["department"] = [_("Give the responsible department or the utility.")]
    if department is not None and department.zone_id != project.zone_id:
        errors["department"] = [_("The department must be one of the project's zone.")]
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def guarantee_create(*, actor: Actor, project: Project, data: GuaranteeData) -> Guarantee:
    """An element guarantee item of `project` (open until marked done)."""
    if not access.can_add_guarantee(actor, project):
        raise PermissionDenied(
            _("Only the zone's leaders or the project's service officer can add a guarantee item.")
        )
    guarantee = Guarantee(project=project, **_guarantee_checked(project, data))
    clean(guarantee)
    guarantee.save()
    audit.record(
        actor=actor,
        action="create",
        instance=guarantee,
        changes=audit.diff({}, audit.snapshot(guarantee, ("project", *GUARANTEE_FIELDS))),
        **audit_scope(project),
    )
    return guarantee


def _guarantee_locked(guarantee: Guarantee) -> Guarantee:
    return Guarantee.objects.select_related("project__zone__area", "department").get(
        pk=guarantee.pk
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
def guarantee_edit(
    *,
    actor: Actor,
    guarantee: Guarantee,
    data: GuaranteeData,
    expected_version: int | None = None,
) -> Guarantee:
    """Change an item's need, provider, due date or note (refused on a stale version)."""
    if not access.can_edit_guarantee(actor, guarantee):
        raise PermissionDenied(
            _(
                "Only the zone's leaders, the project's service officer or the responsible "
                "department can change a guarantee item."
            )
        )
    project = guarantee.project
    values = _guarantee_checked(project, data)
    audited_update(
        actor=actor,
        instance=guarantee,
        data=values,
        fields=GUARANTEE_FIELDS,
        scope=audit_scope(project),
        expected_version=expected_version,
    )
    return guarantee


@transaction.atomic
def guarantee_done(
    *,
    actor: Actor,
    guarantee: Guarantee,
    done_on: dt.date | None = None,
    expected_version: int | None = None,
) -> Guarantee:
    """Mark an item done on `done_on` (today by default; not in the future). The open nodes it
    blocked are released (each release audited): their delay is no longer the item's."""
    if not access.can_edit_guarantee(actor, guarantee):
        raise PermissionDenied(
            _(
                "Only the zone's leaders, the project's service officer or the responsible "
                "department can mark a guarantee item done."
            )
        )
    version_check(guarantee, expected_version)
    today = timezone.localdate()
    done_on = done_on or today
    if guarantee.done_on is not None:
        raise ValidationFailed({"__all__": [_("This guarantee item is done already.")]})
    if done_on > today:
        raise ValidationFailed({"done_on": [_("The done date cannot be in the future.")]})
    project = guarantee.project
    before = audit.snapshot(guarantee, ("done_on",))
    guarantee.done_on = done_on
    guarantee.save(update_fields=["done_on"])
    version_bump(guarantee)
    audit.record(
        actor=actor,
        action="update",
        instance=guarantee,
        changes=audit.diff(before, audit.snapshot(guarantee, ("done_on",))),
        **audit_scope(project),
    )
    # An open node is released; a done one keeps the item it waited for (its history).
    for node in ProjectNode.objects.filter(blocked_by=guarantee, status=ProjectNode.Status.OPEN):
        _node_blocked_set(actor=actor, node=node, guarantee=None, project=project)
    return guarantee


def _node_blocked_set(*, actor: Actor, node: ProjectNode, guarantee, project: Project) -> None:
    before = {"blocked_by": str(node.blocked_by) if node.blocked_by_id else None}
    node.blocked_by = guarantee
    node.save(update_fields=["blocked_by"])
    version_bump(node)
    audit.record(
        actor=actor,
        action="update",
        instance=node,
        # the item as the auditor reads it, not its id
        changes=audit.diff(before, {"blocked_by": str(guarantee) if guarantee else None}),
        **audit_scope(project),
    )


@transaction.atomic
def node_block(
    *,
    actor: Actor,
    node: ProjectNode,
    guarantee: Guarantee | None,
    expected_version: int | None = None,
) -> ProjectNode:
    """Mark an open node blocked by an open guarantee item of its project (its delay is then
    the item's and its department's), or release it (`guarantee` None)."""
    node = _locked_node(node, expected_version)
    if not access.can_act_on_node(actor, node):
        raise PermissionDenied(
            _(
                "Only the zone's leaders, the project's service officer, or the person or "
                "department in charge of the node can mark it blocked."
            )
        )
    errors = {}
    if node.status == ProjectNode.Status.DONE:
        errors["__all__"] = [_("“%(node)s” is done; it is not blocked.") % {"node": node.name}]
    elif guarantee is not None and guarantee.project_id != node.project_id:
        errors["guarantee"] = [_("The guarantee item must be one of the node's project.")]
    elif guarantee is not None and guarantee.done_on is not None:
        errors["guarantee"] = [_("This guarantee item is done: it blocks nothing.")]
    elif guarantee is None and node.blocked_by_id is None:
        errors["__all__"] = [_("“%(node)s” is not blocked.") % {"node": node.name}]
    elif guarantee is not None and node.blocked_by_id == guarantee.pk:
        errors["guarantee"] = [
            _("“%(node)s” is blocked by this item already.") % {"node": node.name}
        ]
    if errors:
        raise ValidationFailed(errors)
    _node_blocked_set(actor=actor, node=node, guarantee=guarantee, project=node.project)
    return node


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


# --- into production (投产) -------------------------------------------------------------------


def _investor_firm(project: Project) -> Enterprise | None:
    """The registry's firm the project's new investor already is: the firm of its credit code
    (refused when that firm is of another zone), else, without a code, the zone's one firm of
    exactly its name; None: the firm is to be registered."""
    if project.investor_credit_code:
        firm = Enterprise.objects.filter(credit_code=project.investor_credit_code).first()
        if firm is not None and firm.zone_id != project.zone_id:
            raise ValidationFailed(
                {
                    "investor_credit_code": [
                        _(
                            "The firm of credit code %(code)s is registered in another zone "
                            "(%(zone)s): a project's investor is a firm of its own zone."
                        )
                        % {"code": project.investor_credit_code, "zone": firm.zone}
                    ]
                }
            )
        return firm
    named = list(Enterprise.objects.filter(zone=project.zone_id, name=project.investor_name)[:2])
    return named[0] if len(named) == 1 else None


def _into_production(*, actor: Actor, project: Project, started_on: dt.date) -> Enterprise:
    """At 投产 the investor becomes a producing firm of the registry, from the actual date on:
    the project's firm, or the registry's firm of its credit code (or, without one, of its
    exact name in the zone), which the project is then linked to, or a firm registered from
    the project (investor name, credit code, zone, industry). A firm that has no production
    start gets the actual date (so monitoring counts it as new and expects its reports from
    that month: docs/statistics.md); one that has produced before keeps its date (an expansion
    of a producing firm is not a new firm). The registry is written as the system on the
    completer's behalf (docs/decisions.md), the link in the project's audit under the
    completer. Refused, with nothing changed, when a firm is to be registered without a
    credit code or an industry."""
    firm = project.investor if project.investor_id else _investor_firm(project)
    if firm is None:
        errors = {}
        if not project.investor_credit_code:
            errors["investor_credit_code"] = [
                _(
                    "%(name)s is not yet a firm of the registry: its unified social credit code "
                    "is needed to register it when the project goes into production."
                )
                % {"name": project.investor_name}
            ]
        if not project.industry_code:
            errors["industry_code"] = [
                _(
                    "The project's industry (GB/T 4754) is needed to register its firm when it "
                    "goes into production."
                )
            ]
        if errors:
            raise ValidationFailed(errors)
        firm = enterprise_services.enterprise_create(
            actor=SYSTEM,
            zone=project.zone,
            data=enterprise_services.EnterpriseData(
                name=project.investor_name,
                credit_code=project.investor_credit_code,
                industry_code=project.industry_code,
                status=Enterprise.Status.PRODUCING,
                production_start=started_on,
                land_area_mu=project.site_area_mu,
            ),
        )
    elif firm.production_start is None or firm.status == Enterprise.Status.CONSTRUCTION:
        enterprise_services.enterprise_update(
            actor=SYSTEM,
            enterprise=firm,
            data=replace(
                enterprise_services.EnterpriseData.of(firm),
                status=Enterprise.Status.PRODUCING,
                production_start=firm.production_start or started_on,
            ),
        )
    if project.investor_id != firm.pk:  # the project named a new investor: now a firm
        before = {"investor": None}
        project.investor = firm
        project.save(update_fields=["investor"])
        version_bump(project)
        audit.record(
            actor=actor,
            action="update",
            instance=project,
            changes=audit.diff(before, {"investor": firm.name}),  # the firm as the auditor reads it
            **audit_scope(project),
        )
    return firm
