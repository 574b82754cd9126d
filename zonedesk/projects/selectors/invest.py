"""Monthly investment, the recovery forecast's pipeline, and promised versus actual."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from zonedesk.core.period import Period
from zonedesk.monitoring.recovery import Addition
from zonedesk.monitoring.selectors import figure_history
from zonedesk.org.selectors import zone_list
from zonedesk.projects import access, investment, templates_default
from zonedesk.projects.models import (
    MonthlyInvestment,
    Project,
    ProjectNode,
)
from zonedesk.projects.selectors.projects import project_scope


def _month_rows(projects) -> dict[int, list[investment.MonthRow]]:
    out: dict[int, list[investment.MonthRow]] = defaultdict(list)
    for pid, month, planned, done in MonthlyInvestment.objects.filter(
        project__in=projects
    ).values_list("project_id", "month", "planned_wan", "done_wan"):
        out[pid].append(investment.MonthRow(month, planned, done))
    return out


def investment_totals(projects: list[Project], *, today: dt.date | None = None):
    """The year's figures of `projects` (the user's, already scoped) through this month: all of
    them, per level and per kind (investment.zone_totals)."""
    through = today or timezone.localdate()
    rows = _month_rows([p.pk for p in projects])
    return investment.zone_totals(
        (investment.ProjectRows(p.level, p.kind, tuple(rows[p.pk])) for p in projects),
        through=through,
    )


def dashboard_investment(user, *, zones=None, today: dt.date | None = None):
    """The investment completion of the dashboard's projects (the user's zones, or `zones`):
    the year's monthly plans, planned and completed through this month, the rate, all of them
    and per level and kind (investment.zone_totals' figures), summed in SQL per level and kind.
    None when the user may not see the dashboard."""
    from django.db.models import Q

    from zonedesk.projects.selectors.dashboard import dashboard_zones

    if not access.can_view_dashboard(user):
        return None
    through = (today or timezone.localdate()).replace(day=1)
    allowed = dashboard_zones(user)
    if zones is not None:
        allowed = allowed.filter(pk__in=[z.pk for z in zones])
    projects = project_scope(user).filter(zone__in=allowed)
    cells = (
        MonthlyInvestment.objects.filter(project__in=projects, month__year=through.year)
        .order_by()
        .values("project__level", "project__kind")
        .annotate(
            year=Sum("planned_wan"),
            planned=Sum("planned_wan", filter=Q(month__lte=through)),
            done=Sum("done_wan", filter=Q(month__lte=through)),
        )
    )
    empty = investment.YearFigures(through.year, through)
    total, by_level, by_kind = empty, {}, {}
    for c in cells:
        figures = investment.YearFigures(
            through.year, through, c["year"] or 0, c["planned"] or 0, c["done"] or 0
        )
        total = total + figures
        level, kind = c["project__level"], c["project__kind"]
        by_level[level] = by_level.get(level, empty) + figures
        by_kind[kind] = by_kind.get(kind, empty) + figures
    return investment.ZoneTotals(total, by_level, by_kind)


@dataclass
class InvestmentView:
    year: investment.YearFigures
    months: list[MonthlyInvestment]  # newest first
    can_enter: bool
    first_month: dt.date  # the project's signing month: none earlier may be entered
    chart: dict | None = None  # the year's months for the page's chart (None: none entered)


def investment_of(user, project: Project, *, today: dt.date | None = None) -> InvestmentView:
    """A project's monthly investment for its page: the year's figures and every month."""
    today = today or timezone.localdate()
    months = list(project.investments.order_by("-month"))
    year = investment.year_figures(
        (investment.MonthRow(m.month, m.planned_wan, m.done_wan) for m in months), through=today
    )
    this_year = sorted((m for m in months if m.month.year == today.year), key=lambda m: m.month)
    chart = None
    if this_year:
        from django.utils.translation import gettext as _
        from django.utils.translation import pgettext

        chart = {
            "months": [
                pgettext("chart axis month", "%(month)d") % {"month": m.month.month}
                for m in this_year
            ],
            "planned": [str(m.planned_wan) for m in this_year],
            "done": [str(m.done_wan) for m in this_year],
            "names": {
                "planned": pgettext("investment", "Planned"),
                "done": pgettext("investment", "Completed"),
                "unit": _("10k yuan"),
            },
        }
    return InvestmentView(
        year=year,
        months=months,
        can_enter=access.can_enter_project_investment(user, project),
        first_month=project.signed_on.replace(day=1),
        chart=chart,
    )


def investment_zones(user) -> list:
    """The zones whose projects' investment the user may import, by code."""
    return [z for z in zone_list(user).order_by("code") if access.can_enter_investment(user, z)]


def investment_template_projects(user, zone) -> list[tuple[str, str]]:
    """(code, name) of the zone's projects the user sees, by code, for the import's template."""
    return list(project_scope(user).filter(zone=zone).order_by("code").values_list("code", "name"))


def production_pipeline(user, *, zone_ids: list[int], year: int) -> list[Addition]:
    """The recovery forecast's additions (settings ZONEDESK["RECOVERY_PIPELINES"]), summed by
    month in SQL (one row per planned month, however many projects: the dashboard reads it on
    every request, for its cache key): the projects of the zones the user sees that are under
    way (not yet producing) with an expected annual output, from the month of their 投产 node's
    current plan (a re-plan moves it; the project's first planned month when the node is not in
    its template), up to `year`."""
    planned = ProjectNode.objects.filter(
        project=OuterRef("pk"), code=templates_default.PRODUCING, status=ProjectNode.Status.OPEN
    ).values("planned_on")[:1]
    rows = (
        project_scope(user)
        .filter(zone_id__in=zone_ids, state=Project.State.ACTIVE, expected_output_wan__gt=0)
        .annotate(planned=Coalesce(Subquery(planned), "first_production_month"))
        .filter(planned__lt=dt.date(year + 1, 1, 1))
        .annotate(month=TruncMonth("planned"))
        .order_by()
        .values("month")
        .annotate(annual=Sum("expected_output_wan"), n=Count("id"))
        .order_by("month")
    )
    return [Addition("", r["month"].year, r["month"].month, r["annual"], r["n"]) for r in rows]


@dataclass(frozen=True)
class Promised:
    """One line of promised versus actual: what the project promised, what its firm did."""

    promised: Decimal | None
    actual: Decimal | None

    @property
    def ratio(self) -> Decimal | None:
        """actual / promised (1 = as promised); None without both or with nothing promised."""
        if self.promised is None or self.actual is None or self.promised <= 0:
            return None
        return self.actual / self.promised


@dataclass(frozen=True)
class PromisedActual:
    """A producing project's promises against its firm's reported figures over the latest 12
    months, the promises pro-rated when fewer were reported (docs/statistics.md "Promised
    versus actual")."""

    firm_name: str
    first: Period | None  # the window's months: the 12 ending with the firm's latest report
    last: Period | None
    months: int  # months in the window the firm reported
    tax_months: int  # of them, months with the tax stored
    # The yearly promises (output, tax, output per mu) are pro-rated to the months reported
    # when fewer than 12: four months of output are held against four twelfths of a year's.
    output: Promised  # expected annual output vs output of the window (万元)
    tax: Promised  # expected annual tax vs tax of the window (万元)
    intensity: Promised  # 万元/亩: total investment / site area vs / the firm's land in use
    output_per_mu: Promised  # 万元/亩: expected output / site area vs the window's / land


def _per(amount: Decimal | None, area: Decimal | None) -> Decimal | None:
    return amount / area if amount is not None and area else None


def promised_actual(user, project: Project) -> PromisedActual | None:
    """Promised versus actual once the project is in production and linked to its firm, from
    the firm's figures the user may see (monitoring's selectors); None before."""
    if project.state == Project.State.ACTIVE or project.investor_id is None:
        return None
    firm = project.investor
    rows = figure_history(user, enterprise=firm, months=12)
    last = Period.of(rows[0].period) if rows else None
    window = [r for r in rows if last is not None and Period.of(r.period) > last.shift(-12)]
    output = sum((r.output_value_wan for r in window), Decimal(0)) if window else None
    taxed = [r.tax_wan for r in window if r.tax_wan is not None]
    land = firm.land_area_mu

    def share(promise: Decimal | None, months: int) -> Decimal | None:
        if promise is None or not 0 < months < 12:
            return promise
        return promise * months / 12

    return PromisedActual(
        firm_name=firm.name,
        first=last.shift(-11) if last else None,
        last=last,
        months=len(window),
        tax_months=len(taxed),
        output=Promised(share(project.expected_output_wan, len(window)), output),
        tax=Promised(
            share(project.expected_tax_wan, len(taxed)), sum(taxed, Decimal(0)) if taxed else None
        ),
        intensity=Promised(
            _per(project.total_investment_wan, project.site_area_mu),
            _per(project.total_investment_wan, land),
        ),
        output_per_mu=Promised(
            _per(share(project.expected_output_wan, len(window)), project.site_area_mu),
            _per(output, land),
        ),
    )
