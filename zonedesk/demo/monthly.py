"""Monthly figures of the demo zone: all of 2019 and January to June 2020.

The generator is built so that the June 2020 status computed from the stored rows states the
figures a real county-level zone published for that month (see docs and the reference
summary): 47 producing; 20 level, 13 above (4 of them new), 14 below; employment +6.28 %;
output +12.78 % of which new firms 8.61 points; catch-up 11.65 %; the 8 % target 25.67 %; the
43 firms that resumed after the shutdown halted 45 days on average from January to June.
Only aggregates are aimed at; every firm's row is ordinary data, and the status is computed
from the rows like any other month's (change one firm's June output and it changes).
"""

import calendar
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from zonedesk.core.actors import SYSTEM
from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring import services as monitoring_services
from zonedesk.monitoring.models import AnnualFigure, AnnualTarget, FigureEvent, MonthlyFigure

CENT = Decimal("0.01")
# The published aggregates (rates as fractions).
OUTPUT_YOY = Decimal("0.1278")
NEW_PART = Decimal("0.0861")
EMPLOYEES_2019 = 7500  # with EMPLOYEES_2020 gives +6.28 % exactly
EMPLOYEES_2020 = 7971
CATCH_UP = Decimal("0.1165")
TARGET = Decimal("0.08")
TO_TARGET = Decimal("0.2567")
# ΣB(1..6) / ΣB(7..12) implied by the two recovery rates: (g_t − g_c) / r − 1.
FIRST_HALF_SHARE = (TO_TARGET - CATCH_UP) / TARGET - 1  # 0.7525
CLASSES = ["level"] * 20 + ["above"] * 9 + ["below"] * 14  # the 43 firms producing before 2020
SEASON_2019 = [0.95, 0.80, 0.98, 1.00, 1.02, 1.05, 1.10, 1.12, 1.18, 1.20, 1.22, 1.30]
HALTED_STAFF = (6, 4)


def _d(x: float, q: Decimal = CENT) -> Decimal:
    return Decimal(str(x)).quantize(q, rounding=ROUND_HALF_UP)


def _days(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


@dataclass
class _Plan:
    """The demo zone's figures while they are being drawn: one random stream, used in order."""

    rng: random.Random
    firms: list[Enterprise]
    classes: list[str]
    output: dict[tuple[int, int, int], Decimal] = field(default_factory=dict)  # -> 万元
    staff: dict[tuple[int, int, int], int] = field(default_factory=dict)
    halted_days: dict[tuple[int, int, int], int] = field(default_factory=dict)
    size: list[float] = field(default_factory=list)
    wanted: Decimal = Decimal(0)  # the second half of 2019

    @property
    def old(self) -> list[Enterprise]:
        return self.firms[:43]

    @property
    def new(self) -> list[Enterprise]:
        return self.firms[43:47]


def build(firms: list[Enterprise], *, seed: int = 2020) -> list[MonthlyFigure]:
    """Rows for the demo zone's 51 firms in plan order (see data.firm_plan). The steps draw from
    one random stream in this order, so the demo stays the same for the same seed."""
    rng = random.Random(seed)
    classes = CLASSES[:]
    rng.shuffle(classes)
    plan = _Plan(rng=rng, firms=firms, classes=classes)
    _year_2019(plan)
    _june_2020(plan)
    _first_months_2020(plan)
    _employees(plan)
    rows = _rows(plan)
    _early_warnings(plan, rows)
    return rows


def _year_2019(plan: _Plan) -> None:
    """2019: seasonal, with the second half heavy enough for the published recovery rates."""
    rng, output, old = plan.rng, plan.output, plan.old
    size = plan.size = [rng.uniform(80, 900) for _ in old]
    for i, s in enumerate(size):
        for m in range(1, 13):
            output[i, 2019, m] = _d(s * SEASON_2019[m - 1] * rng.uniform(0.97, 1.03))
    first_half = sum(output[i, 2019, m] for i in range(43) for m in range(1, 7))
    second_half = sum(output[i, 2019, m] for i in range(43) for m in range(7, 13))
    wanted = (first_half / FIRST_HALF_SHARE).quantize(CENT)
    k = wanted / second_half
    for i in range(43):
        for m in range(7, 13):
            output[i, 2019, m] = (output[i, 2019, m] * k).quantize(CENT)
    output[0, 2019, 12] += wanted - sum(output[i, 2019, m] for i in range(43) for m in range(7, 13))
    plan.wanted = wanted


def _june_2020(plan: _Plan) -> None:
    """June 2020: each old firm by its class; the new firms bring 8.61 points."""
    rng, output, classes, new = plan.rng, plan.output, plan.classes, plan.new
    june_2019 = sum(output[i, 2019, 6] for i in range(43))
    level_or_below = Decimal(0)
    for i in range(43):
        if classes[i] == "level":
            output[i, 2020, 6] = _d(float(output[i, 2019, 6]) * rng.uniform(0.965, 1.035))
        elif classes[i] == "below":
            output[i, 2020, 6] = _d(float(output[i, 2019, 6]) * rng.uniform(0.70, 0.92))
        if classes[i] != "above":
            level_or_below += output[i, 2020, 6]
    new_total = (june_2019 * NEW_PART).quantize(CENT)
    weights = [rng.uniform(0.6, 1.4) for _ in new]
    for j, w in enumerate(weights):
        output[43 + j, 2020, 6] = (new_total * Decimal(str(w / sum(weights)))).quantize(CENT)
    output[43, 2020, 6] += new_total - sum(output[43 + j, 2020, 6] for j in range(4))
    above = [i for i in range(43) if classes[i] == "above"]
    above_total = (june_2019 * (1 + OUTPUT_YOY)).quantize(CENT) - new_total - level_or_below
    above_base = sum(output[i, 2019, 6] for i in above)
    spread = [rng.uniform(0.85, 1.15) for _ in above]
    norm = sum(float(output[i, 2019, 6]) * s for i, s in zip(above, spread, strict=True))
    for i, s in zip(above, spread, strict=True):
        output[i, 2020, 6] = _d(float(above_total) * float(output[i, 2019, 6]) * s / norm)
    output[above[0], 2020, 6] += above_total - sum(output[i, 2020, 6] for i in above)
    if not all(output[i, 2020, 6] > output[i, 2019, 6] * Decimal("1.05") for i in above):
        raise RuntimeError(
            f"the seed gives 'above' firms a rise of only {above_total / above_base}"
        )


def _first_months_2020(plan: _Plan) -> None:
    """January to May 2020 (the shutdown), scaled to the published year-to-date figure."""
    rng, output, old, new = plan.rng, plan.output, plan.old, plan.new
    halted_days, wanted = plan.halted_days, plan.wanted
    # January to May 2020: the Spring Festival, then the shutdown, then recovery: 45 days halted
    # on average from January to June (平均停工 45 天), a few of them in April (taken out of
    # March's, so that April's draw leaves the random stream as it was). New firms start in
    # their month of production.
    shape = {1: 1.02, 2: 0.12, 3: 0.45, 4: 0.93, 5: 1.05}
    feb = [min(29, 27 + rng.choice((-2, -1, 0, 1, 2))) for _ in old]
    mar = [45 - f + rng.choice((-2, -1, 0, 1, 2)) for f in feb]
    surplus = sum(feb) + sum(mar) - 45 * 43
    for i in range(abs(surplus)):  # exactly 45 days on average
        mar[i % 43] -= 1 if surplus > 0 else -1
    for i in range(43):
        april = rng.choice((0, 1, 2, 3))
        halted_days[i, 2020, 2], halted_days[i, 2020, 3] = feb[i], mar[i] - april
        halted_days[i, 2020, 4] = april
        for m in (1, 5, 6):
            halted_days[i, 2020, m] = 0
        for m in range(1, 6):
            output[i, 2020, m] = _d(float(output[i, 2019, m]) * shape[m] * rng.uniform(0.95, 1.05))
    for j, firm in enumerate(new):
        start = firm.production_start.month
        for m in range(start, 6):
            output[43 + j, 2020, m] = _d(
                float(output[43 + j, 2020, 6]) * rng.uniform(0.4, 0.9) * (m - start + 1) / 4
            )
    first_half_2019 = sum(output[i, 2019, m] for i in range(43) for m in range(1, 7))
    ytd_wanted = first_half_2019 - (CATCH_UP * wanted).quantize(CENT)
    june_2020 = sum(v for (_i, y, m), v in output.items() if (y, m) == (2020, 6))
    jan_may = [key for key in output if key[1] == 2020 and key[2] < 6]
    k = (ytd_wanted - june_2020) / sum(output[key] for key in jan_may)
    for key in jan_may:
        output[key] = (output[key] * k).quantize(CENT)
    output[0, 2020, 5] += ytd_wanted - june_2020 - sum(output[key] for key in jan_may)


def _employees(plan: _Plan) -> None:
    """Employees of every firm and month."""
    rng, staff, size, classes, new = plan.rng, plan.staff, plan.size, plan.classes, plan.new
    # Employees: 7,500 in June 2019 (with the halted firms' caretakers), 7,971 in June 2020.
    people = EMPLOYEES_2019 - sum(HALTED_STAFF)
    counts = [round(people * s / sum(size)) for s in size]
    counts[0] += people - sum(counts)
    drift = {"level": (0.98, 1.02), "above": (1.03, 1.12), "below": (0.88, 0.97)}
    for i, c in enumerate(counts):
        for m in range(1, 13):
            staff[i, 2019, m] = c if m == 6 else round(c * rng.uniform(0.97, 1.02))
        lo, hi = drift[classes[i]]
        staff[i, 2020, 6] = round(c * rng.uniform(lo, hi))
        for m in range(1, 6):
            staff[i, 2020, m] = round(c * rng.uniform(0.95, 1.0))
    for j, firm in enumerate(new):
        start = firm.production_start.month
        for m in range(start, 7):
            staff[43 + j, 2020, m] = 60 + 25 * j + 5 * (m - start)
    gap = (
        EMPLOYEES_2020
        - sum(HALTED_STAFF)
        - sum(v for (_i, y, m), v in staff.items() if (y, m) == (2020, 6))
    )
    for i, c in enumerate(counts):  # spread the difference over the firms by size
        staff[i, 2020, 6] += round(gap * c / people)
    largest = counts.index(max(counts))
    staff[largest, 2020, 6] += (
        EMPLOYEES_2020
        - sum(HALTED_STAFF)
        - sum(v for (_i, y, m), v in staff.items() if (y, m) == (2020, 6))
    )


def _rows(plan: _Plan) -> list[MonthlyFigure]:
    """The stored rows: the drawn output and staff, and the other figures drawn around them."""
    rng, firms, output, staff, size = plan.rng, plan.firms, plan.output, plan.staff, plan.size
    halted_days = plan.halted_days
    rows = []
    months = [(2019, m) for m in range(1, 13)] + [(2020, m) for m in range(1, 7)]
    intensity = [rng.uniform(600, 2400) for _ in firms]  # kWh per 万元
    water = [rng.uniform(2, 12) for _ in firms]  # t per 万元
    now = dt.datetime(2020, 7, 10, 9, 0, tzinfo=dt.UTC)
    # Tax and energy use have their own stream: drawing them leaves every other figure as it was.
    extra = random.Random(8)
    tax_rate = [extra.uniform(0.015, 0.07) for _ in firms]  # tax paid per 万元 of revenue
    # tce per kWh: electricity at 0.1229 kgce/kWh (GB/T 2589-2020) plus the firm's fuels
    tce_per_kwh = [0.0001229 * extra.uniform(1.05, 1.9) for _ in firms]
    for i, firm in enumerate(firms):
        exporter = i % 4 == 1
        for y, m in months:
            if i >= 47:
                if i >= 49:
                    continue  # the closed firm and the construction site report nothing
                value, people, halted_for = Decimal(0), HALTED_STAFF[i - 47], _days(y, m)
            elif (i, y, m) not in output:
                continue
            else:
                value, people = output[i, y, m], staff[i, y, m]
                halted_for = halted_days.get((i, y, m), 0)
            rows.append(
                MonthlyFigure(
                    enterprise=firm,
                    period=dt.date(y, m, 1),
                    output_value_wan=value,
                    revenue_wan=_d(float(value) * rng.uniform(0.88, 0.98)),
                    electricity_kwh=round(float(value) * intensity[i] * rng.uniform(0.95, 1.05))
                    or 180,
                    water_t=round(float(value) * water[i] * rng.uniform(0.95, 1.05)) or 20,
                    employees=people,
                    days_halted=halted_for,
                    export_value_wan=_d(float(value) * rng.uniform(0.15, 0.3))
                    if exporter
                    else None,
                    orders_wan=_d(float(value) * rng.uniform(1.2, 3.0)),
                    capacity_utilisation_pct=(
                        min(Decimal(100), _d(float(value) / size[i] * 78)) if i < 43 else None
                    ),
                    tax_wan=_d(float(value) * 0.93 * tax_rate[i] * extra.uniform(0.8, 1.2)),
                    energy_tce=_d(float(value) * intensity[i] * tce_per_kwh[i]),
                    status=(
                        MonthlyFigure.Status.SUBMITTED
                        if (y, m) == (2020, 6) and i % 5 == 0
                        else MonthlyFigure.Status.CONFIRMED
                    ),
                    submitted_at=now,
                )
            )
    return rows


# Early warning (monitoring.alerts) in June 2020: firm 39 falls three months running (March to
# June) and firm 20's output per kWh jumps. Each moves figures to or from another firm of the
# same month (10 and 18), so every month's totals stay as published; firm 39 leaves May's
# "above" class for "below" (as a firm falling since March would).
DECLINING, DECLINING_PARTNER = 39, 10
DECLINE = {3: Decimal("1.125"), 4: Decimal("1.083"), 5: Decimal("1.041")}  # x June's output
DRIFTING, DRIFTING_PARTNER = 20, 18
DRIFT_KWH = Decimal("0.55")  # June's kWh kept by the drifting firm
ADDITIVE = ("output_value_wan", "revenue_wan", "electricity_kwh", "water_t", "orders_wan")


def _early_warnings(plan: _Plan, rows: list[MonthlyFigure]) -> None:
    """Reshape two pairs of firms' rows (no random draw: the stream stays as it was)."""
    position = {id(f): i for i, f in enumerate(plan.firms)}
    at = {(position[id(r.enterprise)], r.period.year, r.period.month): r for r in rows}
    june = at[DECLINING, 2020, 6].output_value_wan
    for month, factor in DECLINE.items():
        mine, theirs = at[DECLINING, 2020, month], at[DECLINING_PARTNER, 2020, month]
        scale = (june * factor).quantize(CENT) / mine.output_value_wan
        for name in ADDITIVE:
            before = getattr(mine, name)
            after = (
                (before * scale).quantize(CENT)
                if isinstance(before, Decimal)
                else round(before * float(scale))
            )
            moved = getattr(theirs, name) + before - after
            if moved < 0:  # the partner cannot give that much: this figure stays as drawn
                continue
            setattr(mine, name, after)
            setattr(theirs, name, moved)
        for i, row in ((DECLINING, mine), (DECLINING_PARTNER, theirs)):
            row.capacity_utilisation_pct = min(
                Decimal(100), _d(float(row.output_value_wan) / plan.size[i] * 78)
            )
    mine, theirs = at[DRIFTING, 2020, 6], at[DRIFTING_PARTNER, 2020, 6]
    kept = round(mine.electricity_kwh * DRIFT_KWH)
    theirs.electricity_kwh += mine.electricity_kwh - kept
    mine.electricity_kwh = kept


def _steps(rows: list[MonthlyFigure]) -> list:
    """Each month's steps along FIGURE_FLOW, as the demo's history tells them: reported, and
    confirmed where the row is, at the time the row was stored."""
    from zonedesk.core.actors import SYSTEM
    from zonedesk.monitoring.flows import FIGURE_FLOW

    submitted, confirmed = MonthlyFigure.Status.SUBMITTED, MonthlyFigure.Status.CONFIRMED
    steps = []
    for row in rows:
        path = [("", submitted)] + ([(submitted, confirmed)] if row.status == confirmed else [])
        steps += [
            FIGURE_FLOW.event(
                actor=SYSTEM, obj=row, move=to, from_state=fro, to_state=to, at=row.submitted_at
            )
            for fro, to in path
        ]
    return steps


def annual(firms: list[Enterprise], rows: list[MonthlyFigure]) -> list[AnnualFigure]:
    """2019's yearly figures: value added (22-34 % of output) for all but every eleventh firm,
    whose output then stands in for it, and R&D spending (0.8-3.5 % of revenue) for every third
    firm. Their own random stream, so the monthly figures stay as they are."""
    rng = random.Random(19)
    output, revenue = {}, {}
    for row in rows:
        if row.period.year == 2019:
            key = row.enterprise.pk
            output[key] = output.get(key, 0) + row.output_value_wan
            revenue[key] = revenue.get(key, 0) + (row.revenue_wan or 0)
    out = []
    for i, firm in enumerate(firms):
        if firm.pk not in output:
            continue
        va = None if i % 11 == 10 else _d(float(output[firm.pk]) * rng.uniform(0.22, 0.34))
        rd = _d(float(revenue[firm.pk]) * rng.uniform(0.008, 0.035)) if i % 3 == 0 else None
        out.append(AnnualFigure(enterprise=firm, year=2019, value_added_wan=va, rd_spending_wan=rd))
    return out


def load(zone, firms: list[Enterprise]) -> int:
    """Store the rows of `firms` (the demo zone's, in plan order), their yearly figures and the
    zone's targets."""
    rows = build(firms)
    MonthlyFigure.objects.bulk_create(rows, batch_size=2000)
    AnnualFigure.objects.bulk_create(annual(firms, rows))
    FigureEvent.objects.bulk_create(_steps(rows), batch_size=2000)
    monitoring_services.zone_months_rebuild(actor=SYSTEM, zone_ids=[zone.pk])
    # Above-size status by the threshold: 2019 has no 2018 revenue to go by (the registered
    # flags stand), 2020 is derived from 2019's revenue (新升规 against 2019).
    for year in (2019, 2020):
        monitoring_services.sizes_derive(actor=SYSTEM, zone=zone, year=year)
    AnnualTarget.objects.create(zone=zone, year=2020, output_growth_pct=Decimal(8))
    AnnualTarget.objects.create(zone=zone, year=2019, output_growth_pct=Decimal("7.5"))
    return len(rows)
