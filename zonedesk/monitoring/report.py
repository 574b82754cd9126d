"""The status paragraph of a work summary, written from a computed Status.

Every number comes from `selectors.status`; this module only words them, in the active
language (Chinese by default), in the form officials use:
“园区内目前在产企业 47 家……月产值需增长 25.67% 以上。”
"""

from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from zonedesk.monitoring.indicators import CapacityClass, percent
from zonedesk.monitoring.selectors import Status

# A paragraph names the newly started firms when there are no more than this many.
NEW_FIRMS_NAMED = 10


def rate(value: Decimal | None) -> str:
    """12.78%: the absolute value, rounded half-up to 2 places."""
    shown = percent(abs(value)) if value is not None else None
    return "—" if shown is None else f"{shown}%"


def change(value: Decimal | None) -> str:
    """'增加 12.78%' / '下降 3.10%' / '持平', as the summary words a change."""
    if value is None:
        return _("not comparable (no figures a year earlier)")
    shown = percent(value)
    if shown > 0:
        return _("up %(rate)s") % {"rate": rate(value)}
    if shown < 0:
        return _("down %(rate)s") % {"rate": rate(value)}
    return _("unchanged")


def month_label(period) -> str:
    """'2020年6月' / 'June 2020'."""
    return date_format(period.first_day, "YEAR_MONTH_FORMAT")


def target_rate(value: Decimal) -> str:
    """A target as set: 8% rather than 8.00%."""
    shown = (value * 100).normalize()
    return f"{shown:f}%"


def sentences(st: Status) -> list[str]:
    s = st.summary
    if not s.reporting:
        return [
            _("No figures have been reported for %(month)s yet.")
            % {"month": month_label(st.period)}
        ]
    out = []
    out.append(
        ngettext(
            "In %(month)s, %(count)d firm of %(scope)s was producing.",
            "In %(month)s, %(count)d firms of %(scope)s were producing.",
            s.producing,
        )
        % {"month": month_label(st.period), "count": s.producing, "scope": st.scope.label}
    )
    if not s.aggregates["output_value_wan"].last_year:
        out.append(_("There are no figures for the same month last year to compare with."))
        return out
    if s.producing:
        new = s.new_firms
        if not new:
            new_part = ""
        elif len(new) <= NEW_FIRMS_NAMED:
            new_part = _(" (%(count)d of them newly started: %(names)s)") % {
                "count": len(new),
                "names": _(", ").join(st.name(f) for f in new),
            }
        else:  # a province's hundreds of new firms are counted, not named
            new_part = _(" (%(count)d of them newly started)") % {"count": len(new)}
        out.append(
            _(
                "Of the firms producing, %(level)d are at the same month's capacity of last year, "
                "%(above)d above it%(new)s and %(below)d below it."
            )
            % {
                "level": s.count(CapacityClass.LEVEL),
                "above": s.count(CapacityClass.ABOVE),
                "new": new_part,
                "below": s.count(CapacityClass.BELOW),
            }
        )
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
    return out + recovery_sentences(st)


def recovery_sentences(st: Status) -> list[str]:
    """追赶测算: the growth the remaining months need (and the what-if of halted days)."""
    out = []
    rec = st.recovery
    if rec.catch_up is not None:
        months = {"first": rec.through_month + 1}
        if rec.catch_up > 0:
            out.append(
                _(
                    "To catch up with last year's output in the coming months, monthly output from "
                    "month %(first)d to December must be %(rate)s above the same month last year."
                )
                % {**months, "rate": rate(rec.catch_up)}
            )
        else:
            out.append(
                _(
                    "Output so far is ahead of last year's: the remaining months may be up to "
                    "%(rate)s below last year's and the year still matches it."
                )
                % {"rate": rate(rec.catch_up)}
            )
        if rec.to_target is not None:
            out.append(
                _(
                    "To reach the annual growth target of %(target)s, monthly output must grow by "
                    "more than %(rate)s."
                )
                % {"target": target_rate(rec.target), "rate": rate(rec.to_target)}
                if rec.to_target > 0
                else _(
                    "The annual growth target of %(target)s is reached even if the remaining "
                    "months are %(rate)s below last year's."
                )
                % {"target": target_rate(rec.target), "rate": rate(rec.to_target)}
            )
        if rec.halted_days and rec.catch_up_if_halted is not None:
            out.append(
                _(
                    "If every remaining month loses %(days)d days to halts, the days worked must "
                    "be %(catch_up)s above last year's to catch up%(target)s."
                )
                % {
                    "days": rec.halted_days,
                    "catch_up": rate(rec.catch_up_if_halted),
                    "target": _(" and %(rate)s above it to reach the target")
                    % {"rate": rate(rec.to_target_if_halted)}
                    if rec.to_target_if_halted is not None
                    else "",
                }
            )
    return out


def status_paragraph(st: Status) -> str:
    """The sentences as one paragraph (Chinese sentences are not separated by spaces)."""
    joiner = "" if (get_language() or "").startswith("zh") else " "
    return joiner.join(sentences(st))
