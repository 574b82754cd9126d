"""Zone-month summaries kept beside the figures (`ZoneMonth`), so that an area's or a province's
month adds up a few hundred zones instead of reading a hundred thousand firms' rows.

A month's figures enter three summaries: their own month's, the next month's (环比) and the same
month's next year (同比). Every service that writes figures calls `refresh` for the months it
wrote, in its own transaction; bulk loaders (the demo, the scale generator) call `rebuild`.
Reading never writes: a zone-month without a stored summary (never computed, or computed with
another capacity band) is computed from the rows on the spot, so a missing summary costs time,
never correctness. `zonedesk rollups` rebuilds them all.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from zonedesk.core.period import Period
from zonedesk.monitoring import figures, indicators
from zonedesk.monitoring.indicators import MEASURES, FirmMonth, MonthSummary
from zonedesk.monitoring.models import MonthlyFigure, ZoneMonth

ROW_FIELDS = ("enterprise_id", "period", "days_halted", *MEASURES)
# Months whose summary a month's figures enter: itself, the next month, next year's.
AFFECTS = (0, 1, 12)


def _firm_months(rows: Iterable[dict]) -> dict[int, dict[Period, list[FirmMonth]]]:
    """Rows of several zones as FirmMonths, by zone and month."""
    out: dict[int, dict[Period, list[FirmMonth]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        period = Period.of(row["period"])
        out[row["enterprise__zone_id"]][period].append(
            FirmMonth(
                firm_id=row["enterprise_id"],
                days_in_month=period.days,
                days_halted=row["days_halted"],
                **{m: row[m] for m in MEASURES},
            )
        )
    return out


def _totals(month: list[FirmMonth]) -> dict:
    """Σ of each figure over the firms that reported the month (None where nobody gave it)."""
    out: dict = {"firms": len(month)}
    for m in MEASURES:
        values = [v for f in month if (v := getattr(f, m)) is not None]
        out[m] = str(sum(values, Decimal(0))) if values else None
    return out


def compute(
    zone_ids: Iterable[int], periods: Iterable[Period], *, band: Decimal, stored: bool = True
) -> dict[tuple[int, Period], tuple[MonthSummary, dict]]:
    """The summary and totals of every (zone, month) asked for, from the stored rows. What is
    `stored` is a month some firm of the zone reported (a month nobody has reported yet is
    computed when read); otherwise a pair is left out only when nobody reported either that
    month or the same month a year earlier."""
    zone_ids, periods = list(zone_ids), set(periods)
    if stored:
        reported = set(
            MonthlyFigure.objects.filter(
                enterprise__zone__in=zone_ids, period__in=[p.first_day for p in periods]
            )
            .values_list("period", flat=True)
            .distinct()
        )
        periods = {p for p in periods if p.first_day in reported}
    needed = {q for p in periods for q in (p, p.previous, p.last_year)}
    rows = MonthlyFigure.objects.filter(
        enterprise__zone__in=zone_ids, period__in=[p.first_day for p in needed]
    ).values(*ROW_FIELDS, "enterprise__zone_id")
    by_zone = _firm_months(rows.iterator(chunk_size=5000))
    out = {}
    for zone_id, months in by_zone.items():
        for p in periods:
            current = months.get(p, [])
            if not current and (stored or not months.get(p.last_year)):
                continue
            summary = indicators.summarise(
                current, months.get(p.last_year, []), months.get(p.previous, []), band=band
            )
            out[(zone_id, p)] = (summary, _totals(current))
    return out


def _band() -> Decimal:
    from zonedesk.monitoring.selectors import band

    return band()


def refresh(zone_ids: Iterable[int], periods: Iterable[Period]) -> int:
    """Recompute the summaries that figures of `periods` in `zone_ids` enter; returns how many
    are stored. Called by every write of figures, inside its transaction."""
    return _store(list(zone_ids), {p.shift(k) for p in periods for k in AFFECTS})


@transaction.atomic
def _store(zone_ids: list[int], periods: set[Period]) -> int:
    """Replace the summaries of exactly these zones and months."""
    computed = compute(zone_ids, periods, band=_band())
    ZoneMonth.objects.filter(zone__in=zone_ids, period__in=[p.first_day for p in periods]).delete()
    ZoneMonth.objects.bulk_create(
        [
            ZoneMonth(
                zone_id=zone_id,
                period=p.first_day,
                summary=indicators.summary_to_json(summary),
                totals=totals,
            )
            for (zone_id, p), (summary, totals) in computed.items()
        ],
        batch_size=500,
    )
    return len(computed)


def rebuild(zone_ids: Iterable[int] | None = None) -> int:
    """Recompute every summary (of the zones given, else of all), month by month."""
    figures_ = MonthlyFigure.objects.all()
    if zone_ids is not None:
        zone_ids = list(zone_ids)
        figures_ = figures_.filter(enterprise__zone__in=zone_ids)
    months = sorted(Period.of(d) for d in figures_.values_list("period", flat=True).distinct())
    if zone_ids is None:
        from zonedesk.org.models import Zone

        zone_ids = list(Zone.objects.values_list("pk", flat=True))
    stored = 0
    for start in range(0, len(months), 6):  # a few months at a time: bounded memory
        stored += _store(zone_ids, set(months[start : start + 6]))
    return stored


def summaries(zone_ids: list[int], period: Period, *, band: Decimal) -> dict[int, MonthSummary]:
    """Each zone's summary of the month: stored, else computed from the rows (not stored)."""
    out = {}
    for zone_id, data in ZoneMonth.objects.filter(
        zone__in=zone_ids, period=period.first_day
    ).values_list("zone_id", "summary"):
        if data["band"] == str(band):
            out[zone_id] = indicators.summary_from_json(data)
    missing = [z for z in zone_ids if z not in out]
    if missing:
        computed = compute(missing, [period], band=band, stored=False)
        out.update({z: s for (z, _p), (s, _t) in computed.items()})
    empty = indicators.summarise([], [], [], band=band)
    return {z: out.get(z, empty) for z in zone_ids}


def _value(measure: str, text: str | None):
    if text is None:
        return None
    return int(text) if figures.SPECS[measure].integer else Decimal(text)


def totals(zone_ids: list[int], first: Period, last: Period) -> dict[Period, dict]:
    """Σ of every figure per month over the zones, months first..last (months nobody reported
    are absent), as `selectors.monthly_totals` computes it from the rows."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [first.shift(i) for i in range(count)]
    stored = defaultdict(dict)
    for zone_id, day, data in ZoneMonth.objects.filter(
        zone__in=zone_ids, period__gte=first.first_day, period__lte=last.first_day
    ).values_list("zone_id", "period", "totals"):
        stored[Period.of(day)][zone_id] = data
    missing_zones = {z for p in months for z in zone_ids if z not in stored[p]}
    if missing_zones:
        # Months a zone has no summary for: usually months it reported nothing (a cheap,
        # indexed query that finds nothing), else months a bulk load has not summarised yet.
        rows = (
            MonthlyFigure.objects.filter(
                enterprise__zone__in=missing_zones,
                period__gte=first.first_day,
                period__lte=last.first_day,
            )
            .values(*ROW_FIELDS, "enterprise__zone_id")
            .iterator(chunk_size=5000)
        )
        for zone_id, by_month in _firm_months(rows).items():
            for p, month in by_month.items():
                stored[p].setdefault(zone_id, _totals(month))
    out = {}
    for p in months:
        parts = [stored[p][z] for z in zone_ids if z in stored[p] and stored[p][z]["firms"]]
        if not parts:
            continue
        row: dict = {"firms": sum(t["firms"] for t in parts)}
        for m in MEASURES:
            values = [v for t in parts if (v := _value(m, t[m])) is not None]
            row[m] = sum(values) if values else None
        out[p] = row
    return out
