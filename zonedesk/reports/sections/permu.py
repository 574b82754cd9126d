"""亩均效益 in words: how a zone's firms were graded for a year and how many moved class
(monitoring.permu grades them; the numbers are the selector's)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from zonedesk.monitoring.permu import GRADES, Evaluation, NotGraded, distribution


def _months(year: int, months: tuple[int, ...] | None) -> list[str]:
    """Which months a grading of fewer than twelve covers (None: not given, say nothing)."""
    if not months or len(months) == 12:
        return []
    return [
        ngettext(
            "The %(year)d evaluation covers months %(first)d to %(last)d only (%(count)d month "
            "with figures), not the whole year.",
            "The %(year)d evaluation covers months %(first)d to %(last)d only (%(count)d months "
            "with figures), not the whole year.",
            len(months),
        )
        % {"year": year, "first": months[0], "last": months[-1], "count": len(months)}
    ]


def sentences(
    year: int,
    evaluations: Iterable[Evaluation],
    last_grades: dict[int, str],
    months: tuple[int, ...] | None = None,
) -> list[str]:
    """The grading sentences; `last_grades`: firm -> last year's grade (empty: not graded);
    `months`: the months of the year with figures (fewer than 12 are named first)."""
    evaluations = list(evaluations)
    counts = distribution(evaluations)
    graded = sum(counts[g] for g in GRADES)
    if not graded:
        return [
            *_months(year, months),
            _("No firm was graded by output per mu for %(year)d.") % {"year": year},
        ]
    out = [
        *_months(year, months),
        _(
            "In %(year)d, %(graded)d firms were graded by the per-mu evaluation: %(a)d in class "
            "A, %(b)d in B, %(c)d in C and %(d)d in D."
        )
        % {"year": year, "graded": graded, **{g.lower(): counts[g] for g in GRADES}},
    ]
    if counts["none"]:
        reasons = [e.not_graded for e in evaluations if e.grade is None]
        out.append(
            _(
                "%(none)d firms were not graded: %(land)d without land recorded, %(figures)d "
                "without figures in the year, %(other)d closed or under construction."
            )
            % {
                "none": counts["none"],
                "land": reasons.count(NotGraded.NO_LAND),
                "figures": reasons.count(NotGraded.NO_FIGURES),
                "other": reasons.count(NotGraded.CLOSED) + reasons.count(NotGraded.CONSTRUCTION),
            }
        )
    if counts["not_producing"]:
        out.append(
            ngettext(
                "%(count)d firm with no output all year (halted) was not evaluated.",
                "%(count)d firms with no output all year (halted) were not evaluated.",
                counts["not_producing"],
            )
            % {"count": counts["not_producing"]}
        )
    both = [
        (last_grades[e.firm], e.grade) for e in evaluations if e.grade and e.firm in last_grades
    ]
    if both:
        up = sum(1 for before, now in both if now < before)  # "A" < "B": a better class
        down = sum(1 for before, now in both if now > before)
        out.append(
            _("Against %(last)d, %(up)d firms moved up a class and %(down)d moved down.")
            % {"last": year - 1, "up": up, "down": down}
        )
    return out
