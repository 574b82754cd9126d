"""Who may see and edit the work summary's drafts."""

from zonedesk.org.access import is_active
from zonedesk.org.models import Role

# The zone's or area's officials who write the summary: its leaders, administrators and liaison
# officers. Department staff are left out (a draft holds the liaison sections their role does
# not show), and so are auditors (they read, they do not write documents).
DRAFT_ROLES = (Role.ADMIN, Role.LEADER, Role.OFFICER)


def can_draft(user) -> bool:
    """Whether the user's role writes summaries; the zone or area must also be theirs (the
    selectors check that with monitoring's scope)."""
    return is_active(user) and (user.is_superuser or user.has_role(*DRAFT_ROLES))
