"""Reads of the firm registry, always scoped to the acting user."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from zonedesk.core import industry
from zonedesk.core.masking import mask_phone
from zonedesk.enterprises.access import can_see_contacts
from zonedesk.enterprises.models import Enterprise, EnterpriseMember
from zonedesk.org.access import UNIT_WIDE_ROLES, is_active
from zonedesk.org.models import Role
from zonedesk.org.selectors import user_list, zone_list


@dataclass(frozen=True)
class EnterpriseFilters:
    """The list's filters, shared by the page, the export and the API."""

    q: str = ""
    zone: str = ""  # zone code
    industry: str = ""  # section letter, or division/group/class code
    status: str = ""
    officer: int | None = None
    above_designated_size: bool | None = None


def enterprise_scope(user) -> QuerySet[Enterprise]:
    """Every firm the user may see: their unit's firms, or an enterprise user's own firm."""
    qs = Enterprise.objects.all()
    if not is_active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.has_role(*UNIT_WIDE_ROLES):
        return qs.filter(zone__in=zone_list(user))
    if user.has_role(Role.ENTERPRISE):
        return qs.filter(pk__in=EnterpriseMember.objects.filter(user=user).values("enterprise_id"))
    return qs.none()


def enterprise_list(
    user, filters: EnterpriseFilters | None = None, *, with_contacts: bool = False
) -> QuerySet[Enterprise]:
    f = filters or EnterpriseFilters()
    qs = enterprise_scope(user).select_related("zone__area", "officer")
    if with_contacts:
        qs = qs.prefetch_related("contacts")
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(credit_code__icontains=term.upper()))
    if f.zone:
        qs = qs.filter(zone__code=f.zone)
    if f.industry:
        code = industry.normalise(f.industry)
        if len(code) == 1 and code.isalpha():
            # A section's divisions are a contiguous range (C = 13-43), so one range test
            # covers every division, group and class code under it.
            divisions = sorted(d for d, s in industry.division_section().items() if s == code)
            if not divisions:
                return qs.none()
            upper = f"{int(divisions[-1]) + 1:02d}"
            qs = qs.filter(industry_code__gte=divisions[0], industry_code__lt=upper)
        else:
            qs = qs.filter(industry_code__startswith=code)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.officer is not None:
        qs = qs.filter(officer_id=f.officer)
    if f.above_designated_size is not None:
        qs = qs.filter(above_designated_size=f.above_designated_size)
    return qs


def enterprise_get(user, *, pk: int) -> Enterprise | None:
    """One firm with its contacts, or None when it does not exist or is out of the user's scope."""
    return (
        enterprise_scope(user)
        .select_related("zone", "zone__area", "officer")
        .prefetch_related("contacts")
        .filter(pk=pk)
        .first()
    )


def enterprise_status_counts(user) -> dict[str, int]:
    rows = enterprise_scope(user).values("status").annotate(n=Count("id"))
    return {r["status"]: r["n"] for r in rows}


def enterprise_division_counts(user) -> list[tuple[str, int]]:
    """(GB/T 4754 division, number of firms) in the user's scope, largest first."""
    rows = (
        enterprise_scope(user)
        .annotate(division=Substr("industry_code", 1, 2))
        .values("division")
        .annotate(n=Count("id"))
        .order_by("-n", "division")
    )
    return [(r["division"], r["n"]) for r in rows]


def enterprise_accounts(user, enterprise: Enterprise) -> QuerySet:
    """The enterprise users bound to a firm, for administrators of its unit."""
    return user_list(user).filter(enterprise_membership__enterprise=enterprise)


def contact_rows(user, enterprise: Enterprise) -> list[dict]:
    """The firm's contacts as the user may see them: phones masked unless they call the firm.

    Uses the prefetched contacts when the queryset was built with prefetch_related("contacts").
    """
    full = can_see_contacts(user, enterprise)
    return [
        {
            "name": c.name,
            "title": c.title,
            "email": c.email,
            "phone": c.phone if full else mask_phone(c.phone),
        }
        for c in enterprise.contacts.all()
    ]
