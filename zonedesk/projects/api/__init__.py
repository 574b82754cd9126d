"""Key projects over the API: the projects with their lights, one project with its nodes,
completing a node, asking for a re-plan and deciding it, a project's re-plans; its element
guarantee items (add, change, done, a node blocked by one), its monthly investment and its
service requests (7x24: raise, respond, resolve). The same services and selectors as the
pages: scoping and every rule live there. One router, mounted by zonedesk.api, gathering the
routers of the modules that split it by topic."""

from ninja import Router

from zonedesk.projects.api import guarantees, invest, nodes, projects, requests

router = Router()
for part in (projects, nodes, guarantees, invest, requests):
    router.add_router("", part.router)
