"""The scope (a zone or an area) a user may look at and the reads of monthly figures every
part of the selectors shares: the figures of a basis, the month's totals, the firms expected
to report, the target, a figure, an import job; the columnar reads for another app."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, QuerySet, Sum

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring import columnar, indicators, rollups
from zonedesk.monitoring.indicators import MEASURES, FirmMonth
from zonedesk.monitoring.models import AnnualTarget, ImportJob, MonthlyFigure
from zonedesk.org.access import UNIT_WIDE_ROLES, can_view_dashboard
from zonedesk.org.models import Area, Zone
from zonedesk.org.selectors import area_get, zone_get, zone_list

# Firms expected to report every month (construction sites and closed firms are not).
REPORTING_STATUSES = (Enterprise.Status.PRODUCING, Enterprise.Status.HALTED)


def band() -> Decimal:
    """The ± band of 持平 (flat capacity), as a fraction.

    Reference data: not scoped, because it is the deployment's setting, the same for everyone."""
    return Decimal(str(settings.ZONEDESK["CAPACITY_BAND"]))


def new_firm_months() -> int:
    """How many months a firm counts as new (新开工) from its production start date.

    Reference data: not scoped, because it is the deployment's setting, the same for everyone."""
    return int(settings.ZONEDESK.get("NEW_FIRM_MONTHS", 12))


def figure_scope(user) -> QuerySet[MonthlyFigure]:
    """The figures of the firms the user may see."""
    return MonthlyFigure.objects.filter(enterprise__in=enterprise_scope(user))


def figure_get(user, *, enterprise: Enterprise, period: Period) -> MonthlyFigure | None:
    return (
        figure_scope(user)
        .select_related("enterprise__zone__area", "submitted_by", "confirmed_by")
        .filter(enterprise=enterprise, period=period.first_day)
        .first()
    )


def figure_history(user, *, enterprise: Enterprise, months: int = 25) -> list[MonthlyFigure]:
    return list(
        figure_scope(user)
        .filter(enterprise=enterprise)
        .select_related("submitted_by", "confirmed_by")
        .order_by("-period")[:months]
    )


def report_months(
    user, *, enterprise: Enterprise, due: Period, count: int = 24
) -> list[tuple[Period, MonthlyFigure | None]]:
    """The months the firm is expected to report, newest first, each with its figures (None:
    missed): the `count` months up to `due`, from its start of production on, while it is
    producing or halted (expected_firms' rule); a firm outside those statuses is listed only
    for the months it has reported."""
    first = due.shift(1 - count)
    if enterprise.production_start is not None:
        first = max(first, Period.of(enterprise.production_start))
    found = {
        f.month: f
        for f in figure_scope(user).filter(
            enterprise=enterprise, period__gte=first.first_day, period__lte=due.first_day
        )
    }
    months = [
        due.shift(-i)
        for i in range(max(0, (due.year - first.year) * 12 + due.month - first.month + 1))
    ]
    if enterprise.status not in REPORTING_STATUSES:
        months = [p for p in months if p in found]
    return [(p, found.get(p)) for p in months]


@dataclass(frozen=True)
class Scope:
    """What a status covers: one zone, or every zone of an area that the user may see."""

    label: str
    zone: Zone | None
    area: Area | None
    zones: tuple[Zone, ...]

    @classmethod
    def of_zone(cls, zone: Zone) -> "Scope":
        return cls(zone.name, zone, None, (zone,))

    @property
    def code(self) -> str:
        return self.zone.code if self.zone else self.area.code


def zone_for(user, *, code: str = "") -> Zone | None:
    """The zone a zone-wide page shows: the one asked for (when it is the user's), else the
    user's own, else the first of an area user's zones."""
    if code:
        return zone_get(user, code=code)
    scope = scope_for(user)
    return (scope.zone if scope else None) or zone_list(user).order_by("code").first()


def scope_for(user, *, zone: str = "", area: str = "") -> Scope | None:
    """The zone or area asked for (by code), or the user's own unit; None when out of reach."""
    if not can_view_dashboard(user):
        return None
    if zone:
        z = zone_get(user, code=zone)
        return Scope.of_zone(z) if z else None
    if area:
        # A zone's users see their zone only: their county is more than their zone.
        if not (user.is_superuser or user.area_id is not None):
            return None
        a = area_get(user, code=area)
        if a is None:
            return None
        zones = tuple(
            zone_list(user).filter(area__code__startswith=a.scope_prefix).order_by("code")
        )
        return Scope(a.name, None, a, zones)
    if user.zone_id is not None:
        return scope_for(user, zone=user.zone.code)
    if user.area_id is not None:
        return scope_for(user, area=user.area.code)
    first = zone_list(user).order_by("code").first()  # a superuser: start with the first zone
    return scope_for(user, zone=first.code) if first else None


def _firms(user, scope: Scope) -> QuerySet[Enterprise]:
    return enterprise_scope(user).filter(zone__in=[z.pk for z in scope.zones])


def _firm_months(figures: QuerySet[MonthlyFigure]) -> dict[Period, list[FirmMonth]]:
    """The figures as FirmMonths by month (read as tuples: a zone's two years in one go)."""
    months: dict[Period, list[FirmMonth]] = defaultdict(list)
    for by_month in rollups.firm_months(figures).values():
        for period, rows in by_month.items():
            months[period] += rows
    return months


def _sees_whole_zones(user, scope: Scope) -> bool:
    """Whether the user sees every firm of the scope's zones (an area's managers and staff), so
    that the zones' kept summaries are exactly what the user's own view would add up."""
    return scope.zone is None and (user.is_superuser or user.has_role(*UNIT_WIDE_ROLES))


# 快报 (preliminary: every submitted row) or 审定 (confirmed rows only).
BASES = ("preliminary", "confirmed")


def _figures(basis: str = "preliminary") -> QuerySet[MonthlyFigure]:
    """The rows a basis counts: all submitted ones (快报), or the confirmed ones (审定)."""
    if basis not in BASES:
        raise ValueError(f"basis is one of {BASES}, not {basis!r}")
    rows = MonthlyFigure.objects.all()
    return rows.filter(status=MonthlyFigure.Status.CONFIRMED) if basis == "confirmed" else rows


def monthly_totals(
    firms: QuerySet[Enterprise], first: Period, last: Period, *, basis: str = "preliminary"
) -> dict[Period, dict]:
    """Σ of every figure per month over `firms`, months first..last (missing months absent).

    Reference data: not scoped, because `firms` is a queryset the caller has scoped."""
    rows = (
        _figures(basis)
        .filter(enterprise__in=firms, period__gte=first.first_day, period__lte=last.first_day)
        .values("period")
        .annotate(firms=Count("id"), **{m: Sum(m) for m in MEASURES})
        .order_by("period")
    )
    return {Period.of(r.pop("period")): r for r in rows}


def expected_firms(firms: QuerySet[Enterprise], period: Period) -> QuerySet[Enterprise]:
    """The firms that should report for the month: producing or halted, and started by its end.

    Reference data: not scoped, because it only narrows `firms`, a queryset the caller has scoped."""
    end = period.shift(1).first_day
    return firms.filter(status__in=REPORTING_STATUSES).exclude(production_start__gte=end)


def target_for(scope: Scope, year: int) -> Decimal | None:
    """The zone's growth target as a fraction (0.08), or None.

    Reference data: not scoped, because `scope` comes from `scope_for(user)`, and a zone's
    target is known to everyone who sees the zone."""
    if scope.zone is None:
        return None
    target = AnnualTarget.objects.filter(zone=scope.zone, year=year).first()
    return target.output_growth_pct / 100 if target else None


def target_version(scope: Scope, year: int) -> int:
    """The version of the zone's target for the year the target form carries (0: none set)."""
    if scope.zone is None:
        return 0
    found = AnnualTarget.objects.filter(zone=scope.zone, year=year)
    return found.values_list("version", flat=True).first() or 0


def import_job_get(user, *, pk) -> ImportJob | None:
    """An upload's job: only the user who uploaded it sees it (superusers see all)."""
    if not (user and user.is_authenticated):
        return None
    qs = ImportJob.objects.select_related("zone").defer("content")
    if not user.is_superuser:
        qs = qs.filter(created_by=user)
    return qs.filter(pk=pk).first()


def output_unusual(user, *, enterprise: Enterprise, period: Period) -> bool:
    """Whether the firm's output for the month moved by more than ±50 % (see indicators)."""
    outputs = dict(
        figure_scope(user)
        .filter(
            enterprise=enterprise,
            period__in=[period.first_day, period.previous.first_day, period.last_year.first_day],
        )
        .values_list("period", "output_value_wan")
    )
    current = outputs.pop(period.first_day, None)
    return indicators.unusual(current, *outputs.values())


# --- figures for another app's computation over many firms ---------------------------------------
# Reference reads, not scoped to a user (policies' fact table, its re-match by latest month): the
# SQL over the figures is monitoring's own, in `columnar`.
FigureSums = columnar.FigureSums
figure_sums = columnar.figure_sums
month_scaled = columnar.month_scaled
firms_by_latest_month = columnar.firms_by_latest_month
