"""Reads of the policy library and entitlements, scoped to the acting user."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.models import Area
from zonedesk.policies import facts, rules
from zonedesk.policies.models import Entitlement, Measure, PolicyDocument
from zonedesk.policies.services import IN_WORKFLOW

REACHED = IN_WORKFLOW  # notified or beyond: the firm has been told
DONE = (Entitlement.State.DISBURSED, Entitlement.State.DECLINED)
# Eligible pairs whose benefit has not arrived yet: somebody has a next step to take.
OPEN = (
    Entitlement.State.IDENTIFIED,
    Entitlement.State.NOTIFIED,
    Entitlement.State.APPLIED,
    Entitlement.State.APPROVED,
)


def level_order(path: str = "measure__document__level") -> Case:
    """Province first, then city, county, zone (the order of the choices, not of the alphabet)."""
    return Case(
        *[When(**{path: level}, then=Value(i)) for i, level in enumerate(PolicyDocument.Level)],
        output_field=IntegerField(),
    )


def entitlement_scope(user) -> QuerySet[Entitlement]:
    return Entitlement.objects.filter(enterprise__in=enterprise_scope(user))


@dataclass(frozen=True)
class CoverageRow:
    key: str  # issuing level, or a measure's id
    label: str
    measures: int  # measures with eligible firms
    eligible: int
    notified: int
    done: int
    estimated_wan: Decimal
    disbursed_wan: Decimal

    @property
    def notified_rate(self) -> Decimal | None:
        """一条不漏: eligible pairs the firm has been told of."""
        return Decimal(self.notified) / self.eligible if self.eligible else None

    @property
    def done_rate(self) -> Decimal | None:
        """应享尽享: eligible pairs disbursed or declined by the firm."""
        return Decimal(self.done) / self.eligible if self.eligible else None


def _aggregate(qs, key: str):
    return (
        qs.values(key)
        .annotate(
            measures=Count("measure", distinct=True),
            eligible=Count("id"),
            notified=Count("id", filter=Q(state__in=REACHED)),
            done=Count("id", filter=Q(state__in=DONE)),
            estimated=Sum("estimate_wan"),
            disbursed=Sum("disbursed_wan"),
        )
        .order_by(key)
    )


def measures_for(zone) -> QuerySet[Measure]:
    """The measures that cover the zone's firms: its own documents' and those of every area
    above it (a province's, a city's, a county's)."""
    code = zone.area.code
    prefixes = {code[:2], code[:4], code}
    covering = Q(document__zone=zone)
    for area in Area.objects.filter(code__in=[code[:2] + "0000", code[:4] + "00", code]):
        if area.scope_prefix in prefixes:
            covering |= Q(document__area=area)
    return Measure.objects.filter(covering, current__isnull=False)


def coverage(user, *, zone) -> tuple[list[CoverageRow], list[CoverageRow]]:
    """Coverage of the zone's eligible pairs by issuing level and by measure."""
    qs = entitlement_scope(user).filter(
        enterprise__zone=zone, decision=Entitlement.Decision.ELIGIBLE
    )
    levels = dict(PolicyDocument.Level.choices)
    order = list(levels)
    counts = dict(
        measures_for(zone)
        .values("document__level")
        .annotate(n=Count("id"))
        .values_list("document__level", "n")
    )
    found = {r["measure__document__level"]: r for r in _aggregate(qs, "measure__document__level")}
    by_level = [
        CoverageRow(
            level,
            str(levels[level]),
            counts.get(level, 0),
            (found.get(level) or {}).get("eligible", 0),
            (found.get(level) or {}).get("notified", 0),
            (found.get(level) or {}).get("done", 0),
            (found.get(level) or {}).get("estimated") or Decimal(0),
            (found.get(level) or {}).get("disbursed") or Decimal(0),
        )
        for level in order
        if level in counts or level in found
    ]
    titles = {
        pk: f"{levels[level]} · {clause} {title}"
        for pk, level, clause, title in qs.values_list(
            "measure_id", "measure__document__level", "measure__clause", "measure__title"
        ).distinct()
    }
    by_measure = [
        CoverageRow(
            str(r["measure_id"]),
            titles.get(r["measure_id"], ""),
            1,
            r["eligible"],
            r["notified"],
            r["done"],
            r["estimated"] or Decimal(0),
            r["disbursed"] or Decimal(0),
        )
        for r in _aggregate(qs, "measure_id")
    ]
    return by_level, by_measure


@dataclass(frozen=True)
class FirmEntitlement:
    entitlement: Entitlement
    explanation: rules.Explanation


def firm_entitlements(user, *, enterprise) -> list[FirmEntitlement]:
    """What the firm qualifies for (or may, or is on its way), each with the conditions as they
    apply to the firm's facts of the month that decided it."""
    rows = list(
        entitlement_scope(user)
        .filter(enterprise=enterprise)
        .select_related("measure__document", "rule_version")
        .prefetch_related("events__actor")
        .order_by(level_order(), "measure_id")
    )
    tables = {}
    out = []
    for e in rows:
        period = Period.of(e.period)
        if period not in tables:
            table = facts.fact_table(Enterprise.objects.filter(pk=enterprise.pk), period)
            tables[period] = table.row(0) if len(table) else {}
        source = e.rule_version.eligibility
        out.append(FirmEntitlement(e, rules.explain(rules.parse(source), tables[period], source)))
    return out


def entitlement_get(user, *, pk: int) -> Entitlement | None:
    return (
        entitlement_scope(user)
        .select_related("enterprise__zone__area", "measure__document")
        .filter(pk=pk)
        .first()
    )


def firm_other_measures(
    user, *, enterprise, period: Period | None
) -> list[tuple[Measure, rules.Explanation]]:
    """The measures in force for the firm's zone that it does not qualify for, each with the
    conditions it fails (computed on demand: such pairs are not stored)."""
    if enterprise_scope(user).filter(pk=enterprise.pk).first() is None or period is None:
        return []
    today = timezone.localdate()
    stored = Entitlement.objects.filter(enterprise=enterprise).values("measure_id")
    measures = (
        measures_for(enterprise.zone)
        .filter(document__valid_from__lte=today)
        .exclude(document__valid_to__lt=today)
        .exclude(pk__in=stored)
        .select_related("document", "current")
        .order_by(level_order("document__level"), "id")
    )
    table = facts.fact_table(Enterprise.objects.filter(pk=enterprise.pk), period)
    row = table.row(0) if len(table) else {}
    out = []
    for m in measures:
        source = m.current.eligibility
        out.append((m, rules.explain(rules.parse(source), row, source)))
    return out


def open_entitlements(
    user, *, mine: bool = False, zone=None, state: str = "", level: str = ""
) -> QuerySet[Entitlement]:
    """Eligible pairs whose benefit is still on its way: an officer's own firms (mine) or every
    firm of the user's unit (or of one zone), oldest decision first within each firm."""
    qs = entitlement_scope(user).filter(decision=Entitlement.Decision.ELIGIBLE, state__in=OPEN)
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
        .filter(enterprise__zone=zone, decision=Entitlement.Decision.ELIGIBLE)
        .exclude(state__in=DONE)
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
            open=Count("id", filter=eligible & Q(state__in=OPEN)),
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
