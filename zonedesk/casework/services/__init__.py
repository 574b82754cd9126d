"""Every write of casework: atomic, permission-checked, audited in the same transaction.

The way of a problem (诉求) is declared in flows.py and walked only by `problem_transition`
(steps.py); each step writes a ProblemEvent and an audit entry. What the table says (the
steps open to a user, the state lists) is read from flows.py. Callers import this package
(`from zonedesk.casework import services`); the modules split it by topic.
"""

from zonedesk.casework.services.calendar import (
    calendar_day_delete,
    calendar_day_set,
    holidays_load,
)
from zonedesk.casework.services.contacts import KEEP, ProblemData, contact_log, plan_set
from zonedesk.casework.services.plans import action_add, action_close
from zonedesk.casework.services.problems import Hours, problem_submit, problems_escalate
from zonedesk.casework.services.reminders import reminder_send
from zonedesk.casework.services.steps import problem_transition

__all__ = [
    "KEEP",
    "Hours",
    "ProblemData",
    "action_add",
    "action_close",
    "calendar_day_delete",
    "calendar_day_set",
    "contact_log",
    "holidays_load",
    "plan_set",
    "problem_submit",
    "problem_transition",
    "problems_escalate",
    "reminder_send",
]
