"""The month's production status paragraph, in the form officials use:
“园区内目前在产企业 47 家……月产值需增长 25.67% 以上。”

Every number comes from monitoring (`Status.facts`); this module only words them.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zonedesk.monitoring.facts import StatusFacts
from zonedesk.monitoring.indicators import CapacityClass, percent
from zonedesk.reports.sections import recovery
from zonedesk.reports.sections.words import change, month_label, rate
from zonedesk.reports.sections.words import paragraph as joined

# A paragraph names the newly started firms when there are no more than this many.
NEW_FIRMS_NAMED = 10


def paragraph(facts: StatusFacts) -> str:
    """The status sentences and the recovery sentences as one paragraph."""
    return joined(sentences(facts))


def sentences(facts: StatusFacts) -> list[str]:
    s = facts.summary
    if not s.reporting:
        return [
            _("No figures have been reported for %(month)s yet.")
            % {"month": month_label(facts.period)}
        ]
    out = [
        ngettext(
            "In %(month)s, %(count)d firm of %(scope)s was producing.",
            "In %(month)s, %(count)d firms of %(scope)s were producing.",
            s.producing,
        )
        % {"month": month_label(facts.period), "count": s.producing, "scope": facts.scope}
    ]
    if not s.aggregates["output_value_wan"].last_year:
        out.append(_("There are no figures for the same month last year to compare with."))
        return out
    if s.producing:
        out.append(_capacity(facts))
    out += _changes(facts)
    out += utility_sentences(facts)
    return out + recovery.sentences(facts.recovery)


def _capacity(facts: StatusFacts) -> str:
    s, new = facts.summary, facts.new_firms
    if not new:
        new_part = ""
    elif len(new) <= NEW_FIRMS_NAMED:
        new_part = _(" (%(count)d of them newly started: %(names)s)") % {
            "count": len(new),
            "names": _(", ").join(new),
        }
    else:  # a province's hundreds of new firms are counted, not named
        new_part = _(" (%(count)d of them newly started)") % {"count": len(new)}
    return _(
        "Of the firms producing, %(level)d are at the same month's capacity of last year, "
        "%(above)d above it%(new)s and %(below)d below it."
    ) % {
        "level": s.count(CapacityClass.LEVEL),
        "above": s.count(CapacityClass.ABOVE),
        "new": new_part,
        "below": s.count(CapacityClass.BELOW),
    }


def _changes(facts: StatusFacts) -> list[str]:
    """Employment, output, electricity and water on the same month last year."""
    s, out = facts.summary, []
    employees = s.aggregates["employees"]
    if employees.firms:
        with_new = (
            _(" (including %(count)d newly started firms)") % {"count": len(s.new_firms)}
            if s.new_firms
            else ""
        )
        out.append(
            _("Total employment was %(change)s on the same month last year%(new)s.")
            % {"change": change(employees.yoy), "new": with_new}
        )
    output = s.aggregates["output_value_wan"]
    if output.firms:
        new_share = (
            _(" (newly started firms: %(points)s points)") % {"points": percent(output.new_part)}
            if s.new_firms and output.new_part is not None
            else ""
        )
        out.append(
            _(
                "The firms' total monthly output value was %(change)s on the same month last year%(new)s."
            )
            % {"change": change(output.yoy), "new": new_share}
        )
    electricity, water = s.aggregates["electricity_kwh"], s.aggregates["water_t"]
    if electricity.firms or water.firms:
        out.append(
            _("Electricity use was %(electricity)s and water use %(water)s on a year earlier.")
            % {"electricity": change(electricity.yoy), "water": change(water.yoy)}
        )
    return out


def utility_sentences(facts: StatusFacts) -> list[str]:
    """“Back to X% of the pre-epidemic level”, from the utility companies' meter readings (not
    the firms' own reports), only for the kinds with readings in both months."""
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
            "power": rate(power.share) if power else "",
            "water": rate(water.share) if water else "",
            "year": base,
        }
    ]
