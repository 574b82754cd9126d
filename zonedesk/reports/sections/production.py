"""Section 一 of the work summary (生产经营情况): the month's status paragraph (`status`), then
January to the month in all, with the annex's key figures, capacity classes and charts.

Every number comes from monitoring (`Status.facts`, the year to date); this module only words
and draws them.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.dates import MONTHS_AP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from zonedesk.core.period import Period
from zonedesk.monitoring.facts import StatusFacts
from zonedesk.monitoring.indicators import CapacityClass, YearToDate, percent
from zonedesk.monitoring.indicators.year import STOCKS
from zonedesk.reports.document import Block, Chart, Table, figure
from zonedesk.reports.render import charts
from zonedesk.reports.sections.part import Found, Part, paragraphs
from zonedesk.reports.sections.status import paragraph
from zonedesk.reports.sections.words import change, month_label
from zonedesk.reports.sections.words import paragraph as joined


@dataclass(frozen=True)
class Production:
    """Section 一's data: the period's last month, and January to it when the period spans
    several months (the year to date as monitoring's status computes it)."""

    facts: StatusFacts
    ytd: dict[str, YearToDate] = field(default_factory=dict)  # measure -> January..the month
    months: int = 1  # how many months the period spans
    # January..December of the month's year: (month, last year's output, this year's or None
    # after the month), monitoring's Status.year_output; the annex's trend chart draws it.
    year_output: tuple[tuple[Period, Decimal, Decimal | None], ...] = ()
    # January..the month on the comparable basis (可比口径, monitoring's Status.ytd_comparable)
    ytd_comparable: dict[str, YearToDate] = field(default_factory=dict)


YTD_MEASURES = ("output_value_wan", "revenue_wan", "electricity_kwh")


WAN = Decimal(10000)


def _amount(value: Decimal) -> str:
    return f"{value:,.2f}"


def cumulative_sentences(p: Production) -> list[str]:
    """January to the month (累计), with the same months of last year, for a period of several
    months; marked."""
    output = p.ytd.get("output_value_wan")
    if p.months < 2 or output is None or not output.last_year:
        return []
    last = p.facts.period.month
    out = [
        _(
            "From month 1 to month %(last)d, the firms' output value was %(value)s (10k yuan) "
            "in all, %(change)s on the same months last year."
        )
        % {
            "last": last,
            "value": figure(_amount(output.current), "ytd_output_value_wan"),
            "change": change(output.yoy, "ytd_output_yoy"),
        }
    ]
    revenue = p.ytd.get("revenue_wan")
    if revenue is not None and revenue.last_year:
        out.append(
            _("Main business revenue was %(value)s (10k yuan) in all, %(change)s.")
            % {
                "value": figure(_amount(revenue.current), "ytd_revenue_wan"),
                "change": change(revenue.yoy, "ytd_revenue_yoy"),
            }
        )
    electricity = p.ytd.get("electricity_kwh")
    if electricity is not None and electricity.last_year:
        out.append(
            _("Electricity use was %(change)s in all on the same months last year.")
            % {"change": change(electricity.yoy, "ytd_electricity_yoy")}
        )
    return out + _cumulative_comparable(p)


def _cumulative_comparable(p: Production) -> list[str]:
    """可比口径 of January to the month beside the headline (each month's firms with the figure
    in both years' month, new firms left out), said when it differs from the headline as
    shown, as the month's is."""
    labels = {
        "output_value_wan": _("output %(change)s"),
        "revenue_wan": _("revenue %(change)s"),
        "electricity_kwh": _("electricity %(change)s"),
    }
    parts, differs = [], False
    for measure, label in labels.items():
        cmp, headline = p.ytd_comparable.get(measure), p.ytd.get(measure)
        if cmp is None or cmp.yoy is None or headline is None:
            continue
        key = f"ytd_{measure}_comparable_yoy"
        parts.append(label % {"change": change(cmp.yoy, key)})
        differs |= percent(cmp.yoy) != percent(headline.yoy)
    if not parts or not differs:
        return []
    return [
        _(
            "On a comparable basis (each month the same firms in both years, new firms left "
            "out), months 1 to %(last)d: %(figures)s."
        )
        % {"last": p.facts.period.month, "figures": _(", ").join(parts)}
    ]


def build(found: Found) -> list[Block]:
    """一、生产经营情况: the month's status paragraph, then January to the month in all."""
    p: Production = found.facts
    blocks = paragraphs([paragraph(p.facts, marked=True)], found)
    cumulative = cumulative_sentences(p)
    if cumulative:
        blocks += paragraphs([joined(cumulative)], found)
    return blocks


def _yoy(value: Decimal | None) -> str:
    shown = percent(value)
    return "—" if shown is None else f"{shown:+}%"


def annex(found: Found) -> list[Block]:
    """The key figures of the month and of the year to date, and the capacity classes."""
    p: Production = found.facts
    s = p.facts.summary
    labels = {
        "output_value_wan": pgettext("summary annex", "Output value (10k yuan)"),
        "revenue_wan": pgettext("summary annex", "Main business revenue (10k yuan)"),
        "employees": pgettext("summary annex", "Employment (people)"),
        # A zone's totals in the units officials read them in, as on the dashboard.
        "electricity_kwh": pgettext("summary annex", "Electricity (10k kWh)"),
        "water_t": pgettext("summary annex", "Water (10k t)"),
    }
    month = month_label(p.facts.period)
    rows = []
    for measure, label in labels.items():
        a = s.aggregates.get(measure)
        if a is None or not a.firms:
            continue
        ytd = p.ytd.get(measure)
        if measure == "employees":
            shown = lambda v: f"{int(v):,}"  # noqa: E731
        elif measure in ("electricity_kwh", "water_t"):
            shown = lambda v: _amount(v / WAN)  # noqa: E731
        else:
            shown = _amount
        # A stock (the month-end headcount) is not added up over months: its months 1–t are
        # its value at the end of month t, and the cell says so (docs/statistics.md; the
        # dashboard's workbook says "2020年6月末数").
        stock = measure in STOCKS
        month_end = pgettext("summary annex, a stock's value", "end of month %(month)d: %(value)s")
        rows.append(
            (
                str(label),
                shown(a.current),
                shown(a.last_year),
                _yoy(a.yoy),
                month_end % {"month": p.facts.period.month, "value": shown(a.current)}
                if stock
                else shown(ytd.current)
                if ytd
                else "—",
                _yoy(a.yoy) if stock else _yoy(ytd.yoy) if ytd else "—",
            )
        )
    last = p.facts.period.month
    figures = Table(
        caption=_("Key figures of %(scope)s, %(month)s") % {"scope": p.facts.scope, "month": month},
        columns=(
            str(pgettext("summary annex", "Figure")),
            str(pgettext("summary annex", "This month")),
            str(pgettext("summary annex", "Same month last year")),
            str(pgettext("summary annex", "YoY")),
            _("Months 1–%(last)d") % {"last": last},
            _("Months 1–%(last)d YoY") % {"last": last},
        ),
        rows=tuple(rows),
        source=found.source,
        numeric=(False, True, True, True, True, True),
    )
    classes = Table(
        caption=_("Producing firms against the same month last year, %(month)s") % {"month": month},
        columns=(str(pgettext("summary annex", "Firms")), str(pgettext("summary annex", "Number"))),
        rows=(
            (str(pgettext("summary annex", "Producing")), str(s.producing)),
            (
                str(pgettext("summary annex", "At last year's capacity")),
                str(s.count(CapacityClass.LEVEL)),
            ),
            (str(pgettext("summary annex", "Above it")), str(s.count(CapacityClass.ABOVE))),
            (str(pgettext("summary annex", "of them newly started")), str(len(s.new_firms))),
            (str(pgettext("summary annex", "Below it")), str(s.count(CapacityClass.BELOW))),
        ),
        source=found.source,
        numeric=(False, True),
    )
    return (
        [figures, classes, *output_chart(p, found), classes_chart(p, found)]
        if rows
        else [
            classes,
            classes_chart(p, found),
        ]
    )


CENT = Decimal("0.01")


def _year(year: int) -> str:
    return pgettext("chart series, a year", "%(year)d") % {"year": year}


def output_chart(p: Production, found: Found) -> list[Chart]:
    """The year's output by month against last year (the dashboard's trend: this year solid, a
    year earlier dashed), none when there is no month of either year to draw."""
    if not p.year_output or not any(b or a for _m, b, a in p.year_output):
        return []
    year = p.facts.period.year

    def cents(value: Decimal | None) -> Decimal | None:
        return None if value is None else Decimal(value).quantize(CENT)

    svg = charts.line_chart(
        "",
        [str(MONTHS_AP[m.month]) for m, _b, _a in p.year_output],
        [
            (_year(year), [cents(a) for _m, _b, a in p.year_output]),
            (_year(year - 1), [cents(b) for _m, b, _a in p.year_output]),
        ],
        str(pgettext("summary annex", "10k yuan")),
    )
    caption = _("Output value by month, %(year)d against %(last)d") % {
        "year": year,
        "last": year - 1,
    }
    return [Chart(caption=caption, svg=svg, source=found.source)]


def classes_chart(p: Production, found: Found) -> Chart:
    """The producing firms at, above and below last year's capacity of the month, as bars in the
    colours of the dashboard's capacity chart."""
    s = p.facts.summary
    classes = (CapacityClass.LEVEL, CapacityClass.ABOVE, CapacityClass.BELOW)
    svg = charts.bar_chart(
        "",
        [
            str(pgettext("summary annex", "At last year's capacity")),
            str(pgettext("summary annex", "Above it")),
            str(pgettext("summary annex", "Below it")),
        ],
        [s.count(c) for c in classes],
        str(pgettext("summary annex", "firms")),
        colors=list(charts.PALETTE[:3]),
        height_mm=70.0,
    )
    caption = _("Capacity of the producing firms against last year, %(month)s") % {
        "month": month_label(p.facts.period)
    }
    return Chart(caption=caption, svg=svg, height_mm=70.0, source=found.source)


SUMMARY = Part(
    part=1,
    order=10,
    key="production",
    title=gettext_lazy("Production and operation"),
    data="zonedesk.reports.summary_data.production",
    build=build,
    annex=annex,
)
