"""The financing paragraph's figures, from the stored needs (docs/statistics.md, "Financing
(issue 19)": response time and approval rate)."""

import datetime as dt
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Max, Q
from django.utils import timezone

from zonedesk.casework.selectors import work_calendar
from zonedesk.finance import access, stats
from zonedesk.finance.models import (
    BridgeLoan,
    BridgeLoanEvent,
    Consent,
    FinancingNeed,
    Guarantee,
    InterFirmLoan,
    NeedEvent,
)
from zonedesk.finance.selectors.bridge import bridge_facts
from zonedesk.finance.selectors.lending import lending_facts
from zonedesk.finance.selectors.needs import response_working_days
from zonedesk.finance.selectors.stats import need_rows
from zonedesk.finance.summary import FinanceFacts, TypeLine
from zonedesk.org.access import is_active
from zonedesk.org.selectors import zone_list

S = FinancingNeed.Status
ZERO = Decimal("0")


def summary(user, *, zones, first, last, today: dt.date | None = None) -> FinanceFacts | None:
    """The zones' financing from `first` to `last` (Periods): needs shared with banks in the
    period and their amount, the needs approved, declined and disbursed in it (by the product
    type approved), the approval rate, the banks' average first response in working days, and
    the needs waiting past the limit on the period's last day (or today if sooner). None when the
    user is not staff of the unit or a zone is not theirs."""
    if not is_active(user) or not (user.is_superuser or user.has_role(*access.UNIT_READERS)):
        return None
    ids = sorted({z.pk for z in zones})
    if not ids or zone_list(user).filter(pk__in=ids).count() != len(ids):
        return None
    start = first.first_day
    end = last.shift(1).first_day - dt.timedelta(days=1)
    day = min(today or timezone.localdate(), end)
    needs = FinancingNeed.objects.filter(enterprise__zone__in=ids).select_related("product")
    shared = [n for n in needs.filter(shared_on__gte=start, shared_on__lte=end)]
    decided = list(needs.filter(decided_on__gte=start, decided_on__lte=end))
    approved = [n for n in decided if n.approved_amount_wan is not None]
    declined = [n for n in decided if n.decline_reason]
    disbursed = list(needs.filter(disbursed_on__gte=start, disbursed_on__lte=end))
    days = [d for d in (response_working_days(n) for n in shared) if d is not None]
    waiting = (
        needs.filter(shared_on__lte=day, respond_by__lt=day, status=S.SHARED).count()
        + needs.filter(shared_on__lte=day, respond_by__lt=day, responded_on__gt=day).count()
    )
    lines: dict[str, list] = {}
    for n in approved:
        line = lines.setdefault(n.product.type if n.product else "other", [0, ZERO, 0, ZERO])
        line[0] += 1
        line[1] += n.approved_amount_wan
    for n in disbursed:
        line = lines.setdefault(n.product.type if n.product else "other", [0, ZERO, 0, ZERO])
        line[2] += 1
        line[3] += n.disbursed_amount_wan or ZERO
    decisions = len(approved) + len(declined)
    rows = need_rows(user, zone_ids=ids, start=start, end=end)
    last_response = max([r.responded_on for r in rows if r.responded_on] + [end])
    cohort = stats.compute(rows, work_calendar(start, last_response), end=end).totals
    zone_rows = list(zone_list(user).filter(pk__in=ids))
    return FinanceFacts(
        needs=len(shared),
        needs_wan=sum((n.amount_wan for n in shared), ZERO),
        firms=len({n.enterprise_id for n in shared}),
        approved=len(approved),
        approved_wan=sum((n.approved_amount_wan for n in approved), ZERO),
        declined=len(declined),
        disbursed=len(disbursed),
        disbursed_wan=sum((n.disbursed_amount_wan or ZERO for n in disbursed), ZERO),
        approval_rate=(
            (Decimal(len(approved)) / decisions).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            if decisions
            else None
        ),
        avg_response_days=(
            (Decimal(sum(days)) / len(days)).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if days
            else None
        ),
        waiting_overdue=waiting,
        by_type=tuple(
            TypeLine(t, a, aw, d, dw)
            for t, (a, aw, d, dw) in sorted(lines.items(), key=lambda kv: (-kv[1][1], kv[0]))
        ),
        decline_reasons=tuple(Counter(n.decline_reason for n in declined).most_common()),
        day=day,
        as_of=newest_row(ids),
        take_up_rate=cohort.take_up_rate,
        median_response_days=cohort.median_response_days,
        bridge=bridge_facts(user, zone_rows, start=start, end=end),
        lending=lending_facts(user, zone_rows, start=start, end=end),
    )


def newest_row(zone_ids) -> dt.datetime | None:
    """When the zones' financing rows last changed (the paragraph's 数据截至, as the other
    sections stamp it: the newest row read, whenever): a need added or moved, a consent given or
    revoked, a bridge loan applied for or moved, an inter-firm loan or guarantee registered."""
    stamps = [
        FinancingNeed.objects.filter(enterprise__zone__in=zone_ids).aggregate(t=Max("created_at")),
        NeedEvent.objects.filter(need__enterprise__zone__in=zone_ids).aggregate(t=Max("at")),
        Consent.objects.filter(need__enterprise__zone__in=zone_ids).aggregate(
            t=Max("granted_at"), r=Max("revoked_at")
        ),
        BridgeLoan.objects.filter(fund__zone__in=zone_ids).aggregate(t=Max("applied_at")),
        BridgeLoanEvent.objects.filter(loan__fund__zone__in=zone_ids).aggregate(t=Max("at")),
        InterFirmLoan.objects.filter(
            Q(lender__zone__in=zone_ids) | Q(borrower__zone__in=zone_ids)
        ).aggregate(t=Max("created_at")),
        Guarantee.objects.filter(
            Q(guarantor__zone__in=zone_ids) | Q(guaranteed__zone__in=zone_ids)
        ).aggregate(t=Max("created_at")),
    ]
    return max((t for row in stamps for t in row.values() if t is not None), default=None)
