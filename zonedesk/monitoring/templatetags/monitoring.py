"""The firm page's monthly figures card: the firm's recent months and a button to report."""

from django import template
from django.utils import timezone

from zonedesk.core.period import Period
from zonedesk.monitoring import access, selectors
from zonedesk.monitoring.indicators import change

register = template.Library()


@register.inclusion_tag("monitoring/partials/firm_figures.html", takes_context=True)
def firm_figures(context, enterprise, months: int = 13):
    user = context["request"].user
    history = selectors.figure_history(user, enterprise=enterprise, months=months + 12)
    by_period = {f.month: f for f in history}
    rows = [
        (
            f,
            change(
                f.output_value_wan,
                getattr(by_period.get(f.month.last_year), "output_value_wan", None),
            ),
        )
        for f in history[:months]
    ]
    due = Period.of(timezone.localdate()).previous
    can_report = access.can_report(user, enterprise)
    # Every month the firm is expected to report, the missed ones marked: the button reaches
    # only the month due, the table only the months reported.
    months = selectors.report_months(user, enterprise=enterprise, due=due) if can_report else []
    return {
        "enterprise": enterprise,
        "rows": rows,
        "due": due,
        "due_reported": due in by_period,
        "months": months,
        "missed": sum(1 for _p, f in months if f is None),
        "can_report": can_report,
        "can_confirm": access.can_confirm(user, enterprise),
        "request": context["request"],
    }


@register.inclusion_tag("monitoring/partials/utility_accounts.html", takes_context=True)
def firm_utility_accounts(context, enterprise):
    """The firm page's utility accounts card (power and water 户号), editable by its officials."""
    from zonedesk.enterprises import access as enterprise_access

    user = context["request"].user
    return {
        "enterprise": enterprise,
        "accounts": selectors.utility_accounts(user, enterprise=enterprise),
        "months": selectors.firm_utility_months(user, enterprise=enterprise),
        "can_edit": enterprise_access.can_edit(user, enterprise),
    }
