"""Reads of casework, always scoped to the acting user; lists return querysets or plain
dataclasses that pages, the API, exports and reports share.

Who sees which problems: managers (leaders, administrators), officers and auditors see the
problems of the firms under their unit ("mine" narrows an officer to the firms assigned to
them); department staff see the problems their department is in charge of; an enterprise user
sees their own firm's problems only.

Callers import this package (`from zonedesk.casework import selectors`); the modules split it by
topic: problems (who sees which, the lists), contacts (the contacts due, the firm's plan), ledger
(the visit ledger) and overview (a zone's problems counted, the difficulties section's facts).
"""

from zonedesk.casework.selectors.contacts import (
    ContactDue,
    FirmPlan,
    action_choices,
    action_get,
    action_owners,
    cadres,
    contacts_due,
    firm_plan,
    late_firms,
    plan_initial,
)
from zonedesk.casework.selectors.escalation import Escalation, Late, escalation, late_item
from zonedesk.casework.selectors.ledger import (
    LedgerFilters,
    ledger_firms,
    ledger_officers,
    never_visited,
    visit_ledger,
)
from zonedesk.casework.selectors.liaison import LiaisonFacts, liaison
from zonedesk.casework.selectors.overview import (
    SEVERITY_ORDER,
    OverviewRow,
    ZoneOverview,
    difficulties,
    zone_overview,
)
from zonedesk.casework.selectors.problems import (
    UNIT_READERS,
    active_user,
    clock_rows,
    department_queue,
    departments_for,
    overdue_first,
    overdue_for_leader,
    problem_choices,
    problem_get,
    problem_scope,
    problems,
    problems_as_of,
    problems_due_for,
)
from zonedesk.casework.workdays import work_calendar

__all__ = [
    "SEVERITY_ORDER",
    "UNIT_READERS",
    "ContactDue",
    "Escalation",
    "FirmPlan",
    "Late",
    "LedgerFilters",
    "LiaisonFacts",
    "OverviewRow",
    "ZoneOverview",
    "action_choices",
    "action_get",
    "action_owners",
    "active_user",
    "cadres",
    "clock_rows",
    "contacts_due",
    "department_queue",
    "departments_for",
    "difficulties",
    "escalation",
    "firm_plan",
    "late_firms",
    "late_item",
    "ledger_firms",
    "ledger_officers",
    "liaison",
    "never_visited",
    "overdue_first",
    "overdue_for_leader",
    "plan_initial",
    "problem_choices",
    "problem_get",
    "problem_scope",
    "problems",
    "problems_as_of",
    "problems_due_for",
    "visit_ledger",
    "work_calendar",
    "zone_overview",
]
