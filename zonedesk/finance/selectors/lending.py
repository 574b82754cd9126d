"""Reads of the inter-firm lending and guarantee register, scoped to the acting user, with the
flags of finance/lending.py computed on reading: a rate above the legal ceiling at the contract
date, a firm in a guarantee circle, and the firms a default would reach."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.finance import access, lending
from zonedesk.finance.bridge_facts import LendingFacts
from zonedesk.finance.models import Guarantee, InterFirmLoan
from zonedesk.org.access import is_active
from zonedesk.org.models import Role, Zone
from zonedesk.org.selectors import zone_list


def _firm_where(user, *fields: str) -> Q | None:
    """Rows of whose firms (any of `fields`) the user sees, or None for none."""
    if not is_active(user):
        return None
    if user.is_superuser:
        return Q()
    where = Q(pk__in=[])
    if user.has_role(*access.UNIT_READERS):
        zones = zone_list(user)
        for f in fields:
            where |= Q(**{f"{f}__zone__in": zones})
    if user.has_role(Role.ENTERPRISE):
        firms = enterprise_scope(user)
        for f in fields:
            where |= Q(**{f"{f}__in": firms})
    return where


def register_firms(user) -> QuerySet:
    """The firms the user may enter in the register (as lender, borrower or guarantor), by name."""
    return enterprise_scope(user).order_by("name")


def loan_scope(user) -> QuerySet[InterFirmLoan]:
    """The loans between firms the user may see: those with a firm of their zones (the unit's
    readers), or their own firm's (a firm's user)."""
    qs = InterFirmLoan.objects.select_related("lender", "borrower").prefetch_related("guarantees")
    where = _firm_where(user, "lender", "borrower") if access.can_view_register(user) else None
    return qs.none() if where is None else qs.filter(where)


def guarantee_scope(user) -> QuerySet[Guarantee]:
    qs = Guarantee.objects.select_related("guarantor", "guaranteed")
    where = _firm_where(user, "guarantor", "guaranteed") if access.can_view_register(user) else None
    return qs.none() if where is None else qs.filter(where)


def in_force(qs: QuerySet[Guarantee], day: dt.date) -> QuerySet[Guarantee]:
    """The guarantees in force on `day`: started, and not ended before it."""
    return qs.filter(starts_on__lte=day).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def _graph_rows(user, day: dt.date) -> QuerySet[Guarantee]:
    """The guarantees of the graph: for the unit's readers, every one touching a firm of their
    zones; for a firm's user, those among the firms of its zone (the flags of its own rows are
    computed on the whole circle, though it sees only its rows)."""
    if access.is_unit_reader(user):
        qs = guarantee_scope(user)
    else:
        zones = {f.zone_id for f in enterprise_scope(user)}
        qs = Guarantee.objects.filter(
            Q(guarantor__zone__in=zones) | Q(guaranteed__zone__in=zones)
        ).select_related("guarantor", "guaranteed")
    return in_force(qs, day)


def graph_of(rows) -> lending.GuaranteeGraph:
    return lending.GuaranteeGraph(
        lending.Guarantee(g.guarantor_id, g.guaranteed_id, g.amount_wan) for g in rows
    )


@dataclass
class LoanRow:
    loan: InterFirmLoan
    ceiling: lending.Ceiling
    above_ceiling: bool | None  # None: the ceiling is unknown (before 2015-09-01)
    void_part_pct: Decimal | None
    borrower_in_circle: bool
    lender_in_circle: bool


@dataclass
class GuaranteeRow:
    guarantee: Guarantee
    in_circle: bool
    in_force: bool


@dataclass
class Register:
    loans: list[LoanRow]
    guarantees: list[GuaranteeRow]
    circles: list  # lending.Circle, firm ids
    names: dict  # firm id -> name
    today: dt.date


def register(user, *, today: dt.date | None = None, flagged_only: bool = False) -> Register:
    """The register the user sees, each row with its flags on `today`."""
    today = today or timezone.localdate()
    graph_rows = list(_graph_rows(user, today))
    graph = graph_of(graph_rows)
    circle_of = graph.in_circle()
    names = {g.guarantor_id: g.guarantor.name for g in graph_rows}
    names |= {g.guaranteed_id: g.guaranteed.name for g in graph_rows}
    active = {g.pk for g in graph_rows}
    loans = []
    for loan in loan_scope(user):
        row = LoanRow(
            loan=loan,
            ceiling=lending.rate_ceiling(loan.contract_on),
            above_ceiling=lending.rate_above_ceiling(loan.rate_pct, loan.contract_on),
            void_part_pct=lending.rate_void_part(loan.rate_pct, loan.contract_on),
            borrower_in_circle=loan.borrower_id in circle_of,
            lender_in_circle=loan.lender_id in circle_of,
        )
        if not flagged_only or row.above_ceiling or row.borrower_in_circle:
            loans.append(row)
    guarantees = []
    for g in guarantee_scope(user):
        in_circle = g.guarantor_id in circle_of and circle_of.get(g.guarantor_id) == circle_of.get(
            g.guaranteed_id
        )
        if not flagged_only or in_circle:
            guarantees.append(GuaranteeRow(g, in_circle, g.pk in active))
    visible = {r.guarantee.guarantor_id for r in guarantees} | {
        r.guarantee.guaranteed_id for r in guarantees
    }
    circles = [c for c in graph.circles() if access.is_unit_reader(user) or set(c.firms) & visible]
    return Register(loans, guarantees, circles, names, today)


def loan_get(user, *, pk: int) -> InterFirmLoan | None:
    return loan_scope(user).filter(pk=pk).first()


def guarantees_of_borrower(user, borrower_id: int) -> QuerySet[Guarantee]:
    """The guarantees the user sees that guarantee `borrower_id` (to link to a loan)."""
    return guarantee_scope(user).filter(guaranteed_id=borrower_id)


# --- the guarantee graph -----------------------------------------------------------------------


def graph_data(user, *, firm: int | None = None, today: dt.date | None = None) -> dict:
    """The guarantees in force among the user's zones' firms as a graph: nodes (firms, with the
    index of their circle or None), links (guarantor → guaranteed, 万元), the circles (firms and
    one cycle through them) and, for `firm`, the firms its default would reach with their
    distance. The unit's readers only (access.can_view_graph)."""
    today = today or timezone.localdate()
    if not access.can_view_graph(user):
        return {"nodes": [], "links": [], "circles": [], "reach": None, "self_guarantees": 0}
    rows = list(_graph_rows(user, today))
    graph = graph_of(rows)
    names = {g.guarantor_id: g.guarantor.name for g in rows}
    names |= {g.guaranteed_id: g.guaranteed.name for g in rows}
    circle_of = graph.in_circle()
    circles = graph.circles()
    reach = None
    if firm is not None and firm in names:
        r = graph.default_reach(firm)
        reach = {
            "firm": firm,
            "name": names[firm],
            "amount_wan": str(r.amount_wan),
            "firms": [{"id": f, "name": names[f], "distance": r.distance[f]} for f in r.firms],
        }
    return {
        "day": today.isoformat(),
        "nodes": [
            {"id": f, "name": names[f], "circle": circle_of.get(f)}
            for f in sorted(names, key=lambda f: names[f])
        ],
        "links": [
            {"source": a, "target": b, "amount_wan": str(v)}
            for a, out in sorted(graph.guarantees.items())
            for b, v in sorted(out.items())
        ],
        "circles": [
            {
                "firms": [{"id": f, "name": names[f]} for f in c.firms],
                "cycle": [names[f] for f in c.cycle],
                "amount_wan": str(c.amount_wan),
            }
            for c in circles
        ],
        "reach": reach,
        "self_guarantees": len(graph.self_guarantees),
    }


# --- the work summary's figures ----------------------------------------------------------------


def lending_facts(user, zone, *, start: dt.date, end: dt.date) -> LendingFacts:
    """The loans between firms of `zone` (a zone, or several: a city's summary; its firm lends
    or borrows, each loan once) with a contract date from `start` to `end`, those above the
    legal ceiling, and the circles at `end`."""
    zones = [zone] if isinstance(zone, Zone) else list(zone)
    loans = [
        x
        for x in loan_scope(user)
        .filter(Q(lender__zone__in=zones) | Q(borrower__zone__in=zones))
        .distinct()
        if start <= x.contract_on <= end
    ]
    above = [x for x in loans if lending.rate_above_ceiling(x.rate_pct, x.contract_on)]
    rows = list(
        in_force(
            guarantee_scope(user)
            .filter(Q(guarantor__zone__in=zones) | Q(guaranteed__zone__in=zones))
            .distinct(),
            end,
        )
    )
    names = {g.guarantor_id: g.guarantor.name for g in rows}
    names |= {g.guaranteed_id: g.guaranteed.name for g in rows}
    return LendingFacts(
        count=len(loans),
        amount_wan=sum((x.amount_wan for x in loans), Decimal(0)),
        above_ceiling=len(above),
        above_ceiling_wan=sum((x.amount_wan for x in above), Decimal(0)),
        circles=[[names[f] for f in c.firms] for c in graph_of(rows).circles()],
    )
