"""The landing page. It becomes the zone leader's dashboard once monitoring lands."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from zonedesk.core import industry
from zonedesk.enterprises import selectors as enterprise_selectors
from zonedesk.enterprises.models import Enterprise
from zonedesk.org import selectors as org_selectors


@login_required
def home(request):
    counts = enterprise_selectors.enterprise_status_counts(request.user)
    by_division = enterprise_selectors.enterprise_division_counts(request.user)
    return render(
        request,
        "home.html",
        {
            "status_counts": [
                (value, label, counts.get(value, 0)) for value, label in Enterprise.Status.choices
            ],
            "total": sum(counts.values()),
            "zones": org_selectors.zone_list(request.user)[:20],
            "industry_chart": [
                {"name": str(industry.get(code) or code), "value": n}
                for code, n in by_division[:12]
            ],
        },
    )
