from zonedesk.notices import selectors


def unread(request):
    """The unread count for the badge in the top bar (one indexed count per page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notices_unread": selectors.unread_count(user)}
