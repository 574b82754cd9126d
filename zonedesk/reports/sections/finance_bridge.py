"""融资对接 in words, the bridge-loan fund and lending between firms: the bridge loans disbursed
in the period (count, firms, amount, turnover of the fund, fees), those overdue at its end, and
the loans between firms registered (those above the legal rate ceiling) and the guarantee
circles found (finance.selectors.bridge.bridge_facts, finance.selectors.lending.lending_facts;
definitions in docs/statistics.md, "Financing (issue 19)").

A pure function of plain facts: the finance paragraph (reports/sections/finance.py) appends these
sentences after its needs and bank products."""

from decimal import Decimal

from django.utils.translation import ngettext, npgettext, pgettext

from zonedesk.finance.bridge_facts import BridgeFacts, LendingFacts
from zonedesk.reports.sections.words import fill

BRIDGE = "bridge count"


def counted(
    singular: str, plural: str, n: int, key: str = "", context: str = "financing count"
) -> str:
    """A count with its noun ("1 firm", "3 firms"; "3 家企业"), the count marked as the figure
    `key`: a sentence with two counts cannot take its plural from one (ngettext), so each count
    carries its own noun (npgettext's, in `context`: the bridge sentences' Chinese sets no space
    between figure and word, the needs' does)."""
    text = npgettext(context, singular, plural, n)
    return fill(text, {"n": n}, **({"n": key} if key else {}))


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
                ngettext(
                    "The bridge-loan fund made %(count)s to %(firms)s, %(amount)s (10k yuan) in "
                    "all, so that it could renew its bank loan; the fund of %(size)s (10k yuan) "
                    "turned over %(turnover)s times and earned %(fees)s (10k yuan) in fees.",
                    "The bridge-loan fund made %(count)s to %(firms)s, %(amount)s (10k yuan) in "
                    "all, so that they could renew their bank loans; the fund of %(size)s (10k "
                    "yuan) turned over %(turnover)s times and earned %(fees)s (10k yuan) in fees.",
                    f.firms,
                ),
                {
                    "count": counted(
                        "%(n)d bridge loan", "%(n)d bridge loans", f.count, "bridge_loans", BRIDGE
                    ),
                    "firms": counted("%(n)d firm", "%(n)d firms", f.firms, context=BRIDGE),
                    "amount": _wan(f.amount_wan),
                    "size": _wan(f.fund_size_wan),
                    "turnover": "—" if f.turnover is None else f"{f.turnover:.2f}",
                    "fees": _wan(f.fees_wan),
                },
                amount="bridge_amount_wan",
                turnover="bridge_turnover",
            )
        )
    if f.overdue_count:
        out.append(
            fill(
                ngettext(
                    "%(count)d bridge loan, %(amount)s (10k yuan), was out past its due date at "
                    "the end of the period.",
                    "%(count)d bridge loans, %(amount)s (10k yuan), were out past their due "
                    "date at the end of the period.",
                    f.overdue_count,
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
    if f.count and not f.above_ceiling:
        # None above the ceiling: say so, not "0 of them, 0.00 (10k yuan), above".
        out.append(
            fill(
                ngettext(
                    "%(count)d loan between firms was registered, %(amount)s (10k yuan), at a "
                    "rate within the legal ceiling for private lending.",
                    "%(count)d loans between firms were registered, %(amount)s (10k yuan), none "
                    "at a rate above the legal ceiling for private lending.",
                    f.count,
                ),
                {"count": f.count, "amount": _wan(f.amount_wan)},
                count="lending_loans",
                amount="lending_amount_wan",
            )
        )
    elif f.count:
        out.append(
            fill(
                ngettext(
                    "%(count)d loan between firms was registered, %(amount)s (10k yuan); "
                    "%(above)d of them, %(above_amount)s (10k yuan), at a rate above the legal "
                    "ceiling for private lending.",
                    "%(count)d loans between firms were registered, %(amount)s (10k yuan); "
                    "%(above)d of them, %(above_amount)s (10k yuan), at a rate above the legal "
                    "ceiling for private lending.",
                    f.count,
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
                ngettext(
                    "%(count)d guarantee circle was found among the zone's firms (%(circles)s): "
                    "a default of one can reach the others.",
                    "%(count)d guarantee circles were found among the zone's firms (%(circles)s): "
                    "a default of one can reach the others.",
                    len(f.circles),
                ),
                {"count": len(f.circles), "circles": circles},
                count="lending_circles",
            )
        )
    return out


def sentences(bridge: BridgeFacts | None, lending: LendingFacts | None) -> list[str]:
    """The bridge-loan fund's sentences, then lending between firms'."""
    return bridge_sentences(bridge) + lending_sentences(lending)
