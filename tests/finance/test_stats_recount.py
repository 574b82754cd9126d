"""The demo's financing statistics recounted from the raw rows, outside the code: plain SQL over
the needs, consents and products, straightforward loops, and the working days from the
chinese-calendar package (the official arrangement) with the administrators' own days read from
their table. The overview's figures must be the same."""

import datetime as dt
import statistics
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import chinese_calendar
from django.db import connection

from zonedesk.finance.selectors import stats as selectors
from zonedesk.org.models import User, Zone

NEEDS_SQL = """
SELECT n.id, n.shared_on, n.amount_wan, n.purpose, n.responded_on, n.bank_id,
       n.product_id, p.type, n.approved_amount_wan, n.approved_rate_pct, n.decline_reason,
       n.disbursed_on, n.disbursed_amount_wan
FROM finance_financingneed n
JOIN enterprises_enterprise e ON e.id = n.enterprise_id
JOIN org_zone z ON z.id = e.zone_id
LEFT JOIN finance_bankproduct p ON p.id = n.product_id
WHERE z.code = %s AND n.shared_on >= %s AND n.shared_on <= %s
"""
CONSENTS_SQL = "SELECT need_id, bank_id, revoked_at FROM finance_consent"
OWN_DAYS_SQL = "SELECT date, kind FROM casework_calendarday"


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _dec(value):
    return None if value is None else Decimal(str(value))


def _query(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _working_days(start, end, own):
    """Working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        kind = own.get(day)
        count += kind == "workday" if kind else chinese_calendar.is_workday(day)
    return count


def _tenth(values):
    return Decimal(str(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def test_the_demo_overview_matches_a_recount_from_the_rows(demo):
    leader = User.objects.get(username="leader")
    zone = Zone.objects.get(code="demo")
    o = selectors.overview(leader, year=2020, zone=zone)
    rows = _query(NEEDS_SQL, ["demo", "2020-01-01", "2020-12-31"])
    own = {_date(d): k for d, k in _query(OWN_DAYS_SQL)}
    assert len(rows) >= 30

    needs = len(rows)
    requested = sum(_dec(r[2]) for r in rows)
    responded = [r for r in rows if r[4] is not None]
    approved = [r for r in rows if r[8] is not None]
    declined = [r for r in rows if r[10]]
    disbursed = [r for r in rows if r[11] is not None]
    days = [_working_days(_date(r[1]), _date(r[4]), own) for r in responded]
    t = o.stats.totals
    assert (t.needs, t.requested_wan, t.responded) == (needs, requested, len(responded))
    assert (t.approved, t.declined, t.disbursed) == (len(approved), len(declined), len(disbursed))
    assert t.approved_wan == sum(_dec(r[8]) for r in approved)
    assert t.disbursed_wan == sum(_dec(r[12]) for r in disbursed)
    assert sorted(t.response_days) == sorted(days)
    assert t.median_response_days == _tenth(statistics.median(days))
    assert t.mean_response_days == _tenth(Decimal(sum(days)) / len(days))
    weighted = sum(_dec(r[8]) * _dec(r[9]) for r in approved) / sum(_dec(r[8]) for r in approved)
    assert t.average_rate_pct == weighted.quantize(Decimal("0.01"), ROUND_HALF_UP)

    # Per bank: shared (consent not revoked before sharing), received, approved, amounts, rate.
    shared_on = {r[0]: _date(r[1]) for r in rows}
    shared = defaultdict(set)
    for need, bank, revoked in _query(CONSENTS_SQL):
        if need in shared_on and (revoked is None or _date(revoked) >= shared_on[need]):
            shared[bank].add(need)
    received = defaultdict(list)
    for r in responded:
        received[r[5]].append(r)
    lines = {b.bank: b for b in o.stats.banks}
    assert set(lines) == set(received) | set(shared)
    for bank, mine in received.items():
        f = lines[bank].figures
        ok = [r for r in mine if r[8] is not None]
        assert (f.responded, f.approved, f.declined) == (
            len(mine),
            len(ok),
            len([r for r in mine if r[10]]),
        ), bank
        assert f.approved_wan == sum((_dec(r[8]) for r in ok), Decimal(0)), bank
        assert f.disbursed_wan == sum(
            (_dec(r[12]) for r in mine if r[11] is not None), Decimal(0)
        ), bank
        # The products' approvals, one by one.
        per_product = defaultdict(Decimal)
        for r in ok:
            per_product[r[6]] += _dec(r[8])
        assert {p: f.approved_wan for p, f in lines[bank].products.items()} == dict(per_product)
    for bank, ids in shared.items():
        assert lines[bank].shared == len(ids), bank

    # Months and product types.
    months = defaultdict(int)
    for r in rows:
        months[(_date(r[1]).year, _date(r[1]).month)] += 1
    assert {k: f.needs for k, f in o.stats.by_month.items()} == dict(months)
    types = defaultdict(Decimal)
    for r in approved:
        types[r[7] or "none"] += _dec(r[8])
    assert {k: f.approved_wan for k, f in o.stats.by_type.items()} == dict(types)
