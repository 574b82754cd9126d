"""Who may change a firm, and who sees its contacts unmasked."""

from zonedesk.org.access import MANAGER_ROLES, is_active, zone_in_unit
from zonedesk.org.models import Role


def can_create(user, zone) -> bool:
    return is_active(user) and (
        user.is_superuser or (user.has_role(*MANAGER_ROLES) and zone_in_unit(user, zone))
    )


def can_create_somewhere(user) -> bool:
    """Whether to offer registering firms at all (the zone is checked when one is chosen)."""
    return is_active(user) and (user.is_superuser or user.has_role(*MANAGER_ROLES))


def can_edit(user, enterprise) -> bool:
    """Managers of the firm's zone, and the firm's own liaison officer."""
    if not is_active(user):
        return False
    if user.is_superuser:
        return True
    if user.has_role(*MANAGER_ROLES) and zone_in_unit(user, enterprise.zone):
        return True
    return user.has_role(Role.OFFICER) and enterprise.officer_id == user.pk


def can_assign_officer(user, enterprise) -> bool:
    return can_create(user, enterprise.zone)


def can_import(user) -> bool:
    return is_active(user) and (user.is_superuser or user.has_role(*MANAGER_ROLES))


def can_see_contacts(user, enterprise) -> bool:
    """Phone numbers in full for those who call the firm; masked for everybody else."""
    if not is_active(user):
        return False
    if user.is_superuser or can_edit(user, enterprise):
        return True
    membership = getattr(user, "enterprise_membership", None)
    return (
        user.has_role(Role.ENTERPRISE)
        and membership is not None
        and membership.enterprise_id == enterprise.pk
    )


def is_member(user, enterprise) -> bool:
    """The firm's own enterprise user."""
    if not is_active(user) or not user.has_role(Role.ENTERPRISE):
        return False
    membership = getattr(user, "enterprise_membership", None)
    return membership is not None and membership.enterprise_id == enterprise.pk
