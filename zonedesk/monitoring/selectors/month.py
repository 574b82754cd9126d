"""The month's firm table: each firm's figures, class and change, filtered as the page asks."""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring import figures, indicators, rollups
from zonedesk.monitoring.indicators import FirmMonth
from zonedesk.monitoring.models import (
    MonthlyFigure,
)
from zonedesk.monitoring.selectors.scope import (  # the shared reads
    band,
    expected_firms,
    figure_scope,
    new_firm_months,
)
from zonedesk.org.models import Zone


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

    @property
    def halted_with_output(self) -> bool:
        """Halted every day of the month yet output reported: to be checked (a warning)."""
        f = self.figure
        return f is not None and figures.halted_with_output(
            {"days_halted": f.days_halted, "output_value_wan": f.output_value_wan}, f.month.days
        )


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
