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
