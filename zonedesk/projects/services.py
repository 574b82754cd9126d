"""Every write of key projects: atomic, permission-checked, audited in the same transaction.

A node is completed only through `node_complete` (flows.NODE: refused while a node it waits for
is open); its planned date moves only through a re-plan that a leader approves
(`replan_request`, then `replan_decide`, flows.REPLAN); the baseline never moves.
A service request (7x24) is a casework problem of the investor firm on the round-the-clock clock
(`service_request_raise`); its response and resolution are casework's own steps, taken through
casework's services (`service_request_respond`, `service_request_resolve`).
"""

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zonedesk.casework import services as casework_services
from zonedesk.core import audit
from zonedesk.core.actors import SYSTEM, Actor, is_system, user_or_none
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
    audited_update,
    clean,
    stale,
    version_bump,
    version_check,
)
from zonedesk.enterprises import services as enterprise_services
from zonedesk.enterprises.models import Enterprise
from zonedesk.notices import services as notices
from zonedesk.notices.registry import Kind as NoticeKind
from zonedesk.org.access import zone_in_unit
from zonedesk.org.models import Department, Role
from zonedesk.projects import access, lights, selectors, templates_default
from zonedesk.projects.flows import NODE, REPLAN, TO_RESOLVED
from zonedesk.projects.models import (
    Guarantee,
    Kind,
    MonthlyInvestment,
    NodeLightNotice,
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
    "industry_code",
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
    state: str = Project.State.ACTIVE

    @classmethod
    def of(cls, project: Project) -> "ProjectData":
        """The project's stored values (an edit changes some of them)."""
        return cls(**{f: getattr(project, f) for f in cls.__dataclass_fields__})


# Fixed once the project exists: its nodes were planned from the kind's template.
EDIT_FIELDS = tuple(f for f in PROJECT_FIELDS if f not in ("zone", "kind"))


def _is_leader_of(person, zone) -> bool:
    return (
        person.is_active
        and not person.is_superuser
        and person.has_role(Role.LEADER)
        and zone_in_unit(person, zone)
    )


def _is_officer_of(person, zone) -> bool:
    return (
        person.is_active
        and not person.is_superuser
        and person.has_role(Role.OFFICER)
        and person.zone_id == zone.pk
    )


def _project_values(zone, data: ProjectData) -> dict:
    """The project's values from `data`, checked beyond the model's own validation: the investor
    is a firm of the zone or a new one by name (one of the two), the leading cadre a leader over
    the zone, the service officer an officer of the zone. Text is stripped; the first
    production month is stored as its first day."""
    values = {f: getattr(data, f) for f in ProjectData.__dataclass_fields__}
    for name in ("code", "name", "investor_name", "investor_credit_code", "site", "industry_code"):
        values[name] = (values[name] or "").strip()
    errors: dict[str, list] = {}
    if data.investor is not None:
        if data.investor.zone_id != zone.pk:
            errors["investor"] = [_("The investor must be a firm of the same zone.")]
        values["investor_name"] = values["investor_credit_code"] = ""
    elif not values["investor_name"]:
        errors["investor_name"] = [_("Choose a firm of the zone, or give the new investor's name.")]
    if data.leading_cadre is not None and not _is_leader_of(data.leading_cadre, zone):
        errors["leading_cadre"] = [_("The leading cadre must be a leader over the zone.")]
    if data.service_officer is not None and not _is_officer_of(data.service_officer, zone):
        errors["service_officer"] = [_("The service officer must be an officer of the zone.")]
    if data.first_production_month is not None:
        values["first_production_month"] = data.first_production_month.replace(day=1)
    if errors:
        raise ValidationFailed(errors)
    return values


def _code_taken(zone, code: str, *, exclude: int | None = None) -> None:
    others = Project.objects.filter(zone=zone, code=code)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationFailed({"code": [_("The zone has a project with this code already.")]})


@transaction.atomic
def project_create(*, actor: Actor, zone, data: ProjectData) -> Project:
    """A key project of `zone` with its nodes copied from its kind's template, planned from the
    signing date (each node's baseline is its first planned date); the department in charge is
    the zone's department of the template's name, when the zone has one."""
    probe = Project(zone=zone)
    if not access.is_manager(actor, probe):
        raise PermissionDenied(_("Only the zone's leaders or administrators can add a project."))
    values = _project_values(zone, data)
    project = Project(zone=zone, **values)
    _code_taken(zone, project.code)
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


@transaction.atomic
def project_edit(
    *, actor: Actor, project: Project, data: ProjectData, expected_version: int | None = None
) -> Project:
    """Change a project's fields (not its zone nor its kind: its nodes were planned from the
    kind's template; nor its nodes' dates, which move by re-plans only). The zone's leaders and
    administrators, and the project's service officer; refused on a stale version (naming who
    changed it and when); audited field by field."""
    if not access.can_edit_project(actor, project):
        raise PermissionDenied(
            _(
                "Only the zone's leaders, administrators or the project's service officer can edit it."
            )
        )
    values = _project_values(project.zone, data)
    if not access.is_manager(actor, project):
        # The service officer edits the project, but who leads and serves it is the zone's call.
        handed = {
            f: [_("Only the zone's leaders or administrators can change who leads or serves it.")]
            for f in ("leading_cadre", "service_officer")
            if getattr(values[f], "pk", None) != getattr(project, f"{f}_id")
        }
        if handed:
            raise ValidationFailed(handed)
    version_check(project, expected_version)
    _code_taken(project.zone, values["code"], exclude=project.pk)
    audited_update(
        actor=actor,
        instance=project,
        data={k: values[k] for k in EDIT_FIELDS},
        fields=EDIT_FIELDS,
        scope=audit_scope(project),
        expected_version=expected_version,
    )
    return project


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


def _date_of(node: ProjectNode) -> dt.date:
    """When a node is (to be) reached: its actual date once done, else its planned date."""
    return node.done_on if node.done_on is not None else node.planned_on


def _replan_errors(node: ProjectNode, to_on: dt.date, today: dt.date) -> dict:
    """What is wrong with moving `node` to `to_on`: a date already past, or one before a node
    it waits for (that node's actual date once done, else its planned date)."""
    errors: dict[str, list[str]] = {}
    if to_on < today:
        errors["to_on"] = [_("The new date cannot be in the past.")]
        return errors
    for before in node.depends_on.all():
        if to_on < _date_of(before):
            errors.setdefault("to_on", []).append(
                _(
                    "The new date is before %(date)s, the date of “%(node)s”, which this node "
                    "waits for."
                )
                % {"date": date_words(_date_of(before)), "node": before.name}
            )
    return errors


def date_words(day: dt.date) -> str:
    """A date in prose in the active language (2026年12月6日; 6 December 2026)."""
    return formats.date_format(day, "DATE_FORMAT")


def _leaders_to_ask(replan: Replan, project: Project) -> list:
    """The active users who may approve `replan`: the leaders of the project's zone and of the
    areas over it, and its leading cadre; not the one who asked (nor, unless leading cadre, a
    superuser: the platform's operators are not the zone's leaders)."""
    User = get_user_model()
    leaders = Q(role_grants__role=Role.LEADER, is_superuser=False) & (
        Q(zone_id=project.zone_id) | Q(zone__isnull=True, area__isnull=False)
    )
    candidates = User.objects.filter(is_active=True).filter(
        leaders | Q(pk=project.leading_cadre_id or 0)
    )
    return [
        u
        for u in candidates.distinct().select_related("zone", "area").order_by("username")
        if u.pk != replan.requested_by_id and access.can_decide_replan(u, project)
    ]


def _notify_asked(actor: Actor, replan: Replan, node: ProjectNode) -> None:
    project = node.project
    words = {
        "project": project.name,
        "node": node.name,
        "from": date_words(replan.from_on),
        "to": date_words(replan.to_on),
        "reason": replan.reason,
        "by": getattr(actor, "full_name", "") or str(actor),
    }
    for leader in _leaders_to_ask(replan, project):
        notices.notify(
            actor=actor,
            recipient=leader,
            kind=NoticeKind.REPLAN_ASKED,
            title=_("Re-plan to decide: %(project)s, %(node)s") % words,
            body=_(
                "%(by)s asks to move “%(node)s” of %(project)s from %(from)s to %(to)s: %(reason)s"
            )
            % words,
            link=reverse("projects:replans"),
            about=f"projects.replan:{replan.pk}",
        )


def _notify_decided(actor: Actor, replan: Replan, node: ProjectNode) -> None:
    asker = replan.requested_by
    if asker is None or not asker.is_active or asker.pk == getattr(actor, "pk", None):
        return
    project = node.project
    words = {"project": project.name, "node": node.name, "to": date_words(replan.to_on)}
    if replan.status == Replan.Status.APPROVED:
        title = _("Re-plan approved: %(project)s, %(node)s to %(to)s") % words
    else:
        title = _("Re-plan refused: %(project)s, %(node)s") % words
    notices.notify(
        actor=actor,
        recipient=asker,
        kind=NoticeKind.REPLAN_DECIDED,
        title=title,
        body=replan.decision_note,
        link=reverse("projects:detail", args=[project.pk]),
        about=f"projects.replan:{replan.pk}",
    )


@transaction.atomic
def replan_request(
    *,
    actor: Actor,
    node: ProjectNode,
    to_on: dt.date,
    reason: str,
    expected_version: int | None = None,
    at: dt.datetime | None = None,
) -> Replan:
    """Ask to move an open node's planned date to `to_on` (not in the past, not before a node
    it waits for), with the reason; the leaders who may approve it are notified. `at`: when it
    was asked (now by default; the demo dates its re-plans in the past)."""
    at = at or timezone.now()
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
    else:
        errors.update(_replan_errors(node, to_on, timezone.localdate(at)))
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
        requested_at=at,
    )
    clean(replan)
    replan.save()
    REPLAN.event(
        actor=actor,
        obj=replan,
        move=Replan.Status.REQUESTED,
        from_state="",
        to_state=replan.status,
        at=at,
    ).save()
    audit.record(
        actor=actor,
        action="create",
        instance=replan,
        changes=audit.diff({}, audit.snapshot(replan, REPLAN_FIELDS)),
        **audit_scope(node.project),
    )
    _notify_asked(actor, replan, node)
    return replan


def _asked_it(actor: Actor, replan: Replan) -> bool:
    return getattr(actor, "pk", None) is not None and replan.requested_by_id == actor.pk


def _move(*, actor: Actor, node: ProjectNode, to_on: dt.date, reason: str, project) -> None:
    """Move a locked node's planned date (its baseline stays), audited with the reason."""
    node_before = audit.snapshot(node, ("planned_on",))
    node.planned_on = to_on
    node.save(update_fields=["planned_on"])
    version_bump(node)
    audit.record(
        actor=actor,
        action="update",
        instance=node,
        changes={
            **audit.diff(node_before, audit.snapshot(node, ("planned_on",))),
            "replan_reason": [None, reason],  # the re-plan's words, not its id
        },
        **audit_scope(project),
    )


def _cascade(
    *, actor: Actor, node: ProjectNode, old_on: dt.date, project, at: dt.datetime
) -> list[Replan]:
    """The open nodes waiting for `node` whose planned date now falls before its new date move
    too, keeping their distance from it (never less than none), each an approved re-plan
    "随前置节点顺延", and so on down the chain."""
    moved, queue = [], [(node, old_on)]
    reason = _("Moved with the node it waits for")
    while queue:
        before, before_old = queue.pop(0)
        after = (
            ProjectNode.objects.select_for_update(of=("self",))
            .filter(depends_on=before, status=ProjectNode.Status.OPEN)
            .order_by("seq")
        )
        for dependent in after:
            if dependent.planned_on >= before.planned_on:
                continue
            gap = max((dependent.planned_on - before_old).days, 0)
            old, to_on = dependent.planned_on, before.planned_on + dt.timedelta(days=gap)
            replan = Replan(
                node=dependent,
                from_on=old,
                to_on=to_on,
                reason=reason,
                status=Replan.Status.APPROVED,
                requested_by=user_or_none(actor),
                decided_by=user_or_none(actor),
                requested_at=at,
                decided_at=at,
            )
            clean(replan)
            replan.save()
            for move, from_state in (
                (Replan.Status.REQUESTED, ""),
                (Replan.Status.APPROVED, "requested"),
            ):
                REPLAN.event(
                    actor=actor, obj=replan, move=move, from_state=from_state, to_state=move, at=at
                ).save()
            audit.record(
                actor=actor,
                action="create",
                instance=replan,
                changes=audit.diff({}, audit.snapshot(replan, REPLAN_FIELDS)),
                **audit_scope(project),
            )
            _move(actor=actor, node=dependent, to_on=to_on, reason=reason, project=project)
            moved.append(replan)
            queue.append((dependent, old))
    return moved


@transaction.atomic
def replan_decide(
    *,
    actor: Actor,
    replan: Replan,
    decision: str,
    note: str = "",
    at: dt.datetime | None = None,
) -> Replan:
    """Approve (the node's planned date moves, its baseline stays, and the open nodes waiting
    for it that would now fall before it move with it) or refuse (with a note); whoever asked
    is notified. The re-plan's row is locked first: of two leaders deciding at once, the second
    finds it decided and is refused. `at`: when it was decided (now by default)."""
    at = at or timezone.now()
    replan = (
        Replan.objects.select_for_update(of=("self",))
        .select_related("node__project__zone__area", "requested_by")
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
    node = replan.node
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
        # The nodes it waits for may have moved since it was asked (not the past: a leader may
        # approve a re-plan whose day has come).
        errors = _replan_errors(node, replan.to_on, dt.date.min)
        if errors:
            raise ValidationFailed(errors)
        old_on = node.planned_on
        _move(actor=actor, node=node, to_on=replan.to_on, reason=replan.reason, project=project)
        _cascade(actor=actor, node=node, old_on=old_on, project=project, at=at)
    replan.decided_by = user_or_none(actor)
    replan.decided_at = at
    replan.decision_note = note
    REPLAN.apply(
        actor=actor,
        obj=replan,
        move=decision,
        before=before,
        audited=("status", "decision_note"),
        scope=audit_scope(project),
        at=at,
        payload={"from_on": audit.plain(replan.from_on), "to_on": audit.plain(replan.to_on)},
    )
    _notify_decided(actor, replan, node)
    return replan


# Monthly investment ---------------------------------------------------------------------------

INVESTMENT_FIELDS = ("month", "planned_wan", "done_wan")


def _month_problems(
    project: Project, month: dt.date, done_wan: Decimal, today: dt.date
) -> dict[str, str]:
    """What is wrong with a month's figures of `project` (field -> reason): a month before the
    project's signing month, or investment completed in a month not yet begun."""
    problems = {}
    if month < project.signed_on.replace(day=1):
        problems["month"] = _(
            "The month is before the project was signed (%(month)s): no investment is entered "
            "for it."
        ) % {"month": project.signed_on.strftime("%Y-%m")}
    elif month > today.replace(day=1) and done_wan > 0:
        problems["done_wan"] = _(
            "The month has not begun: its completed investment is 0 until it does."
        )
    return problems


def _cents(value: Decimal) -> Decimal:
    """An amount with two decimals (80 -> 80.00), as stored; more decimals are left for the
    model's check to refuse, never rounded away."""
    value = Decimal(value)
    cents = value.quantize(Decimal("0.01")) if value.is_finite() else value
    return cents if cents == value else value


@transaction.atomic
def investment_set(
    *,
    actor: Actor,
    project: Project,
    month: dt.date,
    planned_wan: Decimal,
    done_wan: Decimal,
    expected_version: int | None = None,
    today: dt.date | None = None,
) -> MonthlyInvestment:
    """A project's planned and completed investment of one month (a new month, or the stored
    one changed on the version the editor read: `expected_version`, None for a month the editor
    saw empty; StaleVersion when someone saved it since)."""
    if not access.can_enter_investment(actor, project.zone):
        raise PermissionDenied(
            _("Only the zone's leaders, administrators and officers enter a project's investment.")
        )
    today = today or timezone.localdate()
    month = month.replace(day=1)
    planned_wan, done_wan = _cents(planned_wan), _cents(done_wan)
    # Entries of one project wait for each other here (two first entries of a month).
    Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").first()
    problems = _month_problems(project, month, done_wan, today)
    if problems:
        raise ValidationFailed({k: [v] for k, v in problems.items()})
    row = MonthlyInvestment.objects.filter(project=project, month=month).first()
    if row is None:
        if expected_version is not None:  # the editor's row is gone: cannot happen today
            raise ValidationFailed({"__all__": [_("This month is no longer stored.")]})
        row = MonthlyInvestment(
            project=project, month=month, planned_wan=planned_wan, done_wan=done_wan
        )
        clean(row, exclude=["project"])
        row.save()
        audit.record(
            actor=actor,
            action="create",
            instance=row,
            changes=audit.diff({}, audit.snapshot(row, INVESTMENT_FIELDS)),
            **audit_scope(project),
        )
        return row
    if expected_version is None:  # the editor saw the month empty; someone entered it since
        last = stale(row, current=row.version, expected=None)
        raise StaleVersion(
            _(
                "%(record)s was entered by %(user)s after you opened the page. Nothing was "
                "saved: see the stored figures and enter yours again."
            )
            % {"record": str(row), "user": last.changed_by or _("someone else")},
            current=row.version,
            changed_by=last.changed_by,
            changed_at=last.changed_at,
        )
    version_check(row, expected_version)
    before = audit.snapshot(row, INVESTMENT_FIELDS)
    row.planned_wan, row.done_wan = planned_wan, done_wan
    clean(row, exclude=["project"])
    after = audit.snapshot(row, INVESTMENT_FIELDS)
    if after == before:
        return row
    row.updated_at = timezone.now()
    row.save(update_fields=["planned_wan", "done_wan", "updated_at"])
    version_bump(row)
    audit.record(
        actor=actor,
        action="update",
        instance=row,
        changes=audit.diff(before, after),
        **audit_scope(project),
    )
    return row


@dataclass(frozen=True)
class InvestmentChange:
    """What an imported row does to its project's month: new, updated or unchanged."""

    line: object  # invest_imports.Line
    project: Project
    change: str
    old_planned: Decimal | None
    old_done: Decimal | None


@dataclass(frozen=True)
class InvestmentPreview:
    parsed: object  # invest_imports.Parsed
    rows: list[InvestmentChange]
    stored: str  # fingerprint of the stored months compared

    def count(self, change: str) -> int:
        return sum(1 for r in self.rows if r.change == change)


@dataclass(frozen=True)
class InvestmentImportResult:
    created: int
    updated: int
    unchanged: int
    months: tuple


def _zone_check(actor: Actor, zone) -> None:
    if not access.can_enter_investment(actor, zone):
        raise PermissionDenied(
            _("Only the zone's leaders, administrators and officers import the investment.")
        )


def _compare(zone, parsed, today: dt.date, *, lock: bool = False, errors=()):
    """Each line matched to the zone's project of its code and compared with the stored month;
    ImportRejected listing every line whose code is unknown or whose month is refused, with
    the sheet's own `errors` (by row)."""
    from zonedesk.core.xlsx import CellError, ImportRejected

    codes = {line.code for line in parsed.lines} | {c for _row, c in parsed.refused_codes}
    projects = Project.objects.filter(zone=zone, code__in=codes).select_related("zone")
    if lock:
        projects = projects.select_for_update()
    by_code = {p.code: p for p in projects}
    stored_rows = MonthlyInvestment.objects.filter(
        project__in=list(by_code.values()),
        month__in=sorted({line.month.first_day for line in parsed.lines}),
    )
    stored = {(r.project_id, r.month): r for r in stored_rows}
    errors, rows = list(errors), []
    unknown = _("No key project of the zone has this code.")
    for row, code in parsed.refused_codes:
        if code not in by_code:
            errors.append(CellError(parsed.sheet, row, parsed.headers["code"], code, unknown))
    for line in parsed.lines:
        project = by_code.get(line.code)
        if project is None:
            errors.append(
                parsed.error(
                    line, "code", line.code, _("No key project of the zone has this code.")
                )
            )
            continue
        problems = _month_problems(project, line.month.first_day, line.done_wan, today)
        for key, reason in problems.items():
            value = str(line.month) if key == "month" else line.done_wan
            errors.append(parsed.error(line, key, value, reason))
        if problems:
            continue
        old = stored.get((project.pk, line.month.first_day))
        if old is None:
            change = "new"
        elif (old.planned_wan, old.done_wan) == (line.planned_wan, line.done_wan):
            change = "unchanged"
        else:
            change = "updated"
        rows.append(
            InvestmentChange(
                line,
                project,
                change,
                None if old is None else old.planned_wan,
                None if old is None else old.done_wan,
            )
        )
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))
    digest = hashlib.sha256()
    for key in sorted(stored):
        r = stored[key]
        digest.update(f"{key[0]}|{key[1]}|{r.planned_wan}|{r.done_wan}|{r.version}\n".encode())
    return rows, stored, digest.hexdigest()


def investment_import_preview(
    *, actor: Actor, zone, fileobj, today: dt.date | None = None
) -> InvestmentPreview:
    """Read and check a sheet of the zone's monthly investment (ImportRejected as the import)
    and say, per project and month, what importing it would do; nothing is written."""
    from zonedesk.projects import invest_imports

    _zone_check(actor, zone)
    parsed, errors = invest_imports.read(fileobj)
    rows, _stored, fingerprint = _compare(
        zone, parsed, today or timezone.localdate(), errors=errors
    )
    return InvestmentPreview(parsed, rows, fingerprint)


@transaction.atomic
def investment_import(
    *,
    actor: Actor,
    zone,
    parsed=None,
    fileobj=None,
    expected_stored: str | None = None,
    today: dt.date | None = None,
) -> InvestmentImportResult:
    """Store every row of the sheet (`fileobj`, or the `parsed` rows of a preview the user
    confirmed) or none: each row sets its project's month (added or changed, audited); months
    the sheet does not list are kept. Refused (ImportRejected) when any row is; refused
    (ValidationFailed) when the stored months compared by the preview (`expected_stored`)
    changed since."""
    from zonedesk.projects import invest_imports

    _zone_check(actor, zone)
    errors = []
    if parsed is None:
        parsed, errors = invest_imports.read(fileobj)
    rows, stored, fingerprint = _compare(
        zone, parsed, today or timezone.localdate(), lock=True, errors=errors
    )
    if expected_stored is not None and fingerprint != expected_stored:
        raise ValidationFailed(
            {
                "__all__": [
                    _(
                        "The stored investment of these projects and months changed since the "
                        "preview: nothing was imported. Upload the file again to see the "
                        "changes as they are now."
                    )
                ]
            }
        )
    for r in rows:
        if r.change == "unchanged":
            continue
        old = stored.get((r.project.pk, r.line.month.first_day))
        investment_set(
            actor=actor,
            project=r.project,
            month=r.line.month.first_day,
            planned_wan=r.line.planned_wan,
            done_wan=r.line.done_wan,
            expected_version=None if old is None else old.version,
            today=today,
        )
    return InvestmentImportResult(
        created=sum(r.change == "new" for r in rows),
        updated=sum(r.change == "updated" for r in rows),
        unchanged=sum(r.change == "unchanged" for r in rows),
        months=tuple(sorted({r.line.month for r in rows})),
    )


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
    """Change an open item's need, provider, due date or note (refused on a stale version; a
    done item is kept as it was done)."""
    if not access.can_edit_guarantee(actor, guarantee):
        raise PermissionDenied(
            _(
                "Only the zone's leaders, the project's service officer or the responsible "
                "department can change a guarantee item."
            )
        )
    if guarantee.done_on is not None:
        raise ValidationFailed({"__all__": [_("This guarantee item is done already.")]})
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


# --- reminders of lights (zonedesk projects remind) ------------------------------------------


def light_recipients(node: ProjectNode) -> list:
    """Who is told of a node's light: its person in charge and the project's service officer
    (the project's leading cadre when it has neither), each once, active users only."""
    project = node.project
    people = [node.person, project.service_officer]
    if not any(people):
        people = [project.leading_cadre]
    out = []
    for user in people:
        if user is not None and user.is_active and user not in out:
            out.append(user)
    return out


def _light_text(node: ProjectNode, light: str, today: dt.date, warn: int) -> tuple[str, str]:
    """The notification's title and body, in the active language."""
    names = {"node": node.name, "project": node.project.name, "day": date_format(node.planned_on)}
    if light == lights.RED:
        title = _("“%(node)s” of %(project)s is late: it was planned for %(day)s") % names
        days = (today - node.planned_on).days
        body = ngettext(
            "The node is %(days)d day past its planned date.",
            "The node is %(days)d days past its planned date.",
            days,
        ) % {"days": days}
    else:
        title = _("“%(node)s” of %(project)s is due soon: it is planned for %(day)s") % names
        body = ngettext(
            "The node is planned within %(warn)d working day.",
            "The node is planned within %(warn)d working days.",
            warn,
        ) % {"warn": warn}
    if node.department_id is not None:
        body += " " + _("Department in charge: %(department)s.") % {
            "department": node.department.name
        }
    body += " " + _(
        "Complete it on the project's page when it is done, or ask a leader for a re-plan "
        "with the reason."
    )
    return title[:200], body


@transaction.atomic
def node_light_notify(
    *, actor: Actor, node: ProjectNode, light: str, today: dt.date, warn: int
) -> NodeLightNotice | None:
    """Tell the node's people (light_recipients) that it turned `light` (yellow or red) on
    `today`, in their notification centre and by e-mail as each chose (notices, kind
    project_light), and record it (NodeLightNotice) so that it is told once per light and
    planned date. None, and nothing written, when nobody can be told, the node was completed or
    re-planned since it was read, or another run told it first. The system's only (the daily
    run)."""
    if not is_system(actor):
        raise PermissionDenied
    if light not in NodeLightNotice.Light.values:
        raise ValidationFailed({"light": [_("Only a yellow or a red light is told.")]})
    people = light_recipients(node)
    if not people:
        return None
    still = ProjectNode.objects.filter(
        pk=node.pk, status=ProjectNode.Status.OPEN, planned_on=node.planned_on
    )
    if not still.exists():  # completed or re-planned since it was read
        return None
    try:
        with transaction.atomic():
            notice = NodeLightNotice.objects.create(
                node=node, light=light, planned_on=node.planned_on, on=today, recipients=len(people)
            )
    except IntegrityError:  # a run at the same time told it first
        return None
    title, body = _light_text(node, light, today, warn)
    link = reverse("projects:detail", args=[node.project_id])
    for user in people:
        notices.notify(
            actor=actor,
            recipient=user,
            kind=NoticeKind.PROJECT_LIGHT,
            title=title,
            body=body,
            link=link,
            about=f"projects.node:{node.pk}",
            today=today,
        )
    audit.record(
        actor=actor,
        action="create",
        instance=notice,
        changes={
            "node": [None, str(node)],
            "light": [None, light],
            "planned_on": [None, audit.plain(node.planned_on)],
            "recipients": [None, [str(u) for u in people]],
        },
        **audit_scope(node.project),
    )
    return notice


@dataclass(frozen=True)
class RemindResult:
    day: dt.date
    told: int  # nodes whose light change was told
    notifications: int
    unreached: list[ProjectNode]  # yellow or red, with nobody to tell (asked again next run)


def lights_remind(*, actor: Actor, today: dt.date) -> RemindResult:
    """The daily run (`zonedesk projects remind`): each open node that turned yellow or red since
    it was last told of (selectors.light_changes) is told to its people, one node at a time in
    its own transaction (node_light_notify), so a run stopped half-way loses nothing and a second
    run on the same day tells nobody anything twice. The system's only."""
    if not is_system(actor):
        raise PermissionDenied
    warn = selectors.warn_days()
    told, sent, unreached = 0, 0, []
    for node, light in selectors.light_changes(today=today):
        notice = node_light_notify(actor=actor, node=node, light=light, today=today, warn=warn)
        if notice is not None:
            told, sent = told + 1, sent + notice.recipients
        elif not light_recipients(node):
            unreached.append(node)
    return RemindResult(day=today, told=told, notifications=sent, unreached=unreached)
