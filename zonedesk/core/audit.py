"""Audit trail helpers for services: snapshot a record, diff two snapshots, write the entry."""

import datetime as dt
import decimal
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import models

from zonedesk.core.actors import Actor, user_or_none
from zonedesk.core.models import AuditEntry


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    via: str = ""


# Set by RequestContextMiddleware (pages, API) and by commands; read when an entry is written.
current_context: ContextVar[RequestContext] = ContextVar(
    "zonedesk_request_context",
    default=RequestContext(via="system"),  # noqa: B039 - frozen
)


def plain(value):
    """A JSON-safe form of a field value (records by primary key)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | decimal.Decimal):
        return str(value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    """The JSON-safe values of `fields` (foreign keys by id)."""
    out = {}
    for name in fields:
        field = instance._meta.get_field(name)
        out[name] = plain(getattr(instance, field.attname))
    return out


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def entry(
    *,
    actor: Actor,
    action: str,
    instance: models.Model,
    changes: dict,
    zone_id: int | None = None,
    area_code: str = "",
) -> AuditEntry:
    """An unsaved entry (for bulk writes); `record` saves one."""
    ctx = current_context.get()
    return AuditEntry(
        actor=user_or_none(actor),
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        target_type=instance._meta.label_lower,
        target_id=str(instance.pk),
        target_repr=str(instance)[:200],
        changes=changes,
        ip_address=ctx.ip_address,
        via=ctx.via,
        zone_id=zone_id,
        area_code=area_code,
    )


def record(**kwargs) -> AuditEntry:
    audit_entry = entry(**kwargs)
    audit_entry.save()
    return audit_entry


def security_event(
    action: str, *, user=None, username: str = "", detail: dict | None = None
) -> AuditEntry:
    """Record a security event (log-in, log-out, failed log-in, lock-out, refusal, export, token
    use) about `user`, or about the `username` typed when no such user exists.

    The user is both the actor and the target: an event is something that happened to or was
    done by that account. The entry is placed in the user's unit so its auditors see it.
    """
    ctx = current_context.get()
    name = getattr(user, "username", "") or username
    area = getattr(user, "area", None) if getattr(user, "area_id", None) else None
    return AuditEntry.objects.create(
        actor=user if getattr(user, "pk", None) else None,
        actor_name=name[:150],
        action=action,
        target_type=settings.AUTH_USER_MODEL.lower(),
        target_id=str(user.pk) if getattr(user, "pk", None) else "",
        target_repr=name[:200],
        changes=detail or {},
        ip_address=ctx.ip_address,
        via=ctx.via,
        zone_id=getattr(user, "zone_id", None),
        area_code=area.code if area is not None else "",
    )


def record_event(*, actor: Actor, action: str, target_type: str, target_repr: str, changes: dict):
    """An entry about the system rather than a record (a backup, a restore): `target_type` names
    the kind of event, `target_repr` what it concerned (a file name)."""
    ctx = current_context.get()
    return AuditEntry.objects.create(
        actor=user_or_none(actor),
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        target_type=target_type,
        target_id="",
        target_repr=target_repr[:200],
        changes=changes,
        ip_address=ctx.ip_address,
        via=ctx.via,
    )
