"""Nodes: the one transition service, the person in charge, blocking by a guarantee item, and
into production (投产) when 投产 completes."""

import datetime as dt
from dataclasses import replace

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import SYSTEM, Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
    version_bump,
    version_check,
)
from zonedesk.enterprises import services as enterprise_services
from zonedesk.enterprises.models import Enterprise
from zonedesk.org.models import Role
from zonedesk.projects import access, templates_default
from zonedesk.projects.flows import NODE
from zonedesk.projects.models import (
    Guarantee,
    Project,
    ProjectNode,
)
from zonedesk.projects.services.projects import NODE_FIELDS, _project_state


def _locked_node(node: ProjectNode, expected_version: int | None) -> ProjectNode:
    """The node read again under a row lock (two writers of one node take turns)."""
    version_check(node, expected_version)
    return (
        ProjectNode.objects.select_for_update(of=("self",))
        .select_related("project__zone__area")
        .get(pk=node.pk)
    )


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
    for earlier in node.depends_on.all():
        if earlier.done_on and earlier.done_on > done_on:
            raise ValidationFailed(
                {
                    "done_on": [
                        _("The actual date cannot be before %(node)s was done (%(date)s).")
                        % {"node": earlier.name, "date": date_format(earlier.done_on)}
                    ]
                }
            )
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


def _may_be_in_charge(person, node: ProjectNode) -> bool:
    """An active official of the project's zone, or staff of the node's department."""
    if person is None or not person.is_active or person.is_superuser:
        return False
    if person.has_role(Role.DEPARTMENT) and person.department_id is not None:
        return person.department_id == node.department_id
    staff = (Role.LEADER, Role.OFFICER)
    return person.has_role(*staff) and person.zone_id == node.project.zone_id


@transaction.atomic
def node_person_set(
    *, actor: Actor, node: ProjectNode, person, expected_version: int | None = None
) -> ProjectNode:
    """Name the person in charge of a node (the zone's managers): an official of the zone, or
    staff of the node's department. Audited."""
    node = _locked_node(node, expected_version)
    if not access.is_manager(actor, node.project):
        raise PermissionDenied(
            _("Only the zone's leaders or administrators name who is in charge.")
        )
    if not _may_be_in_charge(person, node):
        raise ValidationFailed(
            {
                "person": [
                    _(
                        "The person in charge is one of the zone's officials, or staff of the "
                        "node's department."
                    )
                ]
            }
        )
    before = audit.snapshot(node, ("person",))
    node.person = person
    node.save(update_fields=["person"])
    version_bump(node)
    audit.record(
        actor=actor,
        action="update",
        instance=node,
        changes=audit.diff(before, audit.snapshot(node, ("person",))),
        **audit_scope(node.project),
    )
    return node


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
