"""The node templates (per zone and kind, and the installation's defaults) as the template page
reads them."""

from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from zonedesk.org.models import Department, Zone
from zonedesk.org.selectors import zone_list
from zonedesk.projects import access, templates_default
from zonedesk.projects.models import Kind, NodeTemplate, TemplateNode


@dataclass
class TemplateNodeRow:
    node: TemplateNode
    waits: list[TemplateNode] = field(default_factory=list)
    required: bool = False  # relied on by its code: neither removed nor recoded
    first: bool = False
    last: bool = False


@dataclass
class TemplateView:
    template: NodeTemplate
    kind_label: str
    rows: list[TemplateNodeRow]
    own: bool = False  # the zone's own template; False: the installation's default it uses
    editable: bool = False


DEFAULT = "default"  # the zone parameter naming the installation's defaults


def template_zones(user) -> QuerySet[Zone]:
    """The zones whose templates the user reads: those under the unit of a leader or an
    administrator (every zone for a superuser)."""
    if not access.can_view_templates(user):
        return Zone.objects.none()
    return zone_list(user).order_by("code")


def template_zone(user, code: str | None) -> tuple[bool, Zone | None]:
    """The zone the template page shows, from its `zone` parameter: (found, zone). A zone the
    user reads; DEFAULT (zone None) for a superuser; no parameter: the user's own zone, a
    superuser's defaults, or the first zone under an area user's unit."""
    if not access.can_view_templates(user):
        return False, None
    if code == DEFAULT or (not code and user.is_superuser):
        return user.is_superuser, None
    zones = template_zones(user)
    if code:
        zone = zones.filter(code=code).first()
    elif user.zone_id is not None:
        zone = zones.filter(pk=user.zone_id).first()
    else:
        zone = zones.first()
    return zone is not None, zone


def _can_read(user, zone) -> bool:
    return user.is_superuser if zone is None else access.can_view_templates(user, zone)


def _scope(zone) -> Q:
    """The templates the zone's page shows: its own and the defaults (only the defaults for
    zone None)."""
    return Q(zone__isnull=True) if zone is None else Q(zone=zone) | Q(zone__isnull=True)


def templates(user, zone) -> list[TemplateView]:
    """Every kind's template for `zone` with its nodes in order (what a new project of the kind
    in the zone gets: the zone's own, else the installation's default; zone None: the defaults),
    for the users who read them; empty for anyone else."""
    if not _can_read(user, zone):
        return []
    editable = access.can_edit_templates(user, zone)
    labels = dict(Kind.choices)
    stored = NodeTemplate.objects.filter(_scope(zone)).prefetch_related("nodes__depends_on")
    chosen: dict[str, NodeTemplate] = {}
    for template in stored:
        if template.kind not in chosen or template.zone_id is not None:
            chosen[template.kind] = template
    out = []
    for kind in Kind.values:
        template = chosen.get(kind)
        if template is None:
            continue
        nodes = list(template.nodes.all())
        rows = [
            TemplateNodeRow(
                node=n,
                waits=sorted(n.depends_on.all(), key=lambda d: d.seq),
                required=n.code in templates_default.REQUIRED,
                first=i == 0,
                last=i == len(nodes) - 1,
            )
            for i, n in enumerate(nodes)
        ]
        out.append(
            TemplateView(
                template=template,
                kind_label=labels[kind],
                rows=rows,
                own=template.zone_id is not None,
                editable=editable,
            )
        )
    return out


def template_get(user, *, zone, kind: str, pk: int | None = None) -> NodeTemplate | None:
    """The template of `kind` an editor of `zone` read: `pk` (the zone's own or the default),
    or without it the one the zone uses (its own, else the default)."""
    if not _can_read(user, zone):
        return None
    found = NodeTemplate.objects.filter(_scope(zone), kind=kind)
    if pk is not None:
        return found.filter(pk=pk).first()
    return found.order_by(F("zone").asc(nulls_last=True)).first()


def template_node_get(user, *, zone, pk: int) -> TemplateNode | None:
    """One node of `zone`'s own template or of the default it may use, for a reader of the
    zone's templates."""
    if not _can_read(user, zone):
        return None
    nodes = TemplateNode.objects.select_related("template")
    if zone is None:
        return nodes.filter(pk=pk, template__zone__isnull=True).first()
    return nodes.filter(Q(template__zone=zone) | Q(template__zone__isnull=True), pk=pk).first()


def template_node_now(user, *, zone, node: TemplateNode) -> TemplateNode | None:
    """`node` as the template `zone` uses now holds it: itself, or by its code in the zone's own
    copy made since from the default the user read; None when it is gone."""
    template = template_get(user, zone=zone, kind=node.template.kind)
    if template is None:
        return None
    return (
        template.nodes.filter(Q(pk=node.pk) | Q(code=node.code)).select_related("template").first()
    )


def department_names(user, zone=None) -> QuerySet:
    """The department names a template node may name (a project's node gets the department of
    that name in the project's zone): the zone's (for the defaults, those of the user's zones),
    each once."""
    depts = Department.objects.all()
    if zone is not None:
        depts = depts.filter(zone=zone)
    elif not user.is_superuser and user.zone_id is not None:
        depts = depts.filter(zone_id=user.zone_id)
    return depts.order_by("name").values_list("name", flat=True).distinct()
