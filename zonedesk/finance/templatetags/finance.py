"""Template helpers of the financing pages, and the panels other apps' pages show: a firm's
financing card, a financing problem's needs."""

from django import template
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from zonedesk.finance import access, bridge, facts, selectors
from zonedesk.finance.flows import NEED
from zonedesk.finance.models import Collateral
from zonedesk.policies import rules

register = template.Library()

MOVE_LABELS = {
    "shared": lambda: _("Share with the consented banks"),
    "received": lambda: _("Receive"),
    "under_review": lambda: _("Start the review"),
    "approved": lambda: pgettext("financing need", "Approve"),
    "declined": lambda: pgettext("financing need", "Decline"),
    "disbursed": lambda: _("Record the disbursement"),
    "repaid": lambda: _("Record the repayment"),
    "withdrawn": lambda: _("Withdraw the need"),
}


@register.simple_tag
def need_move_label(move: str) -> str:
    label = MOVE_LABELS.get(move)
    return label() if label else NEED.label(move)


@register.simple_tag
def need_state(state: str) -> str:
    return NEED.label(state)


@register.simple_tag
def match_label(outcome: str) -> str:
    return {
        "match": _("Matches"),
        "unsure": _("May match (figures missing)"),
        "no": _("Does not match"),
    }[outcome]


@register.filter
def finance_fact(name: str) -> str:
    zh, en = facts.LABELS.get(name, (name, name))
    return zh if (get_language() or "zh").startswith("zh") else en


@register.filter
def finance_value(value, name: str) -> str:
    """A fact's value in words (selectors.fact_value): 是/否, 小型, shares as percentages."""
    if value is None:
        return _("not reported")
    if value is rules.NOT_APPLICABLE:
        return "—"
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and name not in facts.firm_facts.SHARES:
        return _number(value, name)
    return selectors.fact_value(name, value, get_language() or "zh")


def _number(value, name: str) -> str:
    """Money (万元, a name ending in _wan) with separators and two places, as every money figure
    of the site; a count (employees, days, months, years) as a whole number: 99, not 99.00."""
    if name.endswith("_wan"):
        return f"{value:,.2f}"
    if name in selectors.YEARS:
        return f"{value:,.1f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


@register.simple_tag
def product_rate(product) -> str:
    if product.rate_kind == "lpr":
        return _("LPR + %(bp)s bp") % {"bp": product.lpr_spread_bp}
    return f"{product.rate_min_pct}% – {product.rate_max_pct}%"


@register.simple_tag
def product_collateral(product) -> str:
    if not product.collateral:
        return _("None required")
    return "、".join(str(Collateral(c).label) for c in product.collateral if c in Collateral.values)


@register.simple_tag
def product_rule(product) -> str:
    try:
        tree = facts.parse_rule(product.eligibility)
    except rules.RuleError:
        return product.eligibility
    return facts.sentence(tree, get_language() or "zh")


@register.inclusion_tag("finance/partials/tabs.html", takes_context=True)
def finance_tabs(context, tab: str):
    user = context["request"].user
    return {
        "tab": tab,
        "show_pipeline": access.can_view_pipeline(user),
        "show_inbox": access.is_bank_user(user),
    }


@register.inclusion_tag("finance/partials/firm_card.html", takes_context=True)
def firm_financing(context, enterprise):
    """The firm page's financing card: its needs and the link to its tab."""
    user = context["request"].user
    show = access.can_view_finance(user) and not access.is_bank_user(user)
    needs = list(selectors.need_list(user, selectors.NeedFilters(enterprise=enterprise.pk)))
    open_ = sum(1 for n in needs if n.status in NEED.states_where(lambda s: bool(NEED.table[s])))
    return {"show": show, "enterprise": enterprise, "count": len(needs), "open": open_}


@register.inclusion_tag("finance/partials/problem_needs.html", takes_context=True)
def problem_needs(context, problem):
    """A financing problem's page: the needs linked to it (raised from it, or turned into it
    after a decline) with their state, matching products and the banks' answers; raising one;
    the cash-relief measures the firm qualifies for; its standing with the bridge fund."""
    user = context["request"].user
    show = problem.category == "finance" and access.can_view_finance(user)
    panel = selectors.problem_panel(user, problem, lang=get_language() or "zh") if show else None
    return {
        "show": show,
        "problem": problem,
        "panel": panel,
        "rows": panel.needs if panel else [],
        "can_raise": show and access.can_raise_need(user, problem.enterprise),
    }


@register.filter
def bridge_flag(flag: str) -> str:
    """An exclusion of the bridge fund in words (欠薪, 不良信用记录)."""
    return {
        bridge.WAGE_ARREARS: _("wage arrears"),
        bridge.BAD_CREDIT: _("a bad credit record"),
    }.get(flag, flag)
