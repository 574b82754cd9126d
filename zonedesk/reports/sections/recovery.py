"""追赶测算 in words: the growth the remaining months need to catch up with last year and to
reach the annual target, and the what-if of days lost to halts (monitoring.recovery computes
them)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from zonedesk.monitoring.recovery import Forecast, Recovery
from zonedesk.reports.document import figure, plain
from zonedesk.reports.sections.words import change, fill, rate, target_rate


def sentences(rec: Recovery) -> list[str]:
    """The recovery sentences; none when no month of the year remains."""
    return [plain(s) for s in marked_sentences(rec)]


def marked_sentences(rec: Recovery) -> list[str]:
    """The recovery sentences with their figures marked (reports.document.figure)."""
    if rec.catch_up is None:
        return []
    out = []
    if rec.catch_up > 0:
        out.append(
            _(
                "To catch up with last year's output in the coming months, monthly output from "
                "month %(first)d to December must be %(rate)s above the same month last year."
            )
            % {"first": rec.through_month + 1, "rate": rate(rec.catch_up, "catch_up")}
        )
    else:
        out.append(
            _(
                "Output so far is ahead of last year's: the remaining months may be up to "
                "%(rate)s below last year's and the year still matches it."
            )
            % {"rate": rate(rec.catch_up, "catch_up")}
        )
    if rec.to_target is not None:
        out.append(_target(rec))
    if rec.halted_days and rec.catch_up_if_halted is not None:
        out.append(_halted(rec))
    return out


def _target(rec: Recovery) -> str:
    values = {
        "target": figure(target_rate(rec.target), "target"),
        "rate": rate(rec.to_target, "to_target"),
    }
    if rec.to_target > 0:
        return (
            _(
                "To reach the annual growth target of %(target)s, monthly output must grow by "
                "more than %(rate)s."
            )
            % values
        )
    return (
        _(
            "The annual growth target of %(target)s is reached even if the remaining "
            "months are %(rate)s below last year's."
        )
        % values
    )


def _halted(rec: Recovery) -> str:
    target = (
        _(" and %(rate)s above it to reach the target")
        % {"rate": rate(rec.to_target_if_halted, "to_target_if_halted")}
        if rec.to_target_if_halted is not None
        else ""
    )
    return fill(
        _(
            "If %(days)d days in all are lost to halts over the rest of the year, the days worked "
            "must be %(catch_up)s above last year's to catch up%(target)s."
        ),
        {
            "days": rec.halted_days,
            "catch_up": rate(rec.catch_up_if_halted, "catch_up_if_halted"),
            "target": target,
        },
        days="halted_days_assumed",
    )


def forecast_sentences(fc: Forecast | None) -> list[str]:
    """The forecast in words (monitoring.recovery.forecast): the year's output if the remaining
    months produce as last year and the key projects under way start producing when planned;
    none when no month of the year remains or no project adds to it (the catch-up sentences
    say the rest)."""
    if fc is None or not fc.added_items:
        return []
    values = {
        "added": f"{fc.added.quantize(Decimal('0.01'), ROUND_HALF_UP):,}",
        "share": rate(fc.share_of_target),
        "without": rate(fc.share_without),
        "change": change(fc.growth),
    }
    if fc.share_of_target is not None:
        return [
            _(
                "If the remaining months produce as in the same months last year and the key "
                "projects under way start producing as planned (%(added)s 10k yuan in the "
                "remaining months), the year's output reaches %(share)s of the annual target "
                "(%(without)s without them)."
            )
            % values
        ]
    return [
        _(
            "If the remaining months produce as in the same months last year and the key "
            "projects under way start producing as planned (%(added)s 10k yuan in the "
            "remaining months), the year's output is %(change)s on last year."
        )
        % values
    ]
