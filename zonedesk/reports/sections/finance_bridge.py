"""融资对接 in words, the bridge-loan fund and lending between firms: the bridge loans disbursed
in the period (count, firms, amount, turnover of the fund, fees), those overdue at its end, and
the loans between firms registered (those above the legal rate ceiling) and the guarantee
circles found (finance.selectors.bridge.bridge_facts, finance.selectors.lending.lending_facts;
definitions in docs/statistics.md, "Financing (issue 19)").

A pure function of plain facts: the finance paragraph (reports/sections/finance.py) appends these
sentences after its needs and bank products."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from zonedesk.finance.bridge_facts import BridgeFacts, LendingFacts
from zonedesk.reports.sections.words import fill


def _wan(value: Decimal) -> str:
    return f"{value:,.2f}"


def bridge_sentences(f: BridgeFacts | None) -> list[str]:
    """The bridge loans of the period, the fund's turnover and the loans overdue at its end."""
    if f is None or (not f.count and not f.overdue_count):
        return []
    out = []
    if f.count:
        out.append(
            fill(
                _(
                    "The bridge-loan fund lent %(count)d times to %(firms)d firms, %(amount)s "
                    "(10k yuan) in all, so that they could renew their bank loans; the fund of "
                    "%(size)s (10k yuan) turned over %(turnover)s times and earned %(fees)s (10k "
                    "yuan) in fees."
                ),
                {
                    "count": f.count,
                    "firms": f.firms,
                    "amount": _wan(f.amount_wan),
                    "size": _wan(f.fund_size_wan),
                    "turnover": "—" if f.turnover is None else f"{f.turnover:.2f}",
                    "fees": _wan(f.fees_wan),
                },
                count="bridge_loans",
                amount="bridge_amount_wan",
                turnover="bridge_turnover",
            )
        )
    if f.overdue_count:
        out.append(
            fill(
                _(
                    "%(count)d bridge loans, %(amount)s (10k yuan), were out past their due "
                    "date at the end of the period."
                ),
                {"count": f.overdue_count, "amount": _wan(f.overdue_wan)},
                count="bridge_overdue",
                amount="bridge_overdue_wan",
            )
        )
    return out


def lending_sentences(f: LendingFacts | None) -> list[str]:
    """The loans between firms registered in the period, those above the legal ceiling, and
    the guarantee circles among the zone's firms."""
    if f is None or (not f.count and not f.circles):
        return []
    out = []
    if f.count:
        out.append(
            fill(
                _(
                    "%(count)d loans between firms were registered, %(amount)s (10k yuan); "
                    "%(above)d of them, %(above_amount)s (10k yuan), at a rate above the legal "
                    "ceiling for private lending."
                ),
                {
                    "count": f.count,
                    "amount": _wan(f.amount_wan),
                    "above": f.above_ceiling,
                    "above_amount": _wan(f.above_ceiling_wan),
                },
                count="lending_loans",
                amount="lending_amount_wan",
                above="lending_above_ceiling",
            )
        )
    if f.circles:
        circles = pgettext("between guarantee circles", "; ").join(
            "、".join(firms) for firms in f.circles
        )
        out.append(
            fill(
                _(
                    "%(count)d guarantee circles were found among the zone's firms (%(circles)s): "
                    "a default of one can reach the others."
                ),
                {"count": len(f.circles), "circles": circles},
                count="lending_circles",
            )
        )
    return out


def sentences(bridge: BridgeFacts | None, lending: LendingFacts | None) -> list[str]:
    """The bridge-loan fund's sentences, then lending between firms'."""
    return bridge_sentences(bridge) + lending_sentences(lending)
