"""The name of every figure the work summary marks, in words for officials: the draft editor's
tokens (【47｜在产企业数】), its refusals and the preview's hovers say it instead of the figure's key
(`producing`). One table, translated; a key made per category or issuing level
(`finance_overdue`, `measures_province`) is named from that category's or level's own label.

A key not in the table (a section added later without its name here) is named "figure":
tests/reports/test_figure_names.py checks that every key the demo's summary marks has a name."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

NAMES = {
    "ytd_output_value_wan_comparable_yoy": pgettext_lazy(
        "figure name", "output value YoY, year to date, comparable basis"
    ),
    "ytd_revenue_wan_comparable_yoy": pgettext_lazy(
        "figure name", "revenue YoY, year to date, comparable basis"
    ),
    "ytd_electricity_kwh_comparable_yoy": pgettext_lazy(
        "figure name", "electricity YoY, year to date, comparable basis"
    ),
    "projects": pgettext_lazy("figure name", "key projects followed"),
    "projects_investment_wan": pgettext_lazy(
        "figure name", "key projects' total investment (10k yuan)"
    ),
    "projects_yearly_wan": pgettext_lazy(
        "figure name", "key projects' investment planned this year (10k yuan)"
    ),
    "projects_invest_done_wan": pgettext_lazy(
        "figure name", "key projects' investment completed in the period (10k yuan)"
    ),
    "projects_invest_rate": pgettext_lazy(
        "figure name", "key projects' completion of the year's planned investment"
    ),
    "projects_invest_plan_wan": pgettext_lazy(
        "figure name", "key projects' monthly investment plans of the year (10k yuan)"
    ),
    "projects_started": pgettext_lazy("figure name", "key projects started"),
    "projects_completed": pgettext_lazy("figure name", "key projects accepted as completed"),
    "projects_producing": pgettext_lazy("figure name", "key projects gone into production"),
    "projects_producing_output_wan": pgettext_lazy(
        "figure name", "expected annual output of the key projects gone into production (10k yuan)"
    ),
    "nodes_red": pgettext_lazy("figure name", "project nodes late (red)"),
    "nodes_yellow": pgettext_lazy("figure name", "project nodes due soon (yellow)"),
    "guarantees_done": pgettext_lazy("figure name", "guarantee items done"),
    "guarantees_open": pgettext_lazy("figure name", "guarantee items open"),
    "guarantees_overdue": pgettext_lazy("figure name", "guarantee items overdue"),
    "service_requests": pgettext_lazy("figure name", "key projects' service requests"),
    "service_response_hours": pgettext_lazy(
        "figure name", "service requests' average response (hours)"
    ),
    "service_resolution_hours": pgettext_lazy(
        "figure name", "service requests' average resolution (hours)"
    ),
    "service_overdue": pgettext_lazy("figure name", "service requests past their limits"),
    "leads_worked": pgettext_lazy("figure name", "investment leads worked"),
    "leads_new": pgettext_lazy("figure name", "new investment leads"),
    "lead_visits": pgettext_lazy("figure name", "visits to target companies"),
    "lead_meetings": pgettext_lazy("figure name", "meetings with target companies"),
    "lead_delegations": pgettext_lazy("figure name", "investment delegations"),
    "leads_signed": pgettext_lazy("figure name", "investment leads signed"),
    "leads_signed_wan": pgettext_lazy(
        "figure name", "estimated investment of the leads signed (10k yuan)"
    ),
    "leads_landed": pgettext_lazy("figure name", "signed projects landed"),
    "leads_open": pgettext_lazy("figure name", "investment leads followed"),
    "leads_stale": pgettext_lazy("figure name", "stale investment leads"),
    "chains": pgettext_lazy("figure name", "industrial chains"),
    "chain_target_nodes": pgettext_lazy("figure name", "target nodes of the chains"),
    "chain_gaps": pgettext_lazy("figure name", "chain gaps (nodes with no local firm)"),
    "chain_weak": pgettext_lazy("figure name", "weak chain nodes"),
    "chain_single": pgettext_lazy("figure name", "chain nodes depending on one firm"),
    "financing_needs": pgettext_lazy("figure name", "financing needs shared with banks"),
    "financing_needs_wan": pgettext_lazy(
        "figure name", "amount of the financing needs shared (10k yuan)"
    ),
    "financing_approved": pgettext_lazy("figure name", "financing needs approved"),
    "financing_approved_wan": pgettext_lazy("figure name", "amount approved by banks (10k yuan)"),
    "financing_disbursed": pgettext_lazy("figure name", "loans disbursed"),
    "financing_disbursed_wan": pgettext_lazy("figure name", "amount disbursed (10k yuan)"),
    "financing_approval_rate": pgettext_lazy("figure name", "banks' approval rate"),
    "financing_response_days": pgettext_lazy(
        "figure name", "banks' average first response (working days)"
    ),
    "financing_overdue_needs": pgettext_lazy(
        "figure name", "financing needs waiting past the banks' limit"
    ),
    "financing_take_up_rate": pgettext_lazy(
        "figure name", "financing needs answered by a bank (take-up rate)"
    ),
    "financing_response_median_days": pgettext_lazy(
        "figure name", "banks' median first response (working days)"
    ),
    "bridge_loans": pgettext_lazy("figure name", "bridge loans disbursed"),
    "bridge_amount_wan": pgettext_lazy("figure name", "amount of the bridge loans (10k yuan)"),
    "bridge_turnover": pgettext_lazy("figure name", "turnover of the bridge-loan fund"),
    "bridge_overdue": pgettext_lazy("figure name", "bridge loans overdue"),
    "bridge_overdue_wan": pgettext_lazy(
        "figure name", "amount of the bridge loans overdue (10k yuan)"
    ),
    "lending_loans": pgettext_lazy("figure name", "loans between firms registered"),
    "lending_amount_wan": pgettext_lazy("figure name", "amount lent between firms (10k yuan)"),
    "lending_above_ceiling": pgettext_lazy(
        "figure name", "loans between firms above the legal rate ceiling"
    ),
    "lending_circles": pgettext_lazy("figure name", "guarantee circles among the firms"),
    "producing": pgettext_lazy("figure name", "firms producing"),
    "newly_above": pgettext_lazy("figure name", "firms newly above designated size"),
    "reporting": pgettext_lazy("figure name", "firms that reported"),
    "expected": pgettext_lazy("figure name", "firms expected to report"),
    "reporting_rate": pgettext_lazy("figure name", "reporting rate"),
    "unconfirmed": pgettext_lazy("figure name", "reports not yet confirmed"),
    "new_firms": pgettext_lazy("figure name", "newly started firms"),
    "resumed_firms": pgettext_lazy("figure name", "firms resumed after a halt"),
    "halted_firms": pgettext_lazy("figure name", "firms halted"),
    "halted_days": pgettext_lazy("figure name", "days halted"),
    "capacity_level": pgettext_lazy("figure name", "firms at last year's capacity"),
    "capacity_above": pgettext_lazy("figure name", "firms above last year's capacity"),
    "capacity_below": pgettext_lazy("figure name", "firms below last year's capacity"),
    "employees_yoy": pgettext_lazy("figure name", "employment YoY"),
    "output_yoy": pgettext_lazy("figure name", "output value YoY"),
    "output_new_points": pgettext_lazy(
        "figure name", "newly started firms' pull on output (points)"
    ),
    "output_resumed_points": pgettext_lazy("figure name", "resumed firms' pull on output (points)"),
    "revenue_yoy": pgettext_lazy("figure name", "revenue YoY"),
    "electricity_yoy": pgettext_lazy("figure name", "electricity YoY"),
    "water_yoy": pgettext_lazy("figure name", "water YoY"),
    "power_index": pgettext_lazy("figure name", "electricity against before the epidemic"),
    "water_index": pgettext_lazy("figure name", "water against before the epidemic"),
    "ytd_output_value_wan": pgettext_lazy("figure name", "output value, year to date (10k yuan)"),
    "ytd_output_yoy": pgettext_lazy("figure name", "output value YoY, year to date"),
    "ytd_revenue_wan": pgettext_lazy("figure name", "revenue, year to date (10k yuan)"),
    "ytd_revenue_yoy": pgettext_lazy("figure name", "revenue YoY, year to date"),
    "ytd_electricity_yoy": pgettext_lazy("figure name", "electricity YoY, year to date"),
    "output_value_wan_comparable_yoy": pgettext_lazy(
        "figure name", "output value YoY, comparable basis"
    ),
    "revenue_wan_comparable_yoy": pgettext_lazy("figure name", "revenue YoY, comparable basis"),
    "employees_comparable_yoy": pgettext_lazy("figure name", "employment YoY, comparable basis"),
    "electricity_kwh_comparable_yoy": pgettext_lazy(
        "figure name", "electricity YoY, comparable basis"
    ),
    "water_t_comparable_yoy": pgettext_lazy("figure name", "water YoY, comparable basis"),
    "catch_up": pgettext_lazy("figure name", "growth needed in the remaining months"),
    "target": pgettext_lazy("figure name", "the year's target"),
    "to_target": pgettext_lazy("figure name", "growth needed to reach the target"),
    "to_target_if_halted": pgettext_lazy(
        "figure name", "growth needed to reach the target after the halt"
    ),
    "catch_up_if_halted": pgettext_lazy("figure name", "growth needed to catch up after the halt"),
    "halted_days_assumed": pgettext_lazy("figure name", "days of halt assumed"),
    "firms": pgettext_lazy("figure name", "firms"),
    "raised": pgettext_lazy("figure name", "problems raised"),
    "other_raised": pgettext_lazy("figure name", "other problems raised"),
    "satisfaction": pgettext_lazy("figure name", "satisfaction (out of 5)"),
    "with_officer": pgettext_lazy("figure name", "firms with a liaison officer"),
    "officers": pgettext_lazy("figure name", "liaison officers"),
    "with_plan": pgettext_lazy("figure name", "firms with a contact plan"),
    "at_risk": pgettext_lazy("figure name", "firms watched closely"),
    "contacts": pgettext_lazy("figure name", "contacts"),
    "visits": pgettext_lazy("figure name", "visits"),
    "firms_contacted": pgettext_lazy("figure name", "firms contacted"),
    "resolved": pgettext_lazy("figure name", "problems resolved"),
    "resolved_share": pgettext_lazy("figure name", "share resolved"),
    "actions": pgettext_lazy("figure name", "plan actions due"),
    "actions_done": pgettext_lazy("figure name", "plan actions done"),
    "overdue": pgettext_lazy("figure name", "problems overdue"),
    "late": pgettext_lazy("figure name", "firms past their contact plan"),
    "never_contacted": pgettext_lazy("figure name", "firms never contacted"),
    "measures": pgettext_lazy("figure name", "support measures in force"),
    "firms_eligible": pgettext_lazy("figure name", "firms qualifying"),
    "eligible": pgettext_lazy("figure name", "benefits qualified for"),
    "notified": pgettext_lazy("figure name", "benefits made known"),
    "notified_rate": pgettext_lazy("figure name", "share made known"),
    "disbursed": pgettext_lazy("figure name", "benefits received"),
    "disbursed_wan": pgettext_lazy("figure name", "amount received (10k yuan)"),
    "disbursed_in_period": pgettext_lazy("figure name", "benefits received in the period"),
    "disbursed_in_period_wan": pgettext_lazy(
        "figure name", "amount received in the period (10k yuan)"
    ),
    "owed": pgettext_lazy("figure name", "benefits still owed"),
    "owed_firms": pgettext_lazy("figure name", "firms still owed"),
    "owed_wan": pgettext_lazy("figure name", "amount still owed (10k yuan)"),
}

# Keys made per category of problem (difficulties) and per issuing level (support measures).
# The labels of casework's Problem.Category and policies' PolicyDocument.Level, by the same
# msgids (reports reads those apps through their selectors only, not their models);
# tests/reports/test_drafts.py checks that every category and level has its label here.
_CATEGORY = {
    "land": gettext_lazy("Land and planning"),
    "finance": gettext_lazy("Working capital and financing"),
    "logistics": gettext_lazy("Logistics"),
    "labour": gettext_lazy("Labour and recruitment"),
    "home_market": gettext_lazy("Home market"),
    "export": gettext_lazy("Export and orders"),
    "energy": gettext_lazy("Energy and utilities"),
    "permits": gettext_lazy("Permits and approvals"),
    "policy": gettext_lazy("Policy"),
    "other": gettext_lazy("Other"),
}
_LEVEL = {
    "province": gettext_lazy("Province"),
    "city": gettext_lazy("City"),
    "county": gettext_lazy("County"),
    "zone": gettext_lazy("Zone"),
}
_PER_CATEGORY = {
    "_raised": pgettext_lazy("figure name of a category", "%(what)s: problems raised"),
    "_firms": pgettext_lazy("figure name of a category", "%(what)s: firms"),
    "_resolved": pgettext_lazy("figure name of a category", "%(what)s: resolved"),
    "_resolved_share": pgettext_lazy("figure name of a category", "%(what)s: share resolved"),
    "_overdue": pgettext_lazy("figure name of a category", "%(what)s: overdue"),
    "_rise": pgettext_lazy("figure name of a category", "%(what)s: rise on the period before"),
    "_days": pgettext_lazy("figure name of a category", "%(what)s: working days to resolve"),
}


DIRECTION = "_direction"  # reports.sections.words.direction_key


def name(key: str) -> str:
    """The figure's name in the active language (never its key)."""
    if key in NAMES:
        return str(NAMES[key])
    if key.endswith(DIRECTION) and len(key) > len(DIRECTION):
        # The words that say up or down (增加 / 下降, 拉动 / 下拉) of the figure before it.
        return pgettext("figure name of a direction", "%(what)s, up or down") % {
            "what": name(key[: -len(DIRECTION)])
        }
    if key.startswith("measures_") and key[len("measures_") :] in _LEVEL:
        return pgettext("figure name of a level", "%(what)s support measures") % {
            "what": _LEVEL[key[len("measures_") :]]
        }
    # The longest suffix first: "_resolved_share" before "_resolved".
    for suffix in sorted(_PER_CATEGORY, key=len, reverse=True):
        category = key[: -len(suffix)]
        if key.endswith(suffix) and category in _CATEGORY:
            return str(_PER_CATEGORY[suffix]) % {"what": _CATEGORY[category]}
    return _("figure")
