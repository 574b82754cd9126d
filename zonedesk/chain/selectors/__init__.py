"""Reads of the chain app, always given the acting user.

Callers import this package; the modules split it by topic.
"""

from zonedesk.chain.selectors.chains import (
    ChainMap,
    ChainRow,
    FirmMatch,
    FirmRow,
    GapRow,
    chain_get,
    chain_map,
    chain_rows,
    chain_scope,
    firm_figures,
    gap_rows,
    healths,
    latest_month,
    node_firm_rows,
    node_get,
    node_industries,
    placeable_firm,
    placeable_firms,
    placed_firms,
    placement_get,
    thresholds,
)

__all__ = [
    "ChainMap",
    "ChainRow",
    "FirmMatch",
    "FirmRow",
    "GapRow",
    "chain_get",
    "chain_map",
    "chain_rows",
    "chain_scope",
    "firm_figures",
    "gap_rows",
    "healths",
    "latest_month",
    "node_firm_rows",
    "node_get",
    "node_industries",
    "placeable_firm",
    "placeable_firms",
    "placed_firms",
    "placement_get",
    "thresholds",
]
