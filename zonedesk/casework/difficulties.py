"""The difficulties firms raised in a period, as plain data: per category, how many firms and
problems, how much was resolved, how fast, what is overdue, the change on the period before and
examples in the firms' words (`selectors.difficulties` counts them from the stored problems).
reports.sections.difficulties words them; this module keeps the numbers and their order.

Pure: no Django, so the order is tested with tables of cases.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Example:
    firm: str  # "" when the firm asked to be quoted without its name
    words: str


@dataclass(frozen=True)
class CategoryFacts:
    key: str
    label: str
    raised: int  # problems raised in the period
    firms: int  # distinct firms that raised them
    resolved: int  # of those, resolved (or confirmed) by now
    overdue: int  # of those, past their time limit and still waiting on the administration
    avg_days: Decimal | None  # working days from raised to resolved, of those resolved
    previous: int  # raised in the period of the same length before
    examples: tuple[Example, ...] = ()


@dataclass(frozen=True)
class Difficulties:
    period: str  # as written in the text: "2020年6月", "2020年第二季度", "June 2020"
    categories: tuple[CategoryFacts, ...]
    firms: int  # distinct firms with any problem in the period
    satisfaction: Decimal | None  # average rating of the problems rated in the period


def ordered(categories) -> list[CategoryFacts]:
    """Most firms affected first, then most problems, then the category's own order."""
    return sorted(
        (c for c in categories if c.raised),
        key=lambda c: (-c.firms, -c.raised, c.key),
    )


def rising(categories) -> list[CategoryFacts]:
    """The categories raised more often than in the period before, fastest first."""
    up = [c for c in categories if c.raised > c.previous]
    return sorted(up, key=lambda c: (-(c.raised - c.previous), c.key))
