"""Who may read and work on the industrial chains, written once (selectors scope the reads).

Reading: the administrators, leaders, officers, department staff and auditors of a unit see the
chains of their zones and of the areas over or under their unit (a zone's staff see their
county's, city's and province's chains; a city's see the city's, its counties' and its zones').
Department staff read them because they own investment leads too and recruit for the gaps (the
outside walk found them picking a lead's gap node they could not look at). Enterprise, bank and
security users see none.

Acting follows financing and investment leads: users of a unit above a zone read the zone's
chains and do not act on them (the zone's firms are the zone's to place).
- A zone's chain: its definition (import) and its firms (suggest, confirm, reject, place by
  hand) are worked by the administrators, leaders and officers of that zone itself
  (actor.zone_id == chain.zone_id), not by a county, city or province over it.
- An area's chain (a city's or province's map shared by its zones): defined by that area's own
  administrators and leaders (actor.area_id == chain.area_id, not an area over it); its firms are
  placed by the administrators, leaders and officers of a zone under the area, each zone its own
  firms only (services.chain_firms: the actor's scope).
"""

from zonedesk.core.actors import Actor, is_system
from zonedesk.org.access import is_active
from zonedesk.org.models import Role

READERS = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.DEPARTMENT, Role.AUDITOR)
WORKERS = (Role.ADMIN, Role.LEADER, Role.OFFICER)
AREA_DEFINERS = (Role.ADMIN, Role.LEADER)


def can_view_chains(user) -> bool:
    """Whether the chain pages are linked for the user (the selectors decide which chains)."""
    return is_active(user) and (user.is_superuser or user.has_role(*READERS))


def of_zone(actor: Actor, zone_id) -> bool:
    """A user of the zone itself (not of an area above it)."""
    return getattr(actor, "zone_id", None) is not None and actor.zone_id == zone_id


def of_area(actor: Actor, area_id) -> bool:
    """A user of the area itself (not of an area above it, nor of a zone under it)."""
    return getattr(actor, "area_id", None) is not None and actor.area_id == area_id


def _zone_under_area(actor: Actor, area) -> bool:
    """The actor is a zone user whose zone lies under `area`."""
    if getattr(actor, "zone_id", None) is None or area is None:
        return False
    return actor.zone.area.code.startswith(area.scope_prefix)


def can_define_chain(actor: Actor, chain) -> bool:
    """Create a chain or bring it to a workbook (its nodes, industries, thresholds)."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    if actor.is_superuser:
        return True
    if chain.zone_id is not None:
        return actor.has_role(*WORKERS) and of_zone(actor, chain.zone_id)
    return actor.has_role(*AREA_DEFINERS) and of_area(actor, chain.area_id)


def can_place_firms(actor: Actor, chain) -> bool:
    """Suggest, confirm, reject or place firms on the chain's nodes (the firms: those of the
    actor's own zone, services.chain_firms)."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    if actor.is_superuser:
        return True
    if not actor.has_role(*WORKERS):
        return False
    if chain.zone_id is not None:
        return of_zone(actor, chain.zone_id)
    return _zone_under_area(actor, chain.area)


def can_import_chains(actor: Actor) -> bool:
    """Whether to offer the import at all: a user who may define some chain (the owner choices
    and the service check the unit named)."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    if actor.is_superuser:
        return True
    if getattr(actor, "zone_id", None) is not None:
        return actor.has_role(*WORKERS)
    return getattr(actor, "area_id", None) is not None and actor.has_role(*AREA_DEFINERS)
