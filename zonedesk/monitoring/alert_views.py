"""The early-warning page (预警): the month's warnings of a zone's or an officer's firms, their
export, and acknowledging one with a note (the same selector and service as the API)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zonedesk.core.errors import ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import Column
from zonedesk.enterprises import access as enterprise_access
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.monitoring import alert_selectors, alerts, selectors, services
from zonedesk.monitoring.models import AlertAck
from zonedesk.monitoring.views import basis_labels, size_labels
from zonedesk.org.access import can_view_dashboard
from zonedesk.org.selectors import zone_get, zone_list

SHOWN = 500  # firms on the page; the export has them all
ACK_ERROR_KEY = "monitoring.alert_ack_error"  # a refused note, shown once under its form


def _filters(request) -> dict:
    """The list's filters from the query: zone, month, whose firms, rule, state."""
    user = request.user
    if not can_view_dashboard(user):
        raise HttpForbidden
    code = request.GET.get("zone", "")
    zone = found(zone_get(user, code=code)) if code else None
    if zone is None and user.zone_id is not None:
        zone = user.zone
    username = request.GET.get("officer", "")
    officer = found(alert_selectors.officer_get(user, username=username)) if username else None
    default = "mine" if alert_selectors.mine_by_default(user) and officer is None else "all"
    who = request.GET.get("who", default)
    rule = request.GET.get("rule", "")
    state = request.GET.get("state", "")
    size = request.GET.get("size", "all")
    basis = request.GET.get("basis", "preliminary")
    raw = request.GET.get("period", "")
    period = None
    if raw:
        try:
            period = Period.parse(raw)
        except ValueError:
            messages.warning(
                request, _("“%(value)s” is not a month: showing the latest.") % {"value": raw[:20]}
            )
    if period is None:
        firms = alert_selectors.alert_firms(user, zone=zone)
        period = selectors.latest_period_of(firms) or Period.of(timezone.localdate()).previous
    return {
        "zone": zone,
        "period": period,
        "mine": who == "mine",
        "officer": officer,
        "rule": rule if rule in alerts.RULES else "",
        "state": state if state in alert_selectors.STATES else "",
        # The dashboard's scope, carried over from it (monitoring.views.common._size, _basis).
        "size": size if size in selectors.SIZES else "all",
        "basis": basis if basis in selectors.BASES else "preliminary",
    }


def _query(f: dict, **extra) -> str:
    values = {
        "period": str(f["period"]),
        "who": "mine" if f["mine"] else "all",
        "officer": f["officer"].username if f["officer"] else "",
        "rule": f["rule"],
        "state": f["state"],
        "size": "" if f["size"] == "all" else f["size"],
        "basis": "" if f["basis"] == "preliminary" else f["basis"],
        **extra,
    }
    if f["zone"] is not None:
        values["zone"] = f["zone"].code
    return urlencode({k: v for k, v in values.items() if v})


def _list(request, f: dict):
    return alert_selectors.alert_list(
        request.user,
        period=f["period"],
        zone=f["zone"],
        mine=f["mine"],
        officer=f["officer"],
        rule=f["rule"],
        state=f["state"],
        size=f["size"],
        basis=f["basis"],
    )


@login_required
def alert_list(request):
    """The month's warnings, most severe first; acknowledged ones greyed with who, when, why."""
    f = _filters(request)
    rows = _list(request, f)
    counts = alert_selectors.rule_counts(rows)
    th = alert_selectors.thresholds()
    can_ack = {
        r.enterprise_id
        for r in rows[:SHOWN]
        if r.zone is not None
        and enterprise_access.can_edit(request.user, _FirmStub(r.enterprise_id, r.zone, r.officer))
    }
    context = {
        **f,
        "rows": rows[:SHOWN],
        "total": len(rows),
        # Firms with a warning nobody has acknowledged yet (the headline says both counts).
        "open_total": sum(1 for r in rows if any(i.ack is None for i in r.items)),
        "ack_error": request.session.pop(ACK_ERROR_KEY, None),
        "rule_rows": [(key, label, counts[key]) for key, label in AlertAck.Rule.choices],
        "rules": AlertAck.Rule.choices,
        "query": _query(f),
        "scope_query": _query(f, state="", rule=""),
        "can_ack": can_ack,
        "limits": {
            "drop": f"{th.yoy_drop * 100:g}%",
            "band": f"±{th.drift_band * 100:g}%",
            "months": th.drift_min_months,
        },
        "zones": list(zone_list(request.user).order_by("code")[:200]),
        "sizes": size_labels(),
        "bases": basis_labels(),
        "dashboard_query": _dashboard_query(f),
        "officers": alert_selectors.officer_choices(request.user, zone=f["zone"]),
    }
    return render(request, "monitoring/alerts.html", context)


def _dashboard_query(f: dict) -> str:
    """Back to the dashboard of the same zone, month and scope."""
    values = {"period": str(f["period"]), "size": f["size"], "basis": f["basis"]}
    if f["zone"] is not None:
        values = {"zone": f["zone"].code, **values}
    return urlencode(values)


class _FirmStub:
    """What `enterprises.access.can_edit` reads of a firm (its zone and officer), from the
    list's rows, so that deciding who may acknowledge costs no query per firm."""

    def __init__(self, pk, zone, officer):
        self.pk, self.zone, self.officer_id = pk, zone, officer.pk if officer else None


@login_required
def alert_export(request):
    f = _filters(request)
    rows = _list(request, f)
    columns = [
        Column(_("Enterprise"), 30),
        Column(_("Unified social credit code"), 22, "text"),
        Column(_("Zone"), 16),
        Column(_("Liaison officer"), 12),
        Column(_("Month"), 9),
        Column(_("Warning"), 16),
        Column(_("Severity"), 8, "int"),
        Column(_("Why"), 60),
        Column(_("Acknowledged by"), 12),
        Column(_("Acknowledged"), 17),
        Column(_("Note"), 40),
    ]
    data = (
        [
            r.name,
            r.credit_code,
            r.zone.name if r.zone else "",
            str(r.officer or ""),
            str(f["period"]),
            i.label,
            i.severity,
            i.text,
            str(i.ack.by or "") if i.ack else "",
            timezone.localtime(i.ack.at).strftime("%Y-%m-%d %H:%M") if i.ack else "",
            i.ack.note if i.ack else "",
        ]
        for r in rows
        for i in r.items
    )
    return export_response(
        request,
        [(_("Early warning"), columns, data)],
        _("warnings-%(period)s.xlsx") % {"period": f["period"]},
        what="early warnings",
    )


@login_required
@require_POST
def alert_ack(request, pk: int):
    """Acknowledge one of the firm's warnings with a note; back to the list."""
    if not can_view_dashboard(request.user):
        raise HttpForbidden
    enterprise = found(enterprise_get(request.user, pk=pk))
    back = request.POST.get("back", "")
    back = back if back.startswith("?") else ""
    try:
        period = Period.parse(request.POST.get("period", ""))
    except ValueError:
        messages.error(request, _("Not a month: write YYYY-MM, e.g. 2020-06."))
        return redirect(reverse("monitoring:alerts") + back)
    try:
        services.alert_acknowledge(
            actor=request.user,
            enterprise=enterprise,
            period=period,
            rule=request.POST.get("rule", ""),
            note=request.POST.get("note", ""),
            basis=request.POST.get("basis") or "preliminary",
        )
    except ValidationFailed as exc:
        for errors in exc.errors.values():
            for error in errors:
                messages.error(request, f"{enterprise.name}: {error}")
        # The note's error is shown again under the form it came from (the list opens at that
        # firm, where the message at the top of the page is out of sight).
        if "note" in exc.errors:
            request.session[ACK_ERROR_KEY] = {
                "firm": enterprise.pk,
                "rule": request.POST.get("rule", ""),
                "errors": [str(e) for e in exc.errors["note"]],
            }
    else:
        messages.success(request, _("Acknowledged: %(name)s.") % {"name": enterprise.name})
    return redirect(reverse("monitoring:alerts") + back + f"#firm-{enterprise.pk}")
