"""Financing over the API: one router, mounted by zonedesk.api, gathering the routers of the
modules that split it by topic (needs, products, bridge loans, lending). The same services and selectors as the pages."""

from ninja import Router

from zonedesk.finance.api import bridge, lending, needs, products

router = Router()
for part in (needs, products, bridge, lending):
    router.add_router("", part.router)
