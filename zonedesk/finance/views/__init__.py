"""The financing pages, split by topic: needs (pipeline, inbox, firm tab, need page, consent)
and products (library, a bank's form)."""

from zonedesk.finance.views.needs import (
    consent_grant,
    consent_revoke,
    firm_tab,
    inbox,
    inbox_export,
    index,
    need_detail,
    need_edit,
    need_move,
    need_new,
    need_problem,
    pipeline,
    pipeline_export,
)
from zonedesk.finance.views.products import (
    product_edit,
    product_export,
    product_list,
    product_new,
)

__all__ = [
    "consent_grant",
    "consent_revoke",
    "firm_tab",
    "inbox",
    "inbox_export",
    "index",
    "need_detail",
    "need_edit",
    "need_move",
    "need_new",
    "need_problem",
    "pipeline",
    "pipeline_export",
    "product_edit",
    "product_export",
    "product_list",
    "product_new",
]
