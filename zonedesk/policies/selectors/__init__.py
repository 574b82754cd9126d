"""Reads of the policy library and entitlements, scoped to the acting user.

Callers import this package (`from zonedesk.policies import selectors`); the modules split it by
topic: library (documents, measures, the rule editor's preview), entitlements (the pairs of a
firm and a measure, the open ones, a measure's decisions) and coverage (a zone's tables).
"""

from zonedesk.policies.selectors.coverage import CoverageRow, coverage
from zonedesk.policies.selectors.entitlements import (
    DONE,
    OPEN,
    REACHED,
    FirmEntitlement,
    FirmSummary,
    MeasureDecisions,
    actionable,
    entitlement_get,
    entitlement_scope,
    firm_entitlements,
    firm_facts,
    firm_other_measures,
    firm_summary,
    measure_decisions,
    measures_of,
    mine_by_default,
    open_counts,
    open_entitlements,
    unclaimed_firms,
)
from zonedesk.policies.selectors.library import (
    RulePreview,
    covering,
    document_get,
    document_scope,
    documents,
    level_order,
    measure_get,
    measure_scope,
    measures,
    measures_for,
    rule_preview,
)

__all__ = [
    "DONE",
    "OPEN",
    "REACHED",
    "CoverageRow",
    "FirmEntitlement",
    "FirmSummary",
    "MeasureDecisions",
    "RulePreview",
    "actionable",
    "coverage",
    "covering",
    "document_get",
    "document_scope",
    "documents",
    "entitlement_get",
    "entitlement_scope",
    "firm_entitlements",
    "firm_facts",
    "firm_other_measures",
    "firm_summary",
    "level_order",
    "measure_decisions",
    "measure_get",
    "measure_scope",
    "measures",
    "measures_for",
    "measures_of",
    "mine_by_default",
    "open_counts",
    "open_entitlements",
    "rule_preview",
    "unclaimed_firms",
]
