"""The 调度会 page and its xlsx export."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zonedesk.core.views import export_response
from zonedesk.core.xlsx import Column
from zonedesk.projects import access, selectors


@login_required
def meeting(request):
    """The scheduling meeting (调度会): red and yellow nodes beside the open guarantee items,
    grouped by department (or utility); printable on A4. Not for enterprise users (it lists
    other firms' projects)."""
    if not access.can_view_meeting(request.user):
        raise Forbidden
    groups = selectors.meeting_board(request.user)
    return render(
        request,
        "projects/meeting.html",
        {
            "groups": groups,
            "today": timezone.localdate(),
            "warn_days": selectors.warn_days(),
            "count": sum(len(g.items) for g in groups),
            "items": sum(len(g.guarantees) for g in groups),
        },
    )


@login_required
def meeting_export(request):
    """The scheduling meeting's rows as an .xlsx (the same rows as the page; the same users)."""
    if not access.can_view_meeting(request.user):
        raise Forbidden
    today = timezone.localdate()
    groups = selectors.meeting_board(request.user, today=today)
    columns = [
        Column(_("Department or utility"), 18),
        Column(pgettext("scheduling meeting row", "Kind"), 10),
        Column(_("Project"), 30),
        Column(_("Node or item"), 24),
        Column(_("Light or state"), 10),
        Column(_("Planned or due date"), 12, "date"),
        Column(_("Days late"), 8, "int"),
        Column(_("Person in charge"), 12),
        Column(_("Blocked by, or note"), 40, "wrap"),
    ]
    return export_response(
        request,
        [(_("Scheduling meeting"), columns, _meeting_rows(groups))],
        _("scheduling-meeting-%(day)s.xlsx") % {"day": today.isoformat()},
        what="scheduling meeting",
    )


def _meeting_rows(groups):
    """The meeting's rows as the page lists them: each group's nodes, then its open items."""
    for g in groups:
        name = g.name or _("No department in charge")
        for i in g.items:
            blocked = i.blocked_by
            yield [
                name,
                _("Node"),
                i.node.project.name,
                i.node.name,
                _("Red") if i.light == "red" else _("Yellow"),
                i.node.planned_on,
                i.late_days or None,
                i.node.person.full_name if i.node.person else "",
                str(blocked) if blocked else "",
            ]
        for r in g.guarantees:
            item = r.guarantee
            yield [
                name,
                _("Guarantee item"),
                item.project.name,
                str(item),
                _("Overdue") if r.overdue else pgettext("guarantee item", "Open"),
                item.due_on,
                r.late_days or None,
                "",
                item.note,
            ]
