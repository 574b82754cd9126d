"""A Status as the dashboard shows it: cards, tables and chart series, and the same as xlsx.

Every chart has its table: the series here feed both the ECharts script and the tables and
the workbook, so they cannot disagree.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zonedesk.core.xlsx import Column
from zonedesk.monitoring import figures
from zonedesk.monitoring.indicators import MEASURES, CapacityClass, percent
from zonedesk.monitoring.indicators.year import STOCKS
from zonedesk.monitoring.selectors import TREND_MEASURES, Status

CARD_MEASURES = ("output_value_wan", "revenue_wan", "employees", "electricity_kwh", "water_t")

# A zone's totals in the units officials read them in (用电量 in 万千瓦时, 用水量 in 万吨), on
# the cards, the charts, their tables and the workbook alike; firms report kWh and t.
WAN = Decimal(10000)
SCALED_UNITS = {
    "electricity_kwh": gettext_lazy("10k kWh"),
    "water_t": gettext_lazy("10k t"),
}


def unit(measure: str) -> str:
    """The unit a zone's total of the figure is shown in."""
    return str(SCALED_UNITS.get(measure) or figures.SPECS[measure].unit)


def total(measure: str, value: Decimal | None) -> Decimal | None:
    """A zone's total of the figure in the unit it is shown in (`unit`)."""
    if value is None or measure not in SCALED_UNITS:
        return value
    return Decimal(value) / WAN


def integer(measure: str) -> bool:
    """Whether the total is shown as a whole number (a scaled total keeps two places)."""
    return figures.SPECS[measure].integer and measure not in SCALED_UNITS


def key_figures(st: Status) -> list[dict]:
    out = []
    for m in CARD_MEASURES:
        a, ytd = st.summary.aggregates[m], st.ytd[m]
        spec = figures.SPECS[m]
        out.append(
            {
                "measure": m,
                "label": spec.label,
                "unit": unit(m),
                "integer": integer(m),
                "current": total(m, a.current) if a.firms else None,
                "last_year": total(m, a.last_year) if a.firms else None,
                "yoy": a.yoy,
                "mom": a.mom,
                "new_part": a.new_part if st.summary.new_firms else None,
                # 可比口径: the same firms in both years, beside the headline
                "comparable_yoy": a.comparable_yoy,
                "comparable_firms": a.comparable_firms,
                # A stock (employees) is not added up over months: its year to date is the
                # month-end value against the same month last year (docs/statistics.md).
                "stock": m in STOCKS,
                "ytd": total(m, a.current if m in STOCKS else ytd.current) if a.firms else None,
                "ytd_yoy": a.yoy if m in STOCKS else ytd.yoy,
                # 可比口径 of the year to date, beside the headline
                "ytd_comparable_yoy": st.ytd_comparable[m].yoy if st.ytd_comparable else None,
            }
        )
    return out


def class_rows(st: Status) -> list[dict]:
    s = st.summary
    labels = {
        CapacityClass.LEVEL: _("Level with last year"),
        CapacityClass.ABOVE: _("Above last year"),
        CapacityClass.BELOW: _("Below last year"),
    }
    rows = [
        {"key": cls.value, "label": labels[cls], "count": s.count(cls)}
        for cls in (CapacityClass.LEVEL, CapacityClass.ABOVE, CapacityClass.BELOW)
    ]
    rows.append({"key": "new", "label": _("of which new this year"), "count": len(s.new_firms)})
    rows.append({"key": "resumed", "label": _("of which resumed"), "count": len(s.resumed_firms)})
    rows.append({"key": "halted", "label": _("Reported, not producing"), "count": len(s.halted)})
    rows.append(
        {
            "key": "missing",
            "label": _("Not reported or awaiting confirmation")
            if st.basis == "confirmed"
            else _("Not reported"),
            "count": len(st.not_counted),
        }
    )
    return rows


def month_label(period) -> str:
    return date_format(period.first_day, "YEAR_MONTH_FORMAT")


def trend(st: Status) -> dict:
    """{months: [...], series: [{measure, label, unit, this: [...], last: [...]}]} for charts."""
    return {
        "months": [month_label(p.period) for p in st.trend],
        "axis": axis_labels([p.period for p in st.trend]),
        "this_year": _("This period"),
        "last_year": _("A year earlier"),
        "series": [
            {
                "measure": m,
                "label": str(figures.SPECS[m].label),
                "unit": unit(m),
                # A month incomplete on 审定 (reports awaiting confirmation) is left out, not
                # drawn as a fall: the tables and the note under the charts say why.
                "this": [
                    float(total(m, p.values[m]))
                    if p.values[m] is not None and not p.incomplete
                    else None
                    for p in st.trend
                ],
                "last": [
                    float(total(m, p.last_year[m]))
                    if p.last_year[m] is not None and not p.last_year_incomplete
                    else None
                    for p in st.trend
                ],
                "integer": integer(m),
            }
            for m in TREND_MEASURES
        ],
    }


def trend_rows(st: Status) -> list[dict]:
    """The charts' figures as table rows (exact decimals, not the chart's floats), each with
    whether this year's and last year's month are incomplete (审定, reports awaiting)."""
    return [
        {
            "measure": m,
            "label": figures.SPECS[m].label,
            "unit": unit(m),
            "integer": integer(m),
            "rows": [
                (
                    month_label(p.period),
                    total(m, p.values[m]),
                    total(m, p.last_year[m]),
                    p.incomplete,
                    p.last_year_incomplete,
                )
                for p in st.trend
            ],
        }
        for m in TREND_MEASURES
    ]


def axis_labels(periods) -> list[dict]:
    """A chart's month axis, short enough for every label to show whole on a phone: the month
    ("6月") and its year ("2020年"), which the chart writes under the first month it labels
    and under the first it labels in each new year (monitoring.js)."""
    return [
        {
            "month": pgettext("chart axis month", "%(month)d") % {"month": p.month},
            "year": pgettext("chart axis year", "%(year)d") % {"year": p.year},
        }
        for p in periods
    ]


def incomplete_months(st: Status) -> list[tuple[str, int]]:
    """(month, reports awaiting confirmation) of the charts' months left incomplete on 审定,
    this year's and last year's, in order."""
    found = {}
    for p in st.trend:
        for period, n in ((p.period.last_year, p.last_year_pending), (p.period, p.pending)):
            if n:
                found[period] = n
    return [(month_label(period), n) for period, n in sorted(found.items())]


def zone_rows(st: Status) -> list[tuple]:
    return [
        (
            z,
            {
                "reporting": zs.reporting,
                "producing": zs.producing,
                "level": zs.count(CapacityClass.LEVEL),
                "above": zs.count(CapacityClass.ABOVE),
                "below": zs.count(CapacityClass.BELOW),
                "output_yoy": zs.aggregates["output_value_wan"].yoy,
                "employees_yoy": zs.aggregates["employees"].yoy,
            },
        )
        for z, zs in st.zones
    ]


def _key_figures_sheet(st: Status):
    cols = [
        Column(_("Figure"), 24),
        Column(pgettext("measurement", "Unit"), 8),
        Column(_("This month"), 16, "wan"),
        Column(_("Same month last year"), 16, "wan"),
        Column(_("YoY (%)"), 10, "wan"),
        Column(_("MoM (%)"), 10, "wan"),
        Column(_("Newly started firms' pull (points, negative: down)"), 14, "wan"),
        Column(_("Comparable basis YoY (%)"), 12, "wan"),
        Column(_("Year to date"), 16, "wan"),
        Column(_("Year to date YoY (%)"), 12, "wan"),
        Column(_("Year to date YoY, comparable basis (%)"), 12, "wan"),
        Column(_("Year to date taken as"), 16),
    ]
    period = st.period
    summed = _("sum of months 1–%(month)d") % {"month": period.month}
    month_end = _("value at the end of %(month)s") % {"month": month_label(period)}
    rows = []
    for m in MEASURES:
        a, ytd = st.summary.aggregates[m], st.ytd[m]
        spec = figures.SPECS[m]
        # A stock's year to date is its month-end value; only flows are added up.
        stock = m in STOCKS
        rows.append(
            [
                str(spec.label),
                unit(m),
                total(m, a.current),
                total(m, a.last_year),
                percent(a.yoy),
                percent(a.mom),
                percent(a.new_part),
                percent(a.comparable_yoy),
                total(m, a.current if stock else ytd.current),
                percent(a.yoy if stock else ytd.yoy),
                percent(st.ytd_comparable[m].yoy) if st.ytd_comparable else None,
                month_end if stock else summed,
            ]
        )
    return (_("key figures"), cols, rows)


def _trend_sheet(st: Status):
    cols = [Column(_("Month"), 12)]
    for m in TREND_MEASURES:
        label = _("%(figure)s (%(unit)s)") % {"figure": figures.SPECS[m].label, "unit": unit(m)}
        cols += [
            Column(label, 16, "wan"),
            Column(_("%(figure)s a year earlier") % {"figure": label}, 16, "wan"),
        ]
    cols.append(Column(_("Reports awaiting confirmation (left out)"), 14, "int"))
    rows = [
        [str(p.period)]
        + [total(m, v) for m in TREND_MEASURES for v in (p.values[m], p.last_year[m])]
        + [p.pending]
        for p in st.trend
    ]
    return (_("trend"), cols, rows)


def _zones_sheet(st: Status):
    cols = [
        Column(_("Zone"), 30),
        Column(_("Reported"), 10, "int"),
        Column(_("Producing"), 10, "int"),
        Column(pgettext("capacity", "Level"), 8, "int"),
        Column(_("Above"), 8, "int"),
        Column(_("Below"), 8, "int"),
        Column(_("Output YoY (%)"), 12, "wan"),
        Column(_("Employment YoY (%)"), 12, "wan"),
    ]
    rows = [
        [
            z.name,
            zs.reporting,
            zs.producing,
            zs.count(CapacityClass.LEVEL),
            zs.count(CapacityClass.ABOVE),
            zs.count(CapacityClass.BELOW),
            percent(zs.aggregates["output_value_wan"].yoy),
            percent(zs.aggregates["employees"].yoy),
        ]
        for z, zs in st.zones
    ]
    return (_("zones"), cols, rows)


def workbook_sheets(st: Status, names: dict[int, str], paragraph: Sequence[str] = ()):
    """The dashboard's tables as sheets of one workbook (`names`: selectors.firm_names), after
    the status paragraph's sentences (`paragraph`, one a row) when given."""
    classes = [Column(_("Capacity class"), 28), Column(_("Firms"), 10, "int")]
    class_data = [[str(r["label"]), r["count"]] for r in class_rows(st)]
    falls = [Column(_("Enterprise"), 36), Column(_("Output YoY (%)"), 14, "wan")]
    fall_rows = [[names.get(c.firm_id, ""), percent(c.output_change)] for c in st.summary.falls]
    missing = [
        Column(_("Enterprise"), 36),
        Column(_("Liaison officer"), 16),
        Column(_("Submitted, awaiting confirmation"), 14),
    ]
    missing_rows = [
        [e.name, str(e.officer or ""), _("Yes") if awaiting else ""]
        for e, awaiting in st.not_counted
    ]
    sheets = [
        (
            _("Production status"),
            [Column(_("Production status"), 120, "wrap")],
            [[t] for t in paragraph],
        ),
        _key_figures_sheet(st),
        (_("capacity"), classes, class_data),
        _trend_sheet(st),
        (_("largest falls"), falls, fall_rows),
        (_("not reported"), missing, missing_rows),
    ]
    if st.zones:
        sheets.append(_zones_sheet(st))
    return sheets
