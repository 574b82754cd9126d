"""Who may act on a firm's problems and contacts, written once (selectors scope the reads)."""

from zonedesk.core.actors import Actor, is_system
from zonedesk.enterprises.access import is_member
from zonedesk.org.access import MANAGER_ROLES, is_active, zone_in_unit
from zonedesk.org.models import Role

# Who may be responsible for an action of a firm's plan: the officials who act on firms (an
# auditor reads, a security administrator keeps accounts, firm and bank users are outside).
ACTING_ROLES = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.DEPARTMENT)


def may_own_action(user) -> bool:
    """An active official of a role that acts on firms (the zone is checked beside it)."""
    return is_active(user) and user.has_role(*ACTING_ROLES)


def plans_contacts(user) -> bool:
    """Whether the user plans visits and calls (the contacts due list has firms for them): an
    officer for their firms, a leader or administrator for the unit's; not a department, an
    auditor, a firm's or a bank's user, who are not offered the list."""
    return is_active(user) and (user.is_superuser or user.has_role(Role.OFFICER, *MANAGER_ROLES))


def is_manager(actor: Actor, enterprise) -> bool:
    """A leader or administrator of a unit that holds the firm's zone (or a superuser)."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    return actor.is_superuser or (
        actor.has_role(*MANAGER_ROLES) and zone_in_unit(actor, enterprise.zone)
    )


def is_firms_officer(actor: Actor, enterprise) -> bool:
    return (
        is_active(actor)
        and actor.has_role(Role.OFFICER)
        and enterprise.officer_id is not None
        and enterprise.officer_id == actor.pk
    )


def is_problems_officer(actor: Actor, problem) -> bool:
    """The officer named on the problem to follow it (a key project's service officer)."""
    return (
        is_active(actor)
        and actor.has_role(Role.OFFICER)
        and problem.officer_id is not None
        and problem.officer_id == actor.pk
    )


def is_department_staff(actor: Actor, department_id) -> bool:
    return (
        is_active(actor)
        and department_id is not None
        and actor.has_role(Role.DEPARTMENT)
        and actor.department_id == department_id
    )


def can_submit(actor: Actor, enterprise, officer=None) -> bool:
    """The firm itself, its liaison officer, the zone's managers; and the officer who will
    follow the problem (`officer`, a key project's service officer) when that is the actor."""
    return (
        is_member(actor, enterprise)
        or is_firms_officer(actor, enterprise)
        or is_manager(actor, enterprise)
        or (
            officer is not None
            and getattr(actor, "pk", None) == officer.pk
            and is_active(actor)
            and actor.has_role(Role.OFFICER)
            and zone_in_unit(actor, enterprise.zone)
        )
    )


def can_log_contact(actor: Actor, enterprise) -> bool:
    """The firm's liaison officer and the zone's managers."""
    return is_manager(actor, enterprise) or is_firms_officer(actor, enterprise)


def can_set_plan(actor: Actor, enterprise) -> bool:
    return can_log_contact(actor, enterprise)


def can_set_leading_cadre(actor: Actor, enterprise) -> bool:
    return is_manager(actor, enterprise)


def can_edit_calendar(actor: Actor) -> bool:
    return is_system(actor) or (
        is_active(actor) and (actor.is_superuser or actor.has_role(Role.ADMIN))
    )


def can_escalate(actor: Actor) -> bool:
    """The escalation page and its reminders: the leaders of a zone, and the leaders of an area
    over their zones (a city's), not the administrators who keep the accounts."""
    if is_system(actor):
        return True
    return is_active(actor) and (actor.is_superuser or actor.has_role(Role.LEADER))
