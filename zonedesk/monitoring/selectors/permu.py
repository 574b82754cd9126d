"""Reads of the per-mu (亩均效益) evaluation: a zone's grades for a year, scoped to the user, and
the grades as reference facts for other apps (policies' eligibility facts)."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.monitoring import columnar, permu
from zonedesk.monitoring.models import MonthlyFigure, PerMuScheme
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.models import Zone

EXCLUDED = {
    Enterprise.Status.CLOSED: permu.NotGraded.CLOSED,
    Enterprise.Status.CONSTRUCTION: permu.NotGraded.CONSTRUCTION,
}


def scheme_for(year: int) -> PerMuScheme | None:
    """The scheme valid on 31 December of `year` (None before the first one)."""
    return (
        PerMuScheme.objects.filter(valid_from__lte=dt.date(year, 12, 31))
        .order_by("-valid_from")
        .first()
    )


def _firm_year(row) -> tuple[int, permu.FirmYear]:
    firm, zone, status, land, months, tax, output, energy, staff, revenue, va, rd = row
    # Positional, in FirmYear's field order: keywords cost twice as much over 100,000 firms.
    return zone, permu.FirmYear(
        firm, land, months, tax, output, va, energy, staff, revenue, rd, EXCLUDED.get(status)
    )


def evaluate_firms(
    firms: QuerySet[Enterprise], year: int, scheme: PerMuScheme | None = None
) -> dict[int, permu.Evaluation]:
    """Reference read, not scoped: every firm's evaluation for `year`, each zone graded as one
    population (the benchmarks are the zone's means). Pass whole zones: a zone's firms left out
    change the others' grades. {} when no scheme is valid for the year."""
    scheme = scheme or scheme_for(year)
    if scheme is None:
        return {}
    return grade_inputs(columnar.permu_inputs(firms, year), scheme)


def grade_inputs(rows: list[tuple], scheme: PerMuScheme) -> dict[int, permu.Evaluation]:
    """Every firm's evaluation from the rows of `columnar.permu_inputs`, each zone graded as one
    population under `scheme` (the grading alone, after the read)."""
    by_zone = defaultdict(list)
    for row in rows:
        zone, firm_year = _firm_year(row)
        by_zone[zone].append(firm_year)
    out = {}
    for population in by_zone.values():
        for e in permu.evaluate(population, scheme.weights, scheme.cutoffs):
            out[e.firm] = e
    return out


@dataclass(frozen=True)
class PerMuRow:
    firm: Enterprise
    evaluation: permu.Evaluation
    last_grade: str | None


@dataclass(frozen=True)
class PerMuReport:
    zone: Zone
    year: int
    scheme: PerMuScheme | None
    rows: list[PerMuRow]  # graded firms best first, then the others by name
    distribution: dict[str, int]
    moved: list[PerMuRow]  # graded both years in another class, best first
    # The months of the year with figures in the zone (1..12): the grading covers those only.
    months: tuple[int, ...] = ()

    @property
    def complete_year(self) -> bool:
        """Whether the zone has figures for all twelve months of the year."""
        return len(self.months) == 12

    @property
    def graded(self) -> int:
        return sum(self.distribution[g] for g in permu.GRADES)


def permu_report(user, zone: Zone, year: int) -> PerMuReport | None:
    """The zone's grades for `year` with last year's, for the zone's staff; None otherwise."""
    if not can_view_dashboard(user):
        return None
    visible = enterprise_scope(user).filter(zone=zone)
    if not visible.exists():
        return None
    whole = Enterprise.objects.filter(zone=zone)
    scheme = scheme_for(year)
    this_year = evaluate_firms(whole, year, scheme)
    last_year = evaluate_firms(whole, year - 1)
    firms = {e.pk: e for e in visible.select_related("zone")}
    rows = [
        PerMuRow(
            firms[pk],
            e,
            last_year[pk].grade if pk in last_year else None,
        )
        for pk, e in this_year.items()
        if pk in firms
    ]
    rows.sort(
        key=lambda r: (
            r.evaluation.rank is None,
            r.evaluation.rank or 0,
            r.firm.name,
            r.firm.pk,
        )
    )
    moved = [
        r for r in rows if r.evaluation.grade and r.last_grade not in (None, r.evaluation.grade)
    ]
    return PerMuReport(
        zone=zone,
        year=year,
        scheme=scheme,
        rows=rows,
        distribution=permu.distribution(r.evaluation for r in rows),
        moved=moved,
        months=months_covered(whole, year),
    )


def months_covered(firms: QuerySet[Enterprise], year: int) -> tuple[int, ...]:
    """Reference read, not scoped: the months of `year` in which any of `firms` (a whole zone)
    has a figure, in order (a year in progress, or one with gaps, has fewer than 12)."""
    days = (
        MonthlyFigure.objects.filter(
            enterprise__in=firms,
            period__gte=dt.date(year, 1, 1),
            period__lte=dt.date(year, 12, 1),
        )
        .values_list("period", flat=True)
        .distinct()
    )
    return tuple(sorted({d.month for d in days}))


def permu_facts(firm_ids: list[int], year: int) -> dict[int, dict]:
    """Reference read for other apps: per firm id, its grade for `year` ("A".."D", or None)
    and its indicators, each firm graded within its whole zone."""
    zones = Enterprise.objects.filter(pk__in=firm_ids).values("zone_id")
    evaluations = evaluate_firms(Enterprise.objects.filter(zone_id__in=zones), year)
    wanted = set(firm_ids)
    return {
        pk: {"grade": e.grade, "score": e.score, **e.indicators}
        for pk, e in evaluations.items()
        if pk in wanted
    }
