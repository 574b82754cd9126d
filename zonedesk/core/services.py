"""What every app's services share: where a record sits in the org tree (for the audit log),
model validation as a domain error, and an audited update.

A service in any app has this skeleton (see casework's `problem_transition`):

    @transaction.atomic
    def <entity>_<action>(*, actor: Actor, <record>, data: <Entity>Data) -> <Entity>:
        check the actor (access.can_…) -> PermissionDenied
        change the record; `clean` it -> ValidationFailed
        write it and its audit entry (`audited_update`, or audit.record) in this transaction
        announce what changed (core.events) for the apps further down the line

Inputs of a create or update are a frozen dataclass (`EnterpriseData`, `ProblemData`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import fields as fields_of
from dataclasses import is_dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import ValidationFailed


def audit_scope(record: models.Model) -> dict:
    """The zone and area code an audit entry about `record` is filed under (auditors see the
    entries of their own unit): a zone, an area, or a record with an `enterprise`, `zone` or
    `area` (a policy document covers either a zone or an area)."""
    label = record._meta.label
    if label == "org.Zone":
        return {"zone_id": record.pk, "area_code": record.area.code}
    if label == "org.Area":
        return {"area_code": record.code}
    for via in ("enterprise", "zone", "area"):
        if getattr(record, f"{via}_id", None) is not None:
            return audit_scope(getattr(record, via))
    return {}


def clean(instance: models.Model, *, exclude: Sequence[str] = ()) -> None:
    """`full_clean` whose errors are a ValidationFailed (field -> messages)."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def audited_update(
    *,
    actor: Actor,
    instance: models.Model,
    data: Mapping[str, Any] | Any,
    fields: Sequence[str],
    scope: Mapping[str, Any] | None = None,
    exclude_from_clean: Sequence[str] = (),
    also: Mapping[str, list] | None = None,
) -> bool:
    """Set `fields` of `instance` from `data` (a mapping or a dataclass), validate, save only
    what changed and audit the change; returns whether anything changed (HackSoft's
    `model_update`, plus the audit entry). `also`: changes the caller made beside the record
    (a firm's contacts), audited in the same entry as `field: [before, after]`."""
    # Shallow, unlike asdict: a related record (a firm's officer) is set as it is, not copied.
    values = (
        {f.name: getattr(data, f.name) for f in fields_of(data)}
        if is_dataclass(data)
        else dict(data)
    )
    before = audit.snapshot(instance, fields)
    for name in fields:
        if name in values:
            setattr(instance, name, values[name])
    clean(instance, exclude=exclude_from_clean)
    changes = audit.diff(before, audit.snapshot(instance, fields))
    if changes:
        # As model_update does: fields stamped on every save (auto_now) are saved with them.
        stamped = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[instance._meta.get_field(n).name for n in changes] + stamped)
    changes.update(also or {})
    if not changes:
        return False
    audit.record(
        actor=actor,
        action="update",
        instance=instance,
        changes=changes,
        **(scope if scope is not None else audit_scope(instance)),
    )
    return True
