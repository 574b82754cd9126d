"""Reads of the power and water companies' readings: a firm's accounts and months, a scope's
consumption index against the base year."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring.facts import UtilityIndex
from zonedesk.monitoring.models import (
    MonthlyFigure,
    UtilityAccount,
    UtilityKind,
    UtilityReading,
)
from zonedesk.monitoring.selectors.scope import (  # the shared reads
    Scope,
    _firms,
)
from zonedesk.monitoring.selectors.sizes import sized

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
    user, scope: Scope, period: Period, *, base_year: int | None = None, size: str = "all"
) -> dict[str, UtilityIndex]:
    """The scope's power and water consumption in `period` against the same month of the base
    year, from the companies' readings of the accounts recorded on the firms the user sees in
    the scope (unmatched readings count nowhere); a kind is absent unless both months have
    readings (and the base month's total is not zero), or when `period` is not after the base
    year. A size scope (`size` above / below) counts the accounts of the firms in it in
    `period`'s year, in both months (the same firms, as the status compares them). One grouped
    query over the (kind, period, firm) index."""
    base = Period(base_year or utility_base_year(), period.month)
    if period.year <= base.year:
        return {}
    rows = (
        UtilityReading.objects.filter(
            kind__in=UtilityKind.values,  # the index's leading column
            period__in=[period.first_day, base.first_day],
            enterprise__in=sized(_firms(user, scope), period.year, size),
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
