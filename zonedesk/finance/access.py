"""Who may see and act on the bridge-loan fund and the inter-firm lending register, written once
(selectors scope the reads with the same rules).

Reading: the unit's administrators, leaders, officers and auditors see the funds, loans and
register of their zones; an enterprise user sees its own firm's bridge loans and register rows;
a bank user sees the bridge loans that repay a loan at its bank (not the fund's totals, not the
register). Department and security staff see neither.
Acting (applying for a firm, approving, disbursing, recording the repayment, refusing;
registering a loan or a guarantee between firms): the leaders and liaison officers of a unit
over the zone.
"""

from zonedesk.core.actors import Actor, is_system
from zonedesk.org.access import MANAGER_ROLES, is_active, zone_in_unit
from zonedesk.org.models import Role

UNIT_READERS = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.AUDITOR)
ACTORS = (Role.LEADER, Role.OFFICER)


def is_unit_reader(user) -> bool:
    return is_active(user) and (user.is_superuser or user.has_role(*UNIT_READERS))


def can_view_bridge(user) -> bool:
    """Whether the bridge-loan pages are linked for the user (the selectors decide which rows)."""
    return is_active(user) and (
        user.is_superuser or user.has_role(*UNIT_READERS, Role.ENTERPRISE, Role.BANK)
    )


def can_view_fund(user) -> bool:
    """The fund's dashboard (available, out, due, overdue; exposure per firm and bank)."""
    return is_unit_reader(user)


def can_view_register(user) -> bool:
    """The lending register: the unit's readers, and a firm's user (its own rows)."""
    return is_active(user) and (user.is_superuser or user.has_role(*UNIT_READERS, Role.ENTERPRISE))


def can_view_graph(user) -> bool:
    """The guarantee graph shows every firm's guarantees: the unit's readers only."""
    return is_unit_reader(user)


def can_act_on_bridge(actor: Actor, zone) -> bool:
    """Apply for a firm of `zone`, approve, disburse, record the repayment, refuse."""
    if is_system(actor):
        return True
    return is_active(actor) and (
        actor.is_superuser or (actor.has_role(*ACTORS) and zone_in_unit(actor, zone))
    )


def can_set_up_fund(actor: Actor, zone) -> bool:
    """Set up a fund and its limits: the leaders and administrators over the zone."""
    if is_system(actor):
        return True
    return is_active(actor) and (
        actor.is_superuser or (actor.has_role(*MANAGER_ROLES) and zone_in_unit(actor, zone))
    )


def can_register_lending(actor: Actor, zone) -> bool:
    """Register a loan or a guarantee between firms of `zone`."""
    return can_act_on_bridge(actor, zone)


def can_act_somewhere(user) -> bool:
    """Whether to offer the forms at all (the zone is checked when the record is known)."""
    return is_active(user) and (user.is_superuser or user.has_role(*ACTORS))
