"""Reads of the org tree, always scoped to the acting user."""

import datetime as dt
import json
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import BooleanField, CharField, Count, ExpressionWrapper, Q, QuerySet
from django.db.models.functions import Cast, Now
from django.utils import timezone

from zonedesk.core.models import AuditEntry
from zonedesk.org.access import (
    UNIT_WIDE_ROLES,
    can_manage_security,
    can_open_users,
    can_read_audit,
    is_active,
)
from zonedesk.org.models import ApiToken, Area, Bank, Department, LoginThrottle, Role, User, Zone


def zone_list(user) -> QuerySet[Zone]:
    """The zones under the user's unit."""
    qs = Zone.objects.select_related("area")
    if not is_active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.zone_id is not None:
        return qs.filter(pk=user.zone_id)
    if user.area_id is not None:
        return qs.filter(area__code__startswith=user.area.scope_prefix)
    return qs.none()


def zone_get(user, *, code: str) -> Zone | None:
    return zone_list(user).filter(code=code).first()


def area_list(user) -> QuerySet[Area]:
    """The areas at or under the user's area (a zone user sees their zone's area chain)."""
    qs = Area.objects.all()
    if not is_active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.area_id is not None:
        return qs.filter(code__startswith=user.area.scope_prefix)
    if user.zone_id is not None:
        return qs.filter(pk=user.zone.area_id)
    return qs.none()


def area_get(user, *, code: str) -> Area | None:
    return area_list(user).filter(code=code).first()


def officer_list(user, *, zone: Zone | None = None) -> QuerySet[User]:
    """Liaison officers of the zones the user can see (or of one zone); staff roles only."""
    if not (is_active(user) and (user.is_superuser or user.has_role(*UNIT_WIDE_ROLES))):
        return User.objects.none()
    zones = zone_list(user)
    if zone is not None:
        zones = zones.filter(pk=zone.pk)
    return (
        User.objects.filter(role_grants__role=Role.OFFICER, zone__in=zones, is_active=True)
        .select_related("zone")
        .order_by("zone__code", "full_name", "username")
        .distinct()
    )


def department_list(user) -> QuerySet[Department]:
    return Department.objects.filter(zone__in=zone_list(user)).select_related("zone")


@dataclass(frozen=True)
class AuditFilters:
    """The audit log's filters: a time range (local dates, both included), an action, the user
    (user name or full name, in part), a record type (`app.model`), a firm (name in part, or
    credit code: the firm's own entries and those of its records) and a text searched in the
    record and its changes."""

    start: dt.date | None = None
    end: dt.date | None = None
    action: str = ""
    actor: str = ""
    target_type: str = ""
    firm: str = ""
    text: str = ""


# The firm register, named by label: org sits below enterprises (it does not import it), and
# the audit log reads every record type through the app registry alike.
FIRM_MODEL = "enterprises.enterprise"


def firm_record_models() -> list:
    """The record types that belong to one firm: every model with a foreign key `enterprise` to
    the firm register (its problems, visits, monthly figures, benefits, plans...)."""
    firm = apps.get_model(FIRM_MODEL)
    found = []
    for model in apps.get_models():
        try:
            field = model._meta.get_field("enterprise")
        except FieldDoesNotExist:
            continue
        if field.many_to_one and field.related_model is firm:
            found.append(model)
    return found


def firm_paths() -> list[tuple]:
    """(model, path to its firm) of every record type that belongs to a firm: the models of
    `firm_record_models` by their `enterprise`, and those that name the way to their firm in an
    `AUDIT_FIRM` attribute (a key project by its investor, its nodes by their project's)."""
    found = [(model, "enterprise") for model in firm_record_models()]
    found += [
        (model, model.AUDIT_FIRM) for model in apps.get_models() if getattr(model, "AUDIT_FIRM", "")
    ]
    return found


def _as_text(qs: QuerySet) -> QuerySet:
    """The primary keys of `qs` as text, to compare with an entry's `target_id`."""
    return qs.annotate(key_text=Cast("pk", CharField())).values("key_text")


def _firm_entries(text: str) -> Q:
    """Entries about the firms whose name holds `text` (or whose credit code is `text`): the
    firm's own, and those of the records that belong to it. A record deleted since is found
    by its firm only if its entry names it (its `enterprise` change)."""
    firm = apps.get_model(FIRM_MODEL)
    firms = firm._base_manager.filter(Q(name__icontains=text) | Q(credit_code__iexact=text))
    where = Q(target_type=FIRM_MODEL, target_id__in=_as_text(firms))
    for model, path in firm_paths():
        rows = model._base_manager.filter(**{f"{path}__in": firms.values("pk")})
        where |= Q(target_type=model._meta.label_lower, target_id__in=_as_text(rows))
    return where


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_list(user, filters: AuditFilters | None = None) -> QuerySet[AuditEntry]:
    """Audit entries under the auditor's unit, and those of no unit (the installation's: locks
    of client addresses, log-ins with user names that name no account, backups and restores),
    newest first, filtered."""
    f = filters or AuditFilters()
    qs = AuditEntry.objects.select_related("actor")
    if not can_read_audit(user):
        return qs.none()
    no_unit = Q(zone_id__isnull=True, area_code="")
    if user.zone_id is not None and not user.is_superuser:
        qs = qs.filter(Q(zone_id=user.zone_id) | no_unit)
    elif user.area_id is not None and not user.is_superuser:
        qs = qs.filter(Q(area_code__startswith=user.area.scope_prefix) | no_unit)
    elif not user.is_superuser:
        return qs.none()
    if f.start:
        qs = qs.filter(at__gte=_day_start(f.start))
    if f.end:
        qs = qs.filter(at__lt=_day_start(f.end + dt.timedelta(days=1)))
    if f.action:
        qs = qs.filter(action=f.action)
    if f.actor:
        qs = qs.filter(Q(actor_name__icontains=f.actor) | Q(actor__full_name__icontains=f.actor))
    if f.target_type:
        qs = qs.filter(target_type=f.target_type)
    if f.firm:
        qs = qs.filter(_firm_entries(f.firm))
    if f.text:
        # SQLite keeps JSON with non-ASCII letters escaped (\\u7532): search both spellings.
        escaped = json.dumps(f.text)[1:-1]
        qs = qs.filter(
            Q(target_repr__icontains=f.text)
            | Q(changes__icontains=f.text)
            | Q(changes__icontains=escaped)
        )
    return qs.order_by("-seq")


# Ids per query when the audit log names the records its entries point to.
NAMES_BATCH = 1000


def audit_record_names(wanted: dict) -> dict:
    """The names of the records audit entries point to ({model: ids} in, {(model, id): name}
    out), one query per kind of record and thousand ids.

    Reference data: not scoped, because the ids come from entries the auditor already may read
    (the entries of their unit, naming that unit's records)."""
    names = {}
    for model, ids in wanted.items():
        ids = sorted(ids)
        for start in range(0, len(ids), NAMES_BATCH):
            for obj in model._base_manager.filter(pk__in=ids[start : start + NAMES_BATCH]):
                names[(model, str(obj.pk))] = str(obj)
    return names


def audit_firm_ids(entries) -> dict[int, str]:
    """The firm each entry concerns ({entry id: firm id as text}): the firm itself, the firm of
    the record (its `enterprise`), else the firm its changes name. One query per record type.

    Reference data: not scoped, because the entries are ones the auditor already may read."""
    by_type: dict[str, set[str]] = {}
    for e in entries:
        by_type.setdefault(e.target_type, set()).add(e.target_id)
    owners: dict[tuple[str, str], str] = {}
    for model, path in firm_paths():
        label = model._meta.label_lower
        ids = [i for i in by_type.get(label, ()) if i.isdigit()]
        for start in range(0, len(ids), NAMES_BATCH):
            rows = model._base_manager.filter(pk__in=ids[start : start + NAMES_BATCH])
            for pk, firm in rows.values_list("pk", path):
                if firm is not None:  # a meter reading of an account no firm has registered
                    owners[(label, str(pk))] = str(firm)
    found = {}
    for e in entries:
        if e.target_type == FIRM_MODEL and e.target_id:
            found[e.pk] = e.target_id
        elif (e.target_type, e.target_id) in owners:
            found[e.pk] = owners[(e.target_type, e.target_id)]
        elif isinstance(e.changes, dict) and "enterprise" in e.changes:
            named = e.changes["enterprise"]
            named = [v for v in (named if isinstance(named, list) else [named]) if v]
            if named and str(named[-1]).isdigit():
                found[e.pk] = str(named[-1])
    return found


def audit_firm_texts(entries, found: dict[int, str]) -> dict[int, str]:
    """The firm named in words by the entries `audit_firm_ids` found no registered firm for:
    a record whose model names the way to a firm's name in `AUDIT_FIRM_NAME` (a key project's
    new investor, not yet in the register). One query per record type.

    Reference data: not scoped, because the entries are ones the auditor already may read."""
    wanted: dict[str, set[str]] = {}
    for e in entries:
        if e.pk not in found and e.target_id.isdigit():
            wanted.setdefault(e.target_type, set()).add(e.target_id)
    names: dict[tuple[str, str], str] = {}
    for model in apps.get_models():
        path = getattr(model, "AUDIT_FIRM_NAME", "")
        label = model._meta.label_lower
        if not path or label not in wanted:
            continue
        ids = sorted(wanted[label])
        for start in range(0, len(ids), NAMES_BATCH):
            rows = model._base_manager.filter(pk__in=ids[start : start + NAMES_BATCH])
            for pk, name in rows.values_list("pk", path):
                if name:
                    names[(label, str(pk))] = name
    return {
        e.pk: names[(e.target_type, e.target_id)]
        for e in entries
        if (e.target_type, e.target_id) in names
    }


def zone_names(ids) -> dict[int, str]:
    """Zone names by id, to label audit entries.

    Reference data: not scoped, because zone names are known to every signed-in user and the
    ids come from entries the caller already may read."""
    return dict(Zone.objects.filter(pk__in=set(ids) - {None}).values_list("pk", "name"))


def zone_overview(user) -> QuerySet[Zone]:
    """The user's zones, with their number of firms for staff roles (firm and bank users see
    zone names only)."""
    zones = zone_list(user)
    if is_active(user) and (user.is_superuser or user.has_role(*UNIT_WIDE_ROLES)):
        return zones.annotate(n_enterprises=Count("enterprises"))
    return zones


def user_list(user, *, q: str = "") -> QuerySet[User]:
    """The users of the administrator's unit (zones under it and areas under it), for the
    system administrator (accounts) and the security administrator (roles)."""
    qs = User.objects.select_related("zone", "area", "department", "bank").prefetch_related(
        "role_grants"
    )
    if not can_open_users(user):
        return qs.none()
    if not user.is_superuser:
        qs = qs.filter(is_superuser=False)
        if user.zone_id is not None:
            qs = qs.filter(zone_id=user.zone_id)
        elif user.area_id is None:
            return qs.none()
        else:
            prefix = user.area.scope_prefix
            qs = qs.filter(
                Q(zone__area__code__startswith=prefix) | Q(area__code__startswith=prefix)
            )
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return qs.order_by("zone__code", "area__code", "username")


def user_get(user, *, pk: int) -> User | None:
    return user_list(user).filter(pk=pk).first()


def bank_list(user) -> QuerySet[Bank]:
    """Banks a user may pick: those of their zone's county, or under their area."""
    if not is_active(user):
        return Bank.objects.none()
    if user.is_superuser:
        return Bank.objects.all()
    if user.zone_id is not None:
        return Bank.objects.filter(area_id=user.zone.area_id)
    if user.area_id is not None:
        return Bank.objects.filter(area__code__startswith=user.area.scope_prefix)
    return Bank.objects.none()


def unit_choices(user) -> tuple[QuerySet[Zone], QuerySet[Area]]:
    """The zones and areas an administrator may put new users in."""
    zones = zone_list(user)
    areas = area_list(user) if user.is_superuser or user.area_id else Area.objects.none()
    return zones, areas


def user_for_command(username: str) -> User | None:
    """A user by name, for management commands (run by the system, not by a user).

    Reference data: not scoped, because only the operator's commands call it, acting as the
    system (core.actors.SYSTEM) that sees everything."""
    return User.objects.filter(username=username).first()


def api_token_list(user) -> QuerySet:
    """The user's own API tokens, newest first, each with `expired`."""
    if not is_active(user):
        return ApiToken.objects.none()
    expired = ExpressionWrapper(Q(expires_at__lte=Now()), output_field=BooleanField())
    return user.api_tokens.annotate(expired=expired).order_by("-created_at", "-id")


def login_lock(*, username: str, address: str | None) -> dt.datetime | None:
    """The end of the lock on this user name or this address, None when neither is locked.

    Reference data: not scoped, because it serves the log-in form before anyone is signed in.
    """
    keys = Q()
    if username:
        keys = Q(kind=LoginThrottle.Kind.USERNAME, key=LoginThrottle.username_key(username))
    if address:
        keys |= Q(kind=LoginThrottle.Kind.ADDRESS, key=address)
    if not keys:
        return None
    locks = LoginThrottle.objects.filter(keys, locked_until__gt=timezone.now())
    return max(locks.values_list("locked_until", flat=True), default=None)


def login_lock_list(user) -> QuerySet[LoginThrottle]:
    """The locks in force that the security administrator may lift: those of the accounts of
    their unit, and those of addresses and of user names that name no account (they belong to
    no unit; every security administrator of the installation sees them)."""
    qs = LoginThrottle.objects.filter(locked_until__gt=timezone.now()).select_related(
        "user", "user__zone", "user__area"
    )
    if not can_manage_security(user):
        return qs.none()
    if user.is_superuser:
        return qs
    in_unit = Q(user__zone__in=zone_list(user), user__is_superuser=False)
    if user.area_id is not None:
        in_unit |= Q(user__area__code__startswith=user.area.scope_prefix, user__is_superuser=False)
    return qs.filter(Q(user__isnull=True) | in_unit)


def login_lock_get(user, *, pk: int) -> LoginThrottle | None:
    return login_lock_list(user).filter(pk=pk).first()
