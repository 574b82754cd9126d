"""How the generated transition tests (tests/core/test_workflows.py) drive each flow.

Every flow of core.workflow.FLOWS needs a driver here, registered under the flow's name: how to
set up a record, bring it to a state through the app's own service, and take a move with valid
inputs. The tests then walk every (state, move) of the flow's table, allowed and not, with no
further code per flow.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Driver:
    """`setup(world)` -> a context; `reach(ctx, state)` -> a fresh record in that state;
    `take(ctx, record, move)` -> the record after the app's service made the move (it raises
    what the service raises)."""

    setup: Callable[[Any], Any]
    reach: Callable[[Any, str], Any]
    take: Callable[[Any, Any, str], Any]


DRIVERS: dict[str, Driver] = {}


def driver(name: str):
    """Register the decorated function's returned Driver for flow `name`."""

    def register(make: Callable[[], Driver]) -> Callable[[], Driver]:
        DRIVERS[name] = make()
        return make

    return register


# --- the drivers, one per flow --------------------------------------------------------------------


@driver("casework.problem")
def casework_problem() -> Driver:
    """A problem of firm_a, accepted by 经济发展局 and transferred to 招商服务局, every step
    taken by the system with valid inputs."""
    from types import SimpleNamespace

    from tests import factories
    from zonedesk.casework.services import problem_transition
    from zonedesk.core.actors import SYSTEM
    from zonedesk.org.models import Department

    def setup(world):
        return SimpleNamespace(
            firm=world.firm_a,
            departments={
                "department": Department.objects.get(zone=world.zone_a, name="经济发展局"),
                "transfer_to": factories.department_user(
                    world.zone_a, "招商服务局", "dept2"
                ).department,
            },
        )

    def reach(ctx, state):
        return factories.problem_walk(factories.problem(ctx.firm), state, **ctx.departments)

    def take(ctx, problem, move):
        inputs = factories.problem_step_inputs(problem, move, **ctx.departments)
        return problem_transition(actor=SYSTEM, problem=problem, to=move, **inputs)

    return Driver(setup=setup, reach=reach, take=take)


# policies.entitlement: firm_a's benefit under a fresh measure each time (a pair is one firm x
# one measure); the system makes every step, with the inputs each needs.
_ENTITLEMENT_PATHS = {
    "": [],  # an undetermined pair: stored, with no state
    "identified": [],
    "notified": ["notified"],
    "applied": ["notified", "applied"],
    "approved": ["notified", "approved"],
    "disbursed": ["notified", "approved", "disbursed"],
    "rejected": ["notified", "applied", "rejected"],
    "declined": ["declined"],
}


@driver("policies.entitlement")
def _entitlement() -> Driver:
    import datetime as dt
    import itertools
    from decimal import Decimal

    from tests import factories
    from zonedesk.core.actors import SYSTEM
    from zonedesk.policies import services
    from zonedesk.policies.models import Entitlement

    clauses = itertools.count(1)
    inputs = {
        "approved": {"amount_wan": Decimal("10")},
        "disbursed": {"amount_wan": Decimal("10"), "on": dt.date(2020, 8, 1)},
        "rejected": {"note": "材料不全（合成）"},
        "declined": {"note": "暂不需要（合成）"},
    }

    def setup(world):
        document = factories.province_document(world)
        return {"firm": world.firm_a, "document": document}

    def reach(ctx, state):
        # Last year's output is not reported: a rule on it leaves the pair undetermined.
        rule = "output_last_year_wan > 0" if state == "" else "employees >= 5"
        measure = services.measure_create(
            actor=SYSTEM,
            document=ctx["document"],
            data=services.MeasureData(
                clause=f"第{next(clauses)}条",
                title="稳岗补贴（合成）",
                benefit_type="subsidy",
                eligibility=rule,
            ),
        )
        entitlement = Entitlement.objects.get(enterprise=ctx["firm"], measure=measure)
        for move in _ENTITLEMENT_PATHS[state]:
            entitlement = take(ctx, entitlement, move)
        return entitlement

    def take(ctx, entitlement, move):
        return services.entitlement_move(
            actor=SYSTEM, entitlement=entitlement, to=move, **inputs.get(move, {})
        )

    return Driver(setup, reach, take)


@driver("monitoring.figure")
def _figure_driver() -> Driver:
    """A new firm's June 2020 figures: reported by the firm's own user (the first report
    creates the row, from no state), confirmed by its liaison officer, corrected by the firm."""
    import itertools
    from decimal import Decimal

    from tests import factories
    from zonedesk.core.actors import SYSTEM
    from zonedesk.core.period import Period
    from zonedesk.enterprises.services import enterprise_member_bind
    from zonedesk.monitoring import services
    from zonedesk.monitoring.models import MonthlyFigure

    june = Period(2020, 6)
    serial = itertools.count(1)  # each report differs from the last, so each is a move

    def report(firm):
        data = services.FigureData(output_value_wan=Decimal(100 + next(serial)), employees=10)
        reporter = firm.members.get().user
        return services.figure_save(actor=reporter, enterprise=firm, period=june, data=data)

    def reach(world, state):
        firm = factories.firm(world.zone_a, officer=world.users["officer"])
        reporter = factories.user(f"figure-reporter-{next(serial)}", ["enterprise"], zone=firm.zone)
        enterprise_member_bind(actor=SYSTEM, user=reporter, enterprise=firm)
        figure = report(firm)
        if state == MonthlyFigure.Status.CONFIRMED:
            figure = services.figure_confirm(actor=world.users["officer"], figure=figure)
        return figure

    def take(world, figure, move):
        if move == MonthlyFigure.Status.CONFIRMED:
            return services.figure_confirm(actor=world.users["officer"], figure=figure)
        return report(figure.enterprise)

    return Driver(setup=lambda world: world, reach=reach, take=take)


def _fresh_project(world, counter):
    import datetime as dt

    from django.utils import timezone

    from tests import factories

    return factories.project(
        world.zone_a,
        code=f"WF-{next(counter)}",
        signed_on=timezone.localdate() - dt.timedelta(days=10),
    )


@driver("projects.node")
def _project_node() -> Driver:
    """The signing node of a fresh project of zone_a (it waits for none), completed by the
    system."""
    import itertools

    from zonedesk.core.actors import SYSTEM
    from zonedesk.projects import services

    counter = itertools.count(1)

    def setup(world):
        return world

    def reach(world, state):
        node = _fresh_project(world, counter).nodes.get(code="sign")
        return take(world, node, state) if state == "done" else node

    def take(world, node, move):
        return services.node_transition(actor=SYSTEM, node=node, to=move)

    return Driver(setup, reach, take)


@driver("projects.replan")
def _project_replan() -> Driver:
    """A re-plan of the start of a fresh project of zone_a (a month later), decided by the
    system (refusals with a note)."""
    import datetime as dt
    import itertools

    from zonedesk.core.actors import SYSTEM
    from zonedesk.projects import services

    counter = itertools.count(1)

    def setup(world):
        return world

    def reach(world, state):
        node = _fresh_project(world, counter).nodes.get(code="start")
        replan = services.replan_request(
            actor=SYSTEM,
            node=node,
            to_on=node.planned_on + dt.timedelta(days=30),
            reason="施工许可延后（合成）",
        )
        return replan if state == "requested" else take(world, replan, state)

    def take(world, replan, move):
        return services.replan_decide(
            actor=SYSTEM, replan=replan, decision=move, note="条件不具备（合成）"
        )

    return Driver(setup, reach, take)


@driver("finance.need")
def _finance_need() -> Driver:
    """A need of firm_a consented for the test bank, every move made by the system with the
    inputs it needs."""
    from tests import factories
    from zonedesk.core.actors import SYSTEM
    from zonedesk.finance import services

    def setup(world):
        return world

    def reach(world, state):
        return factories.financing_need_walk(world.firm_a, state, world.users["bank"].bank)

    def take(world, need, move):
        if move == "shared" and need.status == "draft" and not need.consents.exists():
            services.consent_grant(actor=SYSTEM, need=need, bank=world.users["bank"].bank)
        inputs = factories.finance_step_inputs(move)
        return services.need_transition(actor=SYSTEM, need=need, to=move, **inputs)

    return Driver(setup, reach, take)


@driver("finance.bridge_loan")
def _bridge_loan() -> Driver:
    """A bridge loan of firm_a from a large fund of zone_a without a cap per firm (so the loans
    a test walks never meet a limit), each step taken by the system today (a refusal with its
    reason)."""
    from tests import factories
    from zonedesk.core.actors import SYSTEM
    from zonedesk.finance.services import bridge as services
    from zonedesk.org.models import Bank

    def setup(world):
        from decimal import Decimal

        fund = factories.bridge_fund(world.zone_a, size_wan=Decimal(100000), cap_per_firm_wan=None)
        return {
            "fund": fund,
            "firm": world.firm_a,
            "bank": Bank.objects.get(name="测试银行开江支行"),
        }

    def reach(ctx, state):
        return factories.bridge_loan(ctx["fund"], ctx["firm"], ctx["bank"], state=state)

    def take(ctx, loan, move):
        note = "不符合条件（合成）" if move == "refused" else ""
        return services.bridge_loan_move(actor=SYSTEM, loan=loan, to=move, note=note)

    return Driver(setup, reach, take)


@driver("chain.lead")
def _investment_lead() -> Driver:
    """A lead of zone_a owned by the officer, every move made by the system with the inputs it
    needs (landing: its project is put in production first)."""
    from tests.chain import leads_factories as leads
    from zonedesk.chain import leads_services
    from zonedesk.core.actors import SYSTEM

    counter = iter(range(1, 100000))

    def setup(world):
        return world

    def reach(world, state):
        made = leads.lead(world.zone_a, world.users["officer"], name=f"流程测试{next(counter)}号")
        return leads.walk(made, state)

    def take(world, lead, move):
        if move == "landed":
            leads.produce(lead)
        return leads_services.lead_transition(
            actor=SYSTEM, lead=lead, to=move, **leads.step_inputs(move)
        )

    return Driver(setup, reach, take)
