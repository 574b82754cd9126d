"""Template helpers of the policy pages: facts shown with their names and units, and the firm
page's benefits card."""

import re

from django import template
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from zonedesk.core.templatetags.zd import count, pct, wan
from zonedesk.enterprises.models import Enterprise
from zonedesk.policies import facts, rules, selectors

register = template.Library()


@register.filter
def fact_label(name: str) -> str:
    """The fact's description in the user's language."""
    definition = facts.FACTS.get(name)
    return definition.label(get_language() or "zh") if definition else name


@register.filter
def fact_short(name: str) -> str:
    """The description up to its explanation: “企业规模”, “size class”."""
    return re.split(r"（|：|: | \(", fact_label(name), maxsplit=1)[0]


# Coded values of text facts, as people read them.
VALUE_LABELS = {
    "size_class": {
        "large": pgettext_lazy("size class", "large"),
        "medium": pgettext_lazy("size class", "medium-sized"),
        "small": pgettext_lazy("size class", "small"),
        "micro": pgettext_lazy("size class", "micro"),
    },
    "status": dict(Enterprise.Status.choices),
}


@register.filter
def fact_value(value, name: str) -> str:
    """A firm's value of a fact as people read it: 12.5% for a change, 1,234.00 万元 for money,
    是/否 for yes-no, “missing” when the firm has not reported it."""
    if value is None:
        return _("missing")
    if value is rules.NOT_APPLICABLE:
        return _("none (no base year)")
    definition = facts.FACTS.get(name)
    unit = definition.unit if definition else ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name in VALUE_LABELS and value in VALUE_LABELS[name]:
        return str(VALUE_LABELS[name][value])
    if unit == "%":
        return pct(value)
    if unit == "万元":
        return _("%(value)s (10k yuan)") % {"value": wan(value)}
    if unit == "人":
        return _("%(value)s people") % {"value": count(int(value))}
    if unit == "天":
        return _("%(value)s days") % {"value": count(int(value))}
    if isinstance(value, float) and value.is_integer():
        return count(int(value))
    return str(value)


@register.filter
def firm_statuses(statuses) -> str:
    """A measure's firm statuses as people read them: 在产、停产."""
    labels = dict(Enterprise.Status.choices)
    return "、".join(str(labels.get(s, s)) for s in statuses or ())


@register.filter
def is_not_applicable(value) -> bool:
    """A fact's value that cannot exist for the firm (rules.NOT_APPLICABLE)."""
    return value is rules.NOT_APPLICABLE


@register.inclusion_tag("policies/partials/firm_card.html", takes_context=True)
def firm_benefits(context, enterprise):
    user = context["request"].user
    return {
        "enterprise": enterprise,
        "summary": selectors.firm_summary(user, enterprise=enterprise),
    }


@register.inclusion_tag("policies/partials/tabs.html", takes_context=True)
def policy_tabs(context, tab: str):
    from zonedesk.org.access import can_view_dashboard

    return {"tab": tab, "show_coverage": can_view_dashboard(context["request"].user)}
