"""The demo zone's bank–firm financing (银企对接): six fictional banks (the demo bank user's is
the first), 25 products of every type, and 40 financing needs in every state of their way, each
shared on the firm's consent, through the same services every user goes through.

Deterministic: the needs go to the zone's firms in order (the demo firm user's firm first), their
amounts and moves follow a fixed table, and their dates lie in the first half of 2020 (the
demo's year), so `report finance --zone demo --period 2020-H1` has something to say. Every need
past a draft is consented for the demo bank and for one other bank, so the demo `bank` user sees
most of them; two needs are shared with other banks only (the bank user never sees them), and one
consent is revoked (its need disappears from the bank's inbox). Six needs come from the zone's
financing problems (casework), linked both ways. Names synthetic and marked as such.
"""

import datetime as dt
from decimal import Decimal

from zonedesk.casework.models import Problem
from zonedesk.core.actors import SYSTEM
from zonedesk.finance import services
from zonedesk.org.models import Bank

BANKS = [
    "演示农村商业银行开江支行（合成）",  # the demo bank user's (data.BANK)
    "演示工商银行达州分行（合成）",
    "演示建设银行开江支行（合成）",
    "演示农业银行开江支行（合成）",
    "演示邮政储蓄银行开江支行（合成）",
    "演示城市商业银行达州分行（合成）",
]

# (bank index, name, type, amount min, max, term min, max, rate (min, max) or LPR bp,
#  collateral, eligibility, valid until)
PRODUCTS = [
    (
        0,
        "惠企抵押贷",
        "mortgage",
        50,
        3000,
        12,
        60,
        ("3.85", "5.20"),
        ["property"],
        "经营年限 >= 2",
        None,
    ),
    (0, "订单e贷", "order", 10, 500, 3, 12, ("4.35", "6.00"), ["orders"], "上年营收 >= 300", None),
    (0, "园区信用贷", "credit", 10, 300, 6, 36, 60, [], "经营年限 >= 3 且 从业人数 >= 20", None),
    (0, "税易贷", "credit", 10, 200, 6, 12, ("4.50", "6.50"), [], "上年营收 >= 500", None),
    (
        1,
        "经营快贷",
        "credit",
        10,
        500,
        6,
        36,
        45,
        [],
        '企业规模 属于 ["small", "micro", "medium"]',
        None,
    ),
    (1, "厂房按揭贷", "mortgage", 200, 5000, 24, 120, ("3.95", "4.90"), ["property"], "true", None),
    (
        1,
        "设备购置贷",
        "other",
        50,
        2000,
        12,
        60,
        ("4.10", "5.60"),
        ["equipment"],
        'purpose == "equipment"',
        None,
    ),
    (
        1,
        "应收账款融资",
        "receivables",
        20,
        1000,
        3,
        12,
        ("4.20", "5.80"),
        ["receivables"],
        "上年营收 >= 1000",
        None,
    ),
    (
        2,
        "善营贷",
        "credit",
        10,
        300,
        6,
        36,
        50,
        [],
        "经营年限 >= 2 且 本年累计停产天数 <= 30",
        None,
    ),
    (2, "抵押快贷", "mortgage", 50, 2000, 12, 60, ("3.80", "5.00"), ["property"], "true", None),
    (
        2,
        "科技知识产权贷",
        "ip_pledge",
        20,
        1000,
        12,
        36,
        ("4.00", "5.50"),
        ["ip"],
        'industry_section == "C"',
        None,
    ),
    (2, "政采贷", "order", 10, 800, 3, 12, ("4.30", "5.90"), ["orders"], "true", None),
    (3, "惠农e贷", "credit", 5, 100, 6, 24, ("4.35", "6.20"), [], "从业人数 >= 5", None),
    (3, "商户担保贷", "guaranteed", 20, 500, 6, 36, ("4.60", "6.80"), ["guarantee"], "true", None),
    (
        3,
        "厂房抵押贷",
        "mortgage",
        100,
        3000,
        12,
        96,
        ("3.90", "5.10"),
        ["property"],
        "经营年限 >= 3",
        None,
    ),
    (
        3,
        "转贷通",
        "other",
        50,
        2000,
        3,
        12,
        80,
        ["property", "guarantee"],
        'purpose == "bridge"',
        None,
    ),
    (4, "小微易贷", "credit", 5, 200, 6, 36, 70, [], "is_sme", None),
    (
        4,
        "保证担保贷",
        "guaranteed",
        20,
        800,
        12,
        36,
        ("4.50", "6.50"),
        ["guarantee"],
        "经营年限 >= 1",
        None,
    ),
    (
        4,
        "存货质押贷",
        "other",
        20,
        500,
        3,
        12,
        ("4.80", "7.00"),
        ["equipment", "receivables"],
        "true",
        None,
    ),
    (
        4,
        "专利质押贷",
        "ip_pledge",
        10,
        500,
        12,
        36,
        ("4.10", "5.70"),
        ["ip"],
        "经营年限 >= 2",
        None,
    ),
    (
        5,
        "订单融资",
        "order",
        20,
        1000,
        3,
        12,
        ("4.40", "6.10"),
        ["orders", "receivables"],
        "上年营收 >= 500",
        None,
    ),
    (
        5,
        "保理融资",
        "receivables",
        50,
        2000,
        3,
        12,
        ("4.30", "5.80"),
        ["receivables"],
        "true",
        None,
    ),
    (5, "城商信用贷", "credit", 10, 300, 6, 24, ("5.00", "7.20"), [], "经营年限 >= 5", None),
    (
        5,
        "抵押经营贷（旧版）",
        "mortgage",
        50,
        1000,
        12,
        60,
        ("5.20", "6.50"),
        ["property"],
        "true",
        dt.date(2019, 12, 31),
    ),
    (
        5,
        "信用贷（2019 年版）",
        "credit",
        10,
        100,
        6,
        12,
        ("5.50", "7.50"),
        [],
        "true",
        dt.date(2019, 12, 31),
    ),
]

PATHS = {
    "draft": [],
    "shared": ["shared"],
    "received": ["shared", "received"],
    "under_review": ["shared", "received", "under_review"],
    "approved": ["shared", "received", "under_review", "approved"],
    "declined": ["shared", "received", "under_review", "declined"],
    "disbursed": ["shared", "received", "under_review", "approved", "disbursed"],
    "repaid": ["shared", "received", "under_review", "approved", "disbursed", "repaid"],
    "withdrawn": ["shared", "withdrawn"],
}
# 40 needs: (state, amount 万元, term months, purpose, collateral, urgency)
NEEDS = [
    ("shared", 300, 12, "working_capital", "property", "urgent"),
    ("draft", 150, 12, "equipment", "equipment", "normal"),
    ("disbursed", 500, 36, "construction", "property", "normal"),
    ("declined", 200, 12, "working_capital", "none", "urgent"),
    ("approved", 80, 12, "working_capital", "orders", "normal"),
    ("repaid", 120, 6, "bridge", "property", "critical"),
    ("received", 60, 12, "working_capital", "none", "normal"),
    ("under_review", 400, 24, "equipment", "equipment", "normal"),
    ("shared", 90, 6, "working_capital", "receivables", "urgent"),
    ("disbursed", 1000, 60, "construction", "property", "normal"),
    ("declined", 50, 12, "working_capital", "none", "normal"),
    ("withdrawn", 30, 6, "working_capital", "none", "normal"),
    ("approved", 250, 24, "equipment", "equipment", "normal"),
    ("disbursed", 150, 12, "working_capital", "orders", "urgent"),
    ("shared", 200, 12, "bridge", "guarantee", "critical"),
    ("draft", 60, 12, "working_capital", "none", "normal"),
    ("received", 300, 36, "construction", "property", "normal"),
    ("declined", 800, 36, "construction", "property", "normal"),
    ("repaid", 100, 6, "working_capital", "receivables", "normal"),
    ("under_review", 45, 12, "working_capital", "ip", "normal"),
    ("disbursed", 70, 12, "working_capital", "none", "normal"),
    ("shared", 150, 12, "working_capital", "orders", "normal"),
    ("approved", 600, 48, "construction", "property", "normal"),
    ("declined", 120, 12, "working_capital", "guarantee", "urgent"),
    ("received", 40, 6, "working_capital", "none", "urgent"),
    ("disbursed", 200, 12, "bridge", "property", "critical"),
    ("under_review", 90, 12, "equipment", "equipment", "normal"),
    ("draft", 300, 24, "construction", "property", "normal"),
    ("repaid", 50, 6, "working_capital", "orders", "normal"),
    ("shared", 80, 12, "working_capital", "none", "normal"),
    ("declined", 35, 12, "working_capital", "none", "normal"),
    ("approved", 100, 12, "working_capital", "receivables", "normal"),
    ("disbursed", 300, 24, "equipment", "equipment", "normal"),
    ("withdrawn", 500, 36, "construction", "property", "normal"),
    ("received", 120, 12, "working_capital", "guarantee", "normal"),
    ("under_review", 220, 12, "working_capital", "property", "urgent"),
    ("shared", 60, 6, "working_capital", "none", "urgent"),
    ("declined", 400, 36, "construction", "none", "normal"),
    ("draft", 20, 6, "working_capital", "none", "normal"),
    ("approved", 180, 12, "working_capital", "orders", "normal"),
]
REASONS = [
    ("collateral", "抵押物评估值不足以覆盖授信（合成）"),
    ("cash_flow", "近两季度经营性现金流为负（合成）"),
    ("credit_record", "法定代表人有逾期记录（合成）"),
    ("debt", "资产负债率超过 75%（合成）"),
    ("industry", "行业不在本行授信指引范围（合成）"),
    ("documents", "财务报表未经审计（合成）"),
]
RATES = ["3.85", "4.10", "4.35", "4.65", "5.00", "5.35"]
FIRST_SHARED = dt.date(2020, 1, 6)


def load(zone, firms, users) -> None:
    banks = [Bank.objects.get(name=BANKS[0])] + [
        Bank.objects.create(name=name, area=zone.area) for name in BANKS[1:]
    ]
    bank_users = {0: users["bank"]}
    products = []
    for b, name, kind, lo, hi, tlo, thi, rate, collateral, rule, until in PRODUCTS:
        fixed = isinstance(rate, tuple)
        products.append(
            services.product_create(
                actor=SYSTEM,
                bank=banks[b],
                data=services.ProductData(
                    name=f"{name}（合成）",
                    type=kind,
                    amount_min_wan=Decimal(lo),
                    amount_max_wan=Decimal(hi),
                    term_min_months=tlo,
                    term_max_months=thi,
                    rate_kind="fixed" if fixed else "lpr",
                    rate_min_pct=Decimal(rate[0]) if fixed else None,
                    rate_max_pct=Decimal(rate[1]) if fixed else None,
                    lpr_spread_bp=None if fixed else rate,
                    collateral=collateral,
                    eligibility=rule,
                    valid_from=dt.date(2019, 1, 1),
                    valid_to=until,
                ),
            )
        )
    problems = list(
        Problem.objects.filter(enterprise__zone=zone, category="finance").order_by("pk")[:6]
    )
    producing = [f for f in firms if f.status == "producing"]
    for i, (state, amount, term, purpose, collateral, urgency) in enumerate(NEEDS):
        firm = firms[0] if i in (0, 1) else producing[i % len(producing)]
        problem = problems[i // 6] if i % 6 == 3 and i // 6 < len(problems) else None
        if problem is not None:
            firm = problem.enterprise
        # Raised a few days before it is shared, consented for the day before: every date of a
        # need (raised, consent, its moves) lies in the demo's first half of 2020.
        day = FIRST_SHARED + dt.timedelta(days=3 * i)
        need = services.need_create(
            actor=SYSTEM,
            enterprise=firm,
            problem=problem,
            on=day - dt.timedelta(days=3),
            data=services.NeedData(
                amount_wan=Decimal(amount),
                term_months=term,
                purpose=purpose,
                collateral=collateral,
                urgency=urgency,
                note="",
            ),
        )
        if state == "draft":
            continue
        # The demo bank's, and another; needs 21 and 33 only another bank's.
        handling = 0 if i not in (21, 33) else 1 + i % 5
        others = [handling] if handling else [0, 1 + i % 5]
        for b in others:
            services.consent_grant(
                actor=SYSTEM,
                need=need,
                bank=banks[b],
                covers_figures=i % 3 == 0,
                covers_contacts=i % 4 == 0,
                written=f"企业书面授权书，{day - dt.timedelta(days=1):%Y-%m-%d}（合成）",
                on=day - dt.timedelta(days=1),
            )
        actor_bank = bank_users.get(handling, SYSTEM)
        for step, move in enumerate(PATHS[state]):
            if step:
                day += dt.timedelta(days=2 + (i + step) % 6)
            inputs: dict = {"on": day}
            if move == "approved":
                product = _product_for(products, banks[handling], amount, term, collateral)
                inputs.update(
                    amount_wan=Decimal(amount) * Decimal("0.8"),
                    rate_pct=Decimal(RATES[i % len(RATES)]),
                    term_months=term,
                    product=product,
                )
            elif move == "declined":
                reason, note = REASONS[i % len(REASONS)]
                inputs.update(reason=reason, note=note)
            elif move == "disbursed":
                inputs["amount_wan"] = Decimal(amount) * Decimal("0.8")
            actor = SYSTEM if move in ("shared", "withdrawn") else actor_bank
            need = services.need_transition(actor=actor, need=need, to=move, **inputs)
        if i == 8:  # the firm revoked its consent for the demo bank
            consent = need.consents.get(bank=banks[0])
            services.consent_revoke(actor=SYSTEM, consent=consent, on=day + dt.timedelta(days=3))


def _product_for(products, bank, amount, term, collateral):
    """The bank's first product whose ranges and collateral hold the need (else none)."""
    for p in products:
        if (
            p.bank_id == bank.pk
            and p.amount_min_wan <= amount <= p.amount_max_wan
            and p.term_min_months <= term <= p.term_max_months
            and (not p.collateral or collateral in p.collateral)
            and p.valid_to is None
        ):
            return p
    return None
