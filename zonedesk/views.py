"""The landing page. It becomes the zone leader's dashboard once monitoring lands."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from zonedesk.core import health as health_checks
from zonedesk.core import industry
from zonedesk.enterprises import selectors as enterprise_selectors
from zonedesk.enterprises.models import Enterprise
from zonedesk.org import selectors as org_selectors
from zonedesk.org.access import can_view_dashboard


@login_required
def landing(request):
    """Where a log-in lands: a zone leader on the production dashboard, everyone else on the
    overview."""
    from zonedesk.org.models import Role

    if request.user.has_role(Role.LEADER) and can_view_dashboard(request.user):
        return redirect("monitoring:dashboard")
    return redirect("home")


@require_safe
@never_cache
def health(request):
    """For a load balancer or monitor, without log-in: 200 when the database answers, a worker
    is alive and the disk has room, else 503; JSON naming each check's verdict, nothing more."""
    healthy, body = health_checks.report()
    return JsonResponse(body, status=200 if healthy else 503)


@login_required
def home(request):
    counts = enterprise_selectors.enterprise_status_counts(request.user)
    by_division = enterprise_selectors.enterprise_division_counts(request.user)
    industry_chart = _top_with_other(by_division, 11)
    return render(
        request,
        "home.html",
        {
            "status_counts": [
                (value, label, counts.get(value, 0)) for value, label in Enterprise.Status.choices
            ],
            "total": sum(counts.values()),
            "zones": org_selectors.zone_list(request.user)[:20],
            "industry_chart": industry_chart,
            # A pie of one slice (a firm's own user) or of none (a bank's) tells nothing: the
            # table alone, and the 1 MB chart library is not loaded.
            "show_chart": len(industry_chart) > 1,
        },
    )


def _top_with_other(counts: list[tuple[str, int]], top: int) -> list[dict]:
    """The largest divisions by name, the rest summed as 其他, so the chart adds up to the total."""
    rows = [{"name": str(industry.get(code) or code), "value": n} for code, n in counts[:top]]
    rest = sum(n for _code, n in counts[top:])
    if rest:
        rows.append({"name": str(_("Other industries")), "value": rest})
    return rows


# Errors raised before a request reaches the API's own handlers (an address no route matches,
# a malformed request) answer in the API's shape, JSON with a `detail`, as its schema documents;
# pages keep Django's templates (404.html, 500.html).
def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("The request is malformed.")}, status=400)
    return defaults.bad_request(request, exception)


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            {"detail": _("The server failed to answer; the error has been logged.")}, status=500
        )
    return defaults.server_error(request)
