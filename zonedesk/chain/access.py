"""Who may read and work on the industrial chains, written once (selectors scope the reads).

Reading: the administrators, leaders, officers, department staff and auditors of a unit see the
chains of their zones and of the areas over or under their unit (a zone's staff see their
county's, city's and province's chains; a city's see the city's, its counties' and its zones').
Department staff read them because they own investment leads too and recruit for the gaps (the
outside walk found them picking a lead's gap node they could not look at). Enterprise, bank and
security users see none.
Placing firms on a chain's nodes (suggest, confirm, reject, place by hand) and importing a
chain: the administrators, leaders and officers of the unit that owns the chain (a zone's
chain: that zone's, or an area's over it; an area's chain: that area's or one over it).
"""

from zonedesk.core.actors import Actor, is_system
from zonedesk.org.access import area_in_unit, is_active, zone_in_unit
from zonedesk.org.models import Role

READERS = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.DEPARTMENT, Role.AUDITOR)
WORKERS = (Role.ADMIN, Role.LEADER, Role.OFFICER)


def can_view_chains(user) -> bool:
    """Whether the chain pages are linked for the user (the selectors decide which chains)."""
    return is_active(user) and (user.is_superuser or user.has_role(*READERS))


def owns(actor: Actor, chain) -> bool:
    """The chain's owner (its zone or area) lies under the actor's unit."""
    if chain.zone_id is not None:
        return zone_in_unit(actor, chain.zone)
    return area_in_unit(actor, chain.area)


def can_place_firms(actor: Actor, chain) -> bool:
    """Suggest, confirm, reject or place firms on the chain's nodes."""
    if is_system(actor):
        return True
    return is_active(actor) and (
        actor.is_superuser or (actor.has_role(*WORKERS) and owns(actor, chain))
    )


def can_import_chains(actor: Actor) -> bool:
    """Import a chain from a workbook (the service checks the owner named in it)."""
    if is_system(actor):
        return True
    return is_active(actor) and (actor.is_superuser or actor.has_role(*WORKERS))
