"""Reads of the bridge-loan fund, scoped to the acting user (finance.access says who sees what):
the funds, the loans with their overdue state computed on reading, the fund's dashboard and the
figures of the work summary's paragraph. The arithmetic is bridge.py's."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from zonedesk.enterprises.selectors import enterprise_scope
from zonedesk.finance import access, bridge
from zonedesk.finance.bridge_facts import BridgeFacts
from zonedesk.finance.flows import BRIDGE_LOAN
from zonedesk.finance.models import BridgeFund, BridgeLoan, DeclineReason, FinancingNeed
from zonedesk.org.access import is_active
from zonedesk.org.models import Role, Zone
from zonedesk.org.selectors import zone_list

B = BridgeLoan.Status
SOON_DAYS = 7  # "due in 7 days" on the dashboard (bridge.draw_status's default)
OUT = (B.DISBURSED,)
CREDIT = DeclineReason.CREDIT_RECORD


def fund_list(user) -> QuerySet[BridgeFund]:
    """The funds of the user's zones (the unit's readers only)."""
    if not access.can_view_fund(user):
        return BridgeFund.objects.none()
    return BridgeFund.objects.filter(zone__in=zone_list(user)).select_related("zone")


def fund_get(user, *, pk: int) -> BridgeFund | None:
    return fund_list(user).filter(pk=pk).first()


def funds_to_apply(user) -> QuerySet[BridgeFund]:
    """The open funds the user may apply to for a firm."""
    return BridgeFund.objects.filter(
        active=True,
        zone__in=[z for z in zone_list(user) if access.can_act_on_bridge(user, z)],
    ).select_related("zone")


def applicant_firms(user, fund: BridgeFund) -> QuerySet:
    """The firms the user may apply for from `fund`: those of its zone the user sees, by name."""
    return enterprise_scope(user).filter(zone=fund.zone_id).order_by("name")


def loan_scope(user) -> QuerySet[BridgeLoan]:
    """The loans the user may see: the unit's readers those of their zones' funds, a firm's
    user its firm's, a bank user those that repay a loan at its bank."""
    qs = BridgeLoan.objects.select_related("fund__zone__area", "firm", "bank")
    if not is_active(user):
        return qs.none()
    if user.is_superuser:
        return qs
    wheres = Q(pk__in=[])
    if user.has_role(*access.UNIT_READERS):
        wheres |= Q(fund__zone__in=zone_list(user))
    if user.has_role(Role.ENTERPRISE):
        wheres |= Q(firm__in=enterprise_scope(user))
    if user.has_role(Role.BANK) and user.bank_id is not None:
        wheres |= Q(bank_id=user.bank_id)
    return qs.filter(wheres)


def loan_get(user, *, pk: int) -> BridgeLoan | None:
    return loan_scope(user).filter(pk=pk).first()


@dataclass
class LoanRow:
    """A loan as the lists show it: where it stands on `today` (bridge's states for a loan out:
    overdue, due_soon, open; else its status), the days past or to its due date, the moves the
    user may make."""

    loan: BridgeLoan
    state: str
    overdue_days: int = 0
    days_to_due: int | None = None
    moves: list = field(default_factory=list)

    @property
    def overdue(self) -> bool:
        return self.state == bridge.OVERDUE


def loan_state(loan: BridgeLoan, today: dt.date) -> tuple[str, int, int | None]:
    """(state, overdue days, days to the due date) of a loan on `today`, from its stored due
    date (the working-day calendar moved it when it was disbursed)."""
    if loan.status == B.DISBURSED and loan.due_on is not None:
        late = bridge.overdue_days(loan.due_on, as_of=today)
        to_due = (loan.due_on - today).days
        if late:
            return bridge.OVERDUE, late, to_due
        return (bridge.DUE_SOON if to_due <= SOON_DAYS else bridge.OPEN), 0, to_due
    if loan.status == B.REPAID and loan.due_on is not None:
        late = bridge.overdue_days(loan.due_on, as_of=today, repaid_on=loan.repaid_on)
        return (bridge.REPAID_LATE if late else loan.status), late, None
    return loan.status, 0, None


def loan_row(user, loan: BridgeLoan, today: dt.date) -> LoanRow:
    state, late, to_due = loan_state(loan, today)
    return LoanRow(loan, state, late, to_due, BRIDGE_LOAN.allowed(user, loan))


@dataclass(frozen=True)
class LoanFilters:
    fund: int | None = None
    status: str = ""  # a status, or "overdue"
    q: str = ""


def loan_rows(user, filters: LoanFilters | None = None, *, today: dt.date | None = None) -> list:
    """The loans the user sees, newest first, each with its state on `today`."""
    f = filters or LoanFilters()
    today = today or timezone.localdate()
    qs = loan_scope(user)
    if f.fund:
        qs = qs.filter(fund_id=f.fund)
    if f.q:
        qs = qs.filter(Q(firm__name__icontains=f.q.strip()) | Q(bank__name__icontains=f.q.strip()))
    if f.status == bridge.OVERDUE:
        qs = qs.filter(status=B.DISBURSED, due_on__lt=today)
    elif f.status:
        qs = qs.filter(status=f.status)
    return [loan_row(user, loan, today) for loan in qs]


def overdue_loans(*, today: dt.date) -> list[LoanRow]:
    """Every loan out past its due date on `today` (the daily reminder: the system's read)."""
    qs = BridgeLoan.objects.select_related("fund__zone", "firm__officer", "bank").filter(
        status=B.DISBURSED, due_on__lt=today
    )
    return [LoanRow(loan, *loan_state(loan, today)) for loan in qs.order_by("due_on", "pk")]


# --- the fund's dashboard ----------------------------------------------------------------------


@dataclass(frozen=True)
class Exposure:
    name: str
    amount_wan: Decimal
    share: Decimal  # of the fund's size


@dataclass(frozen=True)
class FundDashboard:
    fund: BridgeFund
    today: dt.date
    size_wan: Decimal
    out_wan: Decimal
    approved_wan: Decimal  # approved, not yet disbursed: held
    available_wan: Decimal  # size − out − approved
    utilisation: Decimal  # out / size, today
    average_utilisation: Decimal  # over the year to date
    turnover: Decimal  # disbursed this year / size
    disbursed_count: int
    fees_wan: Decimal  # fees of the loans repaid this year
    due_soon: list
    overdue: list
    waiting: list  # applied or approved
    by_firm: list
    by_bank: list
    year_start: dt.date


def _exposures(amounts: dict, names: dict, size: Decimal) -> list[Exposure]:
    rows = [Exposure(names[k], v, v / size) for k, v in amounts.items() if v]
    return sorted(rows, key=lambda e: (-e.amount_wan, e.name))


def fund_dashboard(user, fund: BridgeFund, *, today: dt.date | None = None) -> FundDashboard:
    """The fund on `today`: the money out, held and available, the loans due within 7 days and
    overdue, utilisation (today and the year's average), turnover and exposure per firm and per
    bank (bridge.py's definitions, docs/statistics.md)."""
    today = today or timezone.localdate()
    loans = list(loan_scope(user).filter(fund=fund))
    draws = {loan.pk: draw_of(loan) for loan in loans if loan.status in (B.DISBURSED, B.REPAID)}
    values = list(draws.values())
    size = fund.size_wan
    out = bridge.outstanding(values, today)
    approved = sum((x.amount_wan for x in loans if x.status == B.APPROVED), Decimal(0))
    start = dt.date(today.year, 1, 1)
    rows = [loan_row(user, loan, today) for loan in loans]
    firms = {x.firm_id: x.firm.name for x in loans}
    banks = {x.bank_id: x.bank.name for x in loans}
    return FundDashboard(
        fund=fund,
        today=today,
        size_wan=size,
        out_wan=out,
        approved_wan=approved,
        available_wan=size - out - approved,
        utilisation=bridge.utilisation(size, values, today),
        average_utilisation=bridge.average_utilisation(size, values, start, today),
        turnover=bridge.turnover(size, values, start, today),
        disbursed_count=sum(1 for d in values if start <= d.disbursed_on <= today),
        fees_wan=sum(
            (x.fee_wan for x in loans if x.status == B.REPAID and x.repaid_on >= start),
            Decimal(0),
        ),
        due_soon=sorted(
            (r for r in rows if r.state == bridge.DUE_SOON), key=lambda r: r.loan.due_on
        ),
        overdue=sorted((r for r in rows if r.overdue), key=lambda r: r.loan.due_on),
        waiting=[r for r in rows if r.loan.status in (B.APPLIED, B.APPROVED)],
        by_firm=_exposures(bridge.exposure_by_firm(values, today), firms, size),
        by_bank=_exposures(bridge.exposure_by_bank(values, today), banks, size),
        year_start=start,
    )


def draw_of(loan: BridgeLoan) -> bridge.Draw:
    """A disbursed (or repaid) loan as the pure module's draw."""
    return bridge.Draw(
        firm=loan.firm_id,
        bank=loan.bank_id,
        amount_wan=loan.amount_wan,
        disbursed_on=loan.disbursed_on,
        repaid_on=loan.repaid_on,
    )


def fund_draws(fund: BridgeFund, *, besides: int | None = None) -> list[bridge.Draw]:
    """Every draw of the fund (disbursed, repaid or not), but the loan `besides`."""
    loans = BridgeLoan.objects.filter(fund=fund, status__in=[B.DISBURSED, B.REPAID])
    return [draw_of(loan) for loan in loans.exclude(pk=besides)]


@dataclass(frozen=True)
class Position:
    """What a new draw of `firm` is checked against on `day`."""

    available_wan: Decimal
    firm_exposure_wan: Decimal


def position(
    fund: BridgeFund, firm_id: int, day: dt.date, *, besides: int | None = None
) -> Position:
    """The fund's available balance and the firm's exposure, counting the open draws and the
    approved loans not yet disbursed (`besides`: a loan left out, the one being checked)."""
    draws = fund_draws(fund, besides=besides)
    approved = BridgeLoan.objects.filter(fund=fund, status=B.APPROVED).exclude(pk=besides)
    held = sum((a.amount_wan for a in approved), Decimal(0))
    held_firm = sum((a.amount_wan for a in approved if a.firm_id == firm_id), Decimal(0))
    exposure = bridge.exposure_by_firm(draws, day).get(firm_id, Decimal(0))
    return Position(
        available_wan=bridge.available_balance(fund.size_wan, draws, day) - held,
        firm_exposure_wan=exposure + held_firm,
    )


def dashboard_chart(d: FundDashboard) -> dict:
    """The dashboard's charts as plain data (exposure per firm and per bank, 万元)."""
    return {
        "firms": [[e.name, float(e.amount_wan)] for e in d.by_firm],
        "banks": [[e.name, float(e.amount_wan)] for e in d.by_bank],
        "available": float(d.available_wan),
        "out": float(d.out_wan),
        "approved": float(d.approved_wan),
    }


# --- the work summary's figures ----------------------------------------------------------------


def bridge_facts(user, zone, *, start: dt.date, end: dt.date) -> BridgeFacts:
    """The bridge loans of `zone`'s funds (a zone, or several: a city's summary) disbursed from
    `start` to `end` (inclusive): count, amount, turnover, fees of those repaid in the period,
    and the loans overdue at `end`."""
    zones = [zone] if isinstance(zone, Zone) else list(zone)
    loans = list(loan_scope(user).filter(fund__zone__in=zones, status__in=[B.DISBURSED, B.REPAID]))
    funds = {x.fund_id: x.fund.size_wan for x in loans}
    size = sum(funds.values(), Decimal(0)) or sum(
        (f.size_wan for f in BridgeFund.objects.filter(zone__in=zones)), Decimal(0)
    )
    draws = [draw_of(x) for x in loans]
    in_period = [d for d in draws if start <= d.disbursed_on <= end]
    overdue = [
        x
        for x in loans
        if x.due_on is not None
        and x.disbursed_on <= end
        and bridge.overdue_days(x.due_on, as_of=end, repaid_on=x.repaid_on)
        and (x.repaid_on is None or x.repaid_on > end)
    ]
    return BridgeFacts(
        fund_size_wan=size,
        count=len(in_period),
        firms=len({d.firm for d in in_period}),
        amount_wan=sum((d.amount_wan for d in in_period), Decimal(0)),
        turnover=bridge.turnover(size, draws, start, end) if size else None,
        fees_wan=sum(
            (x.fee_wan for x in loans if x.repaid_on and start <= x.repaid_on <= end),
            Decimal(0),
        ),
        overdue_count=len(overdue),
        overdue_wan=sum((x.amount_wan for x in overdue), Decimal(0)),
    )


def zones_to_set_up(user):
    """The zones whose bridge-loan fund the user may set up (their leaders and administrators)."""
    pks = [z.pk for z in zone_list(user) if access.can_set_up_fund(user, z)]
    return Zone.objects.filter(pk__in=pks).order_by("name")


def fund_to_set_up(user, *, pk: int) -> BridgeFund | None:
    """A fund whose limits the user may change; another zone's is not found (as one that does
    not exist)."""
    fund = BridgeFund.objects.select_related("zone__area").filter(pk=pk).first()
    if fund is None or not access.can_set_up_fund(user, fund.zone):
        return None
    return fund


# --- a firm's standing with its zone's fund (a financing problem's panel) ---------------------


@dataclass(frozen=True)
class BridgeStanding:
    """Whether a firm may draw on its zone's fund today: the flags of its latest application
    the fund excludes, the cap per firm and what the firm has out or approved, the fund's
    available balance, and the largest draw the cap and the balance leave."""

    fund: BridgeFund
    excluded: tuple[str, ...]  # bridge.WAGE_ARREARS, bridge.BAD_CREDIT
    cap_wan: Decimal | None
    exposure_wan: Decimal
    available_wan: Decimal
    room_wan: Decimal  # min(cap − exposure, available), never negative; 0 when excluded
    can_apply: bool  # the user may fill in an application for the firm


def bridge_standing(user, firm, *, today: dt.date | None = None) -> BridgeStanding | None:
    """The firm's standing with the open fund of its zone, for the unit's readers; None without
    such a fund. The exclusions are read from the firm's latest application (the fund records
    wage arrears and a bad credit record on each one, not on the firm) and from the banks: a
    need declined for the firm's credit record counts as a bad credit record."""
    fund = fund_list(user).filter(zone=firm.zone_id, active=True).order_by("-pk").first()
    if fund is None:
        return None
    today = today or timezone.localdate()
    where = position(fund, firm.pk, today)
    latest = BridgeLoan.objects.filter(firm=firm.pk).order_by("-applied_at", "-pk").first()
    flags = set(latest.flags) if latest else set()
    if FinancingNeed.objects.filter(
        enterprise=firm.pk, status=FinancingNeed.Status.DECLINED, decline_reason=CREDIT
    ).exists():
        flags.add(bridge.BAD_CREDIT)  # a bank declined the firm for its credit record
    excluded = tuple(sorted(fund.limits().exclusions & flags))
    room = where.available_wan
    if fund.cap_per_firm_wan is not None:
        room = min(room, fund.cap_per_firm_wan - where.firm_exposure_wan)
    return BridgeStanding(
        fund=fund,
        excluded=excluded,
        cap_wan=fund.cap_per_firm_wan,
        exposure_wan=where.firm_exposure_wan,
        available_wan=where.available_wan,
        room_wan=Decimal(0) if excluded else max(room, Decimal(0)),
        can_apply=access.can_act_on_bridge(user, fund.zone),
    )
