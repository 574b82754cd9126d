"""Zone-month summaries kept beside the figures (`ZoneMonth`), so that an area's or a province's
month adds up a few hundred zones instead of reading a hundred thousand firms' rows.

A month's figures enter three summaries: their own month's, the next month's (环比) and the same
month's next year (同比). Every service that writes figures calls `invalidate` for the months it
wrote, in its own transaction: the summaries concerned are dropped at once and recomputed by the
background worker after the commit (a zone of 100,000 firms takes seconds, which an upload
should not wait for); bulk loaders (the demo, the scale generator) call `rebuild` through
`services.zone_months_rebuild`.
Reading never writes: a zone-month without a stored summary (never computed, or computed with
another capacity band) is computed from the rows on the spot, so a missing summary costs time,
never correctness. `zonedesk rollups` rebuilds them all.
"""

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum

from zonedesk.core.period import Period
from zonedesk.monitoring import figures, indicators, pagecache
from zonedesk.monitoring.indicators import MEASURES, FirmMonth, MonthSummary
from zonedesk.monitoring.models import MonthlyFigure, ZoneMonth

# FirmMonth's fields in order: the firm's production start decides whether it is new.
ROW_FIELDS = ("enterprise_id", "period", "days_halted", *MEASURES, "enterprise__production_start")
# Months whose summary a month's figures enter: itself, the next month, next year's.
AFFECTS = (0, 1, 12)


def firm_months(figures) -> dict[int, dict[Period, list[FirmMonth]]]:
    """Figures (a queryset) as FirmMonths, by zone and month."""
    return _firm_months(_values(figures))


def _firm_months(rows: Iterable[tuple]) -> dict[int, dict[Period, list[FirmMonth]]]:
    """Rows (`_values` of figures) of several zones as FirmMonths, by zone and month."""
    out: dict[int, dict[Period, list[FirmMonth]]] = defaultdict(lambda: defaultdict(list))
    periods: dict = {}
    for firm_id, day, halted, *values, zone_id in rows:
        period = periods.get(day) or periods.setdefault(day, Period.of(day))
        out[zone_id][period].append(FirmMonth(firm_id, period.days, halted, *values))
    return out


def _values(figures):
    """What _firm_months reads, as tuples (FirmMonth's own field order)."""
    return figures.values_list(*ROW_FIELDS, "enterprise__zone_id").iterator(chunk_size=5000)


# Each figure's total is kept as a whole number of its smallest stored unit (ZoneMonth).
SCALE = {m: 10 ** figures.SPECS[m].places for m in MEASURES}


def _totals(month: list[FirmMonth]) -> dict:
    """ZoneMonth's totals of the month: `firms` that reported it and `sum_<figure>` over them, in
    the figure's smallest unit (None where nobody gave it)."""
    out: dict = {"firms": len(month)}
    for m in MEASURES:
        values = [v for f in month if (v := getattr(f, m)) is not None]
        out[f"sum_{m}"] = int(sum(values, Decimal(0)) * SCALE[m]) if values else None
    return out


def _unscaled(measure: str, whole: int | None):
    """A `sum_<figure>` back in the figure's own unit (an exact Decimal, or an int)."""
    if whole is None:
        return None
    if SCALE[measure] == 1:
        return int(whole)
    return Decimal(int(whole)).scaleb(-figures.SPECS[measure].places)


def compute(
    zone_ids: Iterable[int],
    periods: Iterable[Period],
    *,
    band: Decimal,
    new_months: int | None = None,
    stored: bool = True,
) -> dict[tuple[int, Period], tuple[MonthSummary, dict]]:
    """The summary and totals of every (zone, month) asked for, from the stored rows. What is
    `stored` is a month some firm of the zone reported (a month nobody has reported yet is
    computed when read); otherwise a pair is left out only when nobody reported either that
    month or the same month a year earlier."""
    if new_months is None:
        new_months = _new_months()
    zone_ids, periods = list(zone_ids), set(periods)
    if stored:
        reported = set(
            MonthlyFigure.objects.filter(
                enterprise__zone__in=zone_ids, period__in=[p.first_day for p in periods]
            )
            .values_list("period", flat=True)
            .order_by()
            .distinct()
        )
        periods = {p for p in periods if p.first_day in reported}
    needed = {q for p in periods for q in (p, p.previous, p.last_year)}
    by_zone = _firm_months(
        _values(
            MonthlyFigure.objects.filter(
                enterprise__zone__in=zone_ids, period__in=[p.first_day for p in needed]
            )
        )
    )
    out = {}
    for zone_id, months in by_zone.items():
        for p in periods:
            current = months.get(p, [])
            if not current and (stored or not months.get(p.last_year)):
                continue
            summary = indicators.summarise(
                current,
                months.get(p.last_year, []),
                months.get(p.previous, []),
                band=band,
                new_since=new_since(p, new_months),
                new_months=new_months,
            )
            out[(zone_id, p)] = (summary, _totals(current))
    return out


def _band() -> Decimal:
    from zonedesk.monitoring.selectors import band

    return band()


def _new_months() -> int:
    from zonedesk.monitoring.selectors import new_firm_months

    return new_firm_months()


def new_since(period: Period, months: int):
    """The first day of the new-firm window of `months` months ending with `period`: a firm
    whose production started on or after it is new in `period` (12: since the month after the
    same month last year)."""
    return period.shift(1 - months).first_day


def invalidate(zone_ids: Iterable[int], periods: Iterable[Period]) -> None:
    """Called by every write of figures, inside its transaction: the summaries the written
    months enter are dropped at once (readers compute them from the rows meanwhile) and
    recomputed by the background worker once the write has committed."""
    from zonedesk.monitoring.tasks import refresh_rollups

    zone_ids, periods = sorted(set(zone_ids)), sorted(set(periods))
    affected = [p.shift(k).first_day for p in periods for k in AFFECTS]
    ZoneMonth.objects.filter(zone__in=zone_ids, period__in=affected).delete()
    transaction.on_commit(
        lambda: refresh_rollups.enqueue(zone_ids=zone_ids, periods=[str(p) for p in periods])
    )


def on_registry_changed(*, actor, firms, fields: frozenset[str]) -> None:
    """Handler of core.events.registry_changed (settings.ZONEDESK["ON_REGISTRY_CHANGED"]): a
    new production start date may make a firm new, resumed or neither in any month it reported,
    so the summaries of those months (and the months they enter) are dropped and recomputed."""
    if "production_start" not in fields:
        return
    pairs = (
        MonthlyFigure.objects.filter(enterprise__in=firms)
        .values_list("enterprise__zone_id", "period")
        .order_by()
        .distinct()
    )
    by_zone: dict[int, set[Period]] = defaultdict(set)
    for zone_id, day in pairs:
        by_zone[zone_id].add(Period.of(day))
    for zone_id, periods in by_zone.items():
        invalidate([zone_id], periods)


def refresh(zone_ids: Iterable[int], periods: Iterable[Period]) -> int:
    """Recompute the summaries that figures of `periods` in `zone_ids` enter; returns how many
    are stored (the worker's task after a write)."""
    return _store(list(zone_ids), {p.shift(k) for p in periods for k in AFFECTS})


@transaction.atomic
def _store(zone_ids: list[int], periods: set[Period]) -> int:
    """Replace the summaries of exactly these zones and months."""
    computed = compute(zone_ids, periods, band=_band(), new_months=_new_months())
    ZoneMonth.objects.filter(zone__in=zone_ids, period__in=[p.first_day for p in periods]).delete()
    ZoneMonth.objects.bulk_create(
        [
            ZoneMonth(
                zone_id=zone_id,
                period=p.first_day,
                summary=indicators.summary_to_json(summary),
                **totals,
            )
            for (zone_id, p), (summary, totals) in computed.items()
        ],
        batch_size=500,
    )
    return len(computed)


def rebuild(zone_ids: Iterable[int] | None = None, *, chunk: int = 10) -> int:
    """Recompute every summary (of the zones given, else of all), a few zones at a time: each
    row is read once and memory stays bounded."""
    if zone_ids is None:
        from zonedesk.org.models import Zone

        zone_ids = Zone.objects.order_by("pk").values_list("pk", flat=True)
    zone_ids = list(zone_ids)
    stored = 0
    for start in range(0, len(zone_ids), chunk):
        part = zone_ids[start : start + chunk]
        months = MonthlyFigure.objects.filter(enterprise__zone__in=part).values_list(
            "period", flat=True
        )
        stored += _store(part, {Period.of(d) for d in months.order_by().distinct()})
    pagecache.changed(zone_ids)  # a bulk load wrote figures no service announced
    return stored


def summaries(
    zone_ids: list[int], period: Period, *, band: Decimal, new_months: int | None = None
) -> dict[int, MonthSummary]:
    """Each zone's summary of the month: stored (when computed with the same capacity band and
    new-firm window), else computed from the rows (not stored)."""
    if new_months is None:
        new_months = _new_months()
    out = {}
    for zone_id, data in ZoneMonth.objects.filter(
        zone__in=zone_ids, period=period.first_day
    ).values_list("zone_id", "summary"):
        if (
            data.get("v") == indicators.SUMMARY_VERSION
            and data["band"] == str(band)
            and data["new_months"] == new_months
        ):
            out[zone_id] = indicators.summary_from_json(data)
    missing = [z for z in zone_ids if z not in out]
    if missing:
        computed = compute(missing, [period], band=band, new_months=new_months, stored=False)
        out.update({z: s for (z, _p), (s, _t) in computed.items()})
    empty = indicators.summarise(
        [], [], [], band=band, new_since=new_since(period, new_months), new_months=new_months
    )
    return {z: out.get(z, empty) for z in zone_ids}


def totals(zone_ids: list[int], first: Period, last: Period) -> dict[Period, dict]:
    """Σ of every figure per month over the zones, months first..last (months nobody reported
    are absent), as `selectors.monthly_totals` computes it from the rows: the database adds
    the zones' kept totals up, and a zone-month without one is added from its rows."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    months = [first.shift(i) for i in range(count)]
    kept = ZoneMonth.objects.filter(
        zone__in=zone_ids, period__gte=first.first_day, period__lte=last.first_day
    )
    sums = {
        Period.of(r["period"]): {
            "zones": r["kept_zones"],
            "firms": int(r["kept_firms"] or 0),
            **{m: r[f"kept_{m}"] for m in MEASURES},
        }
        for r in kept.values("period")
        .annotate(
            kept_zones=Count("zone"),
            kept_firms=Sum("firms"),
            **{f"kept_{m}": Sum(f"sum_{m}") for m in MEASURES},
        )
        .order_by()
    }
    partial = [p for p in months if (sums.get(p) or {}).get("zones", 0) < len(zone_ids)]
    added: dict[Period, list[dict]] = defaultdict(list)
    if partial:
        # Zone-months without a kept total: usually months a zone reported nothing (a cheap,
        # indexed query that finds nothing), else months a write has not summarised yet.
        have = set(
            kept.filter(period__in=[p.first_day for p in partial]).values_list("zone_id", "period")
        )
        missing_zones = {z for p in partial for z in zone_ids if (z, p.first_day) not in have}
        rows = _values(
            MonthlyFigure.objects.filter(
                enterprise__zone__in=missing_zones,
                period__in=[p.first_day for p in partial],
            )
        )
        for zone_id, by_month in _firm_months(rows).items():
            for p, month in by_month.items():
                if (zone_id, p.first_day) not in have:
                    t = _totals(month)
                    added[p].append({"firms": t["firms"], **{m: t[f"sum_{m}"] for m in MEASURES}})
    out = {}
    for p in months:
        parts = [t for t in [sums.get(p), *added.get(p, [])] if t and t["firms"]]
        if not parts:
            continue
        row: dict = {"firms": sum(t["firms"] for t in parts)}
        for m in MEASURES:
            wholes = [w for t in parts if (w := t[m]) is not None]
            row[m] = _unscaled(m, sum(wholes)) if wholes else None
        out[p] = row
    return out
