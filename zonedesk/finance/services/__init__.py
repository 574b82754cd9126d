"""Every write of financing: atomic, permission-checked, audited in the same transaction. The
way of a need is declared in flows.py and walked only by `need_transition`."""

from zonedesk.finance.services.consent import consent_grant, consent_revoke
from zonedesk.finance.services.followup import need_problem_open
from zonedesk.finance.services.needs import (
    NeedData,
    need_create,
    need_transition,
    need_update,
    response_days,
)
from zonedesk.finance.services.products import ProductData, product_create, product_update

__all__ = [
    "NeedData",
    "ProductData",
    "consent_grant",
    "consent_revoke",
    "need_create",
    "need_problem_open",
    "need_transition",
    "need_update",
    "product_create",
    "product_update",
    "response_days",
]
