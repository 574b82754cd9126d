"""The firm page's link to raise a problem, for those who may."""

from django import template

from zonedesk.casework import access
from zonedesk.org.access import can_view_dashboard

register = template.Library()


@register.inclusion_tag("casework/partials/raise_link.html", takes_context=True)
def raise_problem_link(context, enterprise):
    user = context["request"].user
    return {
        "enterprise": enterprise,
        "show": access.can_submit(user, enterprise),
        "contact": access.can_log_contact(user, enterprise),
        "plan": can_view_dashboard(user),
    }
