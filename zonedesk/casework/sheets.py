"""The casework lists as xlsx sheets (every list officials see can be exported)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.casework.flows import is_overdue
from zonedesk.core.xlsx import Column


def _columns(first: str) -> list[Column]:
    return [
        Column(first, 24),
        Column(_("Raised"), 10, "int"),
        Column(_("Open"), 10, "int"),
        Column(_("Overdue"), 10, "int"),
        Column(_("Resolved"), 10, "int"),
        Column(_("Working days to resolve"), 14, "wan"),
        Column(_("Satisfaction"), 10, "wan"),
    ]


def _cells(r, label: str | None = None) -> list:
    return [
        label or r.label or _("Not yet assigned"),
        r.raised,
        r.open,
        r.overdue,
        r.resolved,
        r.avg_days_to_resolve,
        r.satisfaction_avg,
    ]


def overview_sheets(o):
    yield (
        _("By category"),
        _columns(_("Category")),
        [
            *map(_cells, o.by_category),
            _cells(o.total, _("All categories")),
        ],
    )
    yield _("By department"), _columns(_("Department")), [_cells(r) for r in o.by_department]


def problems_sheet(qs, today):
    columns = [
        Column(_("Enterprise"), 30),
        Column(_("Category"), 14),
        Column(_("Problem"), 36),
        Column(_("Severity"), 8),
        Column(_("Status"), 12),
        Column(_("Department"), 14),
        Column(_("Raised"), 12, "date"),
        Column(_("Due"), 12, "date"),
        Column(_("Due date on ordinary weeks"), 10),
        Column(_("Overdue"), 8),
        Column(_("Satisfaction"), 10, "int"),
    ]
    rows = (
        [
            p.enterprise.name,
            p.get_category_display(),
            p.title,
            p.get_severity_display(),
            p.get_status_display(),
            p.department.name if p.department_id else "",
            timezone.localtime(p.created_at).date(),
            p.due_at,
            p.due_uncertain,
            is_overdue(p, today),
            p.satisfaction,
        ]
        for p in qs.iterator(chunk_size=2000)
    )
    return _("Problems"), columns, rows


def _due_note(r) -> str:
    if r.never_contacted:
        return _("Never contacted")
    if r.never_visited:
        return _("Never visited")
    return ""


def contacts_due_sheet(rows):
    """The contacts due, each kind's days overdue counted from the last contact of that kind;
    a firm never visited says so instead of a count."""
    columns = [
        Column(_("Enterprise"), 30),
        Column(_("At risk"), 8),
        Column(_("Visit every (days)"), 10, "int"),
        Column(_("Call every (days)"), 10, "int"),
        Column(_("Last visit"), 12, "date"),
        Column(_("Last contact"), 12, "date"),
        Column(_("Visit overdue (days)"), 10, "int"),
        Column(_("Call overdue (days)"), 10, "int"),
        Column(_("Note"), 12),
    ]
    return (
        _("Contacts due"),
        columns,
        [
            [
                r.enterprise.name,
                r.at_risk,
                r.visit_every_days,
                r.call_every_days,
                r.last_visit,
                r.last_contact,
                r.visit_days_overdue,
                r.call_days_overdue,
                _due_note(r),
            ]
            for r in rows
        ],
    )


def _names(users) -> str:
    return "、".join(str(u) for u in users)


def ledger_sheets(contacts, never):
    """The visit ledger: every contact as recorded, then the firms never visited."""
    columns = [
        Column(_("Date"), 12, "date"),
        Column(_("Enterprise"), 30),
        Column(_("Kind"), 12),
        Column(_("Participants"), 18),
        Column(_("Recorded by"), 12),
        Column(_("Notes"), 40),
        Column(_("Figures seen"), 30),
        Column(_("Problems heard"), 30),
        Column(_("Follow up on"), 12, "date"),
    ]
    yield (
        _("Visit ledger"),
        columns,
        (
            [
                c.date,
                c.enterprise.name,
                c.get_kind_display(),
                _names(c.participants.all()),
                str(c.created_by) if c.created_by_id else "",
                c.notes,
                c.figures_seen,
                "；".join(p.title for p in c.problems.all()),
                c.follow_up_on,
            ]
            for c in contacts.iterator(chunk_size=500)
        ),
    )
    yield (
        _("Never visited"),
        [Column(_("Enterprise"), 30), Column(_("Liaison officer"), 14), Column(_("Note"), 12)],
        ([e.name, str(e.officer) if e.officer_id else "", _("Never visited")] for e in never),
    )
