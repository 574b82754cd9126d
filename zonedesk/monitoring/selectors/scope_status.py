"""The month's status of a scope (summary, trend, the year's earlier months, days halted), the
latest month with figures, and the recovery forecast with the key projects' pipeline."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, QuerySet
from django.utils.module_loading import import_string

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import indicators, recovery, rollups
from zonedesk.monitoring.facts import StatusFacts, UtilityIndex
from zonedesk.monitoring.indicators import MEASURES, FirmMonth
from zonedesk.monitoring.indicators.year import STOCKS
from zonedesk.monitoring.models import MonthlyFigure
from zonedesk.monitoring.selectors.halted import average_days_halted
from zonedesk.monitoring.selectors.scope import (
    Scope,
    _figures,
    _firm_months,
    _firms,
    _sees_whole_zones,
    band,
    expected_firms,
    monthly_totals,
    new_firm_months,
    target_for,
)
from zonedesk.monitoring.selectors.sizes import newly_above, sized
from zonedesk.monitoring.selectors.utility import utility_index
from zonedesk.org.models import Zone

# The paragraph names the resumed firms when there are no more than this many.
NAMED_RESUMED = 10
TREND_MEASURES = ("output_value_wan", "electricity_kwh", "employees")


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    values: dict  # measure -> this month's total
    last_year: dict  # measure -> the same month's total a year earlier
    # On 审定: the reports of the month (and of the month a year earlier) not yet confirmed, so
    # left out of its totals; a month with any is incomplete, not a fall (0 on 快报).
    pending: int = 0
    last_year_pending: int = 0

    @property
    def incomplete(self) -> bool:
        return bool(self.pending)

    @property
    def last_year_incomplete(self) -> bool:
        return bool(self.last_year_pending)


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
    missing: list[Enterprise]  # expected firms with no report for the month
    expected: int  # firms expected to report this month
    # January..December of the year: (month, last year's total output, this year's or None)
    year_output: list[tuple[Period, Decimal, Decimal | None]] = field(default_factory=list)
    zones: list[tuple[Zone, indicators.MonthSummary]] = field(default_factory=list)
    halted: indicators.HaltedDays | None = None  # 平均停工天数, January to the month
    size: str = "all"  # the size scope: all, above (规模以上) or below
    newly_above: list[int] = field(default_factory=list)  # 新升规 firms of the year in scope
    basis: str = "preliminary"  # 快报 (all submitted rows) or 审定 (confirmed rows only)
    unconfirmed: int = 0  # the month's rows submitted but not yet confirmed
    # On 审定: the expected firms whose report is submitted but not confirmed. They count as not
    # reported (docs/statistics.md, one rule for missing reports), beside `missing`.
    awaiting: list[Enterprise] = field(default_factory=list)
    # The utility companies' readings against the base year's month (utility_index)
    utility: dict[str, UtilityIndex] = field(default_factory=dict)
    # 累计 on the comparable basis (可比口径): each month's comparable firms (the figure in the
    # month and the same month last year, new firms left out), January..the month; a stock's is
    # the month's own comparable (its year to date is the month-end value).
    ytd_comparable: dict[str, indicators.YearToDate] = field(default_factory=dict)

    def name(self, firm_id: int) -> str:
        return self.names.get(firm_id, str(firm_id))

    @property
    def reported(self) -> int:
        return self.summary.reporting

    @property
    def not_counted(self) -> list[tuple[Enterprise, bool]]:
        """The expected firms the month's figures leave out, by name: (firm, awaiting
        confirmation). On 快报 the firms that did not report; on 审定 also those whose report
        is not confirmed yet."""
        rows = [(e, False) for e in self.missing] + [(e, True) for e in self.awaiting]
        return sorted(rows, key=lambda r: (r[0].name, r[0].pk))

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
            awaiting=len(self.awaiting),
        )


@dataclass(frozen=True)
class _Month:
    """What `status` reads of the month itself."""

    summary: indicators.MonthSummary
    totals: dict  # monthly totals of the last 24 months (monthly_totals)
    zones: list  # (zone, its summary) when asked for an area of several zones
    halted: indicators.HaltedDays
    unconfirmed: int
    # January..the month before: each figure's (Σ this year, Σ the same firms a year earlier,
    # and the comparable basis: Σ this year and a year earlier over the firms of both, not new)
    earlier: list[dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]]


def _kept(user, scope: Scope, size: str, basis: str) -> bool:
    """Whether the zones' kept months answer: they cover all the zones' firms on 快报, so a size
    scope, 审定 or a user who sees part of a zone is computed from the rows."""
    return size == "all" and basis == "preliminary" and _sees_whole_zones(user, scope)


def _month(user, scope: Scope, period: Period, firms, by_zone: bool, size: str, basis: str):
    """The month's summary, totals, days halted, reports awaiting confirmation and the year's
    earlier months, from the zones' kept months or from the rows."""
    if _kept(user, scope, size, basis):
        # An area: each zone's month as kept beside the figures (rollups), added up.
        zone_ids = [z.pk for z in scope.zones]
        kept = rollups.month(zone_ids, period, band=band(), new_months=new_firm_months())
        zones = []
        if by_zone and len(scope.zones) > 1:
            zones = [(z, kept[z.pk].summary) for z in scope.zones]
        return _Month(
            summary=indicators.merge((k.summary for k in kept.values()), band=band()),
            totals=rollups.totals(zone_ids, period.shift(-24), period),
            zones=zones,
            halted=indicators.merge_halted((k.halted for k in kept.values()), months=period.month),
            unconfirmed=sum(k.unconfirmed for k in kept.values()),
            earlier=rollups.year_so_far(
                zone_ids, period, band=band(), new_months=new_firm_months()
            ),
        )
    periods = [period, period.last_year, period.previous]
    months = _firm_months(
        _figures(basis).filter(enterprise__in=firms, period__in=[p.first_day for p in periods])
    )
    return _Month(
        summary=indicators.summarise(
            months[period],
            months[period.last_year],
            months[period.previous],
            band=band(),
            new_since=rollups.new_since(period, new_firm_months()),
            new_months=new_firm_months(),
        ),
        totals=monthly_totals(firms, period.shift(-24), period, basis=basis),
        zones=[],
        halted=average_days_halted(firms, period, basis=basis),
        unconfirmed=MonthlyFigure.objects.filter(
            enterprise__in=firms, period=period.first_day, status=MonthlyFigure.Status.SUBMITTED
        ).count(),
        earlier=_earlier_months(period, firms, basis),
    )


def _earlier_months(
    period: Period, firms, basis: str
) -> list[dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]]:
    """January..the month before `period`: each figure's Σ over the month's reporting firms and
    Σ of their own figures a year earlier, then the comparable basis (indicators.matched_sums,
    what `summarise` would sum), read as plain tuples: of the firms' classes only "new" is
    worked out (the comparable basis leaves new firms out)."""
    earlier = [Period(period.year, m) for m in range(1, period.month)]
    if not earlier:
        return []
    by_month: dict = defaultdict(dict)
    halts: dict = {}
    rows = (
        _figures(basis)
        .filter(
            enterprise__in=firms,
            period__in=[q.first_day for p in earlier for q in (p, p.last_year)],
        )
        .values_list(
            "period", "enterprise_id", "days_halted", "enterprise__production_start", *MEASURES
        )
        .order_by()
        .iterator(chunk_size=5000)
    )
    for day, firm_id, halted, started, *values in rows:
        by_month[day][firm_id] = values
        halts[day, firm_id] = (halted, started)
    output = MEASURES.index("output_value_wan")
    out = []
    for p in earlier:
        now, before = by_month[p.first_day], by_month[p.last_year.first_day]
        since = rollups.new_since(p, new_firm_months())
        new = set()
        for firm_id, values in now.items():
            halted, started = halts[p.first_day, firm_id]
            month = FirmMonth(firm_id, p.days, halted, values[output], production_start=started)
            if month.producing:
                b = before.get(firm_id)
                base = FirmMonth(firm_id, output_value_wan=b[output]) if b is not None else None
                if indicators.is_new(month, base, since):
                    new.add(firm_id)
        out.append(indicators.matched_sums(now, before, new))
    return out


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
    month = _month(user, scope, period, firms, by_zone, size, basis)
    summary, totals, halted = month.summary, month.totals, month.halted
    jan, last_jan = Period(period.year, 1), Period(period.year - 1, 1)
    # One rule for missing reports (docs/statistics.md): a firm that did not report a month is
    # out of both sides of that month, in the year to date and the catch-up as in the month.
    months = [
        *month.earlier,
        {
            m: (a.current, a.last_year, a.comparable_current, a.comparable_last_year)
            for m, a in summary.aggregates.items()
        },
    ]
    ytd = {
        m: indicators.year_to_date(m, [s[m][0] for s in months], [s[m][1] for s in months])
        for m in MEASURES
    }
    # 可比口径 of the year to date: Σ of each month's comparable sums (a stock: the month's).
    ytd_comparable = {
        m: indicators.year_to_date(
            m,
            [s[m][2] for s in (months[-1:] if m in STOCKS else months)],
            [s[m][3] for s in (months[-1:] if m in STOCKS else months)],
        )
        for m in MEASURES
    }
    matched_base = [s["output_value_wan"][1] for s in months]
    rec = recovery.recovery(
        year=period.year,
        last_year=matched_base + _series(totals, "output_value_wan", last_jan, 12)[period.month :],
        actual=_series(totals, "output_value_wan", jan, period.month),
        target=target if target is not None else target_for(scope, period.year),
        halted_days=halted_days,
    )
    pending = _pending_by_month(firms, period.shift(-24), period) if basis == "confirmed" else {}
    trend = [
        TrendPoint(
            p,
            {m: (totals.get(p) or {}).get(m) for m in TREND_MEASURES},
            {m: (totals.get(p.last_year) or {}).get(m) for m in TREND_MEASURES},
            pending.get(p, 0),
            pending.get(p.last_year, 0),
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
    awaiting = []
    if basis == "confirmed":  # 审定: a report not yet confirmed counts as not reported
        pending_row = reported.filter(status=MonthlyFigure.Status.SUBMITTED)
        awaiting = list(
            expected.filter(Exists(pending_row)).select_related("zone", "officer").order_by("name")
        )
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
        zones=month.zones,
        year_output=_year_output(totals, period),
        halted=halted,
        size=size,
        newly_above=newly_above(firms, period.year) if size != "below" else [],
        basis=basis,
        unconfirmed=month.unconfirmed,
        awaiting=awaiting,
        utility=utility_index(user, scope, period, size=size),
        ytd_comparable=ytd_comparable,
    )


def _pending_by_month(firms, first: Period, last: Period) -> dict[Period, int]:
    """The reports submitted but not confirmed, per month first..last, of `firms` (a queryset
    the caller has scoped): the months whose 审定 totals are incomplete."""
    rows = (
        MonthlyFigure.objects.filter(
            enterprise__in=firms,
            period__gte=first.first_day,
            period__lte=last.first_day,
            status=MonthlyFigure.Status.SUBMITTED,
        )
        .values("period")
        .annotate(n=Count("id"))
    )
    return {Period.of(r["period"]): r["n"] for r in rows}


def firm_names(st: Status) -> dict[int, str]:
    """Names of every firm the status mentions (the page names only the first ten falls).

    Reference data: not scoped, because the firms are those of a status computed for the user."""
    ids = {c.firm_id for c in st.summary.falls} | set(st.summary.resumed_firms)
    ids -= set(st.names)
    return {**st.names, **dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "name"))}


def latest_period(user, scope: Scope) -> Period | None:
    """The latest month with any figures in the scope."""
    return latest_period_of(_firms(user, scope))


def figures_as_of(user, scope: Scope, last: Period):
    """When the newest of the scope's figures up to the month `last` was submitted or
    confirmed (the as-of time of a report that reads them); None without any."""
    found = MonthlyFigure.objects.filter(
        enterprise__in=_firms(user, scope), period__lte=last.first_day
    ).aggregate(submitted=Max("submitted_at"), confirmed=Max("confirmed_at"))
    return max((v for v in found.values() if v is not None), default=None)


def latest_period_of(firms: QuerySet[Enterprise]) -> Period | None:
    """The latest month with figures of any of `firms`.

    Reference data: not scoped, because `firms` is a queryset the caller has scoped."""
    # MAX, not ORDER BY … LIMIT 1: PostgreSQL would walk the (period, enterprise) index
    # backwards through every later firm's rows (a second at province scale).
    latest = MonthlyFigure.objects.filter(enterprise__in=firms).aggregate(latest=Max("period"))
    return Period.of(latest["latest"]) if latest["latest"] else None


def latest_period_among(firms: QuerySet[Enterprise], *, tries: int = 3) -> Period | None:
    """What `latest_period_of` gives, for many firms: the newest months of all figures are
    tried first, each with one EXISTS (the (period, enterprise) index stops at the first of
    `firms`), then MAX over the firms' rows.

    Reference data: not scoped, because `firms` is a queryset the caller has scoped."""
    # At province scale MAX reads every figure of every firm (1.6 s under load for 100,000
    # firms); nearly always one of them reported the newest month, a few milliseconds to find.
    months = MonthlyFigure.objects.order_by("-period").values_list("period", flat=True)
    month = months.first()
    for _ in range(tries):
        if month is None:
            return None
        if MonthlyFigure.objects.filter(period=month, enterprise__in=firms).exists():
            return Period.of(month)
        month = months.filter(period__lt=month).first()
    return latest_period_of(firms) if month is not None else None


def month_and_year_before(firms: QuerySet[Enterprise], period: Period) -> list[tuple]:
    """The rows of `firms` in `period` and the same month a year earlier, as plain tuples:
    (firm id, month's first day, output, employees, days halted, the firm's production start).
    One query, in no order.

    Reference data: not scoped, because `firms` is a queryset the caller has scoped."""
    return list(
        MonthlyFigure.objects.filter(
            enterprise__in=firms, period__in=[period.first_day, period.last_year.first_day]
        )
        .order_by()
        .values_list(
            "enterprise_id",
            "period",
            "output_value_wan",
            "employees",
            "days_halted",
            "enterprise__production_start",
        )
    )


def pipeline(user, scope: Scope, year: int) -> tuple[recovery.Addition, ...]:
    """The output the recovery forecast adds for the scope's zones in `year`: the Additions of
    the functions named in settings ZONEDESK["RECOVERY_PIPELINES"] (the key projects' planned
    first production), each scoped by its own app to what the user may see; sorted, so that
    the same pipeline is the same tuple (the dashboard's cache key carries it)."""
    zone_ids = sorted(z.pk for z in scope.zones)
    found: list[recovery.Addition] = []
    for path in settings.ZONEDESK.get("RECOVERY_PIPELINES", ()):
        found += import_string(path)(user, zone_ids=zone_ids, year=year)
    return tuple(sorted(found, key=lambda a: (a.year, a.month, a.label, a.annual)))


def forecast(user, st: Status, additions=None) -> recovery.Forecast | None:
    """The recovery forecast of a status: its recovery with the pipeline's additions."""
    if additions is None:
        additions = pipeline(user, st.scope, st.period.year)
    return recovery.forecast(st.recovery, additions)
