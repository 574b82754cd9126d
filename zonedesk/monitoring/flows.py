"""The status of a firm's monthly figures: submitted by the firm (or its officer), confirmed by
the liaison officer.

Every report is the move "submitted": the first one creates the month's row (its event goes
from no state), a later one corrects it. A correction keeps submitted figures submitted and
sends confirmed ones back to submitted: what the officer confirmed is no longer what is stored,
so it needs confirming again. Confirming is the officer's (or a manager's) and is final until
the next correction.
"""

from zonedesk.core.errors import PermissionDenied
from zonedesk.core.workflow import Flow, Move
from zonedesk.monitoring import access
from zonedesk.monitoring.models import MonthlyFigure

Status = MonthlyFigure.Status

# Who may make a move, by the names the table uses: the rules of monitoring.access.
ROLES = {
    "reporter": lambda actor, figure: access.can_report(actor, figure.enterprise),
    "officer": lambda actor, figure: access.can_confirm(actor, figure.enterprise),
}

FIGURE_FLOW = Flow(
    name="monitoring.figure",
    states=Status,
    table={
        Status.SUBMITTED: {
            Status.SUBMITTED: Move(who="reporter"),  # a correction: still to confirm
            Status.CONFIRMED: Move(who="officer"),
        },
        Status.CONFIRMED: {
            Status.SUBMITTED: Move(who="reporter"),  # a correction: to confirm again
        },
    },
    may=lambda actor, figure, who: ROLES[who](actor, figure),
    event_model="monitoring.FigureEvent",
    subject="figure",
    # The pages and the API answered a refusal with the general message before the flow
    # existed; they still do.
    refusals={who: PermissionDenied.default_message for who in ROLES},
)
