"""The month's production status paragraph, in the form officials use:
“园区内目前在产企业 47 家……月产值需增长 25.67% 以上。”

Every number comes from monitoring (`Status.facts`); this module only words them.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zonedesk.monitoring.facts import StatusFacts
from zonedesk.monitoring.indicators import CapacityClass, percent
from zonedesk.reports.document import plain
from zonedesk.reports.sections import recovery
from zonedesk.reports.sections.words import change, fill, month_label, pull, rate
from zonedesk.reports.sections.words import paragraph as joined

# A paragraph names the newly started firms when there are no more than this many.
NEW_FIRMS_NAMED = 10


def paragraph(facts: StatusFacts, *, marked: bool = False) -> str:
    """The status sentences and the recovery sentences as one paragraph (with its figures
    marked for the work summary when `marked`; plain text for the pages and commands)."""
    text = joined(marked_sentences(facts))
    return text if marked else plain(text)


def _scope(facts: StatusFacts) -> str:
    """The scope's name, with the size scope when it is not all firms."""
    if facts.size == "above":
        return facts.scope + _(" (above designated size)")
    if facts.size == "below":
        return facts.scope + _(" (below designated size)")
    return facts.scope


def sentences(facts: StatusFacts) -> list[str]:
    """The sentences as plain text."""
    return [plain(s) for s in marked_sentences(facts)]


def marked_sentences(facts: StatusFacts) -> list[str]:
    """The sentences with every figure marked (reports.document.figure)."""
    s = facts.summary
    if not s.reporting:
        return [
            _("No figures have been reported for %(month)s yet.")
            % {"month": month_label(facts.period)}
        ]
    out = [
        fill(
            ngettext(
                "In %(month)s, %(count)d firm of %(scope)s was producing.",
                "In %(month)s, %(count)d firms of %(scope)s were producing.",
                s.producing,
            ),
            {"month": month_label(facts.period), "count": s.producing, "scope": _scope(facts)},
            count="producing",
        )
    ]
    out += _reporting_rate(facts)
    if facts.size == "above" and facts.newly_above:
        out.append(
            fill(
                ngettext(
                    "%(count)d firm is newly above designated size this year.",
                    "%(count)d firms are newly above designated size this year.",
                    facts.newly_above,
                ),
                {"count": facts.newly_above},
                count="newly_above",
            )
        )
    if not s.aggregates["output_value_wan"].last_year:
        out.append(_("There are no figures for the same month last year to compare with."))
        return out
    if s.producing:
        out.append(_capacity(facts))
    out += _changes(facts)
    out += _utility(facts)
    out += _halted(facts)
    return out + recovery.marked_sentences(facts.recovery) + _basis(facts)


def _reporting_rate(facts: StatusFacts) -> list[str]:
    """报送率, said when some expected firm has not reported: the rule that keeps the missing
    firms out of both years' sums goes with it."""
    reported, expected = facts.summary.reporting, facts.expected
    if not expected or reported >= expected:
        return []
    if facts.basis == "confirmed" and facts.awaiting:
        # 审定: the firms whose report is not confirmed yet have reported, but count as not.
        return [
            ngettext(
                "%(reported)d of the %(expected)d firm expected have confirmed reports "
                "(%(rate)s) and %(awaiting)d more await confirmation; a firm not reported or not "
                "yet confirmed for a month is left out of both years of that month.",
                "%(reported)d of the %(expected)d firms expected have confirmed reports "
                "(%(rate)s) and %(awaiting)d more await confirmation; a firm not reported or not "
                "yet confirmed for a month is left out of both years of that month.",
                expected,
            )
            % {
                "reported": reported,
                "expected": expected,
                "awaiting": facts.awaiting,
                "rate": f"{percent(Decimal(reported) / Decimal(expected))}%",
            }
        ]
    return [
        fill(
            ngettext(
                "%(reported)d of the %(expected)d firm expected reported (%(rate)s); a firm that "
                "did not report a month is left out of both years of that month.",
                "%(reported)d of the %(expected)d firms expected reported (%(rate)s); a firm that "
                "did not report a month is left out of both years of that month.",
                expected,
            ),
            {
                "reported": reported,
                "expected": expected,
                "rate": f"{percent(Decimal(reported) / Decimal(expected))}%",
            },
            reported="reporting",
            expected="expected",
            rate="reporting_rate",
        )
    ]


def _basis(facts: StatusFacts) -> list[str]:
    """快报 or 审定: said whenever the month has reports not yet confirmed (otherwise the two
    are the same figures)."""
    if not facts.unconfirmed:
        return []
    if facts.basis == "confirmed":
        template = ngettext(
            "Confirmed figures (审定): %(count)d report not yet confirmed is left out.",
            "Confirmed figures (审定): %(count)d reports not yet confirmed are left out.",
            facts.unconfirmed,
        )
    else:
        template = ngettext(
            "Preliminary figures (快报): they include %(count)d report not yet confirmed.",
            "Preliminary figures (快报): they include %(count)d reports not yet confirmed.",
            facts.unconfirmed,
        )
    return [fill(template, {"count": facts.unconfirmed}, count="unconfirmed")]


def _capacity(facts: StatusFacts) -> str:
    s, new = facts.summary, facts.new_firms
    if not new:
        new_part = ""
    elif len(new) <= NEW_FIRMS_NAMED:
        new_part = fill(
            _(" (%(count)d of them newly started: %(names)s)"),
            {"count": len(new), "names": _(", ").join(new)},
            count="new_firms",
        )
    else:  # a province's hundreds of new firms are counted, not named
        new_part = fill(
            _(" (%(count)d of them newly started)"), {"count": len(new)}, count="new_firms"
        )
    return fill(
        _(
            "Of the firms producing, %(level)d are at the same month's capacity of last year, "
            "%(above)d above it%(new)s and %(below)d below it."
        ),
        {
            "level": s.count(CapacityClass.LEVEL),
            "above": s.count(CapacityClass.ABOVE),
            "new": new_part + _resumed(facts),
            "below": s.count(CapacityClass.BELOW),
        },
        level="capacity_level",
        above="capacity_above",
        below="capacity_below",
    )


def _halted(facts: StatusFacts) -> list[str]:
    """平均停工天数: the producing firms halted on some day since January, and their average."""
    h = facts.halted
    if h is None or not h.firms:
        return []
    return [
        fill(
            ngettext(
                "From month 1 to month %(last)d, %(count)d producing firm had been halted, for "
                "%(days)d days on average.",
                "From month 1 to month %(last)d, %(count)d producing firms had been halted, for "
                "%(days)d days on average.",
                h.firms,
            ),
            {"last": h.months, "count": h.firms, "days": h.average_days},
            count="halted_firms",
            days="halted_days",
        )
    ]


def _resumed(facts: StatusFacts) -> str:
    """The resumed firms inside the 'above' count, named when they are few."""
    count = len(facts.summary.resumed_firms)
    if not count:
        return ""
    if count <= NEW_FIRMS_NAMED and len(facts.resumed_firms) == count:
        return fill(
            _(" (%(count)d of them resumed after a halt: %(names)s)"),
            {"count": count, "names": _(", ").join(facts.resumed_firms)},
            count="resumed_firms",
        )
    return fill(
        _(" (%(count)d of them resumed after a halt)"), {"count": count}, count="resumed_firms"
    )


def _changes(facts: StatusFacts) -> list[str]:
    """Employment, output, electricity and water on the same month last year."""
    s, out = facts.summary, []
    employees = s.aggregates["employees"]
    if employees.firms:
        with_new = (
            fill(
                _(" (including %(count)d newly started firms)"),
                {"count": len(s.new_firms)},
                count="new_firms",
            )
            if s.new_firms
            else ""
        )
        out.append(
            _("Total employment was %(change)s on the same month last year%(new)s.")
            % {"change": change(employees.yoy, "employees_yoy"), "new": with_new}
        )
    output = s.aggregates["output_value_wan"]
    if output.firms:
        new_share = (
            _(" (of which newly started firms %(pull)s)")
            % {"pull": pull(output.new_part, "output_new_points")}
            if s.new_firms and output.new_part is not None
            else ""
        )
        if s.resumed_firms and output.resumed_part is not None:
            new_share += _(" (of which resumed firms %(pull)s)") % {
                "pull": pull(output.resumed_part, "output_resumed_points")
            }
        out.append(
            _(
                "The firms' total monthly output value was %(change)s on the same month last year%(new)s."
            )
            % {"change": change(output.yoy, "output_yoy"), "new": new_share}
        )
    revenue = s.aggregates["revenue_wan"]
    if revenue.firms and revenue.yoy is not None:
        out.append(
            _("Main business revenue was %(change)s on the same month last year.")
            % {"change": change(revenue.yoy, "revenue_yoy")}
        )
    electricity, water = s.aggregates["electricity_kwh"], s.aggregates["water_t"]
    if electricity.firms or water.firms:
        out.append(
            _("Electricity use was %(electricity)s and water use %(water)s on a year earlier.")
            % {
                "electricity": change(electricity.yoy, "electricity_yoy"),
                "water": change(water.yoy, "water_yoy"),
            }
        )
    return out + _comparable(facts)


def _comparable(facts: StatusFacts) -> list[str]:
    """可比口径 beside the headline: the same firms in both years (new firms left out), for the
    five figures; said only when it differs from the headline for one of them (as shown)."""
    s = facts.summary
    labels = {
        "output_value_wan": _("output %(change)s"),
        "revenue_wan": _("revenue %(change)s"),
        "employees": _("employment %(change)s"),
        "electricity_kwh": _("electricity %(change)s"),
        "water_t": _("water %(change)s"),
    }
    parts, differs = [], False
    for measure, label in labels.items():
        a = s.aggregates[measure]
        if a.comparable_yoy is None:
            continue
        parts.append(label % {"change": change(a.comparable_yoy, f"{measure}_comparable_yoy")})
        differs |= percent(a.comparable_yoy) != percent(a.yoy)
    if not parts or not differs:
        return []
    return [
        _("On a comparable basis (the same firms in both years, new firms left out): %(figures)s.")
        % {"figures": _(", ").join(parts)}
    ]


def utility_sentences(facts: StatusFacts) -> list[str]:
    """“Back to X% of the pre-epidemic level”, from the utility companies' meter readings (not
    the firms' own reports), only for the kinds with readings in both months."""
    return [plain(s) for s in _utility(facts)]


def _utility(facts: StatusFacts) -> list[str]:
    index = facts.utility or {}
    power, water = index.get("power"), index.get("water")
    if power is None and water is None:
        return []
    base = (power or water).base.year
    if power is not None and water is not None:
        text = _(
            "By the power and water companies' meter readings, electricity use is back to "
            "%(power)s and water use to %(water)s of the same month of %(year)d, before the "
            "epidemic."
        )
    elif power is not None:
        text = _(
            "By the power company's meter readings, electricity use is back to %(power)s of "
            "the same month of %(year)d, before the epidemic."
        )
    else:
        text = _(
            "By the water company's meter readings, water use is back to %(water)s of the same "
            "month of %(year)d, before the epidemic."
        )
    return [
        text
        % {
            "power": rate(power.share, "power_index") if power else "",
            "water": rate(water.share, "water_index") if water else "",
            "year": base,
        }
    ]
