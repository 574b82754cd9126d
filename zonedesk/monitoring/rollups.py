"""Zone-month summaries kept beside the figures (`ZoneMonth`), so that an area's or a province's
month adds up a few hundred zones instead of reading a hundred thousand firms' rows.

A month's figures enter the summaries of their own month, the next month (环比), the same month
next year (同比) and the later months of their year (the average days halted counts January to
the month); a confirmation changes only its own month's count of reports awaiting confirmation. Every service that writes figures calls `invalidate` for the months it
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
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum

from zonedesk.core.period import Period
from zonedesk.monitoring import figures, indicators, pagecache
from zonedesk.monitoring.indicators import MEASURES, FirmMonth, HaltedDays, MonthSummary
from zonedesk.monitoring.models import MonthlyFigure, ZoneMonth

# FirmMonth's fields in order: the firm's production start decides whether it is new.
ROW_FIELDS = ("enterprise_id", "period", "days_halted", *MEASURES, "enterprise__production_start")
# Months whose summary a month's figures enter: itself, the next month, next year's (and the
# rest of its year: `affected`).
AFFECTS = (0, 1, 12)


def affected(periods: Iterable[Period], *, values: bool = True) -> set[Period]:
    """The months whose kept summaries figures of `periods` enter: with `values` (figures
    written), AFFECTS and every later month of the same year (their average days halted counts
    this month's days); without (a change of status only), the months themselves (their count
    of reports awaiting confirmation)."""
    out = set()
    for p in periods:
        out.add(p)
        if values:
            out.update(p.shift(k) for k in AFFECTS)
            out.update(Period(p.year, m) for m in range(p.month + 1, 13))
    return out


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
    # The month against last year's and the previous month, and January..the month for the
    # days halted.
    needed = {q for p in periods for q in (p, p.previous, p.last_year)}
    needed |= {Period(p.year, m) for p in periods for m in range(1, p.month)}
    unconfirmed = _unconfirmed(zone_ids, periods)
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
            halted = indicators.halted_days(
                current,
                (f for m in range(1, p.month + 1) for f in months.get(Period(p.year, m), ())),
                months=p.month,
            )
            columns = {
                **_totals(current),
                **{f"base_{m}": int(a.last_year * SCALE[m]) for m, a in summary.aggregates.items()},
                # 可比口径 of the month, for the comparable year to date (migration 0021)
                **{
                    f"cmp_{m}": int(a.comparable_current * SCALE[m])
                    for m, a in summary.aggregates.items()
                },
                **{
                    f"cmp_base_{m}": int(a.comparable_last_year * SCALE[m])
                    for m, a in summary.aggregates.items()
                },
                "unconfirmed": unconfirmed.get((zone_id, p.first_day), 0),
                "halted_firms": halted.firms,
                "halted_days": halted.days,
                "halted_listed": [list(pair) for pair in halted.by_firm]
                if halted.firms <= indicators.HALTED_FIRMS_LISTED
                else None,
            }
            out[(zone_id, p)] = (summary, columns)
    return out


def _unconfirmed(zone_ids: list[int], periods: set[Period]) -> dict[tuple[int, object], int]:
    """The reports submitted but not confirmed, per (zone, month's first day)."""
    rows = (
        MonthlyFigure.objects.filter(
            enterprise__zone__in=zone_ids,
            period__in=[p.first_day for p in periods],
            status=MonthlyFigure.Status.SUBMITTED,
        )
        .values_list("enterprise__zone_id", "period")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {(zone_id, day): n for zone_id, day, n in rows}


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


def invalidate(zone_ids: Iterable[int], periods: Iterable[Period], *, values: bool = True) -> None:
    """Called by every write of figures (`values`) or of their status only (a confirmation),
    inside its transaction: the summaries the written months enter (`affected`) are dropped at
    once (readers compute them from the rows meanwhile) and recomputed by the background worker
    once the write has committed."""
    from zonedesk.monitoring.tasks import refresh_rollups

    zone_ids, periods = sorted(set(zone_ids)), sorted(set(periods))
    dropped = [p.first_day for p in affected(periods, values=values)]
    ZoneMonth.objects.filter(zone__in=zone_ids, period__in=dropped).delete()
    transaction.on_commit(
        lambda: refresh_rollups.enqueue(
            zone_ids=zone_ids, periods=[str(p) for p in periods], values=values
        )
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


def refresh(zone_ids: Iterable[int], periods: Iterable[Period], *, values: bool = True) -> int:
    """Recompute the summaries that figures (or, without `values`, statuses) of `periods` in
    `zone_ids` enter; returns how many are stored (the worker's task after a write)."""
    return _store(list(zone_ids), affected(periods, values=values))


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
                **columns,
            )
            for (zone_id, p), (summary, columns) in computed.items()
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


@dataclass(frozen=True)
class Kept:
    """A zone's month as kept: its summary, its reports awaiting confirmation and its average
    days halted (January to the month)."""

    summary: MonthSummary
    unconfirmed: int
    halted: HaltedDays


def _readable(data: dict, band: Decimal, new_months: int) -> bool:
    """Whether a kept summary (or the keys of one read alone) is of this layout, capacity band
    and new-firm window."""
    return (
        data.get("v") == indicators.SUMMARY_VERSION
        and data.get("band") == str(band)
        and data.get("new_months") == new_months
    )


def month(
    zone_ids: list[int], period: Period, *, band: Decimal, new_months: int | None = None
) -> dict[int, Kept]:
    """Each zone's month: as kept (when computed with the same capacity band and new-firm window,
    and since the kept counts existed), else computed from the rows (not stored)."""
    if new_months is None:
        new_months = _new_months()
    out = {}
    for zone_id, data, unconfirmed, firms, days, listed in ZoneMonth.objects.filter(
        zone__in=zone_ids, period=period.first_day, unconfirmed__isnull=False
    ).values_list(
        "zone_id", "summary", "unconfirmed", "halted_firms", "halted_days", "halted_listed"
    ):
        if _readable(data, band, new_months):
            out[zone_id] = Kept(
                indicators.summary_from_json(data),
                unconfirmed,
                HaltedDays(period.month, firms, days, tuple(tuple(x) for x in listed or ())),
            )
    missing = [z for z in zone_ids if z not in out]
    if missing:
        computed = compute(missing, [period], band=band, new_months=new_months, stored=False)
        for (zone_id, _p), (summary, columns) in computed.items():
            out[zone_id] = Kept(summary, columns["unconfirmed"], _halted(columns, period))
    empty = Kept(
        indicators.summarise(
            [], [], [], band=band, new_since=new_since(period, new_months), new_months=new_months
        ),
        0,
        HaltedDays(period.month, 0, 0),
    )
    return {z: out.get(z, empty) for z in zone_ids}


def _halted(columns: dict, period: Period) -> HaltedDays:
    listed = columns["halted_listed"] or ()
    return HaltedDays(
        period.month, columns["halted_firms"], columns["halted_days"], tuple(map(tuple, listed))
    )


def summaries(
    zone_ids: list[int], period: Period, *, band: Decimal, new_months: int | None = None
) -> dict[int, MonthSummary]:
    """Each zone's summary of the month (`month`)."""
    return {
        z: k.summary for z, k in month(zone_ids, period, band=band, new_months=new_months).items()
    }


def year_so_far(
    zone_ids: list[int], period: Period, *, band: Decimal, new_months: int | None = None
) -> list[dict[str, tuple[Decimal, Decimal, Decimal, Decimal]]]:
    """For January..the month before `period`: each figure's Σ over the zones' reporting firms
    and Σ of the same firms' figure a year earlier (the merged summaries' `current` and
    `last_year`), then the comparable basis (`comparable_current`, `comparable_last_year`), by
    figure. The database adds the zones' kept sums up (`sum_*`, `base_*`, `cmp_*`,
    `cmp_base_*`) in one query; a zone-month kept without them, or not kept, is summarised from
    the rows."""
    earlier = [Period(period.year, m) for m in range(1, period.month)]
    if not earlier:
        return []
    kept = ZoneMonth.objects.filter(
        zone__in=zone_ids,
        period__in=[p.first_day for p in earlier],
        unconfirmed__isnull=False,  # kept with its base_* columns (migration 0019)
        cmp_output_value_wan__isnull=False,  # and its cmp_* columns (migration 0021)
    )
    sums: dict[Period, dict[str, list]] = {
        p: {m: [Decimal(0)] * 4 for m in MEASURES} for p in earlier
    }
    zones_kept = {}
    for r in (
        kept.values("period")
        .annotate(
            zones=Count("zone"),
            **{f"cur_{m}": Sum(f"sum_{m}") for m in MEASURES},
            **{f"base_{m}": Sum(f"base_{m}") for m in MEASURES},
            **{f"cmp_{m}": Sum(f"cmp_{m}") for m in MEASURES},
            **{f"cmp_base_{m}": Sum(f"cmp_base_{m}") for m in MEASURES},
        )
        .order_by()
    ):
        p = Period.of(r["period"])
        zones_kept[p] = r["zones"]
        for m in MEASURES:
            for i, column in enumerate(("cur", "base", "cmp", "cmp_base")):
                sums[p][m][i] += _unscaled(m, r[f"{column}_{m}"]) or 0
    partial = [p for p in earlier if zones_kept.get(p, 0) < len(zone_ids)]
    if partial:
        # Zone-months without kept sums: usually months a zone reported nothing (a cheap,
        # indexed query that finds nothing), else months a write has not summarised yet.
        have = set(
            kept.filter(period__in=[p.first_day for p in partial]).values_list("zone_id", "period")
        )
        missing = {(z, p) for p in partial for z in zone_ids if (z, p.first_day) not in have}
        computed = compute(
            {z for z, _p in missing},
            {p for _z, p in missing},
            band=band,
            new_months=new_months if new_months is not None else _new_months(),
            stored=False,
        )
        for pair, (summary, _columns) in computed.items():
            if pair in missing:
                for m, a in summary.aggregates.items():
                    sums[pair[1]][m][0] += a.current
                    sums[pair[1]][m][1] += a.last_year
                    sums[pair[1]][m][2] += a.comparable_current
                    sums[pair[1]][m][3] += a.comparable_last_year
    return [{m: tuple(v) for m, v in sums[p].items()} for p in earlier]


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
