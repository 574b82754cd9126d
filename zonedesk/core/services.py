"""What every app's services share: where a record sits in the org tree (for the audit log),
model validation as a domain error, and an audited update.

A service in any app has this skeleton (see casework's `problem_transition`):

    @transaction.atomic
    def <entity>_<action>(*, actor: Actor, <record>, data: <Entity>Data) -> <Entity>:
        check the actor (access.can_…) -> PermissionDenied
        change the record; `clean` it -> ValidationFailed
        write it and its audit entry (`audited_update`, or audit.record) in this transaction
        (a `Versioned` record: `version_check` first, `version_bump` when it changed)
        announce what changed (core.events) for the apps further down the line

Inputs of a create or update are a frozen dataclass (`EnterpriseData`, `ProblemData`).
"""

from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from dataclasses import fields as fields_of
from dataclasses import is_dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.models import AuditEntry


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


def is_versioned(instance: models.Model) -> bool:
    return any(f.name == "version" for f in instance._meta.concrete_fields)


def _actor_label(entry: AuditEntry) -> str:
    """Who made an audited change, as a person reads it: the user's full name (else user name),
    "system" (translated) for the system's own actions ("system", "system:demo")."""
    if entry.actor is not None:
        return entry.actor.full_name or entry.actor.username
    if entry.actor_name == "system" or entry.actor_name.startswith("system:"):
        return str(_("system"))
    return entry.actor_name


def stale(instance: models.Model, *, current: int | None, expected: int | None) -> StaleVersion:
    """The refusal of an edit made on version `expected` of a record now at `current`, naming
    who saved the last change and when (from the audit log, which every service writes)."""
    last = (
        AuditEntry.objects.filter(
            target_type=instance._meta.label_lower,
            target_id=str(instance.pk),
            action__in=[AuditEntry.Action.CREATE, AuditEntry.Action.UPDATE],
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    values = {"record": str(instance), "yours": expected, "current": current}
    if last is None:
        message = _(
            "%(record)s was changed by someone else after you opened it (you edited version "
            "%(yours)s, it is at version %(current)s now). Nothing was saved."
        )
        return StaleVersion(message % values, current=current, expected=expected)
    who = _actor_label(last)
    values |= {"user": who, "time": timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M:%S")}
    message = _(
        "%(record)s was changed by %(user)s at %(time)s, after you opened it (you edited version "
        "%(yours)s, it is at version %(current)s now). Nothing was saved."
    )
    return StaleVersion(
        message % values,
        current=current,
        expected=expected,
        changed_by=who,
        changed_at=last.at,
    )


def version_check(instance: models.Model, expected: int | None = None) -> None:
    """The compare of compare-and-set, first thing in a service's transaction: lock the record's
    row (SELECT ... FOR UPDATE; SQLite's IMMEDIATE transactions hold the whole database) and
    refuse with StaleVersion unless its stored version is the one the editor read (`expected`,
    from the form or the API request; None: the one `instance` was read at). The row stays
    locked until the transaction ends, so a second editor waits here, then is refused."""
    current = (
        type(instance)
        ._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .first()
    )
    wanted = instance.version if expected is None else expected
    if current != wanted or current != instance.version:
        raise stale(instance, current=current, expected=wanted)


def version_matches(
    record: models.Model | None, expected: int | None, *, absent: models.Model
) -> None:
    """The compare for a service that has locked the record itself (select_for_update), or
    found none (`record` None: version 0, "the editor read no record"; `absent` names it in
    the refusal). `expected` None: no compare (the system's own loaders)."""
    if expected is None:
        return
    current = record.version if record is not None else 0
    if current != expected:
        raise stale(record if record is not None else absent, current=current, expected=expected)


@contextmanager
def created_once(absent: models.Model, expected: int | None, *, existing: models.QuerySet):
    """Around the insert of a record two editors may create at once (one month's figures, one
    plan per firm): when the insert fails because `existing` (the other's record) now exists,
    the loser of the race gets StaleVersion, not a database error (a savepoint keeps the
    caller's transaction usable). Any other integrity error goes on as it is."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        other = existing.first()
        if other is None:
            raise
        raise stale(other, current=other.version, expected=expected or 0) from exc


def version_bump(instance: models.Model) -> None:
    """The set of compare-and-set, when the service saved a change: UPDATE ... SET version =
    v + 1 WHERE id = ? AND version = v (v: the version `instance` was read at), refused with
    StaleVersion if another writer got there first (a path that skipped `version_check`)."""
    model = type(instance)._base_manager
    done = model.filter(pk=instance.pk, version=instance.version).update(
        version=instance.version + 1
    )
    if not done:
        current = model.filter(pk=instance.pk).values_list("version", flat=True).first()
        raise stale(instance, current=current, expected=instance.version)
    instance.version += 1


def audited_update(
    *,
    actor: Actor,
    instance: models.Model,
    data: Mapping[str, Any] | Any,
    fields: Sequence[str],
    scope: Mapping[str, Any] | None = None,
    exclude_from_clean: Sequence[str] = (),
    also: Mapping[str, list] | None = None,
    expected_version: int | None = None,
) -> bool:
    """Set `fields` of `instance` from `data` (a mapping or a dataclass), validate, save only
    what changed and audit the change; returns whether anything changed (HackSoft's
    `model_update`, plus the audit entry). `also`: changes the caller made beside the record
    (a firm's contacts), audited in the same entry as `field: [before, after]`.
    A `Versioned` record is compared first (`expected_version`: the version the editor read;
    None: the one `instance` was read at) and its version goes up with a change."""
    versioned = is_versioned(instance)
    if versioned:
        version_check(instance, expected_version)
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
    if versioned:
        version_bump(instance)
    audit.record(
        actor=actor,
        action="update",
        instance=instance,
        changes=changes,
        **(scope if scope is not None else audit_scope(instance)),
    )
    return True
