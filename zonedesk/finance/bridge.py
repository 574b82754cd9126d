"""The bridge-loan fund (转贷/过桥资金): a fund's limits, the largest draw an application allows,
the refusals with their figures, the fee, overdue days, and the fund's utilisation, turnover and
exposure. Pure Python, no Django: money in 万元 as Decimal, days as `datetime.date`.

A firm whose bank loan matures borrows from the fund to repay it; the bank, having committed in
writing to renew (续贷承诺), lends again and the firm repays the fund. Published county rules set
the limits this module enforces (e.g. at most 95% of the committed renewal, a cap per firm, 10
days at most, a daily fee that rises after 5 days, no firm with wage arrears or bad credit).

**Largest draw** = min(share × committed renewal, the maturing loan, cap per firm − the firm's
open draws, the fund's available balance), never below 0. The maturing loan bounds it too: the
draw exists to repay that loan.

**Day count** (按实际占用天数, 算头不算尾): the days from disbursement to repayment,
`(repaid − disbursed).days`, the day of disbursement counted and the day of repayment not, as
banks count interest; a draw repaid the day it is disbursed counts 1 day. Calendar days:
weekends and holidays are days the money is out.

**Fee** (资金占用费), tiered by day like a tax schedule: each day is charged at the rate of the
tier it falls in (tiers of 0.1%/day for days 1–5 and 0.2%/day from day 6: a 7-day draw pays
5 × 0.1% + 2 × 0.2% of the amount). With an overdue rate, the days after the due date are
charged at it instead. Rounded half up to 0.000001 万元 (1 分).

**Due date** = disbursement + the longest term in days (a 10-day term from 1 June is due on 11
June: 10 days used). When a working-day calendar is given and the due date is not a working day,
it moves to the next working day (遇节假日顺延: the bank cannot renew on a holiday). **Overdue
days** = the calendar days from the due date to the repayment (or, while unrepaid, to the day
of the figure): repaid on the due date is 0.

**Utilisation** on a day = the open draws' amount / fund size; over a period, the average of
the days: Σ(amount × days out in the period) / (fund size × days in the period).
**Turnover** over a period (周转次数) = the amount disbursed in the period / fund size.
**Exposure** (敞口) = the amount of the open draws (disbursed on or before the day, not repaid by
it), per firm and per bank.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

ZERO = Decimal(0)
HUNDRED = Decimal(100)
FEE_QUANTUM = Decimal("0.000001")  # 万元: 1 分
WAGE_ARREARS = "wage_arrears"  # 欠薪
BAD_CREDIT = "bad_credit"  # 不良信用记录
_DAY = timedelta(days=1)

# Refusal codes (the app translates them; the figures are in `Refusal.figures`).
EXCLUDED = "excluded"  # {"flag"}: the firm has an excluding flag
NO_COMMITMENT = "no_commitment"  # {"committed_wan"}: no written renewal commitment
AMOUNT_NOT_POSITIVE = "amount_not_positive"  # {"requested_wan"}
SHARE_OF_COMMITMENT = "share_of_commitment"  # {"share_pct", "committed_wan", "limit_wan", ...}
MATURING_AMOUNT = "maturing_amount"  # {"maturing_wan", "limit_wan", "requested_wan"}
CAP_PER_FIRM = "cap_per_firm"  # {"cap_wan", "exposure_wan", "limit_wan", "requested_wan"}
AVAILABLE_BALANCE = "available_balance"  # {"available_wan", "limit_wan", "requested_wan"}
TERM = "term"  # {"longest_term_days", "requested_days"}
CODES = (
    EXCLUDED,
    NO_COMMITMENT,
    AMOUNT_NOT_POSITIVE,
    SHARE_OF_COMMITMENT,
    MATURING_AMOUNT,
    CAP_PER_FIRM,
    AVAILABLE_BALANCE,
    TERM,
)


@dataclass(frozen=True)
class FeeTier:
    """From day `from_day` (1-based) on, each day costs `daily_pct` % of the amount."""

    from_day: int
    daily_pct: Decimal


DEFAULT_TIERS = (FeeTier(1, Decimal("0.1")), FeeTier(6, Decimal("0.2")))


@dataclass(frozen=True)
class FundLimits:
    """A fund's rules. `cap_per_firm_wan` None: no cap; `overdue_daily_pct` None: the tiers go
    on after the due date; `exclusions`: the firm flags that exclude an application."""

    share_of_commitment: Decimal = Decimal("0.95")
    cap_per_firm_wan: Decimal | None = None
    longest_term_days: int = 10
    fee_tiers: tuple[FeeTier, ...] = DEFAULT_TIERS
    overdue_daily_pct: Decimal | None = None
    exclusions: frozenset[str] = frozenset({WAGE_ARREARS, BAD_CREDIT})

    def __post_init__(self):
        if not ZERO < Decimal(self.share_of_commitment) <= 1:
            raise ValueError(f"share_of_commitment must be in (0, 1]: {self.share_of_commitment}")
        if self.cap_per_firm_wan is not None and Decimal(self.cap_per_firm_wan) <= 0:
            raise ValueError(f"cap_per_firm_wan must be positive: {self.cap_per_firm_wan}")
        if self.longest_term_days < 1:
            raise ValueError(f"longest_term_days must be at least 1: {self.longest_term_days}")
        days = [t.from_day for t in self.fee_tiers]
        if not days or days[0] != 1 or any(b <= a for a, b in pairwise(days)):
            raise ValueError(f"fee tiers must start on day 1 and increase: {days}")
        rates = [t.daily_pct for t in self.fee_tiers]
        if self.overdue_daily_pct is not None:
            rates.append(self.overdue_daily_pct)
        if any(Decimal(r) < 0 for r in rates):
            raise ValueError("a daily fee rate must not be negative")


@dataclass(frozen=True)
class Application:
    """A firm's request: `requested_wan` for `term_days` days to repay a loan of `maturing_wan`
    at `bank`, which committed in writing to renew `committed_wan`; `flags`: the firm's
    standing (e.g. {"wage_arrears"})."""

    firm: Hashable
    bank: Hashable
    requested_wan: Decimal
    maturing_wan: Decimal
    committed_wan: Decimal
    term_days: int
    flags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Refusal:
    """Why a draw is refused: a code of `CODES` and the figures its message names."""

    code: str
    figures: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DrawCheck:
    """The verdict on an application: the largest allowable draw and every refusal."""

    largest_wan: Decimal
    refusals: tuple[Refusal, ...]

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.refusals]


def _limits_on_amount(
    limits: FundLimits, app: Application, firm_exposure_wan: Decimal, available_wan: Decimal
) -> list[tuple[str, Decimal, dict]]:
    """(code, limit, figures) of every limit on the amount."""
    share = Decimal(limits.share_of_commitment)
    committed = Decimal(app.committed_wan)
    out = [
        (
            SHARE_OF_COMMITMENT,
            share * committed,
            {"share_pct": share * HUNDRED, "committed_wan": committed},
        ),
        (MATURING_AMOUNT, Decimal(app.maturing_wan), {"maturing_wan": Decimal(app.maturing_wan)}),
    ]
    if limits.cap_per_firm_wan is not None:
        cap = Decimal(limits.cap_per_firm_wan)
        exposure = Decimal(firm_exposure_wan)
        out.append((CAP_PER_FIRM, cap - exposure, {"cap_wan": cap, "exposure_wan": exposure}))
    available = Decimal(available_wan)
    out.append((AVAILABLE_BALANCE, available, {"available_wan": available}))
    return out


def largest_draw(
    limits: FundLimits,
    app: Application,
    *,
    firm_exposure_wan: Decimal = ZERO,
    available_wan: Decimal,
) -> Decimal:
    """The largest amount the application allows (万元, never negative; 0 when excluded or
    without a commitment)."""
    if limits.exclusions & app.flags or Decimal(app.committed_wan) <= 0:
        return ZERO
    amounts = _limits_on_amount(limits, app, firm_exposure_wan, available_wan)
    return max(min(limit for _, limit, _ in amounts), ZERO)


def check_draw(
    limits: FundLimits,
    app: Application,
    *,
    firm_exposure_wan: Decimal = ZERO,
    available_wan: Decimal,
) -> DrawCheck:
    """Every reason the fund refuses the application, each with its figures (the limit, the
    figures it is made of, the amount or days requested); allowed when there is none."""
    refusals = [Refusal(EXCLUDED, {"flag": flag}) for flag in sorted(limits.exclusions & app.flags)]
    requested = Decimal(app.requested_wan)
    if Decimal(app.committed_wan) <= 0:
        refusals.append(Refusal(NO_COMMITMENT, {"committed_wan": Decimal(app.committed_wan)}))
    if requested <= 0:
        refusals.append(Refusal(AMOUNT_NOT_POSITIVE, {"requested_wan": requested}))
    else:
        for code, limit, figures in _limits_on_amount(
            limits, app, firm_exposure_wan, available_wan
        ):
            if code == SHARE_OF_COMMITMENT and Decimal(app.committed_wan) <= 0:
                continue  # said once, as no_commitment
            if requested > limit:
                refusals.append(
                    Refusal(
                        code, {**figures, "limit_wan": max(limit, ZERO), "requested_wan": requested}
                    )
                )
    if app.term_days > limits.longest_term_days or app.term_days < 1:
        refusals.append(
            Refusal(
                TERM,
                {"longest_term_days": limits.longest_term_days, "requested_days": app.term_days},
            )
        )
    largest = largest_draw(
        limits, app, firm_exposure_wan=firm_exposure_wan, available_wan=available_wan
    )
    return DrawCheck(largest, tuple(refusals))


# --- Days, due dates and fees ----------------------------------------------------------------


def days_used(disbursed_on: date, repaid_on: date) -> int:
    """按实际占用天数, 算头不算尾: the days from disbursement to repayment, at least 1."""
    if repaid_on < disbursed_on:
        raise ValueError(f"repaid on {repaid_on} before disbursed on {disbursed_on}")
    return max((repaid_on - disbursed_on).days, 1)


def due_date(
    disbursed_on: date,
    term_days: int,
    is_working_day: Callable[[date], bool] | None = None,
) -> date:
    """Disbursement + the term; moved to the next working day when a calendar is given and the
    day is not one."""
    due = disbursed_on + timedelta(days=term_days)
    if is_working_day is not None:
        for _ in range(366):  # a calendar with no working day in a year is broken
            if is_working_day(due):
                return due
            due += _DAY
        raise ValueError("no working day within a year of the due date")
    return due


def overdue_days(due_on: date, *, as_of: date, repaid_on: date | None = None) -> int:
    """Calendar days past the due date: to the repayment if repaid by `as_of`, else to `as_of`;
    0 when not past it."""
    end = repaid_on if repaid_on is not None and repaid_on <= as_of else as_of
    return max((end - due_on).days, 0)


@dataclass(frozen=True)
class FeeLine:
    """The days `first_day`..`last_day` (1-based) charged at `daily_pct` % of the amount."""

    first_day: int
    last_day: int
    daily_pct: Decimal
    fee_wan: Decimal
    overdue: bool = False

    @property
    def days(self) -> int:
        return self.last_day - self.first_day + 1


@dataclass(frozen=True)
class Fee:
    """The fee of a draw: the days charged, one line per tier reached, the total (万元)."""

    days: int
    lines: tuple[FeeLine, ...]
    total_wan: Decimal


def fee(
    limits: FundLimits,
    amount_wan: Decimal,
    disbursed_on: date,
    repaid_on: date,
    due_on: date | None = None,
) -> Fee:
    """The fee of `amount_wan` disbursed and repaid on these days (see the module's docstring).
    `due_on` (default: disbursement + the longest term) starts the overdue rate, if the fund
    has one."""
    amount = Decimal(amount_wan)
    n = days_used(disbursed_on, repaid_on)
    due_on = due_on or due_date(disbursed_on, limits.longest_term_days)
    # Day k covers disbursed_on + k − 1 .. + k; it is overdue when it starts on or after due_on.
    in_term = max(min(n, (due_on - disbursed_on).days), 0)
    if limits.overdue_daily_pct is None:
        in_term = n
    lines = []
    tiers = limits.fee_tiers
    for i, tier in enumerate(tiers):
        first = tier.from_day
        last = min(tiers[i + 1].from_day - 1 if i + 1 < len(tiers) else in_term, in_term)
        if last >= first:
            lines.append(_line(amount, first, last, Decimal(tier.daily_pct)))
    if in_term < n:
        lines.append(_line(amount, in_term + 1, n, Decimal(limits.overdue_daily_pct), True))
    total = sum((line.fee_wan for line in lines), ZERO)
    return Fee(n, tuple(lines), total)


def _line(amount: Decimal, first: int, last: int, pct: Decimal, overdue: bool = False) -> FeeLine:
    value = (amount * pct * (last - first + 1) / HUNDRED).quantize(FEE_QUANTUM, ROUND_HALF_UP)
    return FeeLine(first, last, pct, value, overdue)


# --- The fund's figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    """Money out of the fund: `amount_wan` to `firm` (to repay its loan at `bank`), disbursed on
    `disbursed_on`, repaid on `repaid_on` (None: not yet)."""

    firm: Hashable
    bank: Hashable
    amount_wan: Decimal
    disbursed_on: date
    repaid_on: date | None = None

    def open_on(self, day: date) -> bool:
        """Out at the end of `day`: disbursed by it and not repaid by it."""
        return self.disbursed_on <= day and (self.repaid_on is None or self.repaid_on > day)


OVERDUE = "overdue"
DUE_SOON = "due_soon"
OPEN = "open"
REPAID = "repaid"
REPAID_LATE = "repaid_late"
NOT_YET = "not_yet"  # disbursed after the day of the figure


@dataclass(frozen=True)
class DrawStatus:
    state: str
    due_on: date
    overdue_days: int
    days_to_due: int  # negative when past


def draw_status(
    draw: Draw,
    limits: FundLimits,
    *,
    as_of: date,
    soon_days: int = 7,
    is_working_day: Callable[[date], bool] | None = None,
) -> DrawStatus:
    """Where a draw stands on `as_of`: repaid (on time or late), overdue, due within
    `soon_days` days, open, or not yet disbursed."""
    due = due_date(draw.disbursed_on, limits.longest_term_days, is_working_day)
    late = overdue_days(due, as_of=as_of, repaid_on=draw.repaid_on)
    to_due = (due - as_of).days
    if draw.disbursed_on > as_of:
        state, late = NOT_YET, 0
    elif draw.repaid_on is not None and draw.repaid_on <= as_of:
        state = REPAID_LATE if late else REPAID
    elif late:
        state = OVERDUE
    elif to_due <= soon_days:
        state = DUE_SOON
    else:
        state = OPEN
    return DrawStatus(state, due, late, to_due)


def outstanding(draws: Iterable[Draw], day: date) -> Decimal:
    """The amount of the draws open at the end of `day` (万元)."""
    return sum((Decimal(d.amount_wan) for d in draws if d.open_on(day)), ZERO)


def available_balance(fund_size_wan: Decimal, draws: Iterable[Draw], day: date) -> Decimal:
    """Fund size − the open draws (fees received are income, not capital: not added)."""
    return Decimal(fund_size_wan) - outstanding(draws, day)


def exposure_by_firm(draws: Iterable[Draw], day: date) -> dict:
    """firm -> its open draws' amount on `day` (firms with none absent)."""
    return _exposure(draws, day, lambda d: d.firm)


def exposure_by_bank(draws: Iterable[Draw], day: date) -> dict:
    """bank -> the open draws' amount on `day` that repay loans at that bank."""
    return _exposure(draws, day, lambda d: d.bank)


def _exposure(draws: Iterable[Draw], day: date, key: Callable[[Draw], Hashable]) -> dict:
    out: dict = {}
    for d in draws:
        if d.open_on(day):
            out[key(d)] = out.get(key(d), ZERO) + Decimal(d.amount_wan)
    return out


def utilisation(fund_size_wan: Decimal, draws: Iterable[Draw], day: date) -> Decimal:
    """The open draws on `day` / fund size (a fraction)."""
    return outstanding(draws, day) / _positive(fund_size_wan)


def average_utilisation(
    fund_size_wan: Decimal, draws: Iterable[Draw], start: date, end: date
) -> Decimal:
    """Σ(amount × days open in [start, end]) / (fund size × days in [start, end]); a day counts
    when the draw is open at its end, as `Draw.open_on`."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    period_days = (end - start).days + 1
    used = ZERO
    for d in draws:
        first = max(d.disbursed_on, start)
        stop = end + _DAY if d.repaid_on is None else min(d.repaid_on, end + _DAY)
        if stop > first:
            used += Decimal(d.amount_wan) * (stop - first).days
    return used / (_positive(fund_size_wan) * period_days)


def turnover(fund_size_wan: Decimal, draws: Iterable[Draw], start: date, end: date) -> Decimal:
    """周转次数: the amount disbursed from `start` to `end` (inclusive) / fund size."""
    drawn = sum((Decimal(d.amount_wan) for d in draws if start <= d.disbursed_on <= end), ZERO)
    return drawn / _positive(fund_size_wan)


def _positive(size: Decimal) -> Decimal:
    size = Decimal(size)
    if size <= 0:
        raise ValueError(f"the fund size must be positive: {size}")
    return size
