"""The size scope (规模以上 / 规模以下 / all) of the status, from each firm's status of the year,
and a zone's above-size statuses of a year as its page, export and API list them."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring.models import (
    FirmSize,
    SizeThreshold,
)
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.models import Zone

# The scope switch of the status: every firm, the above-size (规模以上) ones, the others.
SIZES = ("all", "above", "below")


def size_threshold(year: int, sector: str = SizeThreshold.Sector.INDUSTRY) -> SizeThreshold | None:
    """The threshold in force for the statistical year (the latest from_year ≤ year).

    Reference data: not scoped, because the thresholds are the statistics system's, the same
    for everyone."""
    return (
        SizeThreshold.objects.filter(sector=sector, from_year__lte=year)
        .order_by("-from_year")
        .first()
    )


def _above_size(year: int) -> Q:
    """Above-size in `year`: its status of the year (monitoring.services.sizes), else (no
    status derived or set for that year) the registry's flag, unless the flag is a later
    year's status (the firm has one): a year is never given another year's status."""
    of_year = FirmSize.objects.filter(enterprise=OuterRef("pk"), year=year)
    later = FirmSize.objects.filter(enterprise=OuterRef("pk"), year__gt=year)
    return Q(Exists(of_year.filter(above=True))) | (
        ~Q(Exists(of_year)) & ~Q(Exists(later)) & Q(above_designated_size=True)
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


# --- a zone's statuses of a year (the above-size page, its export and the API) ------------------

# The list's filters: above / below size (effective), 新升规, 退规, set by hand, no revenue basis.
SIZE_FILTERS = ("above", "below", "newly_above", "dropped", "overridden", "no_basis")


@dataclass(frozen=True)
class SizeRow:
    """One firm's above-size status of the year. `status` is None when nothing was derived or
    set for the firm's year: the registry's flag then stands (as the size scope reads it)."""

    firm: Enterprise
    status: FirmSize | None
    above_before: bool | None  # the effective status of the year before, when there is one
    # Whether the firm has a status of a later year: its registry flag is then that year's,
    # so a year without a status of its own does not take it (not above: no basis).
    later: bool = False

    @property
    def above(self) -> bool:
        """The effective status: the year's (override, else derived, else kept), else the flag
        when it is not a later year's."""
        if self.status:
            return self.status.above
        return self.firm.above_designated_size and not self.later

    @property
    def basis_revenue_wan(self) -> Decimal | None:
        return self.status.basis_revenue_wan if self.status else None

    @property
    def basis_months(self) -> int:
        return self.status.basis_months if self.status else 0

    @property
    def derived(self) -> bool | None:
        return self.status.derived if self.status else None

    @property
    def override(self) -> bool | None:
        return self.status.override if self.status else None

    @property
    def newly_above(self) -> bool:
        """新升规: above this year, below the year before."""
        return bool(self.status and self.status.newly_above)

    @property
    def dropped(self) -> bool:
        """退规: below this year, above the year before."""
        return self.status is not None and not self.above and self.above_before is True

    @property
    def set_by(self) -> str:
        """Who set the status by hand: the user, or the system (a command, the demo); "" when
        it is not set by hand."""
        if self.override is None:
            return ""
        return str(self.status.override_by or _("system"))

    @property
    def version(self) -> int:
        """The status's edit version (0: no status of the year yet), for the override."""
        return self.status.version if self.status else 0

    def shown_by(self, show: str) -> bool:
        return {
            "": True,
            "above": self.above,
            "below": not self.above,
            "newly_above": self.newly_above,
            "dropped": self.dropped,
            "overridden": self.override is not None,
            "no_basis": self.basis_revenue_wan is None,
        }[show]


@dataclass(frozen=True)
class SizeReport:
    zone: Zone
    year: int
    threshold: SizeThreshold | None  # in force in the year (None: no threshold recorded)
    rows: list[SizeRow]  # every firm of the zone the user sees, by name
    derived: bool  # whether any status of the year is stored (derived or set by hand)

    def counts(self) -> dict[str, int]:
        """How many rows each filter shows ("": all)."""
        return {key: sum(1 for r in self.rows if r.shown_by(key)) for key in ("", *SIZE_FILTERS)}


def size_report(user, zone: Zone, year: int) -> SizeReport | None:
    """The zone's firms with their above-size status of `year` (basis, threshold, derived,
    override with who and when, effective, 新升规, 退规), for the unit's staff; None otherwise.
    `zone` is one the user may see (org.selectors.zone_get)."""
    if not can_view_dashboard(user):
        return None
    firms = list(enterprise_scope(user).filter(zone=zone).order_by("name", "pk"))
    statuses = {
        s.enterprise_id: s
        for s in FirmSize.objects.filter(enterprise__in=firms, year=year).select_related(
            "override_by"
        )
    }
    before = dict(
        FirmSize.objects.filter(enterprise__in=firms, year=year - 1).values_list(
            "enterprise_id", "above"
        )
    )
    later = set(
        FirmSize.objects.filter(enterprise__in=firms, year__gt=year).values_list(
            "enterprise_id", flat=True
        )
    )
    rows = [SizeRow(f, statuses.get(f.pk), before.get(f.pk), f.pk in later) for f in firms]
    return SizeReport(zone, year, size_threshold(year), rows, derived=bool(statuses))


def size_row(user, enterprise: Enterprise, year: int) -> SizeRow | None:
    """One firm's line of `size_report` (the firm as the user's selector found it)."""
    if not can_view_dashboard(user):
        return None
    status = (
        FirmSize.objects.filter(enterprise=enterprise, year=year)
        .select_related("override_by")
        .first()
    )
    before = (
        FirmSize.objects.filter(enterprise=enterprise, year=year - 1)
        .values_list("above", flat=True)
        .first()
    )
    later = FirmSize.objects.filter(enterprise=enterprise, year__gt=year).exists()
    return SizeRow(enterprise, status, before, later)


def latest_size_year(enterprise: Enterprise) -> int | None:
    """The latest year with a stored status of the firm (the year its registry flag follows).

    Reference data: not scoped, because `enterprise` was found by the caller's scoped read."""
    return (
        FirmSize.objects.filter(enterprise=enterprise)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
