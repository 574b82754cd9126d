"""The difficulties section of the work summary: the numbered paragraph officials use
(一是…二是…三是…), categories ordered by how many firms are affected, each with how much of it
was resolved, how fast and an example in the firms' words; then the categories rising fastest
and the firms' satisfaction. The counts come from casework (`selectors.difficulties`)."""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, npgettext, pgettext

from zonedesk.casework.difficulties import CategoryFacts, Difficulties, Example, ordered, rising
from zonedesk.reports.document import Block, figure, plain
from zonedesk.reports.sections.part import Found, Part, paragraphs
from zonedesk.reports.sections.words import chinese, fill
from zonedesk.reports.sections.words import paragraph as joined


def _ordinals() -> list[str]:
    return [
        pgettext("difficulties ordinal", "First"),
        pgettext("difficulties ordinal", "Second"),
        pgettext("difficulties ordinal", "Third"),
        pgettext("difficulties ordinal", "Fourth"),
        pgettext("difficulties ordinal", "Fifth"),
        pgettext("difficulties ordinal", "Sixth"),
        pgettext("difficulties ordinal", "Seventh"),
        pgettext("difficulties ordinal", "Eighth"),
        pgettext("difficulties ordinal", "Ninth"),
        pgettext("difficulties ordinal", "Tenth"),
    ]


def _share(part: int, whole: int) -> str:
    return f"{(Decimal(part) * 100 / whole).quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def _one(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def _firms(count: int, key: str) -> str:
    return fill(
        npgettext("difficulties", "%(count)d firm", "%(count)d firms", count),
        {"count": count},
        count=key,
    )


def _problems(count: int, key: str) -> str:
    return fill(
        npgettext("difficulties", "%(count)d problem", "%(count)d problems", count),
        {"count": count},
        count=key,
    )


def _category(c: CategoryFacts) -> str:
    """The category's name inside a sentence (lower case where the language has it)."""
    return c.label if chinese() else c.label.lower()


def _quote(example: Example) -> str:
    who = example.firm or pgettext("a firm quoted without its name", "one firm")
    return _("%(firm)s reported “%(words)s”") % {"firm": who, "words": example.words}


def _point(ordinal: str, c: CategoryFacts) -> str:
    """One numbered category: problems and firms, examples, resolved, speed, overdue."""
    text = _("%(ordinal)s, %(category)s: %(problems)s from %(firms)s") % {
        "ordinal": ordinal,
        "category": _category(c),
        "problems": _problems(c.raised, f"{c.key}_raised"),
        "firms": _firms(c.firms, f"{c.key}_firms"),
    }
    if c.examples:
        quotes = pgettext("between quoted examples", "; ").join(_quote(e) for e in c.examples)
        text += _("; for example, %(examples)s") % {"examples": quotes}
    text += fill(
        _(". %(count)d resolved (%(share)s)"),
        {"count": c.resolved, "share": _share(c.resolved, c.raised)},
        count=f"{c.key}_resolved",
        share=f"{c.key}_resolved_share",
    )
    if c.avg_days is not None:
        text += _(", in %(days)s working days on average") % {
            "days": figure(_one(c.avg_days), f"{c.key}_days")
        }
    if c.overdue:
        text += fill(_("; %(count)d overdue"), {"count": c.overdue}, count=f"{c.key}_overdue")
    return pgettext("end of a sentence", "%(sentence)s.") % {"sentence": text}


def paragraph(d: Difficulties, *, limit: int = 6, marked: bool = False) -> str:
    """The section in the active language; an empty period is said as such (with its figures
    marked for the work summary when `marked`; plain text for the pages and commands)."""
    text = _marked(d, limit)
    return text if marked else plain(text)


def _marked(d: Difficulties, limit: int) -> str:
    rows = ordered(d.categories)
    total = sum(c.raised for c in rows)
    if not total:
        return _("In %(period)s, no firm raised a problem.") % {"period": d.period}
    parts = [
        _("In %(period)s, %(firms)s raised %(problems)s, mainly the following.")
        % {
            "period": d.period,
            "firms": _firms(d.firms, "firms"),
            "problems": _problems(total, "raised"),
        }
    ]
    ordinals = _ordinals()
    for i, c in enumerate(rows[:limit]):
        parts.append(_point(ordinals[i] if i < len(ordinals) else f"{i + 1}.", c))
    if len(rows) > limit:
        # Always "problems", as before (English said "1 problems" too): output kept identical.
        parts.append(
            fill(
                _("Other matters: %(count)d problems."),
                {"count": sum(c.raised for c in rows[limit:])},
                count="other_raised",
            )
        )
    up = rising(rows)[:2]
    if up:
        rises = _(", ").join(
            fill(
                _("%(category)s (+%(count)d)"),
                {"category": _category(c), "count": c.raised - c.previous},
                count=f"{c.key}_rise",
            )
            for c in up
        )
        parts.append(_("Rising fastest: %(categories)s.") % {"categories": rises})
    if d.satisfaction is not None:
        parts.append(
            _("Firms rated the results %(rating)s out of 5 on average.")
            % {"rating": figure(_one(d.satisfaction), "satisfaction")}
        )
    return joined(parts)


def build(found: Found) -> list[Block]:
    """二、存在的困难: the difficulties the firms raised over the period."""
    return paragraphs([paragraph(found.facts, marked=True)], found)


SUMMARY = Part(
    part=2,
    order=10,
    key="difficulties",
    title=gettext_lazy("Difficulties the firms face"),
    data="zonedesk.reports.summary_data.difficulties",
    build=build,
)
