"""Reads of the policy library and entitlements, scoped to the acting user."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.org.models import Area
from zonedesk.policies import facts, rules
from zonedesk.policies.models import Entitlement, Measure, PolicyDocument
from zonedesk.policies.services import IN_WORKFLOW

REACHED = IN_WORKFLOW  # notified or beyond: the firm has been told
DONE = (Entitlement.State.DISBURSED, Entitlement.State.DECLINED)


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
    titles = dict(qs.values_list("measure_id", "measure__title").distinct())
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
        .order_by("measure__document__level", "measure_id")
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
