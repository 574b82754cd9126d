"""The demo zone's bridge-loan fund (转贷应急资金) and lending between firms, through the same
services every user goes through. Names synthetic and marked as such.

A fund of 5,000万元 from the county's platform company (95% of the committed renewal, 800万元 per
firm, 10 days, 0.1%/day then 0.2%/day) with 15 loans: nine repaid in the first half of 2020 (the
work summary's half year), dated then; and, dated from the day the demo is loaded so that each
shows its state on that day, two overdue (out 20 and 18 days), two out and due within the week,
one approved, one applied and one refused. The demo firm's user (周经理) has a repaid loan; the
demo bank user's bank (演示农村商业银行) holds most of the maturing loans, the rest are at two
other banks, created by name so that other demo data naming them shares the rows.

Lending between firms: a guarantee circle of three firms (each guarantees the next), a fourth
firm guaranteeing one of them, an unrelated pair, and four loans between firms, one of them at
18% a year on 2021-03-15, above the legal ceiling then (4 × 3.85% = 15.4%).
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from zonedesk.core.actors import SYSTEM
from zonedesk.finance.services import bridge as bridge_services
from zonedesk.finance.services import lending as lending_services
from zonedesk.org.models import Area, Bank

BANKS = ["演示工商银行达州分行（合成）", "演示建设银行开江支行（合成）"]

# (firm index, bank index (0: the demo bank), maturing 万元, requested 万元, disbursed, days out)
REPAID_2020 = [
    (0, 0, 400, 380, dt.date(2020, 2, 17), 6),
    (2, 1, 600, 570, dt.date(2020, 3, 2), 5),
    (3, 0, 300, 280, dt.date(2020, 3, 16), 8),
    (4, 2, 800, 760, dt.date(2020, 4, 7), 4),
    (5, 0, 500, 475, dt.date(2020, 4, 20), 9),
    (6, 1, 350, 330, dt.date(2020, 5, 11), 7),
    (7, 0, 450, 420, dt.date(2020, 5, 25), 3),
    (8, 2, 700, 665, dt.date(2020, 6, 8), 10),
    (9, 0, 250, 237, dt.date(2020, 6, 22), 6),
]
# (firm index, bank index, maturing, requested, days before the demo's day it was disbursed)
OUT_NOW = [
    (10, 0, 600, 570, 20),  # overdue
    (11, 1, 400, 380, 18),  # overdue
    (12, 0, 300, 285, 3),
    (13, 2, 500, 475, 1),
]


def _banks(zone) -> list[Bank]:
    area = Area.objects.get(code=zone.area.code)
    demo = Bank.objects.get(name="演示农村商业银行开江支行（合成）")
    return [demo, *(Bank.objects.get_or_create(name=n, defaults={"area": area})[0] for n in BANKS)]


def _apply(fund, firm, bank, maturing, requested, on, **extra):
    return bridge_services.bridge_loan_apply(
        actor=SYSTEM,
        fund=fund,
        data=bridge_services.ApplicationData(
            firm=firm,
            bank=bank,
            maturing_wan=Decimal(maturing),
            maturing_on=on,
            committed_wan=Decimal(maturing),
            requested_wan=Decimal(requested),
            commitment_ref=f"{bank.name}续贷承诺函（合成）{on.isoformat()}",
            **extra,
        ),
        today=on,
    )


def _walk(loan, moves, on):
    for move, day in moves:
        loan = bridge_services.bridge_loan_move(
            actor=SYSTEM,
            loan=loan,
            to=move,
            on=day or on,
            note="银行续贷审批未通过，承诺撤回（合成）" if move == "refused" else "",
        )
    return loan


def load(zone, firms, users) -> None:
    producing = [f for f in firms if f.status == "producing"]
    banks = _banks(zone)
    fund = bridge_services.bridge_fund_create(
        actor=SYSTEM,
        data=bridge_services.FundData(
            zone=zone,
            name="开江经开区转贷应急资金（合成）",
            source="开江县城市建设投资有限公司（合成）",
            size_wan=Decimal(5000),
            cap_per_firm_wan=Decimal(800),
        ),
    )
    for i, b, maturing, requested, on, days in REPAID_2020:
        loan = _apply(fund, producing[i], banks[b], maturing, requested, on)
        _walk(
            loan,
            [("approved", on), ("disbursed", on), ("repaid", on + dt.timedelta(days=days))],
            on,
        )
    today = timezone.localdate()
    for i, b, maturing, requested, ago in OUT_NOW:
        on = today - dt.timedelta(days=ago)
        loan = _apply(fund, producing[i], banks[b], maturing, requested, on)
        _walk(loan, [("approved", on), ("disbursed", on)], on)
    waiting = today - dt.timedelta(days=1)
    approved = _apply(fund, producing[14], banks[0], 500, 470, waiting)
    _walk(approved, [("approved", today)], today)
    _apply(fund, producing[15], banks[1], 300, 280, today)
    refused = _apply(fund, producing[16], banks[0], 400, 380, waiting)
    _walk(refused, [("refused", today)], today)
    _lending(producing)


def _lending(firms) -> None:
    """A circle 17 → 18 → 19 → 17, 25 guaranteeing 17, 24 guaranteeing 22; four loans. No firm
    guarantees a loan it lends itself (a lender vouching for its own borrower reads as an error)."""
    start = dt.date(2020, 3, 1)
    g = {}
    for a, b, amount in [(17, 18, 300), (18, 19, 200), (19, 17, 250), (25, 17, 150), (24, 22, 100)]:
        g[(a, b)] = lending_services.guarantee_create(
            actor=SYSTEM,
            data=lending_services.GuaranteeData(
                guarantor=firms[a],
                guaranteed=firms[b],
                amount_wan=Decimal(amount),
                starts_on=start,
                creditor="演示农村商业银行开江支行（合成）",
            ),
        )
    for lender, borrower, amount, months, rate, on, guarantees in [
        (20, 17, 200, 12, "8", dt.date(2020, 4, 10), [g[(19, 17)], g[(25, 17)]]),
        (21, 22, 100, 6, "12", dt.date(2020, 5, 20), [g[(24, 22)]]),
        (23, 18, 150, 6, "18", dt.date(2021, 3, 15), [g[(17, 18)]]),
        (24, 25, 80, 3, "10", dt.date(2020, 6, 5), []),
    ]:
        lending_services.interfirm_loan_create(
            actor=SYSTEM,
            data=lending_services.LoanData(
                lender=firms[lender],
                borrower=firms[borrower],
                amount_wan=Decimal(amount),
                term_months=months,
                rate_pct=Decimal(rate),
                contract_on=on,
                guarantees=guarantees,
            ),
        )
