"""Element guarantees (要素保障): create, edit, 销号."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import (
    audit_scope,
    audited_update,
    clean,
    version_bump,
    version_check,
)
from zonedesk.projects import access
from zonedesk.projects.models import (
    Guarantee,
    Project,
    ProjectNode,
)
from zonedesk.projects.services.nodes import _node_blocked_set

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
