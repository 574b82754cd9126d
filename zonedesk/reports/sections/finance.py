"""银企对接 in words: the financing needs firms shared with banks in the period and their amount,
those approved, declined and disbursed (by product type), the approval rate and the banks'
median first response in working days (the median only: a few slow answers pull a mean far from
the typical one), the take-up rate (the needs shared that a
bank answered), and the needs waiting past the limit (finance.selectors.summary counts them from
the stored needs); then the bridge-loan fund and lending between firms
(reports/sections/finance_bridge.py)."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from zonedesk.finance.summary import FinanceFacts
from zonedesk.reports.document import Block
from zonedesk.reports.sections import finance_bridge
from zonedesk.reports.sections.part import Found, Part, paragraphs
from zonedesk.reports.sections.words import fill, rate
from zonedesk.reports.sections.words import paragraph as joined

# The product types' names (finance.models.ProductType's, the same msgids: a section reads no
# model).
TYPES = {
    "mortgage": gettext_lazy("Mortgage loan"),
    "order": gettext_lazy("Order-backed loan"),
    "credit": gettext_lazy("Credit loan"),
    "guaranteed": gettext_lazy("Guaranteed loan"),
    "ip_pledge": gettext_lazy("IP pledge loan"),
    "receivables": gettext_lazy("Receivables financing"),
    "other": gettext_lazy("Other"),
}
REASONS = {
    "collateral": gettext_lazy("Collateral insufficient"),
    "credit_record": gettext_lazy("Credit record"),
    "cash_flow": gettext_lazy("Cash flow too weak"),
    "debt": gettext_lazy("Debt too high"),
    "industry": gettext_lazy("Industry outside the bank's policy"),
    "documents": gettext_lazy("Documents incomplete"),
    "other": gettext_lazy("Other"),
}


def _wan(value: Decimal) -> str:
    return f"{value:,.2f}"


counted = finance_bridge.counted


def sentences(f: FinanceFacts, period: str) -> list[str]:
    out = [
        fill(
            _(
                "In %(period)s, %(firms)s shared %(needs)s of %(amount)s (10k yuan) with banks "
                "on their consent."
            ),
            {
                "period": period,
                "firms": counted("%(n)d firm", "%(n)d firms", f.firms),
                "needs": counted(
                    "%(n)d financing need", "%(n)d financing needs", f.needs, "financing_needs"
                ),
                "amount": _wan(f.needs_wan),
            },
            amount="financing_needs_wan",
        ),
        fill(
            _(
                "Banks approved %(approved)s for %(approved_wan)s (10k yuan) and declined "
                "%(declined)d (an approval rate of %(rate)s), and disbursed %(disbursed)s of "
                "%(disbursed_wan)s (10k yuan)."
            ),
            {
                "approved": counted("%(n)d need", "%(n)d needs", f.approved, "financing_approved"),
                "approved_wan": _wan(f.approved_wan),
                "declined": f.declined,
                "rate": rate(f.approval_rate, "financing_approval_rate"),
                "disbursed": counted(
                    "%(n)d loan", "%(n)d loans", f.disbursed, "financing_disbursed"
                ),
                "disbursed_wan": _wan(f.disbursed_wan),
            },
            approved_wan="financing_approved_wan",
            disbursed_wan="financing_disbursed_wan",
        ),
    ]
    if f.by_type:
        items = pgettext("between product types", "; ").join(
            _(
                "%(type)s: %(approved)d approved, %(approved_wan)s; %(disbursed)d disbursed, "
                "%(disbursed_wan)s"
            )
            % {
                "type": TYPES.get(t.type, t.type),
                "approved": t.approved,
                "approved_wan": _wan(t.approved_wan),
                "disbursed": t.disbursed,
                "disbursed_wan": _wan(t.disbursed_wan),
            }
            for t in f.by_type
        )
        out.append(_("By product type (10k yuan): %(items)s.") % {"items": items})
    if f.take_up_rate is not None and f.needs:
        median = f.median_response_days
        out.append(
            fill(
                _(
                    "A bank answered %(rate)s of the needs shared in the period (the take-up "
                    "rate), half of them within %(median)s working days."
                ),
                {
                    "rate": rate(f.take_up_rate, "financing_take_up_rate"),
                    "median": "—" if median is None else str(median),
                },
                median="financing_response_median_days",
            )
            if median is not None
            else fill(
                ngettext(
                    "No bank answered the %(n)d need shared in the period yet.",
                    "No bank answered the %(n)d needs shared in the period yet.",
                    f.needs,
                ),
                {"n": f.needs},
            )
        )
    if f.decline_reasons:
        reasons = pgettext("between decline reasons", ", ").join(
            _("%(reason)s (%(n)d)") % {"reason": REASONS.get(code, code), "n": n}
            for code, n in f.decline_reasons
        )
        out.append(_("The reasons banks gave for declining: %(reasons)s.") % {"reasons": reasons})
    if f.waiting_overdue:
        out.append(
            fill(
                ngettext(
                    "%(n)d need was waiting past the banks' response limit.",
                    "%(n)d needs were waiting past the banks' response limit.",
                    f.waiting_overdue,
                ),
                {"n": f.waiting_overdue},
                n="financing_overdue_needs",
            )
        )
    return out


def build(found: Found) -> list[Block]:
    f: FinanceFacts = found.facts
    text = sentences(f, found.source.period) if f.needs or f.approved or f.disbursed else []
    return paragraphs([joined(text + finance_bridge.sentences(f.bridge, f.lending))], found)


def next_steps(found: Found) -> list[str]:
    f: FinanceFacts = found.facts
    if not f.waiting_overdue:
        return []
    return [
        fill(
            ngettext(
                "Ask the banks to answer the %(n)d financing need waiting past their response "
                "limit, and feed their reasons back to the firm.",
                "Ask the banks to answer the %(n)d financing needs waiting past their response "
                "limit, and feed their reasons back to the firms.",
                f.waiting_overdue,
            ),
            {"n": f.waiting_overdue},
            n="financing_overdue_needs",
        )
    ]


SUMMARY = Part(
    part=3,
    order=40,
    key="finance",
    title=gettext_lazy("Bank–firm financing"),
    data="zonedesk.reports.summary_data.finance",
    build=build,
    next_steps=next_steps,
)
