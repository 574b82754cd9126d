"""Pages of entitlements: a firm's benefits and why, the benefit's next step, an officer's open
benefits, and a zone's 一条不漏 / 应享尽享 coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from zonedesk.core.errors import DomainError, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.period import Period
from zonedesk.core.views import export_response, found
from zonedesk.enterprises.access import is_member
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring.selectors import figure_history, zone_for
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.models import Role
from zonedesk.org.selectors import zone_list
from zonedesk.policies import selectors, services, sheets
from zonedesk.policies.forms import (
    MoveForm,
)
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


def _firm_context(request, enterprise, *, refused=None) -> dict:
    user = request.user
    cache = {}  # the firm's facts per month, computed once for the page
    rows = selectors.firm_entitlements(user, enterprise=enterprise, cache=cache)
    if rows:
        period = max(Period.of(f.entitlement.period) for f in rows)
    else:  # no decisions yet: the firm's latest month, if it reported one
        latest = figure_history(user, enterprise=enterprise, months=1)
        period = latest[0].month if latest else None
    member = is_member(user, enterprise)
    groups = {"open": [], "undetermined": [], "received": [], "closed": [], "lapsed": []}
    for f in rows:
        e = f.entitlement
        moves = services.next_moves(user, e)
        shown = refused if refused and refused.get("pk") == e.pk else None
        item = (f, moves, shown, _state_help(e, member))
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
        "others": selectors.firm_other_measures(
            user, enterprise=enterprise, period=period, cache=cache
        ),
        "period": period,
        "is_member": member,
    }


def _state_help(e: Entitlement, member: bool) -> str:
    """What the benefit's state means and what comes next, for the firm or for staff."""
    automatic = e.measure.mode == e.measure.Mode.AUTOMATIC
    if e.decision != Entitlement.Decision.ELIGIBLE:
        return ""
    if e.state == S.IDENTIFIED:
        return (
            _("You qualify; your liaison officer will tell you how to claim it.")
            if member
            else _("Found by the rules; the firm has not been told yet.")
        )
    if e.state == S.NOTIFIED:
        if automatic:
            return _("Paid without application (免申即享): the department approves it directly.")
        return (
            _("Apply to the department with the materials listed.")
            if member
            else _("The firm has been told; it applies to the department.")
        )
    if e.state == S.APPLIED:
        return _("Applied; the department decides.")
    if e.state == S.APPROVED:
        return _("Approved; waiting for the money or relief to arrive.")
    return ""


REFUSED = "policies.refused_move"  # the session key of the last refused step, shown once


@login_required
def firm(request, pk: int):
    enterprise = found(enterprise_get(request.user, pk=pk))
    refused = request.session.pop(REFUSED, None)
    context = _firm_context(request, enterprise, refused=refused)
    if refused:
        context["focus"] = refused.get("pk")
    return render(request, "policies/firm.html", context)


def _errors(form) -> list[str]:
    """A refused step's reasons as lines: the form's own, then each field's with its label."""
    lines = [str(e) for e in form.non_field_errors()]
    for field in form:
        lines += [f"{field.label}: {e}" for e in field.errors]
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def move(request, pk: int):
    """The benefit's next step, from the firm page. Either way the user goes back to the
    benefit on the firm page: a refused step with its reasons beside the benefit (its form
    open) and said at the top, never left on this URL. A GET (a bookmark) goes there too."""
    entitlement = found(selectors.entitlement_get(request.user, pk=pk))
    back = reverse("policies:firm", args=[entitlement.enterprise_id]) + f"#e{pk}"
    if request.method == "GET":
        return redirect(back)
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
            return redirect(back)
    reasons = _errors(form)
    request.session[REFUSED] = {
        "pk": entitlement.pk,
        "to": str(request.POST.get("to", ""))[:20],
        "errors": reasons,
    }
    messages.error(
        request,
        _("“%(measure)s”: the step was not recorded: %(reasons)s")
        % {"measure": entitlement.measure.title, "reasons": " ".join(reasons)},
    )
    return redirect(back)


def _open_filters(request) -> dict:
    # "My firms" is an officer's choice (the firms they liaise with); nobody else has any.
    officer = selectors.mine_by_default(request.user)
    mine = officer and request.GET.get("who", "mine") == "mine"
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
        "show_who": selectors.mine_by_default(request.user),
        **f,
    }
    return render(request, "policies/open.html", context)


@login_required
def open_export(request):
    rows = selectors.open_entitlements(request.user, **_open_filters(request))
    return export_response(
        request, [sheets.open_sheet(rows)], _("open-benefits.xlsx"), what="open benefits"
    )


def _zone(request):
    if not can_view_dashboard(request.user):
        raise HttpForbidden
    return found(zone_for(request.user, code=request.GET.get("zone", "")))


@login_required
def coverage(request):
    zone = _zone(request)
    by_level, by_measure = selectors.coverage(request.user, zone=zone)
    by_zone, zones_total = selectors.coverage_by_zone(
        request.user, label=_zones_total_label(request.user)
    )
    context = {
        "zone": zone,
        "by_level": by_level,
        "by_measure": by_measure,
        "total": sheets.total_row(by_level),
        "by_zone": by_zone,
        "zones_total": zones_total,
        "unclaimed": selectors.unclaimed_firms(request.user, zone=zone),
        "zones": _zone_choices(request.user),
    }
    return render(request, "policies/coverage.html", context)


def _zones_total_label(user) -> str:
    """The total row across the zones a user oversees: named after the user's area."""
    if user.area_id is not None:
        return _("%(area)s, all zones") % {"area": user.area.name}
    return _("All zones")


def _zone_choices(user):
    return list(zone_list(user).order_by("code").values_list("code", "name")[:500])


@login_required
def coverage_export(request):
    zone = _zone(request)
    by_level, by_measure = selectors.coverage(request.user, zone=zone)
    unclaimed = selectors.unclaimed_firms(request.user, zone=zone, limit=1000)
    by_zone, zones_total = selectors.coverage_by_zone(
        request.user, label=_zones_total_label(request.user)
    )
    return export_response(
        request,
        sheets.coverage_sheets(by_level, by_measure, unclaimed, by_zone, zones_total),
        _("coverage-%(code)s.xlsx") % {"code": zone.code},
        what="policy coverage",
    )
