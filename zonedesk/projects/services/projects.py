"""Projects: create and edit, the template of nodes, the project's state."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.services import (
    audit_scope,
    audited_update,
    clean,
    version_bump,
    version_check,
)
from zonedesk.org.access import zone_in_unit
from zonedesk.org.models import Department, Role
from zonedesk.projects import access, templates_default
from zonedesk.projects.models import (
    Kind,
    NodeTemplate,
    Project,
    ProjectNode,
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
    """The installation's default template (templates_default.py) for every kind that has none."""
    for kind in Kind.values:
        if NodeTemplate.objects.filter(zone__isnull=True, kind=kind).exists():
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


def template_of(zone, kind: str) -> NodeTemplate:
    """The template a new project of `kind` in `zone` copies: the zone's own, else the
    installation's default."""
    own = NodeTemplate.objects.filter(zone=zone, kind=kind).first() if zone is not None else None
    if own is not None:
        return own
    templates_ensure()
    return NodeTemplate.objects.get(zone__isnull=True, kind=kind)


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


def wan_text(value) -> str:
    """An amount in 10k yuan as a refusal quotes it (two decimals, grouped)."""
    return number_format(value, decimal_pos=2, force_grouping=True)


def project_problems(
    *,
    signed_on: dt.date | None,
    first_production_month: dt.date | None,
    total_investment_wan: Decimal | None,
    yearly_investment_wan: Decimal | None,
) -> dict[str, str]:
    """What is wrong between a project's dates and amounts (field -> reason): the first
    production month before the signing month (a project produces only once signed), or the
    yearly planned investment above the total (a year's plan is a part of the total). The form
    and the service both ask (so the page and the API refuse alike)."""
    problems = {}
    if (
        signed_on is not None
        and first_production_month is not None
        and first_production_month.replace(day=1) < signed_on.replace(day=1)
    ):
        problems["first_production_month"] = _(
            "The planned month of first production (%(month)s) is before the project's signing "
            "month (%(signed)s): a project produces only after it is signed."
        ) % {
            "month": first_production_month.strftime("%Y-%m"),
            "signed": signed_on.strftime("%Y-%m"),
        }
    if (
        total_investment_wan is not None
        and total_investment_wan >= 0  # a negative total is the model's own error
        and yearly_investment_wan is not None
        and yearly_investment_wan > total_investment_wan
    ):
        problems["yearly_investment_wan"] = _(
            "The yearly planned investment (%(yearly)s 10k yuan) is more than the total "
            "investment (%(total)s 10k yuan): the year's plan is a part of the total."
        ) % {"yearly": wan_text(yearly_investment_wan), "total": wan_text(total_investment_wan)}
    return problems


def _project_values(zone, data: ProjectData) -> dict:
    """The project's values from `data`, checked beyond the model's own validation: the investor
    is a firm of the zone or a new one by name (one of the two), the leading cadre a leader over
    the zone, the service officer an officer of the zone, the dates and amounts agree
    (project_problems). Text is stripped; the first
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
    problems = project_problems(
        signed_on=data.signed_on,
        first_production_month=data.first_production_month,
        total_investment_wan=data.total_investment_wan,
        yearly_investment_wan=data.yearly_investment_wan,
    )
    for field, reason in problems.items():
        errors.setdefault(field, []).append(reason)
    if errors:
        raise ValidationFailed(errors)
    return values


def _code_taken(zone, code: str, *, exclude: int | None = None) -> None:
    others = Project.objects.filter(zone=zone, code=code)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    if others.exists():
        raise ValidationFailed({"code": [_("The zone has a project with this code already.")]})


def node_dates(
    offsets: list[tuple[str, int]], signed_on: dt.date, first_production_month: dt.date | None
) -> dict[str, dt.date]:
    """Each template node's planned date (by code, from its days after signing): the signing
    date plus its days, except the production stage when the project gives its month of first
    production. Then 投产 is due on that month's last day, and 试生产 and every node the template
    plans after it (达产) keep their distance to 投产, none before the signing; the nodes before
    试生产 are brought in between the signing and it when their days would plan them later (their
    offsets scaled, so every node stays after what it waits for). A template without
    a 投产 node is planned from the signing date only."""
    planned = {code: signed_on + dt.timedelta(days=days) for code, days in offsets}
    days_of = dict(offsets)
    producing = days_of.get(templates_default.PRODUCING)
    if first_production_month is None or producing is None:
        return planned
    month = Period.of(first_production_month)
    producing_on = month.first_day.replace(day=month.days)
    stage_from = min(days_of.get(templates_default.TRIAL, producing), producing)
    for code, days in offsets:
        if days >= stage_from:
            planned[code] = max(signed_on, producing_on + dt.timedelta(days=days - producing))
    # The nodes before the stage wait for each other up to it: when the template's days would
    # plan them after it, they are brought in between the signing and the stage's first date,
    # their offsets scaled alike so their order and proportions stay.
    stage_on = max(signed_on, producing_on + dt.timedelta(days=stage_from - producing))
    span = (stage_on - signed_on).days
    if stage_from > 0 and span < stage_from:
        for code, days in offsets:
            if days < stage_from:
                planned[code] = signed_on + dt.timedelta(days=days * span // stage_from)
    return planned


@transaction.atomic
def project_create(*, actor: Actor, zone, data: ProjectData) -> Project:
    """A key project of `zone` with its nodes copied from the zone's template of its kind (its
    own, else the installation's default, `template_of`), planned from the
    signing date (each node's baseline is its first planned date); the department in charge is
    the zone's department of the template's name, when the zone has one, and the person in
    charge the project's service officer, when it has one."""
    if not access.can_create_project(actor, zone):
        raise PermissionDenied(
            _(
                "Only the zone's own leaders or administrators add its key projects: a city's "
                "or province's leaders follow them."
            )
        )
    values = _project_values(zone, data)
    project = Project(zone=zone, **values)
    _code_taken(zone, project.code)
    clean(project)
    project.save()
    template = template_of(zone, project.kind)
    departments = {d.name: d for d in Department.objects.filter(zone=zone)}
    tnodes = list(template.nodes.prefetch_related("depends_on"))
    planned = node_dates(
        [(t.code, t.offset_days) for t in tnodes], data.signed_on, project.first_production_month
    )
    nodes = {}
    for t in tnodes:
        on = planned[t.code]
        nodes[t.pk] = ProjectNode.objects.create(
            project=project,
            seq=t.seq,
            code=t.code,
            name=t.name,
            baseline_on=on,
            planned_on=on,
            department=departments.get(t.department_name),
            warn_days=t.warn_days,
            # Someone to tell when the node turns yellow or red (services.lights_remind);
            # the managers name another person per node (node_person_set).
            person=project.service_officer,
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
