"""Audit trail helpers for services: snapshot a record, diff two snapshots, write the entry."""

import datetime as dt
import decimal
import hashlib
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import models
from django.urls import Resolver404, resolve

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


def row(
    *,
    actor: Actor,
    action: str,
    target_type: str,
    target_id: str,
    target_repr: str,
    changes: dict,
    zone_id: int | None = None,
    area_code: str = "",
    at: dt.datetime | None = None,
) -> SimpleNamespace:
    """An entry as plain values, for `auditchain.insert` (tens of thousands at once, in SQL)."""
    ctx = current_context.get()
    by = user_or_none(actor)
    return SimpleNamespace(
        at=at,
        actor_id=by.pk if by else None,
        actor_name=getattr(actor, "username", "") or "system",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr[:200],
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
    action: str,
    *,
    user=None,
    username: str = "",
    detail: dict | None = None,
    zone_id: int | None = None,
) -> AuditEntry:
    """Record a security event (log-in, log-out, failed log-in, lock-out, refusal, export, token
    use) about `user`, or about the `username` typed when no such user exists.

    The user is both the actor and the target: an event is something that happened to or was
    done by that account. The entry is placed in the user's unit so its auditors see it; one
    of a user of no zone may be placed in the zone whose record it concerns (`zone_id`), the
    user's area kept, so that zone's auditors see it too.
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
        zone_id=getattr(user, "zone_id", None) or zone_id,
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


# A refusal is recorded at most once in this many seconds per user (or address) and path: a
# script probing ids or a page reloaded in a loop leaves a trace, not a flood.
REFUSED_EVERY_SECONDS = 60


# The pages whose address names a record of a zone, (URL namespace, name) -> the record's model:
# a refusal there of a user of no zone (a bank's user, a city's leader) is placed in the
# record's zone too, so that the zone's auditors see who was refused on its records.
_NEED, _LEAD, _PROJECT, _FIRM = (
    "finance.financingneed",
    "chain.lead",
    "projects.project",
    "enterprises.enterprise",
)
REFUSAL_RECORDS = {
    **{
        ("finance", n): _NEED
        for n in ("need", "need_edit", "need_move", "need_problem", "consent_grant")
    },
    **{("finance", n): _FIRM for n in ("firm", "need_new")},
    **{("leads", n): _LEAD for n in ("detail", "edit", "move", "activity", "merge")},
    **{
        ("projects", n): _PROJECT
        for n in ("detail", "edit", "investment_set", "guarantee_add", "service_raise")
    },
}


def _zone_of_path(path: str) -> int | None:
    """The zone of the record a page's address names (REFUSAL_RECORDS), if any."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    label = REFUSAL_RECORDS.get((match.namespace, match.url_name))
    pk = match.kwargs.get("pk")
    if label is None or pk is None:
        return None
    record = apps.get_model(label)._base_manager.filter(pk=pk).first()
    if record is None:
        return None
    if getattr(record, "zone_id", None) is not None:
        return record.zone_id
    firm = getattr(record, "enterprise", None)
    return getattr(firm, "zone_id", None)


def refused(request, status: int) -> AuditEntry | None:
    """Record a refused authorisation (a 403, or a 404 for a record outside the user's scope)
    of `request`: the path, method and answer. Plain unknown URLs are not recorded (the
    callers are the pages' `found` and permission checks, and the API's refusals)."""
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated and getattr(user, "pk", None))
    who = user.pk if signed_in else current_context.get().ip_address
    path = request.path[:300]
    key = "zd-refused:" + hashlib.sha256(f"{who}|{request.method}|{path}".encode()).hexdigest()
    if not cache.add(key, 1, REFUSED_EVERY_SECONDS):
        return None
    of_no_zone = signed_in and getattr(user, "zone_id", None) is None
    return security_event(
        AuditEntry.Action.REFUSED,
        user=user if signed_in else None,
        detail={"path": path, "method": request.method, "status": status},
        zone_id=_zone_of_path(request.path) if of_no_zone else None,
    )


def exported(user, *, what: str, rows: int, query: str = "") -> AuditEntry:
    """Record a spreadsheet export of zone data by `user`: what, how many rows, with which
    filters (the query string)."""
    return security_event(
        AuditEntry.Action.EXPORT,
        user=user,
        detail={"what": what, "rows": rows, "query": query[:500]},
    )
