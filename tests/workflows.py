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
