"""Reads of the policy library and entitlements, scoped to the acting user."""

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from zonedesk.core.errors import ValidationFailed
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise, EnterpriseMember
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.access import UNIT_WIDE_ROLES, is_active
from zonedesk.org.models import Role, Zone
from zonedesk.policies import facts, rules
from zonedesk.policies.flows import IN_WORKFLOW
from zonedesk.policies.matching import cents_of
from zonedesk.policies.models import Entitlement, Measure, PolicyDocument, RuleVersion
from zonedesk.policies.services import compile_rules

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


def actionable() -> Q:
    """Open pairs somebody can still act on: an identified one only while its measure is in
    force (an expired package takes no new firms; its pairs still count in coverage)."""
    today = timezone.localdate()
    in_force = Q(measure__document__valid_from__lte=today) & (
        Q(measure__document__valid_to__isnull=True) | Q(measure__document__valid_to__gte=today)
    )
    return ~Q(state=Entitlement.State.IDENTIFIED) | in_force


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
    above it (a province's, a city's, a county's).

    Reference data: not scoped, because a policy is public to the firms it covers (see
    `_document_q`): everyone who sees the zone may read them, and every caller has the zone
    from a scoped selector or has checked the firm first."""
    return Measure.objects.filter(covering(zone, "document__"), current__isnull=False)


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
    # Every measure covering the zone, those no firm qualifies for too (a 0 is information).
    found = {r["measure_id"]: r for r in _aggregate(qs, "measure_id")}
    listed = (
        measures_for(zone)
        .values_list("id", "document__level", "clause", "title")
        .order_by(level_order("document__level"), "id")
    )
    by_measure = [
        CoverageRow(
            str(pk),
            f"{levels[level]} · {clause} {title}",
            1,
            (found.get(pk) or {}).get("eligible", 0),
            (found.get(pk) or {}).get("notified", 0),
            (found.get(pk) or {}).get("done", 0),
            (found.get(pk) or {}).get("estimated") or Decimal(0),
            (found.get(pk) or {}).get("disbursed") or Decimal(0),
        )
        for pk, level, clause, title in listed
    ]
    return by_level, by_measure


@dataclass(frozen=True)
class FirmEntitlement:
    entitlement: Entitlement
    explanation: rules.Explanation


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
        out.append(FirmEntitlement(e, rules.explain(rules.parse(source), row, source)))
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
    row = firm_facts(enterprise, period, cache)
    out = []
    for m in measures:
        source = m.current.eligibility
        out.append((m, rules.explain(rules.parse(source), row, source)))
    return out


def mine_by_default(user) -> bool:
    """An officer's open benefits are those of their own firms unless they ask for all."""
    return user.has_role(Role.OFFICER) and not user.is_superuser


def open_entitlements(
    user, *, mine: bool = False, zone=None, state: str = "", level: str = ""
) -> QuerySet[Entitlement]:
    """Eligible pairs whose benefit is still on its way: an officer's own firms (mine) or every
    firm of the user's unit (or of one zone), oldest decision first within each firm."""
    qs = entitlement_scope(user).filter(
        actionable(), decision=Entitlement.Decision.ELIGIBLE, state__in=OPEN
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
            actionable(),
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
            open=Count("id", filter=eligible & Q(state__in=OPEN) & actionable()),
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


# --- the library ---------------------------------------------------------------------------------


def _above(code: str) -> list[str]:
    """The division codes that may hold a county, city or province code (itself included)."""
    return sorted({code[:2] + "0000", code[:4] + "00", code})


def _covering_zone(zone_ids: list[int], area_codes: list[str], prefix: str = "") -> Q:
    """Documents of these zones, and of every area at or above these areas' codes."""
    codes = sorted({c for code in area_codes for c in _above(code)})
    return Q(**{f"{prefix}zone_id__in": zone_ids}) | Q(**{f"{prefix}area__code__in": codes})


def covering(zone: Zone, prefix: str = "") -> Q:
    """The documents covering a zone's firms: its own and those of every area above it."""
    return _covering_zone([zone.pk], [zone.area.code], prefix)


def _document_q(user, prefix: str = "") -> Q | None:
    """The documents the user may read as a Q (None: all of them; Q(pk__in=[]): none).

    A unit's users read the documents of their unit, of every unit inside it and of every
    area above it (a zone: its own, its county's, city's and province's). An enterprise user
    reads the documents covering their firm's zone: a policy is public to the firms it covers.
    """
    nothing = Q(**{f"{prefix}pk__in": []})
    if not is_active(user):
        return nothing
    if user.is_superuser:
        return None
    if user.has_role(Role.ENTERPRISE) and not user.has_role(*UNIT_WIDE_ROLES, Role.BANK):
        zones = list(
            Zone.objects.filter(
                pk__in=EnterpriseMember.objects.filter(user=user).values("enterprise__zone_id")
            ).values_list("pk", "area__code")
        )
        if not zones:
            return nothing
        return _covering_zone([z for z, _c in zones], [c for _z, c in zones], prefix)
    if user.zone_id is not None:
        return _covering_zone([user.zone_id], [user.zone.area.code], prefix)
    if user.area_id is not None:
        area = user.area
        inside = area.scope_prefix
        return (
            Q(**{f"{prefix}area__code__startswith": inside})
            | Q(**{f"{prefix}zone__area__code__startswith": inside})
            | Q(**{f"{prefix}area__code__in": _above(area.code)})
        )
    return nothing


def document_scope(user) -> QuerySet[PolicyDocument]:
    """Every policy document the user may read."""
    q = _document_q(user)
    qs = PolicyDocument.objects.all()
    return qs if q is None else qs.filter(q)


def documents(user, *, q: str = "", level: str = "") -> QuerySet[PolicyDocument]:
    """The library's documents, searched in their title, number and issuer and in their
    measures' titles and summaries; each with `measure_count`."""
    qs = document_scope(user).select_related("area", "zone__area")
    if level:
        qs = qs.filter(level=level)
    term = q.strip()
    if term:
        in_measures = Measure.objects.filter(
            Q(title__icontains=term) | Q(summary__icontains=term) | Q(department__icontains=term)
        ).values("document_id")
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(number__icontains=term)
            | Q(issuer__icontains=term)
            | Q(pk__in=in_measures)
        )
    return qs.annotate(measure_count=Count("measures")).order_by(
        level_order("level"), "-valid_from", "id"
    )


def document_get(user, pk: int) -> PolicyDocument | None:
    """One document with its measures (and their current rules), or None when out of scope."""
    return (
        document_scope(user)
        .select_related("area", "zone__area")
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.select_related("current").order_by("id"),
            )
        )
        .filter(pk=pk)
        .first()
    )


def measure_scope(user) -> QuerySet[Measure]:
    """Every measure of the documents the user may read."""
    q = _document_q(user, "document__")
    qs = Measure.objects.all()
    return qs if q is None else qs.filter(q)


def measures(
    user, *, q: str = "", level: str = "", benefit_type: str = "", mode: str = ""
) -> QuerySet[Measure]:
    """The library's measures with their document and current rules, searched in the
    measure's clause, title and summary and in the document's title and number."""
    qs = measure_scope(user).select_related("document__area", "document__zone__area", "current")
    if level:
        qs = qs.filter(document__level=level)
    if benefit_type:
        qs = qs.filter(benefit_type=benefit_type)
    if mode:
        qs = qs.filter(mode=mode)
    term = q.strip()
    if term:
        qs = qs.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(department__icontains=term)
            | Q(clause__icontains=term)
            | Q(document__title__icontains=term)
            | Q(document__number__icontains=term)
        )
    return qs.order_by(level_order("document__level"), "document_id", "id")


def measure_get(user, pk: int) -> Measure | None:
    """One measure with its document, current rules and every rule version (oldest first)."""
    return (
        measure_scope(user)
        .select_related("document__area", "document__zone__area", "current")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=RuleVersion.objects.select_related("created_by").order_by("number"),
            )
        )
        .filter(pk=pk)
        .first()
    )


# --- the rule editor's preview -------------------------------------------------------------------


@dataclass(frozen=True)
class RulePreview:
    """How many of a zone's firms a rule would decide which way, before it is saved."""

    firms: int = 0
    eligible: int = 0
    undetermined: int = 0
    not_eligible: int = 0
    estimated_wan: Decimal = Decimal("0.00")
    # field -> positioned messages (the counts are then 0)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def rule_preview(
    user, *, zone: Zone, period: Period, eligibility: str, benefit: str = ""
) -> RulePreview:
    """The rules evaluated over the facts of the zone's firms that the user may see (nothing
    is stored); a rule that does not compile gives its messages and zero counts."""
    try:
        tree, estimate_tree = compile_rules(eligibility, benefit)
    except ValidationFailed as exc:
        return RulePreview(errors=exc.errors)
    table = facts.fact_table(enterprise_scope(user).filter(zone=zone), period)
    n = len(table)
    if not n:
        return RulePreview()
    decided = rules.evaluate(tree, table.columns, n)
    eligible = decided.known & decided.values.astype(bool)
    undetermined = ~decided.known
    total = Decimal("0.00")
    if estimate_tree is not None:
        estimate = rules.evaluate(estimate_tree, table.columns, n)
        for i in np.flatnonzero(eligible & estimate.known):
            total += cents_of(estimate.values[i]) or Decimal(0)
    return RulePreview(
        firms=n,
        eligible=int(eligible.sum()),
        undetermined=int(undetermined.sum()),
        not_eligible=n - int(eligible.sum()) - int(undetermined.sum()),
        estimated_wan=total,
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
