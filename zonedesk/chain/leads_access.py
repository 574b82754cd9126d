"""Who may do what with investment leads, written once (leads_selectors scope the reads).

Investment work uses the existing roles, no role of its own:
- the zone's leaders and administrators see all the zone's leads, edit and move any of them,
  merge duplicates and sign (signing registers a key project, which only the zone's own leaders
  and administrators do: projects.access.can_create_project);
- the zone's liaison officers and department staff add leads (they own them), edit and move
  their own, and see the zone's whole pipeline;
- the leaders, administrators and auditors of a city or province read the leads of their zones
  (the zone's auditor reads its zone's);
- firm, bank and security users see none.
"""

from zonedesk.core.actors import Actor, is_system
from zonedesk.org.access import is_active, zone_in_unit
from zonedesk.org.models import Role

READERS = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.DEPARTMENT, Role.AUDITOR)
MANAGERS = (Role.ADMIN, Role.LEADER)
OWNERS = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.DEPARTMENT)


def can_view_leads(user) -> bool:
    """Whether the leads pages are linked for the user (the selectors decide which rows)."""
    return is_active(user) and (user.is_superuser or user.has_role(*READERS))


def _of_zone(actor: Actor, zone) -> bool:
    """The actor works in the zone itself (not an area above it)."""
    return actor.zone_id is not None and actor.zone_id == zone.pk


def can_manage_leads(actor: Actor, zone) -> bool:
    """See, edit and move every lead of the zone, merge duplicates, sign: its leaders and
    administrators."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    return actor.is_superuser or (actor.has_role(*MANAGERS) and _of_zone(actor, zone))


def can_add_lead(actor: Actor, zone) -> bool:
    """Add a lead of the zone (the actor owns it): the zone's own staff who work leads."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    return actor.is_superuser or (actor.has_role(*OWNERS) and _of_zone(actor, zone))


def can_add_somewhere(user) -> bool:
    """Whether to offer the new-lead form at all."""
    return is_active(user) and (
        user.is_superuser or (user.zone_id is not None and user.has_role(*OWNERS))
    )


def can_edit_lead(actor: Actor, lead) -> bool:
    """Edit a lead, log its activities and move it: its owner, or the zone's managers."""
    if can_manage_leads(actor, lead.zone):
        return True
    return (
        is_active(actor)
        and lead.owner_id == actor.pk
        and actor.has_role(*OWNERS)
        and zone_in_unit(actor, lead.zone)
    )


def is_owner_or_manager(actor: Actor, lead) -> bool:
    return can_edit_lead(actor, lead)
