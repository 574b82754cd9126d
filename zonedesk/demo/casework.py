"""The demo zone's year of liaison work (July 2019 – June 2020): contact plans, visits and calls,
and about 150 problems in the mix the reference summary describes — the home market weak,
export orders stuck at their destinations, cash short, owners unwilling to invest — in every
state (confirmed and rated, resolved, under way, overdue, transferred, reopened, closed as not
solvable). Wording synthetic and marked as such; every step goes through the services."""

import datetime as dt
import random

from zonedesk.casework import services
from zonedesk.casework.models import Contact, Problem
from zonedesk.core.actors import SYSTEM
from zonedesk.org.models import Department

C = Problem.Category
# (category, weight, titles): the weights follow the summary's difficulties
PROBLEMS = [
    (
        C.HOME_MARKET,
        30,
        [
            "国内订单减少三成（合成）",
            "下游客户压价，产品滞销（合成）",
            "门店客流未恢复，销量下降（合成）",
        ],
    ),
    (
        C.EXPORT,
        20,
        [
            "出口订单无法按期交付（合成）",
            "货物滞留目的港，回款延迟（合成）",
            "海外客户取消订单（合成）",
        ],
    ),
    (
        C.FINANCE,
        25,
        [
            "流动资金紧张，需过桥贷款（合成）",
            "贷款即将到期，续贷困难（合成）",
            "应收账款回收慢（合成）",
        ],
    ),
    (C.LABOUR, 8, ["一线工人返岗不足（合成）", "技术工人招聘难（合成）"]),
    (C.LOGISTICS, 7, ["原料运输受阻（合成）", "物流成本上涨（合成）"]),
    (C.PERMITS, 4, ["环评审批周期长（合成）", "新厂房验收手续多（合成）"]),
    (C.ENERGY, 3, ["用电报装容量不足（合成）"]),
    (C.LAND, 3, ["扩建用地指标不足（合成）", "投资意愿不强，扩产计划暂缓（合成）"]),
]
FIRST_DAY, LAST_DAY = dt.date(2019, 7, 1), dt.date(2020, 6, 30)


def _days(rng: random.Random, start: dt.date, lo: int, hi: int) -> dt.date:
    return min(start + dt.timedelta(days=rng.randint(lo, hi)), LAST_DAY)


def load(zone, firms, *, seed: int = 20200725, problems: int = 150) -> None:
    rng = random.Random(seed)
    departments = list(Department.objects.filter(zone=zone).order_by("id"))
    lead, others = departments[0], departments[1:]
    # Contact plans: a visit each quarter and a call each month; a few firms at risk.
    for i, firm in enumerate(firms):
        services.plan_set(
            actor=SYSTEM,
            enterprise=firm,
            visit_every_days=90,
            call_every_days=30,
            at_risk=i % 9 == 0,
        )
    # Visits and calls over the year (most firms more than once; a few not lately).
    for firm in firms:
        day = FIRST_DAY + dt.timedelta(days=rng.randint(0, 40))
        while day < dt.date(2020, 6, 1) - dt.timedelta(days=rng.randint(0, 60)):
            kind = rng.choice([Contact.Kind.ON_SITE, Contact.Kind.PHONE, Contact.Kind.PHONE])
            services.contact_log(
                actor=SYSTEM,
                enterprise=firm,
                date=day,
                kind=kind,
                participants=[firm.officer] if firm.officer else [],
                notes="了解生产经营情况（合成）",
            )
            day += dt.timedelta(days=rng.randint(25, 80))
    # Problems, more of them after the shock of early 2020.
    weights = [w for _c, w, _t in PROBLEMS]
    for n in range(problems):
        category, _w, titles = rng.choices(PROBLEMS, weights=weights)[0]
        firm = rng.choice(firms)
        late = n >= problems // 4
        raised = (
            dt.date(2020, 1, 20) + dt.timedelta(days=rng.randint(0, 160))
            if late
            else FIRST_DAY + dt.timedelta(days=rng.randint(0, 200))
        )
        problem = services.problem_submit(
            actor=SYSTEM,
            enterprise=firm,
            category=category,
            title=rng.choice(titles),
            description="企业在走访中反映的情况（合成）。",
            raised_via=rng.choice(["visit", "phone", "online"]),
            severity=rng.choice(["normal", "normal", "high", "urgent", "low"]),
            anonymous=rng.random() < 0.2,
            on=raised,
        )
        _walk(problem, rng, raised, lead, others)


def _walk(problem, rng, day, lead, others) -> None:
    """Take the problem some way along, each step on a later day: most end confirmed and
    rated; some stop resolved, replied, in progress or not yet accepted (some of those
    overdue), some are transferred, reopened or closed as not solvable."""
    fate = rng.random()

    def step(to, lo=1, hi=6, **kw):
        nonlocal problem, day
        day = _days(rng, day, lo, hi)
        problem = services.problem_transition(actor=SYSTEM, problem=problem, to=to, on=day, **kw)

    if fate < 0.05:
        return  # not yet accepted
    step("accepted", 0, 2, department=lead if rng.random() < 0.6 else rng.choice(others))
    if fate < 0.10:
        step(
            "transferred",
            reason="职能调整，转交相关部门办理（合成）",
            department=rng.choice(others),
        )
        if rng.random() < 0.5:
            step("accepted", 0, 2)
        return
    if fate < 0.14:
        return  # accepted, not started (overdue by now)
    step("in_progress")
    if fate < 0.22:
        return
    step("replied", reason="已与企业沟通，提出解决方案（合成）")
    if fate < 0.28:
        return
    if fate < 0.31:
        step("closed_unsolvable", reason="涉及上级政策，暂无法解决（合成）")
        return
    step("resolved", 2, 12, reason="问题已协调解决（合成）")
    if fate < 0.38:
        return  # waiting for the firm's confirmation
    if fate < 0.43:
        step("reopened", reason="问题未彻底解决（合成）")
        return
    step("confirmed", 1, 5, satisfaction=rng.choice([5, 5, 4, 4, 4, 3]), comment="满意（合成）")
