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
