"""Pages of support policies: a firm's benefits and why, the benefit's next step, an officer's
open benefits, a zone's 一条不漏 / 应享尽享 coverage, and the policy library.

urls.py imports this package (`views.X`); the modules split it by topic: entitlements and library.
"""

from zonedesk.policies.views.entitlements import (
    coverage,
    coverage_export,
    firm,
    index,
    move,
    open_export,
    open_list,
)
from zonedesk.policies.views.library import (
    document,
    document_create,
    document_edit,
    library,
    library_export,
    library_import,
    library_template,
    measure,
    measure_create,
    measure_edit,
    rule_check,
)

__all__ = [
    "coverage",
    "coverage_export",
    "document",
    "document_create",
    "document_edit",
    "firm",
    "index",
    "library",
    "library_export",
    "library_import",
    "library_template",
    "measure",
    "measure_create",
    "measure_edit",
    "move",
    "open_export",
    "open_list",
    "rule_check",
]
