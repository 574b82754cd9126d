from functools import partial

from zonedesk.notices import selectors


def unread(request):
    """The unread count for the badge in the top bar: counted only when a page is rendered (a
    template calls a callable; a page served whole from a cache asks nothing more), once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notices_unread": partial(selectors.unread_badge, request)}
