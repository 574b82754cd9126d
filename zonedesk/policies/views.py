"""Pages of support policies: a firm's benefits and why, the benefit's next step, an officer's
open benefits, and a zone's 一条不漏 / 应享尽享 coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zonedesk.core import xlsx
from zonedesk.core.errors import DomainError, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring.access import can_view_dashboard, is_member
from zonedesk.monitoring.selectors import latest_period_of, scope_for
from zonedesk.org.models import Role
from zonedesk.org.selectors import zone_get, zone_list
from zonedesk.policies import selectors, services, sheets
from zonedesk.policies.forms import MoveForm
from zonedesk.policies.models import Entitlement, PolicyDocument

S = Entitlement.State


@login_required
def index(request):
    """The module's front page by role: a firm's own benefits; an officer's open benefits of
    their firms; the zone's coverage for its other staff."""
    user = request.user
    membership = getattr(user, "enterprise_membership", None)
    if membership is not None and user.has_role(Role.ENTERPRISE):
        return redirect("policies:firm", membership.enterprise_id)
    if can_view_dashboard(user) and not user.has_role(Role.OFFICER):
        return redirect("policies:coverage")
    return redirect("policies:open")


def _firm_context(request, enterprise, *, form_for=None, form=None) -> dict:
    user = request.user
    rows = selectors.firm_entitlements(user, enterprise=enterprise)
    period = (
        max(Period.of(f.entitlement.period) for f in rows)
        if rows
        else latest_period_of(Enterprise.objects.filter(pk=enterprise.pk))
    )
    groups = {"open": [], "undetermined": [], "received": [], "closed": [], "lapsed": []}
    for f in rows:
        e = f.entitlement
        moves = services.next_moves(user, e)
        item = (f, moves, form if form_for == e.pk else None)
        if e.state == S.DISBURSED:
            groups["received"].append(item)
        elif e.state in (S.REJECTED, S.DECLINED):
            groups["closed"].append(item)
        elif e.decision == Entitlement.Decision.UNDETERMINED:
            groups["undetermined"].append(item)
        elif e.decision == Entitlement.Decision.NOT_ELIGIBLE:
            groups["lapsed"].append(item)
        else:
            groups["open"].append(item)
    return {
        "enterprise": enterprise,
        "groups": groups,
        "summary": selectors.firm_summary(user, enterprise=enterprise),
        "others": selectors.firm_other_measures(user, enterprise=enterprise, period=period),
        "period": period,
        "is_member": is_member(user, enterprise),
        "state_help": {
            S.IDENTIFIED: _("Found by the rules; the firm has not been told yet."),
            S.NOTIFIED: _("The firm has been told; it applies (or the benefit comes by itself)."),
            S.APPLIED: _("Applied; the department decides."),
            S.APPROVED: _("Approved; waiting for the money or relief to arrive."),
        },
    }


@login_required
def firm(request, pk: int):
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise Http404
    return render(request, "policies/firm.html", _firm_context(request, enterprise))


@login_required
@require_POST
def move(request, pk: int):
    """The benefit's next step, from the firm page; a refused step re-shows the page with the
    reason beside the benefit."""
    entitlement = selectors.entitlement_get(request.user, pk=pk)
    if entitlement is None:
        raise Http404
    form = MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.entitlement_move(
                actor=request.user,
                entitlement=entitlement,
                to=data["to"],
                amount_wan=data["amount_wan"],
                on=data["on"],
                note=data["note"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except DomainError as exc:
            if isinstance(exc, HttpForbidden):
                raise
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("“%(measure)s”: %(state)s.")
                % {"measure": moved.measure.title, "state": moved.get_state_display()},
            )
            return redirect(reverse("policies:firm", args=[moved.enterprise_id]) + f"#e{moved.pk}")
    context = _firm_context(request, entitlement.enterprise, form_for=entitlement.pk, form=form)
    return render(request, "policies/firm.html", context, status=400)


def _open_filters(request) -> dict:
    user = request.user
    officer = user.has_role(Role.OFFICER) and not user.is_superuser
    mine = request.GET.get("who", "mine" if officer else "all") == "mine"
    state = request.GET.get("state", "")
    level = request.GET.get("level", "")
    return {"mine": mine, "state": state, "level": level}


@login_required
def open_list(request):
    """An officer's firms' benefits still on their way (a manager's: the whole unit's)."""
    f = _open_filters(request)
    rows = selectors.open_entitlements(request.user, **f)
    counts = selectors.open_counts(request.user, mine=f["mine"])
    context = {
        "rows": rows[:500],
        "total": rows.count(),
        "states": [(s, S(s).label, counts.get(s, 0)) for s in selectors.OPEN],
        "levels": PolicyDocument.Level.choices,
        "query": request.GET.urlencode(),
        **f,
    }
    return render(request, "policies/open.html", context)


@login_required
def open_export(request):
    rows = selectors.open_entitlements(request.user, **_open_filters(request))
    return xlsx.xlsx_response(
        xlsx.write_workbook([sheets.open_sheet(rows)]), _("open-benefits.xlsx")
    )


def _zone(request):
    if not can_view_dashboard(request.user):
        raise HttpForbidden
    code = request.GET.get("zone", "")
    if code:
        zone = zone_get(request.user, code=code)
    else:  # the user's own zone; an area user's first
        scope = scope_for(request.user)
        zone = scope.zone if scope else None
        zone = zone or zone_list(request.user).order_by("code").first()
    if zone is None:
        raise Http404
    return zone


@login_required
def coverage(request):
    zone = _zone(request)
    by_level, by_measure = selectors.coverage(request.user, zone=zone)
    context = {
        "zone": zone,
        "by_level": by_level,
        "by_measure": by_measure,
        "total": sheets.total_row(by_level),
        "unclaimed": selectors.unclaimed_firms(request.user, zone=zone),
        "zones": _zone_choices(request.user),
    }
    return render(request, "policies/coverage.html", context)


def _zone_choices(user):
    return list(zone_list(user).order_by("code").values_list("code", "name")[:500])


@login_required
def coverage_export(request):
    zone = _zone(request)
    by_level, by_measure = selectors.coverage(request.user, zone=zone)
    unclaimed = selectors.unclaimed_firms(request.user, zone=zone, limit=1000)
    content = xlsx.write_workbook(sheets.coverage_sheets(by_level, by_measure, unclaimed))
    return xlsx.xlsx_response(content, _("coverage-%(code)s.xlsx") % {"code": zone.code})
