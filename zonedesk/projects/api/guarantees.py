"""Element guarantee items over the API: list, add, change, done."""

from django.utils.translation import gettext as _
from ninja import Router, Status

from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.schemas import ConflictOut
from zonedesk.projects import access, selectors, services
from zonedesk.projects.api.projects import _one_of, _project
from zonedesk.projects.models import (
    Guarantee,
    Project,
)
from zonedesk.projects.schemas import (
    GuaranteeDoneIn,
    GuaranteeIn,
    GuaranteeOut,
    GuaranteePatchIn,
)

router = Router(tags=["projects"])


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
        department = selectors.zone_department(values["department"], zone=project.zone)
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
