"""The node templates, edited on the template page: add, change (rename, code, days after
signing, department, the nodes it waits for), move and remove a node of a kind's template, and
restore the installation's default.

A template belongs to a zone or to no zone (the installation's default of the kind). Every
action names the zone whose template it changes (None: the default, superusers only) and the
template the editor read: the zone's own, or the default while the zone has none. The zone's
first change to a kind copies the default into the zone's own template (audited as its
creation) and applies the change there, so the other zones keep theirs; restoring the default
removes the zone's copy (audited with its nodes).

Every action is refused on a stale template version (the template's version covers its nodes),
is audited on the template in the same transaction, and keeps the template runnable: codes unique,
no node waiting for itself through others, and the nodes other code relies on by their code
(templates_default.REQUIRED: 投产 makes the firm, 达产 full production, the work summary counts
开工 and 竣工验收) are never removed nor recoded. A project copied its nodes when it was created,
so nothing here touches an existing project.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.services import audit_scope, clean, version_bump, version_check
from zonedesk.projects import access, templates_default
from zonedesk.projects.models import NodeTemplate, TemplateNode


@dataclass(frozen=True)
class TemplateNodeData:
    code: str
    name: str
    offset_days: int = 0
    department_name: str = ""
    depends_on: tuple[str, ...] = ()  # the codes of the nodes it waits for
    warn_days: int | None = None  # its own yellow warning; None: the zone's setting


def cycle(waits: Mapping[str, tuple[str, ...] | list[str]]) -> list[str] | None:
    """A chain of codes that waits for itself (its first code repeated at its end), or None.
    `waits` maps each code to the codes it waits for; unknown codes are ignored."""
    state: dict[str, int] = {}  # 1: on the path being walked, 2: finished

    def walk(code: str, path: list[str]) -> list[str] | None:
        state[code] = 1
        path.append(code)
        for nxt in waits.get(code, ()):
            if nxt not in waits:
                continue
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (found := walk(nxt, path)) is not None:
                return found
        path.pop()
        state[code] = 2
        return None

    for code in waits:
        if code not in state and (found := walk(code, [])) is not None:
            return found
    return None


def _check_actor(actor: Actor, zone) -> None:
    if not access.can_edit_templates(actor, zone):
        if zone is None:
            raise PermissionDenied(
                _("Only a superuser changes the installation's default node templates.")
            )
        raise PermissionDenied(
            _("Only the zone's own leaders and administrators change its node templates.")
        )


def _copy(template: NodeTemplate, *, zone) -> NodeTemplate:
    """`template` with its nodes (and what they wait for) copied as `zone`'s own, at version 1."""
    copy = NodeTemplate.objects.create(zone=zone, kind=template.kind, name=template.name)
    nodes = list(template.nodes.prefetch_related("depends_on"))
    by_code = {
        n.code: TemplateNode.objects.create(
            template=copy,
            seq=n.seq,
            code=n.code,
            name=n.name,
            offset_days=n.offset_days,
            department_name=n.department_name,
            warn_days=n.warn_days,
        )
        for n in nodes
    }
    for n in nodes:
        by_code[n.code].depends_on.set([by_code[d.code] for d in n.depends_on.all()])
    return copy


def _editable(actor: Actor, zone, read: NodeTemplate, expected_version: int | None) -> NodeTemplate:
    """The template a change made on `read` (at `expected_version`) goes to, locked with its
    version checked: `zone`'s own template (made now from the default when `read` is the default
    the zone used), or the default itself when `zone` is None."""
    _check_actor(actor, zone)
    zone_id = zone.pk if zone is not None else None
    if read.zone_id == zone_id:
        version_check(read, expected_version)
        return read
    if zone is None or read.zone_id is not None:
        raise PermissionDenied(_("This template is not the zone's."))
    # The editor read the default while the zone had no template of the kind. Locking the
    # default makes a second first change (the same zone, at the same time) wait here, then
    # find the copy the first one made.
    version_check(read, expected_version)
    own = NodeTemplate.objects.filter(zone=zone, kind=read.kind).first()
    if own is not None:
        raise StaleVersion(
            _(
                "The zone has had its own template of this kind since you opened the page (it "
                "was changed by someone else). Nothing was saved: reload the page."
            ),
            current=own.version,
            expected=expected_version,
        )
    copy = _copy(read, zone=zone)
    audit.record(
        actor=actor,
        action="create",
        instance=copy,
        changes={
            "copied from": [None, f"default {read.kind} v{read.version}"],
            "nodes": [None, [_described(n) for n in copy.nodes.prefetch_related("depends_on")]],
        },
        **audit_scope(copy),
    )
    return copy


def _mapped(node: TemplateNode, template: NodeTemplate) -> TemplateNode:
    """`node` (of the template read) in `template` (the one changed: the same, or its copy)."""
    if node.template_id == template.pk:
        node.template = template
        return node
    return template.nodes.get(code=node.code)


def _graph(template: NodeTemplate) -> dict[str, list[str]]:
    nodes = template.nodes.prefetch_related("depends_on")
    return {n.code: [d.code for d in n.depends_on.all()] for n in nodes}


def _waits_for(graph: Mapping[str, list[str]], code: str, other: str) -> bool:
    """Whether `code` waits for `other`, directly or through the nodes it waits for."""
    seen: set[str] = set()
    todo = list(graph.get(code, ()))
    while todo:
        nxt = todo.pop()
        if nxt == other:
            return True
        if nxt not in seen:
            seen.add(nxt)
            todo.extend(graph.get(nxt, ()))
    return False


def _described(node: TemplateNode) -> dict:
    """A node as the auditor reads it."""
    return {
        "seq": node.seq,
        "code": node.code,
        "name": node.name,
        "offset_days": node.offset_days,
        "department_name": node.department_name,
        "warn_days": node.warn_days,
        "depends_on": sorted(d.code for d in node.depends_on.all()),
    }


def _values(data: TemplateNodeData) -> dict:
    return {
        "code": data.code.strip(),
        "name": data.name.strip(),
        "offset_days": data.offset_days,
        "department_name": data.department_name.strip(),
        "warn_days": data.warn_days,
    }


def _check_waits(graph: dict[str, list[str]], code: str, waits: tuple[str, ...]) -> list:
    """The dependencies of `code` (as codes of the template) checked, as template nodes' codes."""
    errors = []
    unknown = [w for w in waits if w not in graph or w == code]
    if code in waits:
        errors.append(_("A node cannot wait for itself."))
    elif unknown:
        errors.append(_("Unknown nodes: %(codes)s.") % {"codes": ", ".join(unknown)})
    else:
        found = cycle({**graph, code: list(waits)})
        if found is not None:
            errors.append(
                _("These nodes would wait for each other in a circle: %(chain)s.")
                % {"chain": " → ".join(found)}
            )
    return errors


def _save_node(
    *,
    template: NodeTemplate,
    node: TemplateNode,
    data: TemplateNodeData,
    graph: dict[str, list[str]],
    old_code: str | None,
) -> None:
    values = _values(data)
    errors: dict[str, list] = {}
    if old_code in templates_default.REQUIRED and values["code"] != old_code:
        errors["code"] = [
            _("The code “%(code)s” is relied on (production, the work summary): keep it.")
            % {"code": old_code}
        ]
    others = {c: w for c, w in graph.items() if c != old_code}
    if values["code"] in others:
        errors["code"] = [_("The template has a node with this code already.")]
    # The others keep waiting for this node under its new code.
    if old_code is not None and old_code != values["code"]:
        others = {
            c: [values["code"] if w == old_code else w for w in ws] for c, ws in others.items()
        }
    waits = tuple(dict.fromkeys(values["code"] if w == old_code else w for w in data.depends_on))
    wait_errors = _check_waits({**others, values["code"]: []}, values["code"], waits)
    if wait_errors:
        errors["depends_on"] = wait_errors
    kept = {name: getattr(node, name) for name in values}
    for name, value in values.items():
        setattr(node, name, value)
    try:
        clean(node)
    except ValidationFailed as exc:
        errors = {**exc.errors, **errors}
    if errors:
        for name, value in kept.items():  # the caller's copy stays what is stored
            setattr(node, name, value)
        raise ValidationFailed(errors)
    node.save()
    node.depends_on.set(list(template.nodes.filter(code__in=waits)))


@transaction.atomic
def template_node_add(
    *,
    actor: Actor,
    zone,
    template: NodeTemplate,
    data: TemplateNodeData,
    expected_version: int | None,
) -> TemplateNode:
    """A new node at the end of `zone`'s template of the kind (`template`: the one read; None
    zone: the default), which the zone's new projects of the kind get."""
    template = _editable(actor, zone, template, expected_version)
    last = template.nodes.aggregate(m=Max("seq"))["m"] or 0
    node = TemplateNode(template=template, seq=last + 1)
    _save_node(template=template, node=node, data=data, graph=_graph(template), old_code=None)
    version_bump(template)
    audit.record(
        actor=actor,
        action="update",
        instance=template,
        **audit_scope(template),
        changes={f"node {node.code}": [None, _described(node)]},
    )
    return node


@transaction.atomic
def template_node_edit(
    *,
    actor: Actor,
    zone,
    node: TemplateNode,
    data: TemplateNodeData,
    expected_version: int | None,
) -> TemplateNode:
    """Rename a node, change its code, days after signing, department, its own yellow warning
    or the nodes it waits for (no circle; the codes production and the summary rely on stay)."""
    template = _editable(actor, zone, node.template, expected_version)
    node = _mapped(node, template)
    before = _described(node)
    _save_node(template=template, node=node, data=data, graph=_graph(template), old_code=node.code)
    version_bump(template)
    after = _described(node)
    if after != before:
        audit.record(
            actor=actor,
            action="update",
            instance=template,
            changes={f"node {before['code']}": [before, after]},
        )
    return node


@transaction.atomic
def template_node_move(
    *, actor: Actor, zone, node: TemplateNode, up: bool, expected_version: int | None
) -> TemplateNode:
    """Swap a node with the one before it (`up`) or after it; the first node does not go up nor
    the last down (nothing changes, the version neither), and a node never goes before one it
    waits for, nor after one waiting for it (refused, naming both)."""
    template = _editable(actor, zone, node.template, expected_version)
    node = _mapped(node, template)
    siblings = template.nodes.exclude(pk=node.pk)
    other = (
        siblings.filter(seq__lt=node.seq).order_by("-seq").first()
        if up
        else siblings.filter(seq__gt=node.seq).order_by("seq").first()
    )
    if other is None:
        return node
    # The order shown is the order of work: a node never comes before one it waits for.
    first, second = (other, node) if up else (node, other)
    if _waits_for(_graph(template), second.code, first.code):
        raise ValidationFailed(
            {
                "seq": [
                    _("“%(later)s” waits for “%(earlier)s”: it cannot come before it.")
                    % {"later": second.name, "earlier": first.name}
                ]
            }
        )
    mine, theirs = node.seq, other.seq
    # (template, seq) is unique: park this node past the end first.
    node.seq = (template.nodes.aggregate(m=Max("seq"))["m"] or 0) + 1
    node.save(update_fields=["seq"])
    other.seq = mine
    other.save(update_fields=["seq"])
    node.seq = theirs
    node.save(update_fields=["seq"])
    version_bump(template)
    audit.record(
        actor=actor,
        action="update",
        instance=template,
        **audit_scope(template),
        changes={
            f"node {node.code}": [{"seq": mine}, {"seq": theirs}],
            f"node {other.code}": [{"seq": theirs}, {"seq": mine}],
        },
    )
    return node


@transaction.atomic
def template_node_remove(
    *, actor: Actor, zone, node: TemplateNode, expected_version: int | None
) -> None:
    """Remove a node; the nodes other code relies on by their code, and a node others wait for
    (they would lose their place in the order of work), are refused."""
    template = _editable(actor, zone, node.template, expected_version)
    node = _mapped(node, template)
    if node.code in templates_default.REQUIRED:
        raise ValidationFailed(
            {
                "code": [
                    _(
                        "“%(name)s” is relied on (production, the work summary): it cannot be removed."
                    )
                    % {"name": node.name}
                ]
            }
        )
    if template.nodes.count() <= 1:
        raise ValidationFailed({"code": [_("A template keeps at least one node.")]})
    waiting = list(
        template.nodes.filter(depends_on=node).order_by("seq").values_list("name", flat=True)
    )
    if waiting:
        raise ValidationFailed(
            {
                "code": [
                    _("“%(name)s” cannot be removed: %(nodes)s wait for it.")
                    % {"name": node.name, "nodes": "、".join(f"“{n}”" for n in waiting)}
                ]
            }
        )
    before = _described(node)
    node.delete()
    version_bump(template)
    audit.record(
        actor=actor,
        action="update",
        instance=template,
        **audit_scope(template),
        changes={f"node {before['code']}": [before, None]},
    )


@transaction.atomic
def template_restore_default(
    *, actor: Actor, zone, kind: str, expected_version: int | None
) -> None:
    """Remove `zone`'s own template of `kind` (read at `expected_version`): the zone's new
    projects of the kind get the installation's default again. The entry keeps the removed
    nodes; projects already added keep theirs."""
    _check_actor(actor, zone)
    if zone is None:
        raise ValidationFailed(
            {"zone": [_("The installation's default is not restored: choose a zone.")]}
        )
    own = NodeTemplate.objects.filter(zone=zone, kind=kind).first()
    if own is None:
        raise ValidationFailed(
            {"kind": [_("The zone uses the installation's default of this kind already.")]}
        )
    version_check(own, expected_version)
    audit.record(
        actor=actor,
        action="delete",
        instance=own,
        changes={
            "restored": [f"{zone.code} {kind} v{own.version}", "default"],
            "nodes": [[_described(n) for n in own.nodes.prefetch_related("depends_on")], None],
        },
        **audit_scope(own),
    )
    own.delete()
