"""平均停工天数: the days halted of the firms producing in a month, January to the month."""

from django.db.models import Count, QuerySet, Sum

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import indicators
from zonedesk.monitoring.indicators import HALTED_FIRMS_LISTED
from zonedesk.monitoring.selectors.scope import _figures


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
