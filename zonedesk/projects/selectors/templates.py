"""The node templates (one per kind) as the template page reads them."""

from dataclasses import dataclass, field

from django.db.models import QuerySet

from zonedesk.org.models import Department
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


def templates(user) -> list[TemplateView]:
    """Every kind's template with its nodes in order (what a new project of the kind gets), for
    the leaders and administrators who edit them; empty for anyone else."""
    if not access.can_edit_templates(user):
        return []
    labels = dict(Kind.choices)
    out = []
    stored = NodeTemplate.objects.prefetch_related("nodes__depends_on").order_by("kind")
    for template in stored:
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
        out.append(TemplateView(template=template, kind_label=labels[template.kind], rows=rows))
    return out


def template_get(user, *, kind: str) -> NodeTemplate | None:
    """The template of `kind`, for a user who may edit it."""
    if not access.can_edit_templates(user):
        return None
    return NodeTemplate.objects.filter(kind=kind).first()


def template_node_get(user, *, pk: int) -> TemplateNode | None:
    """One node of a template, for a user who may edit it."""
    if not access.can_edit_templates(user):
        return None
    return TemplateNode.objects.select_related("template").filter(pk=pk).first()


def department_names(user) -> QuerySet:
    """The department names a template node may name (a project's node gets the department of
    that name in the project's zone): those of the user's zones, each once."""
    depts = Department.objects.all()
    if not user.is_superuser and user.zone_id is not None:
        depts = depts.filter(zone_id=user.zone_id)
    return depts.order_by("name").values_list("name", flat=True).distinct()
