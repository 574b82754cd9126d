"""The policy pages' tables as xlsx sheets (every list officials see can be exported)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from zonedesk.core.xlsx import Column
from zonedesk.policies.selectors import CoverageRow


def total_row(rows: list[CoverageRow]) -> CoverageRow | None:
    if not rows:
        return None
    return CoverageRow(
        "total",
        _("All levels"),
        sum(r.measures for r in rows),
        sum(r.eligible for r in rows),
        sum(r.notified for r in rows),
        sum(r.done for r in rows),
        sum((r.estimated_wan for r in rows), Decimal(0)),
        sum((r.disbursed_wan for r in rows), Decimal(0)),
    )


def _rate(value) -> Decimal | None:
    return None if value is None else (value * 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _coverage_columns(first: str, *, per_measure: bool = False) -> list[Column]:
    return [
        Column(first, 30),
        *([] if per_measure else [Column(_("Measures"), 10, "int")]),
        Column(_("Eligible pairs"), 12, "int"),
        Column(_("Notified"), 10, "int"),
        Column(_("Notified, 一条不漏 (%)"), 12, "wan"),
        Column(_("Received or declined"), 12, "int"),
        Column(_("Received, 应享尽享 (%)"), 12, "wan"),
        Column(_("Estimated (10k yuan)"), 16, "wan"),
        Column(_("Disbursed (10k yuan)"), 16, "wan"),
    ]


def _coverage_cells(r: CoverageRow, *, per_measure: bool = False) -> list:
    return [
        r.label,
        *([] if per_measure else [r.measures]),
        r.eligible,
        r.notified,
        _rate(r.notified_rate),
        r.done,
        _rate(r.done_rate),
        r.estimated_wan,
        r.disbursed_wan,
    ]


def coverage_sheets(by_level, by_measure, unclaimed, by_zone=(), zones_total=None):
    """The coverage page's tables; with the zones a city or county oversees and their total
    first when there are several."""
    if zones_total is not None:
        yield (
            _("By zone"),
            _coverage_columns(_("Zone")),
            [_coverage_cells(r) for r in [*by_zone, zones_total]],
        )
    total = total_row(by_level)
    levels = [_coverage_cells(r) for r in [*by_level, *([total] if total else [])]]
    yield _("By level"), _coverage_columns(_("Issuing level")), levels
    yield (
        _("By measure"),
        _coverage_columns(_("Measure"), per_measure=True),
        [_coverage_cells(r, per_measure=True) for r in by_measure],
    )
    yield (
        _("Unclaimed"),
        [
            Column(_("Enterprise"), 30),
            Column(_("Liaison officer"), 12),
            Column(_("Benefits not received"), 12, "int"),
            Column(_("Estimated (10k yuan)"), 16, "wan"),
        ],
        [
            [
                u["enterprise__name"],
                u["enterprise__officer__full_name"] or "",
                u["pairs"],
                u["estimated"],
            ]
            for u in unclaimed
        ],
    )


def open_sheet(rows):
    columns = [
        Column(_("Enterprise"), 30),
        Column(_("Unified social credit code"), 22, "text"),
        Column(_("Liaison officer"), 12),
        Column(_("Issuing level"), 8),
        Column(_("Document"), 30),
        Column(_("Clause"), 8),
        Column(_("Measure"), 30),
        Column(_("Application mode"), 14),
        Column(_("State"), 10),
        Column(_("Estimated (10k yuan)"), 14, "wan"),
        Column(_("Approved (10k yuan)"), 14, "wan"),
        Column(_("Decided"), 12, "date"),
    ]
    return (
        _("Open benefits"),
        columns,
        (
            [
                e.enterprise.name,
                e.enterprise.credit_code,
                str(e.enterprise.officer or ""),
                e.measure.document.get_level_display(),
                str(e.measure.document),
                e.measure.clause,
                e.measure.title,
                e.measure.get_mode_display(),
                e.get_state_display(),
                e.estimate_wan,
                e.approved_wan,
                timezone.localtime(e.decided_at).date(),
            ]
            for e in rows.iterator(chunk_size=2000)
        ),
    )
