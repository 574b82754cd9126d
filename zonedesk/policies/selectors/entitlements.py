"""Entitlements (a firm paired with a measure) as a user sees them: the open ones, a firm's, the
states that count."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.models import Role, Zone
from zonedesk.policies import asof, facts, rules
from zonedesk.policies.flows import IN_WORKFLOW
from zonedesk.policies.models import Entitlement, Measure, PolicyDocument
from zonedesk.policies.selectors.library import level_order, measures_for

REACHED = IN_WORKFLOW  # notified or beyond: the firm has been told
DONE = (Entitlement.State.DISBURSED, Entitlement.State.DECLINED)
# Eligible pairs whose benefit has not arrived yet: somebody has a next step to take.
OPEN = (
    Entitlement.State.IDENTIFIED,
    Entitlement.State.NOTIFIED,
    Entitlement.State.APPLIED,
    Entitlement.State.APPROVED,
)


def actionable(zone_ids=None) -> Q:
    """Open pairs somebody can still act on: an identified one only while its measure is in
    force on its firm's zone's as-of date (an expired package takes no new firms; its pairs
    still count in coverage). `zone_ids`: the zones the pairs may be of (default: all)."""
    if zone_ids is None:
        zone_ids = Zone.objects.values_list("pk", flat=True)
    in_force = Q(pk__in=[])
    for on, ids in asof.by_date(zone_ids):
        in_force |= Q(enterprise__zone_id__in=ids) & asof.in_force_q(on, "measure__document__")
    return ~Q(state=Entitlement.State.IDENTIFIED) | in_force


def entitlement_scope(user) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(enterprise__in=enterprise_scope(user))


@dataclass(frozen=True)
class FirmEntitlement:
    entitlement: Entitlement
    explanation: rules.Explanation
    reason: str = ""  # why it no longer qualifies (a lapsed pair), in words


@dataclass(frozen=True)
class Verdict:
    """A measure the firm does not qualify for, and why: `outcome` is not_eligible (a
    condition fails, or the measure is not for firms of its status) or not_applicable (the
    rule needs a figure that cannot exist for the firm); `reason` says so in words."""

    measure: Measure
    explanation: rules.Explanation
    outcome: str
    reason: str


def _fact_names(names) -> str:
    lang = get_language() or "zh-hans"
    labels = [facts.FACTS[n].label(lang) if n in facts.FACTS else n for n in sorted(names)]
    return "、".join(labels) if lang.startswith("zh") else ", ".join(labels)


def status_reason(enterprise, measure: Measure) -> str:
    """Why the measure is not for the firm as it now is (its life: closed, under construction,
    …); empty when its status is one the measure applies to."""
    if enterprise.status in measure.firm_statuses:
        return ""
    if enterprise.status == Enterprise.Status.CLOSED:
        return _("The firm has closed.")
    if enterprise.status == Enterprise.Status.CONSTRUCTION:
        return _("The firm is under construction and not yet producing.")
    labels = dict(Enterprise.Status.choices)
    return _("The measure is for firms that are %(statuses)s; the firm is %(status)s.") % {
        "statuses": "、".join(str(labels[s]) for s in measure.firm_statuses if s in labels),
        "status": labels.get(enterprise.status, enterprise.status),
    }


def verdict_of(enterprise, measure: Measure, explanation: rules.Explanation) -> Verdict:
    """The outcome of the measure for the firm with its reason (status first, then rules)."""
    reason = status_reason(enterprise, measure)
    if reason:
        return Verdict(measure, explanation, "not_eligible", reason)
    outcome = explanation.outcome
    if outcome == "not_applicable":
        start = enterprise.production_start
        reason = _(
            "Not applicable: the firm started production on %(date)s, so %(facts)s cannot "
            "exist (no base year)."
        ) % {
            "date": start.isoformat() if start else "—",
            "facts": _fact_names(explanation.not_applicable),
        }
    return Verdict(measure, explanation, outcome, reason)


def firm_facts(enterprise, period: Period, cache: dict | None = None) -> dict:
    """One firm's facts of a month (memoised in `cache`, which a page passes to every selector
    that explains the firm's decisions, so the facts are computed once).

    Reference data: not scoped, because its callers (`firm_entitlements`,
    `firm_other_measures`) have checked the firm is in the user's scope."""
    cache = {} if cache is None else cache
    if period not in cache:
        table = facts.fact_table(Enterprise.objects.filter(pk=enterprise.pk), period)
        cache[period] = table.row(0) if len(table) else {}
    return cache[period]


def firm_entitlements(user, *, enterprise, cache: dict | None = None) -> list[FirmEntitlement]:
    """What the firm qualifies for (or may, or is on its way), each with the conditions as they
    apply to the firm's facts of the month that decided it."""
    rows = list(
        entitlement_scope(user)
        .filter(enterprise=enterprise)
        .select_related("measure__document", "rule_version")
        .prefetch_related("events__actor")
        .order_by(level_order(), "measure_id")
    )
    cache = {} if cache is None else cache
    out = []
    for e in rows:
        e.enterprise = enterprise  # the caller's, with its zone: no query per row
        row = firm_facts(enterprise, Period.of(e.period), cache)
        source = e.rule_version.eligibility
        explanation = rules.explain(facts.parse_rule(source), row, source)
        reason = ""
        if e.decision == Entitlement.Decision.NOT_ELIGIBLE:  # lapsed: say why
            reason = verdict_of(enterprise, e.measure, explanation).reason
        out.append(FirmEntitlement(e, explanation, reason))
    return out


def entitlement_get(user, *, pk: int) -> Entitlement | None:
    return (
        entitlement_scope(user)
        .select_related("enterprise__zone__area", "measure__document")
        .filter(pk=pk)
        .first()
    )


def firm_other_measures(
    user, *, enterprise, period: Period | None, cache: dict | None = None
) -> list[Verdict]:
    """The measures in force for the firm's zone (on its as-of date) that it does not qualify
    for, each with the
    conditions it fails and the reason: not for firms of its status (closed, under
    construction), or not applicable (a figure it needs cannot exist for the firm). Computed on
    demand: such pairs are not stored."""
    if enterprise_scope(user).filter(pk=enterprise.pk).first() is None:
        return []
    today = asof.firm_as_of(enterprise).date  # the zone's as-of date
    stored = Entitlement.objects.filter(enterprise=enterprise).values("measure_id")
    measures = (
        measures_for(enterprise.zone)
        .filter(document__valid_from__lte=today)
        .exclude(document__valid_to__lt=today)
        .exclude(pk__in=stored)
        .select_related("document", "current")
        .order_by(level_order("document__level"), "id")
    )
    # Without figures only the firm's status can decide (a site under construction reports none).
    row = firm_facts(enterprise, period, cache) if period is not None else {}
    out = []
    for m in measures:
        if period is None and enterprise.status in m.firm_statuses:
            continue
        source = m.current.eligibility
        out.append(verdict_of(enterprise, m, rules.explain(facts.parse_rule(source), row, source)))
    return out


def mine_by_default(user) -> bool:
    """An officer's open benefits are those of their own firms unless they ask for all."""
    return user.has_role(Role.OFFICER) and not user.is_superuser


def open_entitlements(
    user, *, mine: bool = False, zone=None, state: str = "", level: str = ""
) -> QuerySet[Entitlement]:
    """Eligible pairs whose benefit is still on its way: an officer's own firms (mine) or every
    firm of the user's unit (or of one zone), oldest decision first within each firm."""
    zones = (
        [zone.pk]
        if zone is not None
        else enterprise_scope(user).order_by().values_list("zone_id", flat=True).distinct()
    )
    qs = entitlement_scope(user).filter(
        actionable(zones), decision=Entitlement.Decision.ELIGIBLE, state__in=OPEN
    )
    if mine:
        qs = qs.filter(enterprise__officer=user)
    if zone is not None:
        qs = qs.filter(enterprise__zone=zone)
    if state in OPEN:
        qs = qs.filter(state=state)
    if level in PolicyDocument.Level.values:
        qs = qs.filter(measure__document__level=level)
    return qs.select_related(
        "enterprise__officer", "enterprise__zone", "measure__document"
    ).order_by("enterprise__name", "enterprise_id", level_order(), "measure_id")


def open_counts(user, *, mine: bool = False, zone=None) -> dict[str, int]:
    qs = open_entitlements(user, mine=mine, zone=zone)
    return dict(qs.order_by().values_list("state").annotate(n=Count("id")))


def unclaimed_firms(user, *, zone, limit: int = 20) -> list[dict]:
    """The firms with the most eligible benefits not yet received (by estimated amount, then
    by count): where the zone's work on 应享尽享 is most needed."""
    return list(
        entitlement_scope(user)
        .filter(
            actionable([zone.pk]),
            enterprise__zone=zone,
            decision=Entitlement.Decision.ELIGIBLE,
            state__in=OPEN,
        )
        .values("enterprise_id", "enterprise__name", "enterprise__officer__full_name")
        .annotate(pairs=Count("id"), estimated=Sum("estimate_wan"))
        .order_by(F("estimated").desc(nulls_last=True), "-pairs", "enterprise__name")[:limit]
    )


@dataclass(frozen=True)
class FirmSummary:
    eligible: int
    undetermined: int
    open: int
    estimated_wan: Decimal
    disbursed_wan: Decimal


def firm_summary(user, *, enterprise) -> FirmSummary:
    """The firm page's card: how many benefits, how much estimated, how much received."""
    eligible = Q(decision=Entitlement.Decision.ELIGIBLE)
    agg = (
        entitlement_scope(user)
        .filter(enterprise=enterprise)
        .aggregate(
            eligible=Count("id", filter=eligible),
            undetermined=Count("id", filter=Q(decision=Entitlement.Decision.UNDETERMINED)),
            open=Count(
                "id", filter=eligible & Q(state__in=OPEN) & actionable([enterprise.zone_id])
            ),
            estimated=Sum("estimate_wan", filter=eligible),
            disbursed=Sum("disbursed_wan"),
        )
    )
    return FirmSummary(
        agg["eligible"],
        agg["undetermined"],
        agg["open"],
        agg["estimated"] or Decimal(0),
        agg["disbursed"] or Decimal(0),
    )


@dataclass(frozen=True)
class MeasureDecisions:
    eligible: int
    undetermined: int
    lapsed: int  # no longer eligible, benefit already under way
    states: dict[str, int]
    estimated_wan: Decimal
    disbursed_wan: Decimal


def measure_decisions(user, *, measure) -> MeasureDecisions:
    """What the measure's rules decided for the firms the user sees, and where the benefits are."""
    qs = entitlement_scope(user).filter(measure=measure)
    agg = qs.aggregate(
        eligible=Count("id", filter=Q(decision=Entitlement.Decision.ELIGIBLE)),
        undetermined=Count("id", filter=Q(decision=Entitlement.Decision.UNDETERMINED)),
        lapsed=Count("id", filter=Q(decision=Entitlement.Decision.NOT_ELIGIBLE)),
        estimated=Sum("estimate_wan"),
        disbursed=Sum("disbursed_wan"),
    )
    states = dict(qs.exclude(state="").values_list("state").annotate(n=Count("id")).order_by())
    return MeasureDecisions(
        agg["eligible"],
        agg["undetermined"],
        agg["lapsed"],
        states,
        agg["estimated"] or Decimal(0),
        agg["disbursed"] or Decimal(0),
    )


def measures_of(entitlements) -> QuerySet[Measure]:
    """The measures of entitlements (as a queryset, for a form's choices).

    Reference data: not scoped, because the caller passes entitlements it has read through
    `entitlement_scope(user)` (casework's firm plan): this narrows what it already may see."""
    return Measure.objects.filter(pk__in=[e.measure_id for e in entitlements])


def steps_waiting_on(user) -> QuerySet[Entitlement]:
    """The benefits whose next step is the user's: an officer's own firms' open pairs (notify,
    approve, record the payment), and for a firm's own user the benefits they were told of and
    may apply for (not those paid without application)."""
    if not user.is_active:
        return Entitlement.objects.none()
    if user.has_role(Role.OFFICER) and not user.is_superuser:
        return open_entitlements(user, mine=True)
    if user.has_role(Role.ENTERPRISE):
        return (
            open_entitlements(user, state=Entitlement.State.NOTIFIED)
            .exclude(measure__mode=Measure.Mode.AUTOMATIC)
            .filter(enterprise__members__user=user)
        )
    return Entitlement.objects.none()


def open_since(user, *, zone=None, before=None) -> QuerySet[Entitlement]:
    """The open benefits of the user's unit (or one zone), each with `since`: when it entered
    its current step (its latest event into that state, else the matcher's decision). `before`:
    only those in their step since before that time. Longest waiting first."""
    qs = open_entitlements(user, zone=zone).annotate(
        since=Coalesce(Max("events__at", filter=Q(events__to_state=F("state"))), F("decided_at"))
    )
    if before is not None:
        qs = qs.filter(since__lt=before)
    return qs.order_by("since", "id")


def state_labels() -> dict[str, str]:
    """The benefit's states by value, in words (for lists built from plain values)."""
    return {value: str(label) for value, label in Entitlement.State.choices}
