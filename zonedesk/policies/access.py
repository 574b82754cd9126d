"""Who may edit the policy library and re-match: administrators and leaders of the unit that
the document covers (a province's documents by the province's staff, a zone's by the zone's)."""

from zonedesk.org.access import MANAGER_ROLES, area_in_unit, is_active, zone_in_unit


def can_edit_document(user, *, area=None, zone=None) -> bool:
    if not is_active(user):
        return False
    if user.is_superuser:
        return True
    if not user.has_role(*MANAGER_ROLES):
        return False
    if zone is not None:
        return zone_in_unit(user, zone)
    return area is not None and area_in_unit(user, area)


def can_preview_rules(user) -> bool:
    """Counting how many of a zone's firms a rule would select: the unit's staff (the counts are
    zone-wide figures, like the dashboard's)."""
    from zonedesk.org.access import can_view_dashboard

    return can_view_dashboard(user)


def can_edit_library(user) -> bool:
    """Whether the user may edit (or import) any part of the library at all."""
    return is_active(user) and (user.is_superuser or user.has_role(*MANAGER_ROLES))


def edit_refusal(user, *, document) -> str | None:
    """Why the user may not edit the document (or its measures), naming who may; None when
    the user may. The page that refuses says it, in place of a bare 403."""
    if can_edit_document(user, area=document.area, zone=document.zone):
        return None
    from django.utils.translation import gettext as _

    unit = document.zone if document.zone_id else document.area
    yours = getattr(user, "zone", None) or getattr(user, "area", None)
    return _(
        "“%(document)s” is a document of %(unit)s: only the administrators and leaders of "
        "%(unit)s can edit it and its measures (your account belongs to %(yours)s). Ask them "
        "for the change."
    ) % {"document": document.title, "unit": unit.name, "yours": yours.name if yours else "—"}
