"""Industrial chains and investment leads over the API: the chains with their node trees,
health, gaps and firms (api/chains.py); the leads pipeline, its moves, merges, signing and
funnel (api/leads.py). The same services and selectors as the pages: scoping and every rule
live there. One router, mounted by zonedesk.api."""

from ninja import Router

from zonedesk.chain.api import chains, leads

router = Router()
for part in (chains, leads):
    router.add_router("", part.router)
