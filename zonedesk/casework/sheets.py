"""The casework lists as xlsx sheets (every list officials see can be exported)."""

from django.utils.translation import gettext as _

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
