"""The notification centre over the API: the caller's own notifications and what is due for
them; marking read. The same selectors and services as the page."""

from django.utils import timezone
from ninja import Router
from ninja.pagination import paginate

from zonedesk.core.pagination import LazyPage, Pagination
from zonedesk.notices import selectors, services
from zonedesk.notices.models import Notification
from zonedesk.notices.schemas import DueItemOut, NotificationOut

router = Router(tags=["notices"])


def _out(n: Notification) -> dict:
    return {
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "link": n.link,
        "sender": str(n.sender) if n.sender_id else None,
        "created": n.created,
        "read_at": n.read_at,
    }


@router.get("/notices", response=list[NotificationOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_notices(request, unread: bool = False):
    """The caller's notifications, newest first (`unread=true`: only those not read yet)."""
    return LazyPage(selectors.notifications(request.user, unread_only=unread), _out)


@router.post("/notices/{notice_id}/read", response=NotificationOut)
def read_notice(request, notice_id: int):
    """Mark one of the caller's notifications read (again: no change); another's is not found."""
    return _out(services.notification_read(actor=request.user, pk=notice_id))


@router.get("/notices/due", response=list[DueItemOut])
def due_for_me(request):
    """What is due for the caller today: contacts, problem deadlines, benefit steps."""
    return [
        {
            "kind": i.kind,
            "title": i.title,
            "detail": i.detail,
            "link": i.link,
            "due_on": i.due_on,
            "overdue": i.overdue,
        }
        for i in selectors.due_for(request.user, today=timezone.localdate())
    ]
