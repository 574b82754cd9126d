"""政策落实 counted for the work summary: the measures in force over a period by issuing level,
and how far they reached the firms of a zone or an area's zones (eligible, told, received,
still owed)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Case, Count, F, Max, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from zonedesk.core.period import Period
from zonedesk.org.selectors import zone_list
from zonedesk.policies import asof
from zonedesk.policies.models import Entitlement, EntitlementEvent, Measure, PolicyDocument
from zonedesk.policies.reach import LevelCount, SupportFacts
from zonedesk.policies.selectors.entitlements import (
    DONE,
    OPEN,
    REACHED,
    entitlement_scope,
)
from zonedesk.policies.selectors.library import _covering_zone


def support(user, *, zones, first: Period, last: Period) -> SupportFacts | None:
    """The measures covering the zones in force at some time from `first` to `last`, and the
    eligible pairs of the zones' firms the user sees, each where it stood at the period's end
    (told, received, still owed: from its steps by then); None when a zone is not the user's."""
    ids = sorted({z.pk for z in zones})
    if not ids or zone_list(user).filter(pk__in=ids).count() != len(ids):
        return None
    start, end = first.first_day, last.shift(1).first_day - dt.timedelta(days=1)
    areas = [z.area.code for z in zones]
    in_force = (
        Measure.objects.filter(_covering_zone(ids, areas, "document__"), current__isnull=False)
        .filter(document__valid_from__lte=end)
        .filter(Q(document__valid_to__isnull=True) | Q(document__valid_to__gte=start))
    )
    found = {
        r["document__level"]: r
        for r in in_force.values("document__level")
        .annotate(documents=Count("document", distinct=True), measures=Count("id"))
        .order_by()
    }
    levels = tuple(
        LevelCount(level, str(label), found[level]["documents"], found[level]["measures"])
        for level, label in PolicyDocument.Level.choices
        if level in found
    )
    # Where each benefit stood at the period's end: its last step by then (its events), not
    # its state today; else where its first step started from. One without any step (made
    # outside the services) keeps its stored state, but if paid after the period it was at most
    # approved at its end.
    cutoff = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    last_step = EntitlementEvent.objects.filter(entitlement=OuterRef("pk"), at__lt=cutoff).order_by(
        "-at", "-id"
    )
    # Its steps all came later: where the first of them started from.
    first_step = EntitlementEvent.objects.filter(
        entitlement=OuterRef("pk"), from_state__gt=""
    ).order_by("at", "id")
    pairs = (
        entitlement_scope(user)
        .filter(enterprise__zone__in=ids, decision=Entitlement.Decision.ELIGIBLE)
        .annotate(
            then=Coalesce(
                Subquery(last_step.values("to_state")[:1]),
                Subquery(first_step.values("from_state")[:1]),
                Case(
                    When(
                        state=Entitlement.State.DISBURSED,
                        disbursed_on__gt=end,
                        then=Value(Entitlement.State.APPROVED),
                    ),
                    default=F("state"),
                ),
            )
        )
    )
    disbursed = Q(then=Entitlement.State.DISBURSED)
    in_period = disbursed & Q(disbursed_on__gte=start, disbursed_on__lte=end)
    # Still owed then: an identified one only while its measure was in force (as `actionable`).
    owed = Q(then__in=OPEN) & (
        ~Q(then=Entitlement.State.IDENTIFIED) | asof.in_force_q(end, "measure__document__")
    )
    counted = pairs.aggregate(
        firms=Count("enterprise", distinct=True),
        eligible=Count("id"),
        notified=Count("id", filter=Q(then__in=REACHED)),
        done=Count("id", filter=Q(then__in=DONE)),
        paid=Count("id", filter=disbursed),
        paid_wan=Sum("disbursed_wan", filter=disbursed),
        in_period=Count("id", filter=in_period),
        in_period_wan=Sum("disbursed_wan", filter=in_period),
        owed=Count("id", filter=owed),
        owed_firms=Count("enterprise", distinct=True, filter=owed),
        owed_estimate=Sum("estimate_wan", filter=owed),
        decided=Max("decided_at"),
    )
    stepped = EntitlementEvent.objects.filter(entitlement__in=pairs).aggregate(t=Max("at"))["t"]
    zero = Decimal("0")
    return SupportFacts(
        levels=levels,
        firms_eligible=counted["firms"],
        eligible=counted["eligible"],
        notified=counted["notified"],
        done=counted["done"],
        disbursed=counted["paid"],
        disbursed_wan=counted["paid_wan"] or zero,
        disbursed_in_period=counted["in_period"],
        disbursed_in_period_wan=counted["in_period_wan"] or zero,
        owed=counted["owed"],
        owed_firms=counted["owed_firms"],
        owed_wan=counted["owed_estimate"] or zero,
        as_of=max((t for t in (counted["decided"], stepped) if t is not None), default=None),
    )
