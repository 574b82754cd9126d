"""The generated monthly summaries as a card on the leader's dashboard (monitoring's page loads
this library: monitoring sits below reports and does not import it; a template names a tag).

The card is rendered per request, outside the dashboard's cached figures, for the zones of the
page's scope that the user sees. The whole page may still be served from the user's page cache
(monitoring.pagecache, at most CACHE_SECONDS) for a moment after the schedule ran."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format

from zonedesk.core.period import Period
from zonedesk.reports import selectors

register = template.Library()


@register.inclusion_tag("reports/partials/monthly_card.html", takes_context=True)
def monthly_summaries_card(context, scope) -> dict:
    """The newest month's generated summaries of the scope's zones, with their downloads."""
    rows = selectors.monthly_summaries(context["request"].user, scope.zones) if scope else []
    if not rows:
        return {"rows": []}
    month = Period.parse(rows[0].period)
    return {
        "rows": rows,
        "month_label": date_format(month.first_day, "YEAR_MONTH_FORMAT"),
        "last_month": month == Period.of(timezone.localdate()).previous,
        "generated_at": max(r.generated_at for r in rows),
    }
