"""Writes to the org tree. Every one is atomic, checks permission and writes the audit row."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zonedesk.core import audit
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.org import access
from zonedesk.org.models import ApiToken, Area, Department, Role, User, Zone

ZONE_FIELDS = ("code", "name", "area")


def _full_clean(instance, **kwargs) -> None:
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


@transaction.atomic
def area_create(*, actor, code: str, name: str, level: str, parent: Area | None = None) -> Area:
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied()
    area = Area(code=code, name=name, level=level, parent=parent)
    _full_clean(area)
    area.save()
    audit.record(
        actor=actor,
        action="create",
        instance=area,
        changes={"code": [None, code]},
        area_code=area.code,
    )
    return area


@transaction.atomic
def zone_create(*, actor, code: str, name: str, area: Area) -> Zone:
    if actor is not None and not access.can_create_zone(actor, area):
        raise PermissionDenied()
    zone = Zone(code=code, name=name, area=area)
    _full_clean(zone)
    zone.save()
    audit.record(
        actor=actor,
        action="create",
        instance=zone,
        changes=audit.diff({}, audit.snapshot(zone, ZONE_FIELDS)),
        zone_id=zone.pk,
        area_code=area.code,
    )
    return zone


@transaction.atomic
def zone_update(*, actor, zone: Zone, **fields) -> Zone:
    if not access.can_manage_zone(actor, zone):
        raise PermissionDenied()
    unknown = set(fields) - {"name"}
    if unknown:
        raise ValidationFailed({f: [str(PermissionDenied.default_message)] for f in unknown})
    before = audit.snapshot(zone, ZONE_FIELDS)
    for name, value in fields.items():
        setattr(zone, name, value)
    _full_clean(zone)
    zone.save()
    changes = audit.diff(before, audit.snapshot(zone, ZONE_FIELDS))
    if changes:
        audit.record(
            actor=actor,
            action="update",
            instance=zone,
            changes=changes,
            zone_id=zone.pk,
            area_code=zone.area.code,
        )
    return zone


@transaction.atomic
def department_create(*, actor, zone: Zone, name: str) -> Department:
    if actor is not None and not access.can_manage_zone(actor, zone):
        raise PermissionDenied()
    department = Department(zone=zone, name=name)
    _full_clean(department)
    department.save()
    audit.record(
        actor=actor,
        action="create",
        instance=department,
        changes={"name": [None, name]},
        zone_id=zone.pk,
        area_code=zone.area.code,
    )
    return department


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    roles: list[str],
    full_name: str = "",
    zone: Zone | None = None,
    area: Area | None = None,
    department: Department | None = None,
    bank=None,
    phone: str = "",
) -> User:
    """Create a user in one unit with its roles (used by administrators and the demo)."""
    unit_zone = zone or (department.zone if department else None)
    if actor is not None and not actor.is_superuser:
        allowed = actor.has_role(Role.ADMIN) and (
            access.zone_in_unit(actor, unit_zone)
            if unit_zone
            else area and access.area_in_unit(actor, area)
        )
        if not allowed:
            raise PermissionDenied()
    bad_roles = set(roles) - set(Role.values)
    if bad_roles:
        raise ValidationFailed({"roles": [f"{r!r}" for r in sorted(bad_roles)]})
    user = User(
        username=username,
        full_name=full_name,
        zone=unit_zone,
        area=area,
        department=department,
        bank=bank,
        phone=phone,
    )
    user.set_password(password)
    _full_clean(user, exclude=["password"])
    user.save()
    user.role_grants.bulk_create([user.role_grants.model(user=user, role=r) for r in roles])
    audit.record(
        actor=actor,
        action="create",
        instance=user,
        changes={"username": [None, username], "roles": [None, sorted(roles)]},
        zone_id=unit_zone.pk if unit_zone else None,
        area_code=(unit_zone.area.code if unit_zone else area.code if area else ""),
    )
    return user


@transaction.atomic
def api_token_create(*, actor, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the token text, which is not stored."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied()
    token = ApiToken.generate()
    row = ApiToken.objects.create(
        user=user, name=name, prefix=token[3:11], digest=ApiToken.hash(token)
    )
    audit.record(
        actor=actor,
        action="create",
        instance=row,
        changes={"name": [None, name]},
        zone_id=user.zone_id,
    )
    return row, token


def api_token_authenticate(token: str) -> User | None:
    """The active user a token belongs to, stamping its last use; None when unknown."""
    row = (
        ApiToken.objects.select_related("user", "user__area", "user__zone")
        .filter(digest=ApiToken.hash(token), user__is_active=True)
        .first()
    )
    if row is None:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user
