"""Who may do what with financing, written once (selectors scope the reads).

The firm's side: the firm's own user, its liaison officer and the leaders and administrators of
the firm's zone itself (a user of that zone, not of a county, city or province over it) raise
and edit a need, share it and withdraw it. Consent to show a need to a bank is the firm's: its
user gives it, or its liaison officer records the firm's written consent.
The bank's side: a user of a bank that holds an active consent for the need moves it (receive,
review, approve or decline, disburse, repaid), once the need is not handled by another bank.
A bank's products are maintained by that bank's users only.
Reading: the unit's leaders, administrators, officers and auditors see the needs of their
zones; a firm's user its own; a bank user the needs shared with its bank while the consent
stands; department staff and the security administrator none.

The bridge-loan fund and the inter-firm lending register. Reading: the unit's administrators, leaders, officers and auditors see the funds, loans and
register of their zones; an enterprise user sees its own firm's bridge loans and register rows;
a bank user sees the bridge loans that repay a loan at its bank (not the fund's totals, not the
register). Department and security staff see neither.
Acting (applying for a firm, approving, disbursing, recording the repayment, refusing;
registering a loan or a guarantee between firms): the leaders and liaison officers of the zone
itself. Users of a county, city or province over the zone read its financing and do not act on
it: the zone's money and the zone's firms are the zone's to decide (`of_zone`). Setting up a
fund and changing its size and limits: the leaders and administrators of the fund's own zone
only (docs/security.md, "Financing: who sees and sets what").
"""

from zonedesk.core.actors import Actor, is_system
from zonedesk.enterprises.access import is_member
from zonedesk.org.access import MANAGER_ROLES, is_active, zone_in_unit
from zonedesk.org.models import Role

UNIT_READERS = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.AUDITOR)


def can_view_finance(user) -> bool:
    """Whether the financing pages are linked for the user (the selectors decide which)."""
    return is_active(user) and (
        user.is_superuser or user.has_role(*UNIT_READERS, Role.ENTERPRISE, Role.BANK)
    )


ACTORS = (Role.LEADER, Role.OFFICER)


def is_unit_reader(user) -> bool:
    return is_active(user) and (user.is_superuser or user.has_role(*UNIT_READERS))


def can_view_bridge(user) -> bool:
    """Whether the bridge-loan pages are linked for the user (the selectors decide which rows)."""
    return is_active(user) and (
        user.is_superuser or user.has_role(*UNIT_READERS, Role.ENTERPRISE, Role.BANK)
    )


def can_view_pipeline(user) -> bool:
    """The needs pipeline of the unit: its staff (a firm sees its tab, a bank its inbox)."""
    return is_active(user) and (user.is_superuser or user.has_role(*UNIT_READERS))


def is_bank_user(user) -> bool:
    return (
        is_active(user) and user.has_role(Role.BANK) and getattr(user, "bank_id", None) is not None
    )


def of_zone(actor: Actor, zone) -> bool:
    """A user of `zone` itself (actor.zone_id == zone.pk): not of a unit above it."""
    return actor.zone_id is not None and zone is not None and actor.zone_id == zone.pk


def is_officer_of(actor: Actor, enterprise) -> bool:
    return (
        not is_system(actor)
        and is_active(actor)
        and actor.has_role(Role.OFFICER)
        and enterprise.officer_id is not None
        and enterprise.officer_id == actor.pk
        and zone_in_unit(actor, enterprise.zone)
    )


def can_raise_need(actor: Actor, enterprise) -> bool:
    """Raise, edit, share or withdraw a firm's need: its user, its officer, the managers of the
    firm's zone itself (a county's or city's leaders read it only)."""
    if is_system(actor):
        return True
    if not is_active(actor):
        return False
    if actor.is_superuser or is_member(actor, enterprise) or is_officer_of(actor, enterprise):
        return True
    return actor.has_role(*MANAGER_ROLES) and of_zone(actor, enterprise.zone)


def can_consent(actor: Actor, enterprise) -> bool:
    """Give or revoke the firm's consent: its user, or its officer recording the firm's
    written consent."""
    if is_system(actor):
        return True
    return is_member(actor, enterprise) or is_officer_of(actor, enterprise)


def bank_may_act(actor: Actor, need, active_banks) -> bool:
    """A user of a bank holding an active consent for the need, not handled by another bank.
    `active_banks`: the ids of the banks with an active consent."""
    if is_system(actor):
        return True
    if not is_bank_user(actor) or actor.bank_id not in active_banks:
        return False
    return need.bank_id is None or need.bank_id == actor.bank_id


def can_edit_product(actor: Actor, bank) -> bool:
    """A bank's products: its own users only."""
    if is_system(actor):
        return True
    return is_bank_user(actor) and actor.bank_id == bank.pk


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
    """Apply for a firm of `zone`, approve, disburse, record the repayment, refuse: the leaders
    and liaison officers of the zone itself (a county's or city's read the loans only)."""
    if is_system(actor):
        return True
    return is_active(actor) and (
        actor.is_superuser or (actor.has_role(*ACTORS) and of_zone(actor, zone))
    )


def can_set_up_fund(actor: Actor, zone) -> bool:
    """Set up a fund and its limits: the leaders and administrators of the zone itself. The fund
    is the zone's (its platform company's money, lent under the zone's rules), so a county's or
    city's leaders, who see it on the dashboard, do not change its size or limits."""
    if is_system(actor):
        return True
    return is_active(actor) and (
        actor.is_superuser or (actor.has_role(*MANAGER_ROLES) and of_zone(actor, zone))
    )


def can_register_lending(actor: Actor, zone) -> bool:
    """Register a loan or a guarantee between firms of `zone`."""
    return can_act_on_bridge(actor, zone)


def can_act_somewhere(user) -> bool:
    """Whether to offer the forms at all: a leader or officer of a zone (the zone is checked
    when the record is known); a county's or city's users are offered none."""
    return is_active(user) and (
        user.is_superuser or (user.has_role(*ACTORS) and user.zone_id is not None)
    )
