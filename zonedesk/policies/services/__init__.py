"""Every write of the policy library and of entitlements: atomic, permission-checked, audited.

By topic: `library` (documents, measures, rule versions), `rule_check` (rules against the fact
registry), `matches` (deciding firms against measures, and re-matching when data or rules
change), `entitlements` (the way of a benefit, flows.ENTITLEMENT) and `sheet` (the library as a
spreadsheet). Callers import this package: `from zonedesk.policies import services`.
"""

from zonedesk.policies.flows import IN_WORKFLOW, in_force
from zonedesk.policies.services.entitlements import entitlement_move, next_moves
from zonedesk.policies.services.library import (
    DOCUMENT_FIELDS,
    MEASURE_FIELDS,
    DocumentData,
    MeasureData,
    document_create,
    document_update,
    measure_create,
    measure_rules_set,
    measure_update,
)
from zonedesk.policies.services.matches import (
    FEW_FIRMS,
    MatchResult,
    _compiled,
    _rules_key,
    firms_covered,
    match,
    match_firm,
    measures_in_force,
    month_groups,
    on_firms_changed,
    rematch_firms,
    rematch_measure,
    rematch_measures,
)
from zonedesk.policies.services.rule_check import RuleProblem, compile_rules, rule_problems
from zonedesk.policies.services.sheet import ImportSummary, measures_import

__all__ = [
    "DOCUMENT_FIELDS",
    "FEW_FIRMS",
    "IN_WORKFLOW",
    "MEASURE_FIELDS",
    "DocumentData",
    "ImportSummary",
    "MatchResult",
    "MeasureData",
    "RuleProblem",
    "_compiled",
    "_rules_key",
    "compile_rules",
    "document_create",
    "document_update",
    "entitlement_move",
    "firms_covered",
    "in_force",
    "match",
    "match_firm",
    "measure_create",
    "measure_rules_set",
    "measure_update",
    "measures_import",
    "measures_in_force",
    "month_groups",
    "next_moves",
    "on_firms_changed",
    "rematch_firms",
    "rematch_measure",
    "rematch_measures",
    "rule_problems",
]
