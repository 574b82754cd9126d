"""Who may report, confirm and import monthly figures, and who sees the zone's dashboard."""

from zonedesk.enterprises import access as enterprise_access
from zonedesk.enterprises.access import is_member
from zonedesk.org.access import MANAGER_ROLES, is_active, zone_in_unit
from zonedesk.org.models import Role


def can_report(user, enterprise) -> bool:
    """The firm's own enterprise user, its liaison officer and the zone's managers."""
    if not is_active(user):
        return False
    return enterprise_access.can_edit(user, enterprise) or is_member(user, enterprise)


def can_confirm(user, enterprise) -> bool:
    """The liaison officer (or a manager) confirms what the firm reported."""
    return enterprise_access.can_edit(user, enterprise)


def can_confirm_in(user, zone) -> bool:
    """Whether to offer confirming a zone's reports at all: its managers and officers."""
    return is_active(user) and (
        user.is_superuser
        or (user.has_role(*MANAGER_ROLES, Role.OFFICER) and zone_in_unit(user, zone))
    )


def can_import(user, zone) -> bool:
    return is_active(user) and (
        user.is_superuser or (user.has_role(*MANAGER_ROLES) and zone_in_unit(user, zone))
    )


def can_set_target(user, zone) -> bool:
    return can_import(user, zone)


def can_set_size(user, zone) -> bool:
    """Deriving a year's above-size statuses and setting one by hand: the zone's managers."""
    return can_import(user, zone)
