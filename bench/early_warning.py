"""Early warning (issue 15 item 4): the month's warnings of every firm of the synthetic
province, as its leader's list reads them (`monitoring.alert_selectors.alert_list`: two SQL
queries, the firms and their 25 months of figures, into NumPy; the five rules over
[firms x months]; the warnings dressed with their explanations).

The limit: the figures' query alone, fetched into the arrays (what any computation of the rules
must read). Instead: the same rules written per firm in plain Python over the same arrays, on a
sample of firms, extrapolated to the province; both must agree on the sample (checked on each
run)."""

import random
import secrets
import time

import numpy as np
from common import median, row, timed

from zonedesk.core.actors import SYSTEM
from zonedesk.demo import scale
from zonedesk.monitoring import alert_selectors, alerts
from zonedesk.monitoring.selectors import latest_period_of
from zonedesk.org import services as org_services
from zonedesk.org.models import Area, Role, User

TITLE = "Early warning: every firm of the province, its month's warnings"


def _per_firm(m: alerts.Months, i: int, th: alerts.Thresholds) -> set[str]:
    """The five rules for firm row i, month by month in Python (the reference)."""
    out, kwh, rep = m.output[i], m.kwh[i], m.reported[i]
    found = set()
    if rep[-1] and rep[-13] and out[-13] > 0 and out[-1] / out[-13] - 1 < -th.yoy_drop:
        found.add(alerts.YOY_DROP)
    four = list(out[-4:])
    if all(rep[-4:]) and all(four[k] > four[k + 1] for k in range(3)):
        found.add(alerts.DECLINING)
    if rep[-1] and m.halted[i, -1] > 0:
        found.add(alerts.HALTED)
    if m.expected[i] and not rep[-1]:
        found.add(alerts.MISSING)
    ratios = [
        out[k] / kwh[k]
        for k in range(alerts.MONTHS - 13, alerts.MONTHS - 1)
        if rep[k] and not np.isnan(out[k]) and not np.isnan(kwh[k]) and kwh[k] > 0
    ]
    if len(ratios) >= th.drift_min_months and rep[-1] and not np.isnan(kwh[-1]) and kwh[-1] > 0:
        mid = float(np.median(ratios))
        if mid > 0 and abs((out[-1] / kwh[-1]) / mid - 1) > th.drift_band:
            found.add(alerts.POWER_DRIFT)
    return found


def _user(province: Area) -> User:
    """The province's leader (the province overview benchmark's user: one account for both)."""
    user = User.objects.filter(username="bench-province").first()
    if user is None:
        user = org_services.user_create(
            actor=SYSTEM,
            username="bench-province",
            password=secrets.token_urlsafe(18) + "Aa1-",  # four classes whatever the draw
            roles=[Role.LEADER],
            area=province,
        )
    return user


def run(*, runs: int, sample: int, log) -> list[dict]:
    province = Area.objects.get(code=scale.PROVINCE)
    user = _user(province)
    firms = alert_selectors.alert_firms(user)
    period = latest_period_of(firms)
    th = alert_selectors.thresholds()
    log(f"  {period}")

    selector_times, rows = timed(lambda: alert_selectors.alert_list(user, period=period), runs)
    warnings = sum(len(r.items) for r in rows)
    log(f"  selector: {median(selector_times):.3f} s, {len(rows):,} firms, {warnings:,} warnings")

    read_times, (table, months) = timed(
        lambda: alert_selectors.months_of(firms, period), max(1, min(runs, 3))
    )
    rules_times, found = timed(lambda: alerts.evaluate(months, th), runs)
    n = len(table.ids)
    log(f"  read: {median(read_times):.3f} s; rules: {median(rules_times):.3f} s; {n:,} firms")

    rng = random.Random(15)
    chosen = sorted(rng.sample(range(n), min(n, sample)))
    vectorised: dict[int, set[str]] = {}
    for w in found:
        vectorised.setdefault(w.firm_id, set()).add(w.rule)
    started = time.perf_counter()
    looped = {i: _per_firm(months, i, th) for i in chosen}
    per_firm = (time.perf_counter() - started) / max(1, len(chosen))
    for i, rules in looped.items():
        if rules != vectorised.get(int(table.ids[i]), set()):
            raise AssertionError(f"firm {table.ids[i]}: per-firm {rules} != vectorised")
    instead = per_firm * n
    counts = {r: sum(1 for w in found if w.rule == r) for r in alerts.RULES}
    note = (
        f"{n:,} firms, {period} and the 24 months before; {len(rows):,} firms warned, "
        f"{warnings:,} warnings ({', '.join(f'{k} {v:,}' for k, v in counts.items())}); "
        f"the per-firm loop agrees on a sample of {len(chosen)} firms"
    )
    limit = median(read_times)
    ok = median(selector_times) < 5
    return [
        row(
            "early warning for the province (alert_list: read, rules, explanations)",
            selector_times,
            note=note,
            limit=limit,
            instead=instead,
            target=("< 5 s on PostgreSQL", ok),
        ),
        row(
            "the rules alone (alerts.evaluate over [firms x 25 months])",
            rules_times,
            note="NumPy over the arrays already read, the warnings as objects",
        ),
        row(
            "limit: the two queries into the arrays (alert_selectors.months_of)",
            read_times,
            note="the firms, and their figures of the 13 months the rules read, into NumPy",
        ),
        row(
            "instead: the rules per firm in Python, extrapolated",
            [instead],
            note=f"{per_firm * 1e6:.0f} µs a firm on a sample of {len(chosen)}, times {n:,} firms",
        ),
    ]
