"""Who may do what, written once. Reads are scoped by the selectors; these predicates guard writes.

A user belongs to one unit (a zone or an area); an area covers every zone whose area code
starts with its prefix (51 province, 5117 city, 511723 county).
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zonedesk.core.actors import Actor
from zonedesk.org.models import Role, Zone

# Roles that see every firm under their unit (officers edit only their own firms).
UNIT_WIDE_ROLES = (Role.ADMIN, Role.LEADER, Role.OFFICER, Role.DEPARTMENT, Role.AUDITOR)
MANAGER_ROLES = (Role.ADMIN, Role.LEADER)
# Separation of duties (MLPS level 3, 三权分立): the system administrator (accounts and
# configuration), the security administrator (roles, lock-outs, security policies) and the
# auditor (reads the audit log) are three people; no account holds two of these roles.
DUTY_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})
# The roles of the zone's daily work, which the system administrator gives with an account.
BUSINESS_ROLES = frozenset(Role.values) - DUTY_ROLES


def is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_bank_only(user) -> bool:
    """A bank's account with no staff or firm role: it sees no firm's records, only the needs
    shared with its bank (finance)."""
    return (
        is_active(user)
        and not user.is_superuser
        and user.has_role(Role.BANK)
        and not user.has_role(*UNIT_WIDE_ROLES, Role.ENTERPRISE)
    )


def sees_firm_records(user) -> bool:
    """Whether the firm list and casework are linked for the user (not for a bank's account)."""
    return not is_bank_only(user)


def zone_in_unit(user, zone: Zone) -> bool:
    """True when `zone` lies under the user's unit."""
    if not is_active(user):
        return False
    if user.is_superuser:
        return True
    if user.zone_id is not None:
        return user.zone_id == zone.pk
    if user.area_id is not None:
        return zone.area.code.startswith(user.area.scope_prefix)
    return False


def area_in_unit(user, area) -> bool:
    if not is_active(user):
        return False
    if user.is_superuser:
        return True
    return user.area_id is not None and area.code.startswith(user.area.scope_prefix)


def can_manage_zone(user, zone: Zone) -> bool:
    return is_active(user) and (
        user.is_superuser or (user.has_role(Role.ADMIN) and zone_in_unit(user, zone))
    )


def can_create_zone(user, area) -> bool:
    return is_active(user) and (
        user.is_superuser or (user.has_role(Role.ADMIN) and area_in_unit(user, area))
    )


def can_read_audit(user) -> bool:
    """The auditor's duty alone: the administrators whose actions the log records do not read
    it (nor the security administrator), so none of them can watch their own trail."""
    return is_active(user) and (user.is_superuser or user.has_role(Role.AUDITOR))


def can_manage_security(user) -> bool:
    """Roles, lock-outs and security policies: the security administrator's duty."""
    return is_active(user) and (user.is_superuser or user.has_role(Role.SECURITY))


# Roles that must pass a second factor (TOTP or a recovery code) after the password: the
# administrators of level 3's separated duties. Superusers and staff (the site admin) too.
SECOND_FACTOR_ROLES = (Role.ADMIN, Role.SECURITY)


def second_factor_required(user) -> bool:
    """Whether the user may not work without a second factor (others may choose one)."""
    return is_active(user) and (
        user.is_superuser or user.is_staff or user.has_role(*SECOND_FACTOR_ROLES)
    )


def can_manage_user_security(actor: Actor, user) -> bool:
    """The security administrator acts on the accounts of their unit (a superuser's only when
    a superuser themselves), e.g. to remove a lost second factor."""
    if not can_manage_security(actor):
        return False
    if actor.is_superuser:
        return True
    if user.is_superuser:
        return False
    if user.zone is not None:
        return zone_in_unit(actor, user.zone)
    return user.area is not None and area_in_unit(actor, user.area)


def can_manage_users(user) -> bool:
    """Whether to show user administration at all."""
    return is_active(user) and (user.is_superuser or user.has_role(Role.ADMIN))


def can_open_users(user) -> bool:
    """The user list: the system administrator (accounts) and the security administrator
    (roles)."""
    return can_manage_users(user) or can_manage_security(user)


def _user_in_unit(actor: Actor, user) -> bool:
    """`user` lies under the actor's unit; superusers are reached by superusers only."""
    if actor.is_superuser:
        return True
    if user.is_superuser:
        return False
    if user.zone is not None:
        return zone_in_unit(actor, user.zone)
    return user.area is not None and area_in_unit(actor, user.area)


def can_manage_user(actor: Actor, user) -> bool:
    """The system administrator manages the accounts (name, unit, password, whether they may
    log in) of their unit; superusers are managed by superusers only."""
    return can_manage_users(actor) and _user_in_unit(actor, user)


def can_grant_roles(actor: Actor, user) -> bool:
    """The security administrator grants and withdraws the roles of the users of their unit."""
    return can_manage_security(actor) and _user_in_unit(actor, user)


def grantable_roles(actor: Actor) -> frozenset[str]:
    """The roles `actor` may grant or withdraw: every role for the security administrator (and
    the system), the daily-work roles for the system administrator with the accounts it opens;
    the three duties never by the system administrator."""
    if can_manage_security(actor):
        return frozenset(Role.values)
    if can_manage_users(actor):
        return BUSINESS_ROLES
    return frozenset()


def can_view_dashboard(user) -> bool:
    """The zone-wide figures: staff of the unit (firm and bank users see only their own)."""
    return is_active(user) and (user.is_superuser or user.has_role(*UNIT_WIDE_ROLES))


# Why a page or the API refuses a user whose password expired (org.middleware, the API).
PASSWORD_EXPIRED = _("Your password has expired. Choose a new one to go on.")

# Firm and bank accounts: outside the administration, their passwords follow their own period.
EXTERNAL_ROLES = frozenset({Role.ENTERPRISE, Role.BANK})


def password_max_age_days(user) -> int:
    """How many days a password lasts (0: for ever): staff (government-side roles, superusers)
    and external users (firm and bank accounts) have their own settings."""
    external = not user.is_superuser and user.roles and user.roles <= EXTERNAL_ROLES
    key = "PASSWORD_MAX_AGE_DAYS_EXTERNAL" if external else "PASSWORD_MAX_AGE_DAYS"
    return settings.ZONEDESK[key]


def password_expired(user) -> bool:
    """Whether the user must change their password before anything else: it is older than
    their period, or an administrator set it (org.services)."""
    if not is_active(user) or not hasattr(user, "password_changed_at"):
        return False
    changed = user.password_changed_at
    if changed is None:
        return True
    age = timezone.now() - changed
    limits = [
        settings.ZONEDESK[k] for k in ("PASSWORD_MAX_AGE_DAYS", "PASSWORD_MAX_AGE_DAYS_EXTERNAL")
    ]
    if all(not d or age <= dt.timedelta(days=d) for d in limits):
        return False  # young enough for either period: the roles need not be read
    days = password_max_age_days(user)
    return bool(days) and age > dt.timedelta(days=days)
