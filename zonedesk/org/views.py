from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.shortcuts import render

from zonedesk.core.models import AuditEntry
from zonedesk.org import access, selectors


@login_required
def zone_list(request):
    return render(request, "org/zone_list.html", {"zones": selectors.zone_overview(request.user)})


@login_required
def audit_log(request):
    if not access.can_read_audit(request.user):
        raise HttpForbidden
    action = request.GET.get("action", "")
    action = action if action in AuditEntry.Action.values else ""
    target = request.GET.get("target", "").strip()
    entries = selectors.audit_list(request.user, action=action, target=target)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/audit_log.html",
        {
            "page": page,
            "actions": AuditEntry.Action.choices,
            "action": action,
            "target": target,
        },
    )
