"""Every read of financing, given the acting user and returning only what that user may see."""

from zonedesk.finance.selectors.matches import MatchRow, Reason, need_matches, products_in_force
from zonedesk.finance.selectors.needs import (
    FIGURES,
    NeedFilters,
    NeedPage,
    bank_consent,
    bank_get,
    banks,
    consent_get,
    consents,
    firm_row,
    is_overdue,
    need_get,
    need_list,
    need_page,
    need_scope,
    needs_of_problem,
    response_working_days,
)
from zonedesk.finance.selectors.products import (
    ProductFilters,
    in_force_on,
    product_get,
    product_list,
    product_scope,
)
from zonedesk.finance.selectors.summary import summary

__all__ = [
    "FIGURES",
    "MatchRow",
    "NeedFilters",
    "NeedPage",
    "ProductFilters",
    "Reason",
    "bank_consent",
    "bank_get",
    "banks",
    "consent_get",
    "consents",
    "firm_row",
    "in_force_on",
    "is_overdue",
    "need_get",
    "need_list",
    "need_matches",
    "need_page",
    "need_scope",
    "needs_of_problem",
    "product_get",
    "product_list",
    "product_scope",
    "products_in_force",
    "response_working_days",
    "summary",
]
