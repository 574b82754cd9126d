"""Reads of the org tree, always scoped to the acting user."""

from django.db.models import Count, QuerySet

from zonedesk.core.models import AuditEntry
from zonedesk.org.access import can_read_audit, is_active
from zonedesk.org.models import Area, Department, Role, User, Zone


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
    """Liaison officers of the zones the user can see (or of one zone)."""
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


def audit_list(user, *, action: str = "", target: str = "") -> QuerySet[AuditEntry]:
    """Audit entries under the user's unit, for auditors and administrators."""
    qs = AuditEntry.objects.select_related("actor")
    if not can_read_audit(user):
        return qs.none()
    if user.zone_id is not None and not user.is_superuser:
        qs = qs.filter(zone_id=user.zone_id)
    elif user.area_id is not None and not user.is_superuser:
        qs = qs.filter(area_code__startswith=user.area.scope_prefix)
    elif not user.is_superuser:
        return qs.none()
    if action:
        qs = qs.filter(action=action)
    if target:
        qs = qs.filter(target_repr__icontains=target)
    return qs


def zone_overview(user) -> QuerySet[Zone]:
    """The user's zones with their number of firms."""
    return zone_list(user).annotate(n_enterprises=Count("enterprises"))
