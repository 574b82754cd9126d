"""Template helpers of the policy pages: facts shown with their names and units, and the firm
page's benefits card."""

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zonedesk.enterprises.models import Enterprise
from zonedesk.policies import asof, facts, rules, selectors, wording

register = template.Library()


@register.filter
def fact_label(name: str) -> str:
    """The fact's description in the user's language."""
    definition = facts.FACTS.get(name)
    return definition.label(get_language() or "zh") if definition else name


@register.filter
def fact_short(name: str) -> str:
    """The description up to its explanation: “企业规模”, “size class”."""
    definition = facts.FACTS.get(name)
    return definition.short(get_language() or "zh") if definition else name


@register.filter
def fact_value(value, name: str) -> str:
    """A firm's value of a fact as people read it (wording.fact_value)."""
    return wording.fact_value(value, name)


BADGE = {
    asof.IN_FORCE: "bg-green-lt",
    asof.NOT_YET: "bg-yellow-lt",
    asof.EXPIRED: "bg-secondary-lt",
}


@register.simple_tag
def validity_badge(document, as_of) -> str:
    """在施 / 未生效 / 已失效: the document on the as-of date (asof), the date in its title."""
    status = as_of.status(document)
    title = _("on %(date)s, the as-of date (the latest reported month's end, or today)") % {
        "date": as_of.date.isoformat()
    }
    return format_html(
        '<span class="badge {}" data-testid="validity" data-status="{}" title="{}">{}</span>',
        BADGE[status],
        status,
        title,
        asof.STATUS_LABELS[status],
    )


@register.filter
def fact_chinese_names(definition) -> str:
    """The Chinese names a rule may call a fact by: its short label, then its aliases."""
    return " / ".join(dict.fromkeys((definition.short("zh"), *definition.aliases)))


@register.filter
def rule_sentence(source: str) -> str:
    """A stored eligibility rule as the sentence people read, never its code."""
    return wording.rule_text(source or "")


@register.filter
def formula_sentence(source: str) -> str:
    """A stored benefit formula in words."""
    return wording.rule_text(source or "", condition=False)


@register.simple_tag
def condition_text(condition, member=False) -> str:
    """A condition as it applies to a firm: the sentence and the firm's own value."""
    return wording.condition_text(condition, member=bool(member))


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
