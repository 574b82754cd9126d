"""The policy library (documents and measures) as a user sees it, and the rule editor's preview."""

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from zonedesk.core.errors import ValidationFailed
from zonedesk.core.period import Period
from zonedesk.enterprises.models import EnterpriseMember
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.access import UNIT_WIDE_ROLES, is_active
from zonedesk.org.models import Role, Zone
from zonedesk.policies import asof, facts, rules
from zonedesk.policies.asof import AsOf, zone_as_of
from zonedesk.policies.matching import cents_of
from zonedesk.policies.models import (
    OPERATING,
    Entitlement,
    Measure,
    PolicyDocument,
    RuleVersion,
    validate_firm_statuses,
)
from zonedesk.policies.services import compile_rules, month_groups

# --- the library ---------------------------------------------------------------------------------


def level_order(path: str = "measure__document__level") -> Case:
    """Province first, then city, county, zone (the order of the choices, not of the alphabet)."""
    return Case(
        *[When(**{path: level}, then=Value(i)) for i, level in enumerate(PolicyDocument.Level)],
        output_field=IntegerField(),
    )


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


def measures_for(zone) -> QuerySet[Measure]:
    """The measures that cover the zone's firms: its own documents' and those of every area
    above it (a province's, a city's, a county's).

    Reference data: not scoped, because a policy is public to the firms it covers (see
    `_document_q`): everyone who sees the zone may read them, and every caller has the zone
    from a scoped selector or has checked the firm first."""
    return Measure.objects.filter(covering(zone, "document__"), current__isnull=False)


# --- the rule editor's preview -------------------------------------------------------------------


@dataclass(frozen=True)
class RulePreview:
    """How many of a zone's firms a rule would decide which way, before it is saved: each firm
    on its own latest month, as a save decides them (services.month_groups), and the
    document's validity on the zone's as-of date (asof), as a save matches."""

    firms: int = 0
    eligible: int = 0
    undetermined: int = 0
    not_applicable: int = 0  # the rule needs a figure that cannot exist for the firm
    not_eligible: int = 0  # a condition fails, or the measure is not for firms of its status
    no_figures: int = 0  # operating firms with no figures yet: a save decides them not at all
    estimated_wan: Decimal = Decimal("0.00")
    as_of: AsOf | None = None
    # The document's validity on the as-of date (asof.IN_FORCE, NOT_YET, EXPIRED): a save
    # matches no firm unless it is in force.
    document_status: str = asof.IN_FORCE
    # field -> positioned messages (the counts are then 0)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def in_force(self) -> bool:
        return self.document_status == asof.IN_FORCE

    @property
    def status_label(self) -> str:
        return str(asof.STATUS_LABELS[self.document_status])


def rule_preview(
    user,
    *,
    zone: Zone,
    eligibility: str,
    benefit: str = "",
    firm_statuses=OPERATING,
    period: Period | None = None,
    document: PolicyDocument | None = None,
) -> RulePreview:
    """The rules evaluated over the facts of the zone's firms that the user may see (nothing
    is stored), among the firms of `firm_statuses` (the others are not eligible); a rule that
    does not compile gives its messages and zero counts.

    Each firm is decided on its own latest month, as a save decides it (`period`: every firm
    on that month instead), on the zone's as-of date: with `document`, whether it is in force
    then (if not, a save matches no firm, and the preview says so)."""
    try:
        validate_firm_statuses(list(firm_statuses))
    except DjangoValidationError as exc:
        return RulePreview(errors={"firm_statuses": list(exc.messages)})
    try:
        tree, estimate_tree = compile_rules(eligibility, benefit)
    except ValidationFailed as exc:
        return RulePreview(errors=exc.errors)
    as_of = zone_as_of(zone)
    status = as_of.status(document) if document is not None else asof.IN_FORCE
    firms = enterprise_scope(user).filter(zone=zone)
    groups = [(period, firms)] if period is not None else month_groups(firms, as_of.date)
    counts = dict.fromkeys(("firms", "eligible", "undetermined", "not_applicable"), 0)
    total = Decimal("0.00")
    for month, group in groups:
        table = facts.fact_table(group, month)
        n = len(table)
        if not n:
            continue
        decided = rules.evaluate(tree, table.columns, n)
        in_scope = np.isin(table.columns["status"].values, list(firm_statuses))
        eligible = in_scope & decided.known & decided.values.astype(bool)
        unknown = in_scope & ~decided.known
        may_true = decided.may_true if decided.may_true is not None else True
        undetermined = unknown & may_true
        counts["firms"] += n
        counts["eligible"] += int(eligible.sum())
        counts["undetermined"] += int(undetermined.sum())
        counts["not_applicable"] += int((unknown & ~undetermined).sum())
        if estimate_tree is not None:
            estimate = rules.evaluate(estimate_tree, table.columns, n)
            for i in np.flatnonzero(eligible & estimate.known):
                total += cents_of(estimate.values[i]) or Decimal(0)
    decided_firms = counts["firms"]
    every = firms.count() if period is None else decided_firms
    return RulePreview(
        firms=every,
        eligible=counts["eligible"],
        undetermined=counts["undetermined"],
        not_applicable=counts["not_applicable"],
        not_eligible=decided_firms
        - counts["eligible"]
        - counts["undetermined"]
        - counts["not_applicable"],
        no_figures=every - decided_firms,
        estimated_wan=total,
        as_of=as_of,
        document_status=status,
    )


@dataclass(frozen=True)
class SavedOutcome:
    """What a save of a measure stored for one zone's firms the user sees, on the zone's
    as-of date: the same counts the preview gave, or why there are none."""

    zone: Zone
    as_of: AsOf
    document_status: str
    eligible: int
    undetermined: int

    @property
    def in_force(self) -> bool:
        return self.document_status == asof.IN_FORCE

    @property
    def status_label(self) -> str:
        return str(asof.STATUS_LABELS[self.document_status])


def saved_outcome(user, *, measure: Measure, zone: Zone) -> SavedOutcome:
    """The stored decisions of the measure for the zone's firms the user sees (lapsed pairs,
    kept for their benefit on its way, are not counted: the preview does not count them)."""
    as_of = zone_as_of(zone)
    pairs = Entitlement.objects.filter(
        measure=measure, enterprise__in=enterprise_scope(user).filter(zone=zone)
    )
    counted = dict(pairs.values_list("decision").annotate(n=Count("id")).order_by())
    return SavedOutcome(
        zone=zone,
        as_of=as_of,
        document_status=as_of.status(measure.document),
        eligible=counted.get(Entitlement.Decision.ELIGIBLE, 0),
        undetermined=counted.get(Entitlement.Decision.UNDETERMINED, 0),
    )


def viewer_as_of(user) -> AsOf:
    """The as-of date the library's badges use for this user: their firm's zone (an
    enterprise user), their own zone, or the first zone of their area; today without one."""
    from zonedesk.monitoring.selectors import zone_for

    membership = EnterpriseMember.objects.filter(user=user).select_related("enterprise").first()
    if membership is not None and user.has_role(Role.ENTERPRISE):
        return zone_as_of(membership.enterprise.zone_id)
    zone = zone_for(user)
    return zone_as_of(zone) if zone is not None else zone_as_of(None)
