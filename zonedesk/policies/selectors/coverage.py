"""How far the measures of a zone have reached its firms: the coverage tables."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from zonedesk.org.selectors import zone_list
from zonedesk.policies.models import Entitlement, PolicyDocument
from zonedesk.policies.selectors.entitlements import DONE, REACHED, entitlement_scope
from zonedesk.policies.selectors.library import level_order, measures_for


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


def coverage_by_zone(user, *, label: str) -> tuple[list[CoverageRow], CoverageRow | None]:
    """Each zone the user oversees (its eligible pairs, on every level), and the total across
    them labelled `label` (e.g. a city's): rates of the total are of the summed pairs, not an
    average of the zones' rates. No rows for a user who sees one zone."""
    zones = list(zone_list(user).order_by("code").values_list("pk", "name"))
    if len(zones) < 2:
        return [], None
    qs = entitlement_scope(user).filter(
        enterprise__zone__in=[pk for pk, _ in zones], decision=Entitlement.Decision.ELIGIBLE
    )
    found = {r["enterprise__zone"]: r for r in _aggregate(qs, "enterprise__zone")}
    rows = [_row(str(pk), name, found.get(pk) or {}) for pk, name in zones]
    everything = qs.aggregate(
        measures=Count("measure", distinct=True),
        eligible=Count("id"),
        notified=Count("id", filter=Q(state__in=REACHED)),
        done=Count("id", filter=Q(state__in=DONE)),
        estimated=Sum("estimate_wan"),
        disbursed=Sum("disbursed_wan"),
    )
    return rows, _row("total", label, everything)


def _row(key: str, label: str, found: dict) -> CoverageRow:
    return CoverageRow(
        key,
        label,
        found.get("measures") or 0,
        found.get("eligible") or 0,
        found.get("notified") or 0,
        found.get("done") or 0,
        found.get("estimated") or Decimal(0),
        found.get("disbursed") or Decimal(0),
    )
