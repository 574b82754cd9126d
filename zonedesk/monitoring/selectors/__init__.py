"""Reads of monthly figures, always scoped to the acting user, and the month's status.

The arithmetic lives in `indicators` and `recovery` (pure); this module only fetches the rows
for the firms a user may see and hands them over.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery, Sum

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring import columnar, indicators, recovery, rollups
from zonedesk.monitoring.facts import StatusFacts, UtilityIndex
from zonedesk.monitoring.indicators import MEASURES, FirmMonth
from zonedesk.monitoring.models import (
    AnnualTarget,
    FirmSize,
    ImportJob,
    MonthlyFigure,
    UtilityAccount,
    UtilityKind,
    UtilityReading,
)
from zonedesk.org.access import UNIT_WIDE_ROLES, can_view_dashboard
from zonedesk.org.models import Area, Zone
from zonedesk.org.selectors import area_get, zone_get, zone_list

# The paragraph names the resumed firms when there are no more than this many.
NAMED_RESUMED = 10
TREND_MEASURES = ("output_value_wan", "electricity_kwh", "employees")
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


def _firm_months(figures: QuerySet[MonthlyFigure]) -> dict[Period, list[FirmMonth]]:
    """The figures as FirmMonths by month (read as tuples: a zone's two years in one go)."""
    months: dict[Period, list[FirmMonth]] = defaultdict(list)
    for by_month in rollups.firm_months(figures).values():
        for period, rows in by_month.items():
            months[period] += rows
    return months


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    values: dict  # measure -> this month's total
    last_year: dict  # measure -> the same month's total a year earlier


@dataclass
class Status:
    """Everything the dashboard, the paragraph and the API say about one month."""

    scope: Scope
    period: Period
    summary: indicators.MonthSummary
    names: dict[int, str]
    ytd: dict[str, indicators.YearToDate]
    recovery: recovery.Recovery
    trend: list[TrendPoint]
    missing: list[Enterprise]
    expected: int  # firms expected to report this month
    # January..December of the year: (month, last year's total output, this year's or None)
    year_output: list[tuple[Period, Decimal, Decimal | None]] = field(default_factory=list)
    zones: list[tuple[Zone, indicators.MonthSummary]] = field(default_factory=list)
    halted: indicators.HaltedDays | None = None  # 平均停工天数, January to the month
    size: str = "all"  # the size scope: all, above (规模以上) or below
    newly_above: list[int] = field(default_factory=list)  # 新升规 firms of the year in scope
    basis: str = "preliminary"  # 快报 (all submitted rows) or 审定 (confirmed rows only)
    unconfirmed: int = 0  # the month's rows submitted but not yet confirmed
    # The utility companies' readings against the base year's month (utility_index)
    utility: dict[str, UtilityIndex] = field(default_factory=dict)

    def name(self, firm_id: int) -> str:
        return self.names.get(firm_id, str(firm_id))

    @property
    def reported(self) -> int:
        return self.summary.reporting

    @property
    def facts(self) -> StatusFacts:
        """The month as plain data for the status paragraph."""
        names = tuple(self.name(f) for f in self.summary.new_firms)
        resumed = tuple(self.name(f) for f in self.summary.resumed_firms)
        return StatusFacts(
            self.scope.label,
            self.period,
            self.summary,
            names,
            self.recovery,
            halted=self.halted,
            resumed_firms=resumed,
            size=self.size,
            newly_above=len(self.newly_above),
            basis=self.basis,
            unconfirmed=self.unconfirmed,
            expected=self.expected,
            utility=self.utility,
        )


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


def _summary_and_totals(
    user, scope: Scope, period: Period, firms, by_zone: bool, size: str, basis: str
):
    """The month's summary, the monthly totals of the last 24 months and, when asked for an
    area of several zones, each zone's summary. The zones' kept summaries cover all their
    firms: a size scope is summed from the rows."""
    zones = []
    if size == "all" and basis == "preliminary" and _sees_whole_zones(user, scope):
        # An area: each zone's month as kept beside the figures (rollups), added up.
        zone_ids = [z.pk for z in scope.zones]
        parts = rollups.summaries(zone_ids, period, band=band(), new_months=new_firm_months())
        summary = indicators.merge(parts.values(), band=band())
        totals = rollups.totals(zone_ids, period.shift(-24), period)
        if by_zone and len(scope.zones) > 1:
            zones = [(z, parts[z.pk]) for z in scope.zones]
    else:
        periods = [period, period.last_year, period.previous]
        months = _firm_months(
            _figures(basis).filter(enterprise__in=firms, period__in=[p.first_day for p in periods])
        )
        summary = indicators.summarise(
            months[period],
            months[period.last_year],
            months[period.previous],
            band=band(),
            new_since=rollups.new_since(period, new_firm_months()),
            new_months=new_firm_months(),
        )
        totals = monthly_totals(firms, period.shift(-24), period, basis=basis)
    return summary, totals, zones


# A firm's days halted are listed by name for a scope of up to this many such firms.
HALTED_FIRMS_LISTED = 500


def _earlier_months(user, scope: Scope, period: Period, firms, size: str, basis: str) -> list:
    """The summaries of January..the month before `period` (each month's reporting firms against
    their own figures a year earlier), as `_summary_and_totals` computes the month's own."""
    earlier = [Period(period.year, m) for m in range(1, period.month)]
    if not earlier:
        return []
    new_months = new_firm_months()
    if size == "all" and basis == "preliminary" and _sees_whole_zones(user, scope):
        zone_ids = [z.pk for z in scope.zones]
        return [
            indicators.merge(
                rollups.summaries(zone_ids, p, band=band(), new_months=new_months).values(),
                band=band(),
            )
            for p in earlier
        ]
    rows = _firm_months(
        _figures(basis).filter(
            enterprise__in=firms,
            period__in=[q.first_day for p in earlier for q in (p, p.last_year)],
        )
    )
    return [
        indicators.summarise(
            rows[p],
            rows[p.last_year],
            None,
            band=band(),
            new_since=rollups.new_since(p, new_months),
            new_months=new_months,
        )
        for p in earlier
    ]


def average_days_halted(
    firms: QuerySet[Enterprise], period: Period, *, basis: str = "preliminary"
) -> indicators.HaltedDays:
    """平均停工天数 of `firms` for January..`period` (indicators.HaltedDays): one grouped query
    over the rows with days halted, limited to the firms producing in `period`.

    Reference data: not scoped, because `firms` is a queryset the caller has scoped."""
    producing = (
        _figures(basis)
        .filter(
            enterprise__in=firms,
            period=period.first_day,
            output_value_wan__gt=0,
            days_halted__lt=period.days,
        )
        .values("enterprise")
    )
    halted = _figures(basis).filter(
        enterprise__in=producing,
        period__gte=Period(period.year, 1).first_day,
        period__lte=period.first_day,
        days_halted__gt=0,
    )
    totals = halted.aggregate(firms=Count("enterprise", distinct=True), days=Sum("days_halted"))
    rows = halted.values("enterprise").annotate(days=Sum("days_halted")).order_by()
    n, days = totals["firms"] or 0, int(totals["days"] or 0)
    listed = ()
    if 0 < n <= HALTED_FIRMS_LISTED:
        listed = tuple(
            sorted(((r["enterprise"], int(r["days"])) for r in rows), key=lambda x: x[0])
        )
    return indicators.HaltedDays(months=period.month, firms=n, days=days, by_firm=listed)


def _series(totals: dict, measure: str, first: Period, n: int) -> list[Decimal]:
    """A measure's monthly totals for n months from `first`, 0 where a month has none."""
    return [Decimal((totals.get(first.shift(i)) or {}).get(measure) or 0) for i in range(n)]


def _year_output(totals: dict, period: Period) -> list:
    """(month, last year's output, this year's output up to the month) for the year's months."""
    jan, last_jan = Period(period.year, 1), Period(period.year - 1, 1)
    return [
        (p, b, a if p <= period else None)
        for p, b, a in zip(
            (Period(period.year, m) for m in range(1, 13)),
            _series(totals, "output_value_wan", last_jan, 12),
            _series(totals, "output_value_wan", jan, 12),
            strict=True,
        )
    ]


def status(
    user,
    scope: Scope,
    period: Period,
    *,
    target: Decimal | None = None,
    halted_days: int = 0,
    by_zone: bool = False,
    size: str = "all",
    basis: str = "preliminary",
) -> Status:
    """The month's indicators for the scope; `target` (a fraction) overrides the stored one;
    `size` narrows it to the above-size or below-size firms of the month's year."""
    firms = sized(_firms(user, scope), period.year, size)
    summary, totals, zones = _summary_and_totals(user, scope, period, firms, by_zone, size, basis)
    jan, last_jan = Period(period.year, 1), Period(period.year - 1, 1)
    # One rule for missing reports (docs/statistics.md): a firm that did not report a month is
    # out of both sides of that month, in the year to date and the catch-up as in the month.
    months = [*_earlier_months(user, scope, period, firms, size, basis), summary]
    ytd = {
        m: indicators.year_to_date(
            m,
            [s.aggregates[m].current for s in months],
            [s.aggregates[m].last_year for s in months],
        )
        for m in MEASURES
    }
    matched_base = [s.aggregates["output_value_wan"].last_year for s in months]
    rec = recovery.recovery(
        year=period.year,
        last_year=matched_base + _series(totals, "output_value_wan", last_jan, 12)[period.month :],
        actual=_series(totals, "output_value_wan", jan, period.month),
        target=target if target is not None else target_for(scope, period.year),
        halted_days=halted_days,
    )
    trend = [
        TrendPoint(
            p,
            {m: (totals.get(p) or {}).get(m) for m in TREND_MEASURES},
            {m: (totals.get(p.last_year) or {}).get(m) for m in TREND_MEASURES},
        )
        for p in (period.shift(i) for i in range(-12, 1))
    ]

    expected = expected_firms(firms, period)
    # NOT EXISTS: one probe of the (firm, month) index per expected firm; NOT IN over the
    # month's figures had PostgreSQL read them all (0.13 s against 0.34 for a province).
    reported = MonthlyFigure.objects.filter(enterprise=OuterRef("pk"), period=period.first_day)
    missing = list(
        expected.exclude(Exists(reported)).select_related("zone", "officer").order_by("name")
    )
    halted = average_days_halted(firms, period, basis=basis)
    unconfirmed = MonthlyFigure.objects.filter(
        enterprise__in=firms, period=period.first_day, status=MonthlyFigure.Status.SUBMITTED
    ).count()
    named = (
        set(summary.new_firms)
        | set(summary.resumed_firms[: NAMED_RESUMED + 1])
        | {c.firm_id for c in summary.top_falls(10)}
        | {f for f, _days in halted.by_firm}
    )
    names = dict(Enterprise.objects.filter(pk__in=named).values_list("pk", "name"))

    return Status(
        scope=scope,
        period=period,
        summary=summary,
        names=names,
        ytd=ytd,
        recovery=rec,
        trend=trend,
        missing=missing,
        expected=expected.count(),
        zones=zones,
        year_output=_year_output(totals, period),
        halted=halted,
        size=size,
        newly_above=newly_above(firms, period.year) if size != "below" else [],
        basis=basis,
        unconfirmed=unconfirmed,
        utility=utility_index(user, scope, period),
    )


def firm_names(st: Status) -> dict[int, str]:
    """Names of every firm the status mentions (the page names only the first ten falls).

    Reference data: not scoped, because the firms are those of a status computed for the user."""
    ids = {c.firm_id for c in st.summary.falls} | set(st.summary.resumed_firms)
    ids -= set(st.names)
    return {**st.names, **dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))}


def latest_period(user, scope: Scope) -> Period | None:
    """The latest month with any figures in the scope."""
    return latest_period_of(_firms(user, scope))


def latest_period_of(firms: QuerySet[Enterprise]) -> Period | None:
    """The latest month with figures of any of `firms`.

    Reference data: not scoped, because `firms` is a queryset the caller has scoped."""
    # MAX, not ORDER BY … LIMIT 1: PostgreSQL would walk the (period, enterprise) index
    # backwards through every later firm's rows (a second at province scale).
    latest = MonthlyFigure.objects.filter(enterprise__in=firms).aggregate(latest=Max("period"))
    return Period.of(latest["latest"]) if latest["latest"] else None


@dataclass(frozen=True)
class FirmRow:
    """One firm's line in the month's table (the dashboard's drill-down)."""

    enterprise: Enterprise
    figure: MonthlyFigure | None
    last_year_output: Decimal | None
    output_change: Decimal | None
    capacity_class: str  # above / level / below / halted / missing
    new: bool
    unusual: bool = False  # output moved by more than ±50 % on last month or last year
    resumed: bool = False  # producing again, nothing a year earlier (indicators: 复产)
    # A resumed firm's own basis: its latest month of output before the same month last year
    # (the level before the halt), and this month's output against it.
    own_basis: tuple[Period, Decimal] | None = None
    own_basis_change: Decimal | None = None

    @property
    def reported(self) -> bool:
        return self.figure is not None


FIRM_FILTERS = (
    "above",
    "level",
    "below",
    "new",
    "resumed",
    "halted",
    "missing",
    "submitted",
    "confirmed",
    "unusual",
)


def expected_firms(firms: QuerySet[Enterprise], period: Period) -> QuerySet[Enterprise]:
    """The firms that should report for the month: producing or halted, and started by its end.

    Reference data: not scoped, because it only narrows `firms`, a queryset the caller has scoped."""
    end = period.shift(1).first_day
    return firms.filter(status__in=REPORTING_STATUSES).exclude(production_start__gte=end)


def shown(rows: list[FirmRow], show: str) -> list[FirmRow]:
    """The rows a filter of the firm table keeps ('' keeps all)."""
    return [
        r
        for r in rows
        if not show
        or show == r.capacity_class
        or (show == "new" and r.new)
        or (show == "resumed" and r.resumed)
        or (show == "unusual" and r.unusual)
        or (r.figure is not None and show == r.figure.status)
    ]


def month_rows(user, zone: Zone, period: Period, *, show: str = "") -> list[FirmRow]:
    """Every firm of the zone that reported or should have, with its class for the month."""
    firms = enterprise_scope(user).filter(zone=zone)
    figures = {
        f.enterprise_id: f
        for f in MonthlyFigure.objects.filter(enterprise__in=firms, period=period.first_day)
    }
    base = dict(
        MonthlyFigure.objects.filter(
            enterprise__in=firms, period=period.last_year.first_day
        ).values_list("enterprise_id", "output_value_wan")
    )
    previous = dict(
        MonthlyFigure.objects.filter(
            enterprise__in=firms, period=period.previous.first_day
        ).values_list("enterprise_id", "output_value_wan")
    )
    listed = (
        (firms.filter(pk__in=list(figures)) | expected_firms(firms, period))
        .select_related("officer", "zone__area")
        .order_by("name", "id")
    )
    rows = []
    listed = list(listed)
    for e in listed:
        f = figures.get(e.pk)
        if f is None:
            cls, fc = "missing", None
        else:
            month = FirmMonth(
                firm_id=e.pk,
                days_in_month=period.days,
                days_halted=f.days_halted,
                output_value_wan=f.output_value_wan,
                production_start=e.production_start,
            )
            if month.producing:
                b = base.get(e.pk)
                fc = indicators.classify(
                    month,
                    FirmMonth(e.pk, output_value_wan=b) if b is not None else None,
                    band(),
                    new_since=rollups.new_since(period, new_firm_months()),
                )
                cls = fc.capacity_class.value
            else:
                cls, fc = "halted", None
        rows.append(
            FirmRow(
                enterprise=e,
                figure=f,
                last_year_output=base.get(e.pk),
                output_change=fc.output_change if fc else None,
                capacity_class=cls,
                new=bool(fc and fc.new),
                unusual=f is not None
                and indicators.unusual(f.output_value_wan, previous.get(e.pk), base.get(e.pk)),
                resumed=bool(fc and fc.resumed),
            )
        )
    return shown(_with_own_basis(rows, period), show)


def _with_own_basis(rows: list[FirmRow], period: Period) -> list[FirmRow]:
    """The resumed firms' rows with their own basis: the latest month with output before the
    same month last year, and this month's output against it (one query for all of them)."""
    resumed = [r.enterprise.pk for r in rows if r.resumed]
    if not resumed:
        return rows
    latest = Subquery(
        MonthlyFigure.objects.filter(
            enterprise=OuterRef("enterprise"),
            period__lt=period.last_year.first_day,
            output_value_wan__gt=0,
        )
        .order_by("-period")
        .values("period")[:1]
    )
    found = {
        firm: (Period.of(day), output)
        for firm, day, output in MonthlyFigure.objects.filter(
            enterprise__in=resumed, period=latest
        ).values_list("enterprise_id", "period", "output_value_wan")
    }
    return [
        replace(
            r,
            own_basis=found[r.enterprise.pk],
            own_basis_change=indicators.change(
                r.figure.output_value_wan, found[r.enterprise.pk][1]
            ),
        )
        if r.resumed and r.enterprise.pk in found
        else r
        for r in rows
    ]


def reference_months(
    user, *, enterprise: Enterprise, period: Period
) -> list[tuple[str, Period, MonthlyFigure]]:
    """The previous month's and the same month last year's figures, shown beside the form."""
    found = {
        Period.of(f.period): f
        for f in figure_scope(user).filter(
            enterprise=enterprise,
            period__in=[period.previous.first_day, period.last_year.first_day],
        )
    }
    labels = [("previous", period.previous), ("last_year", period.last_year)]
    return [(key, p, found[p]) for key, p in labels if p in found]


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
firms_by_latest_month = columnar.firms_by_latest_month


# Utility data (services.utility): a firm's accounts and the scope's consumption index.


def utility_accounts(user, *, enterprise: Enterprise) -> dict[str, list[str]] | None:
    """The firm's power and water account numbers by kind; None when the firm is not the
    user's to see."""
    if not enterprise_scope(user).filter(pk=enterprise.pk).exists():
        return None
    accounts: dict[str, list[str]] = {k: [] for k in UtilityKind.values}
    for kind, number in UtilityAccount.objects.filter(enterprise=enterprise).values_list(
        "kind", "number"
    ):
        accounts[kind].append(number)
    return accounts


def utility_base_year() -> int:
    """The year before the epidemic that the consumption index compares with (a deployment's
    setting, ZONEDESK["UTILITY_BASE_YEAR"], 2019 unless set)."""
    return int(settings.ZONEDESK.get("UTILITY_BASE_YEAR", 2019))


def utility_index(
    user, scope: Scope, period: Period, *, base_year: int | None = None
) -> dict[str, UtilityIndex]:
    """The scope's power and water consumption in `period` against the same month of the base
    year, from the companies' readings of the accounts recorded on the firms the user sees in
    the scope (unmatched readings count nowhere); a kind is absent unless both months have
    readings (and the base month's total is not zero), or when `period` is not after the base
    year. One grouped query over the (kind, period, firm) index."""
    base = Period(base_year or utility_base_year(), period.month)
    if period.year <= base.year:
        return {}
    rows = (
        UtilityReading.objects.filter(
            kind__in=UtilityKind.values,  # the index's leading column
            period__in=[period.first_day, base.first_day],
            enterprise__in=_firms(user, scope),
        )
        .values("kind", "period")
        .annotate(accounts=Count("id"), power=Sum("electricity_kwh"), water=Sum("water_t"))
    )
    totals = {
        (r["kind"], Period.of(r["period"])): (
            # SQLite sums decimals as floats: back to the stored hundredths.
            Decimal(
                str((r["power"] if r["kind"] == UtilityKind.POWER else r["water"]) or 0)
            ).quantize(Decimal("0.01")),
            r["accounts"],
        )
        for r in rows
    }
    out = {}
    for kind in UtilityKind.values:
        now, then = totals.get((kind, period)), totals.get((kind, base))
        if now is None or then is None or not then[0]:
            continue
        out[kind] = UtilityIndex(kind, period, base, now[0], then[0], now[1], then[1])
    return out


@dataclass(frozen=True)
class UtilityMonth:
    """A firm's month from both sources: what it reported and what the companies read."""

    period: Period
    reported_kwh: int | None
    read_kwh: Decimal | None
    reported_t: int | None
    read_t: Decimal | None


def firm_utility_months(user, *, enterprise: Enterprise, months: int = 6) -> list[UtilityMonth]:
    """The firm's latest months with a company reading, newest first, beside its own report."""
    if not enterprise_scope(user).filter(pk=enterprise.pk).exists():
        return []
    read: dict[Period, dict] = defaultdict(dict)
    latest = (
        UtilityReading.objects.filter(enterprise=enterprise)
        .values_list("period", flat=True)
        .distinct()
        .order_by("-period")[:months]
    )
    periods = sorted({Period.of(d) for d in latest}, reverse=True)
    days = [p.first_day for p in periods]
    for kind, day, kwh, t in UtilityReading.objects.filter(
        enterprise=enterprise, period__in=days
    ).values_list("kind", "period", "electricity_kwh", "water_t"):
        slot = read[Period.of(day)]
        slot[kind] = (slot.get(kind) or 0) + (kwh if kind == UtilityKind.POWER else t)
    own = {
        Period.of(day): (kwh, t)
        for day, kwh, t in MonthlyFigure.objects.filter(
            enterprise=enterprise, period__in=days
        ).values_list("period", "electricity_kwh", "water_t")
    }
    return [
        UtilityMonth(
            p,
            own.get(p, (None, None))[0],
            read[p].get(UtilityKind.POWER),
            own.get(p, (None, None))[1],
            read[p].get(UtilityKind.WATER),
        )
        for p in periods
    ]


# The per-mu evaluation's reads live in their own module, re-exported here.
from zonedesk.monitoring.selectors.permu import (  # noqa: E402, F401
    PerMuReport,
    PerMuRow,
    evaluate_firms,
    permu_facts,
    permu_report,
    scheme_for,
)
