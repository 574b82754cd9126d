"""The size scope (规模以上 / 规模以下 / all) of the status, from each firm's status of the year."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import (
    FirmSize,
)

# The scope switch of the status: every firm, the above-size (规模以上) ones, the others.
SIZES = ("all", "above", "below")


def _above_size(year: int) -> Q:
    """Above-size in `year`: its status of the year (monitoring.services.sizes), else (no
    status derived or set for that year) the registry's flag."""
    of_year = FirmSize.objects.filter(enterprise=OuterRef("pk"), year=year)
    return Q(Exists(of_year.filter(above=True))) | (
        ~Q(Exists(of_year)) & Q(above_designated_size=True)
    )


def sized(firms: QuerySet[Enterprise], year: int, size: str) -> QuerySet[Enterprise]:
    """`firms` narrowed to the size scope of the year ("all" keeps them all).

    Reference data: not scoped, because it only narrows `firms`, a queryset the caller has scoped."""
    if size not in SIZES:
        raise ValueError(f"size is one of {SIZES}, not {size!r}")
    if size == "all":
        return firms
    return firms.filter(_above_size(year)) if size == "above" else firms.exclude(_above_size(year))


def newly_above(firms: QuerySet[Enterprise], year: int) -> list[int]:
    """The firms (of `firms`) newly above size (新升规) in `year`.

    Reference data: not scoped, because `firms` is a queryset the caller has scoped."""
    return list(
        FirmSize.objects.filter(enterprise__in=firms, year=year, newly_above=True)
        .order_by("enterprise_id")
        .values_list("enterprise_id", flat=True)
    )
