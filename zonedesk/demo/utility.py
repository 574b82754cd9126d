"""The power and water companies' readings of the demo zone: January 2019 to December 2020.

Every firm that reports (the 47 producing and the two halted) has one power and one water
account. Where the firm reported the month, the company's reading is the firm's own figure
within a meter-reading spread of ±1.5 % (a bill's reading day is not the month's end); for
the months after the firms' figures end (July to December 2020) the reading continues the
firm's same month of 2019 with a modest recovery. One firm (DRIFTING, a firm producing since
before 2020) is the exception: from April 2020 the company's kWh fall to half of what its
reported output implies, so its output per kWh drifts far from its own 12-month median (the
early-warning item reads that). The management committee's own office meter is on the
power company's sheet but on no firm: an unmatched account, kept and listed.

Drawn from a random stream of its own, so the firms' figures (and every published figure of
the demo's paragraphs) stay as they were.
"""

import datetime as dt
import random
from decimal import Decimal

from zonedesk.enterprises.models import Enterprise
from zonedesk.monitoring.models import MonthlyFigure, UtilityAccount, UtilityReading

SEED = 2019
DRIFTING = 5  # plan order (demo.data.firm_plan): an old, producing firm
# The share of the output-implied kWh the company reads for DRIFTING, by month from April 2020.
DRIFT = {4: 0.75, 5: 0.6, 6: 0.5, 7: 0.5, 8: 0.48, 9: 0.47, 10: 0.46, 11: 0.45, 12: 0.45}
OFFICE = ("3110099999", "演示经开区管委会办公楼（合成）", 21000)  # number, name, kWh a month
MONTHS = [(y, m) for y in (2019, 2020) for m in range(1, 13)]
CENT = Decimal("0.01")


def power_number(i: int) -> str:
    return f"31100{i + 1:05d}"


def water_number(i: int) -> str:
    return f"8810{i + 1:04d}"


def _q(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(CENT)


def load(zone, firms: list[Enterprise]) -> int:
    """Store the accounts and readings of `firms` (the demo zone's, in plan order)."""
    rng = random.Random(SEED)
    reporting = [
        (i, f) for i, f in enumerate(firms) if f.monthly_figures.exists()
    ]  # the closed firm and the construction site report nothing and have no account here
    UtilityAccount.objects.bulk_create(
        [UtilityAccount(enterprise=f, kind="power", number=power_number(i)) for i, f in reporting]
        + [UtilityAccount(enterprise=f, kind="water", number=water_number(i)) for i, f in reporting]
    )
    stored = {
        (r["enterprise_id"], r["period"].year, r["period"].month): r
        for r in MonthlyFigure.objects.filter(enterprise__in=firms).values(
            "enterprise_id", "period", "electricity_kwh", "water_t"
        )
    }
    rows = []
    for i, firm in reporting:
        recovery = rng.uniform(1.01, 1.08)
        for y, m in MONTHS:
            own = stored.get((firm.pk, y, m))
            if own is None and y == 2020 and m > 6:
                last_year = stored.get((firm.pk, 2019, m))
                june = stored.get((firm.pk, 2020, 6))
                if last_year is None or i >= 43:  # a new firm: its June level goes on
                    base = june
                    power = june["electricity_kwh"] * rng.uniform(0.95, 1.08) if june else None
                    water = june["water_t"] * rng.uniform(0.95, 1.08) if june else None
                else:
                    base = last_year
                    power = last_year["electricity_kwh"] * recovery * rng.uniform(0.97, 1.03)
                    water = last_year["water_t"] * recovery * rng.uniform(0.97, 1.03)
                if base is None:
                    continue
            elif own is None:
                continue  # a new firm before its start of production
            else:
                power = own["electricity_kwh"] * rng.uniform(0.985, 1.015)
                water = own["water_t"] * rng.uniform(0.985, 1.015)
            if i == DRIFTING and y == 2020 and m in DRIFT:
                power *= DRIFT[m]
            day = dt.date(y, m, 1)
            rows.append(
                UtilityReading(
                    zone=zone,
                    kind="power",
                    period=day,
                    account_number=power_number(i),
                    account_name=firm.name,
                    electricity_kwh=_q(power),
                    enterprise=firm,
                )
            )
            rows.append(
                UtilityReading(
                    zone=zone,
                    kind="water",
                    period=day,
                    account_number=water_number(i),
                    account_name=firm.name,
                    water_t=_q(water),
                    enterprise=firm,
                )
            )
    number, name, kwh = OFFICE
    for y, m in MONTHS:
        rows.append(
            UtilityReading(
                zone=zone,
                kind="power",
                period=dt.date(y, m, 1),
                account_number=number,
                account_name=name,
                electricity_kwh=_q(kwh * rng.uniform(0.9, 1.1)),
            )
        )
    UtilityReading.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
