"""Every write of the chain app: atomic, permission-checked, audited in the same transaction.

Callers import this package; the modules split it by topic.
"""

from zonedesk.chain.services.firms import (
    Suggested,
    chain_firms,
    firm_decide,
    firm_place,
    firms_confirm_suggested,
    firms_suggest,
    keywords,
    product_matches,
)

__all__ = [
    "Suggested",
    "chain_firms",
    "firm_decide",
    "firm_place",
    "firms_confirm_suggested",
    "firms_suggest",
    "keywords",
    "product_matches",
]

from zonedesk.chain.services.chains import (
    ChainData,
    NodeData,
    chain_save,
    node_problems,
)

__all__ += ["ChainData", "NodeData", "chain_save", "node_problems"]
