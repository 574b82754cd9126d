"""What the monitoring pages share: the scope, month, size and basis asked for, the zone,
the firm and the safe `next` address."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _

from zonedesk.core.period import Period
from zonedesk.core.views import found
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring import recovery, selectors
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.selectors import zone_get


def _scope(request) -> selectors.Scope:
    if not can_view_dashboard(request.user):
        raise HttpForbidden
    zone, area = request.GET.get("zone", ""), request.GET.get("area", "")
    picked = request.GET.get("scope", "")  # the scope drop-down: "zone=demo" or "area=511700"
    if picked.startswith(("zone=", "area=")):
        kind, code = picked.split("=", 1)
        zone, area = (code, "") if kind == "zone" else ("", code)
    return found(selectors.scope_for(request.user, zone=zone, area=area))


def _period(request, scope=None) -> Period:
    """The month asked for, else the latest month with figures, else last month."""
    raw = request.GET.get("period") or request.POST.get("period")
    if raw:
        try:
            return Period.parse(raw)
        except ValueError:
            messages.warning(
                request, _("“%(value)s” is not a month: showing the latest.") % {"value": raw[:20]}
            )
    latest = selectors.latest_period(request.user, scope) if scope else None
    return latest or Period.of(timezone.localdate()).previous


def _halted_days(request, period: Period) -> int:
    """The what-if's days lost over the rest of the year (0..the days left after the month);
    anything else is no what-if, said in a message."""
    raw = request.GET.get("halted", "")
    if not raw:
        return 0
    left = recovery.remaining_days(period.year, period.month)
    if re.fullmatch(r"[0-9]{1,3}", raw) and int(raw) <= left:
        return int(raw)
    messages.warning(
        request,
        _(
            "“%(value)s” is not a number of days lost from 0 to %(left)d (the days left in the "
            "year after the month): the what-if is not shown."
        )
        % {"value": raw[:20], "left": left},
    )
    return 0


def _size(request) -> str:
    """The size scope asked for (all / above / below); anything else is all firms."""
    size = request.GET.get("size", "all")
    return size if size in selectors.SIZES else "all"


def _basis(request) -> str:
    basis = request.GET.get("basis", "preliminary")
    return basis if basis in selectors.BASES else "preliminary"


def size_labels():
    return [
        ("all", _("All firms")),
        ("above", _("Above designated size")),
        ("below", _("Below designated size")),
    ]


def basis_labels():
    return [
        ("preliminary", _("Preliminary (all reports)")),
        ("confirmed", _("Confirmed only")),
    ]


def _query(scope, period, **extra) -> str:
    key = "zone" if scope.zone else "area"
    return urlencode({key: scope.code, "period": str(period), **extra})


def _zone(request):
    if not can_view_dashboard(request.user):
        raise HttpForbidden
    code = request.GET.get("zone") or request.POST.get("zone") or ""
    if code:
        zone = zone_get(request.user, code=code)
    else:  # the user's own zone (or a superuser's first)
        scope = selectors.scope_for(request.user)
        zone = scope.zone if scope else None
    if zone is None:
        raise Http404
    return zone


def _firm(request, pk: int):
    return found(enterprise_get(request.user, pk=pk))


def _month(value: str) -> Period:
    try:
        return Period.parse(value)
    except ValueError as exc:
        raise Http404 from exc


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return default
