"""Who may act on a firm's problems and contacts, written once (selectors scope the reads)."""

from zonedesk.org.access import MANAGER_ROLES, is_active, zone_in_unit
from zonedesk.org.models import Role


def is_system(actor) -> bool:
    """`None` or org.access.SYSTEM: the demo loader and commands."""
    return actor is None or (getattr(actor, "pk", None) is None and actor.is_superuser)


def is_manager(actor, enterprise) -> bool:
    """A leader or administrator of a unit that holds the firm's zone (or a superuser)."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    return actor.is_superuser or (
        actor.has_role(*MANAGER_ROLES) and zone_in_unit(actor, enterprise.zone)
    )


def is_firms_officer(actor, enterprise) -> bool:
    return (
        is_active(actor)
        and actor.has_role(Role.OFFICER)
        and enterprise.officer_id is not None
        and enterprise.officer_id == actor.pk
    )


def is_member(actor, enterprise) -> bool:
    """The firm's own enterprise user."""
    if not is_active(actor) or not actor.has_role(Role.ENTERPRISE):
        return False
    membership = getattr(actor, "enterprise_membership", None)
    return membership is not None and membership.enterprise_id == enterprise.pk


def is_department_staff(actor, department_id) -> bool:
    return (
        is_active(actor)
        and department_id is not None
        and actor.has_role(Role.DEPARTMENT)
        and actor.department_id == department_id
    )


def can_submit(actor, enterprise) -> bool:
    """The firm itself, its liaison officer, the zone's managers."""
    return (
        is_member(actor, enterprise)
        or is_firms_officer(actor, enterprise)
        or is_manager(actor, enterprise)
    )


def can_log_contact(actor, enterprise) -> bool:
    """The firm's liaison officer and the zone's managers."""
    return is_manager(actor, enterprise) or is_firms_officer(actor, enterprise)


def can_set_plan(actor, enterprise) -> bool:
    return can_log_contact(actor, enterprise)


def can_set_leading_cadre(actor, enterprise) -> bool:
    return is_manager(actor, enterprise)


def can_edit_calendar(actor) -> bool:
    return is_system(actor) or (
        is_active(actor) and (actor.is_superuser or actor.has_role(Role.ADMIN))
    )
