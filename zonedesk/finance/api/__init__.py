"""Financing over the API: needs (list, one, raise, move), the firm's consent (grant, revoke)
and bank products (library, create, update). One router, mounted by zonedesk.api, gathering the
routers of the modules that split it by topic."""

from ninja import Router

from zonedesk.finance.api import needs, products

router = Router()
for part in (needs, products):
    router.add_router("", part.router)
