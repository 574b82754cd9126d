"""The dashboard (the scope's production status), its Excel file and the growth target."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.views import export_response
from zonedesk.monitoring import access, charts, pagecache, recovery, selectors, services
from zonedesk.monitoring.forms import TargetForm
from zonedesk.monitoring.views.common import (
    _basis,
    _halted_days,
    _period,
    _query,
    _scope,
    _size,
    _zone,
    basis_labels,
    size_labels,
)
from zonedesk.org.selectors import area_list, zone_list
from zonedesk.reports import sections

# Where the cached figures take the target form (rendered per request: it carries a CSRF token).
TARGET_FORM_SLOT = "<!-- target form -->"


@login_required
def dashboard(request):
    scope = _scope(request)
    period = _period(request, scope)
    halted = _halted_days(request, period)
    size = _size(request)
    basis = _basis(request)
    # The forecast's additions (the key projects): not the figures' writes, so in the key.
    additions = selectors.pipeline(request.user, scope, period.year)
    key = pagecache.key(
        request.user,
        [z.pk for z in scope.zones],
        "dashboard",
        scope=scope.code,
        period=str(period),
        halted=halted,
        size=size,
        basis=basis,
        band=str(selectors.band()),
        pipeline=additions,
    )
    page_key = pagecache.page_key(request, key)
    if page_key and (page := cache.get(page_key)) is not None:
        return HttpResponse(page)
    body = pagecache.get_or_render(
        key,
        lambda: _dashboard_figures(
            request.user, scope, period, halted, size, basis, additions=additions
        ),
    )
    zone = scope.zone
    if zone is not None and access.can_set_target(request.user, zone):
        target = selectors.target_for(scope, period.year)
        form = TargetForm(
            initial={
                "year": period.year,
                "output_growth_pct": (target * 100).normalize() if target is not None else None,
                "version": selectors.target_version(scope, period.year),
            }
        )
        slot = render_to_string(
            "monitoring/_target_form.html",
            {"target_form": form, "scope": scope, "period": period},
            request,
        )
        body = body.replace(TARGET_FORM_SLOT, slot, 1)
    context = {
        "scope": scope,
        "period": period,
        "query": _query(scope, period),
        # The Excel file and the early warning of the same scope (size and basis included).
        "scoped_query": _query(scope, period, size=size, basis=basis),
        "scope_query": f"zone={scope.code}" if zone else f"area={scope.code}",
        "scopes": _scope_choices(request.user),
        "sizes": size_labels(),
        "size": size,
        "basis": basis,
        "bases": basis_labels(),
        # Our own template's output, escaped when it was rendered.
        "body": mark_safe(body),  # noqa: S308
    }
    response = render(request, "monitoring/dashboard.html", context)
    if page_key:
        cache.set(page_key, response.content, pagecache.CACHE_SECONDS)
    return response


def _dashboard_figures(
    user,
    scope,
    period: Period,
    halted: int,
    size: str = "all",
    basis: str = "preliminary",
    additions=(),
) -> str:
    """The dashboard's figures as HTML: the same for everyone who sees what `user` sees."""
    st = selectors.status(
        user, scope, period, halted_days=halted, by_zone=True, size=size, basis=basis
    )
    forecast = selectors.forecast(user, st, additions) if size == "all" else None
    context = {
        "st": st,
        "scope": scope,
        "period": period,
        "query": _query(scope, period),
        "size": size,
        "basis": basis,
        "paragraph": sections.status.paragraph(st.facts),
        "cards": charts.key_figures(st),
        "classes": charts.class_rows(st),
        "trend": charts.trend(st),
        "trend_tables": charts.trend_rows(st),
        "incomplete": charts.incomplete_months(st),
        "zone_rows": charts.zone_rows(st),
        "falls": [(st.name(c.firm_id), c) for c in st.summary.top_falls(10)],
        "target_label": sections.words.target_rate(st.recovery.target)
        if st.recovery.target
        else "",
        "band_label": sections.words.target_rate(st.summary.band),
        "halted": halted,
        "forecast": forecast,
        "forecast_sentences": sections.recovery.forecast_sentences(forecast),
        "days_left": recovery.remaining_days(period.year, period.month),
        "new_months": selectors.new_firm_months(),
        "halted_firms": [(st.name(f), days) for f, days in st.halted.by_firm] if st.halted else [],
    }
    return render_to_string("monitoring/_dashboard_body.html", context)


def _scope_choices(user) -> list[tuple[str, str]]:
    """(query, label) for every area and zone the user may look at."""
    areas = (
        [(f"area={a.code}", a.name) for a in area_list(user).order_by("code")[:200]]
        if user.is_superuser or user.area_id is not None
        else []
    )
    zones = [(f"zone={z.code}", f"· {z.name}") for z in zone_list(user).order_by("code")[:500]]
    return areas + zones


@login_required
def dashboard_export(request):
    scope = _scope(request)
    period = _period(request, scope)
    st = selectors.status(
        request.user, scope, period, by_zone=True, size=_size(request), basis=_basis(request)
    )
    return export_response(
        request,
        charts.workbook_sheets(st, selectors.firm_names(st), sections.status.sentences(st.facts)),
        _("status-%(code)s-%(period)s.xlsx") % {"code": scope.code, "period": period},
        what="production status",
    )


@login_required
@require_POST
def target_set(request):
    zone = _zone(request)
    if not access.can_set_target(request.user, zone):
        raise HttpForbidden
    form = TargetForm(request.POST)
    scope = selectors.Scope.of_zone(zone)
    back = reverse("monitoring:dashboard") + "?" + _query(scope, _period(request))
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}")
        return redirect(back)
    data = form.cleaned_data
    try:
        services.target_set(
            actor=request.user,
            zone=zone,
            year=data["year"],
            output_growth_pct=data["output_growth_pct"],
            expected_version=data["version"],
        )
    except StaleVersion as exc:
        theirs = selectors.target_for(scope, data["year"])
        messages.error(
            request,
            _("%(why)s Their target: %(theirs)s %%; yours, not saved: %(yours)s %%.")
            % {
                "why": exc,
                "theirs": format((theirs * 100).normalize(), "f") if theirs is not None else "—",
                "yours": format(data["output_growth_pct"].normalize(), "f"),
            },
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The target was saved."))
    return redirect(back)
