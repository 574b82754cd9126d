from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.models import AuditEntry
from zonedesk.core.views import export_response, found
from zonedesk.org import access, auditlog, mfa, selectors, services
from zonedesk.org.forms import (
    AuditFilterForm,
    LoginForm,
    OwnPasswordForm,
    PasswordForm,
    UserCreateForm,
    UserEditForm,
)
from zonedesk.org.models import Role
from zonedesk.org.templatetags.rolenotes import outside_role


@login_required
def zone_list(request):
    """The zones of the user's unit; their codes for staff only (a firm's or a bank's user
    knows a zone by its name)."""
    return render(
        request,
        "org/zone_list.html",
        {
            "zones": selectors.zone_overview(request.user),
            "show_codes": not outside_role(request.user),
        },
    )


# How many entries one export holds at most (narrow the filters for more).
AUDIT_EXPORT_MAX = 100_000


def _audit_entries(request):
    """The auditor's entries under the page's filters, and the filter form."""
    if not access.can_read_audit(request.user):
        raise HttpForbidden
    form = AuditFilterForm(request.GET or None)
    filters = form.filters() if form.is_bound else selectors.AuditFilters()
    if filters is None:
        return AuditEntry.objects.none(), form
    return selectors.audit_list(request.user, filters), form


@login_required
def audit_log(request):
    entries, form = _audit_entries(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "org/audit_log.html",
        {"page": page, "rows": auditlog.labelled(page), "form": form, "query": query.urlencode()},
    )


@login_required
def audit_export(request):
    """The filtered entries as a spreadsheet, itself recorded as an export."""
    entries, _form = _audit_entries(request)
    rows = auditlog.labelled(entries[:AUDIT_EXPORT_MAX])
    return export_response(
        request,
        [(str(_("Audit log")), auditlog.columns(), (auditlog.cells(r) for r in rows))],
        _("audit-log.xlsx"),
        what="audit log",
    )


def _user_form_kwargs(user) -> dict:
    return {"departments": selectors.department_list(user), "banks": selectors.bank_list(user)}


@login_required
def user_list(request):
    if not access.can_open_users(request.user):
        raise HttpForbidden
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.user_list(request.user, q=q), 50).get_page(request.GET.get("page"))
    manage = access.can_manage_users(request.user)
    return render(request, "org/user_list.html", {"page": page, "q": q, "manage": manage})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    if not access.can_manage_users(request.user):
        raise HttpForbidden
    zones, areas = selectors.unit_choices(request.user)
    form = UserCreateForm(
        request.POST or None,
        zones=zones,
        areas=areas,
        grantable=access.grantable_roles(request.user),
        **_user_form_kwargs(request.user),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=d["username"],
                password=d["password"],
                roles=d["roles"],
                full_name=d["full_name"],
                phone=d["phone"],
                department=d["department"],
                bank=d["bank"],
                **form.unit_kwargs(),
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s was created.") % {"name": user.username})
            return redirect("users")
    return render(request, "org/user_form.html", {"form": form})


def _user_values(user) -> dict:
    """What the edit form shows of a user (and, after a stale save, what was saved meanwhile)."""
    return {
        "full_name": user.full_name,
        "phone": user.phone,
        "roles": sorted(user.roles),
        "department": user.department,
        "bank": user.bank,
        "is_active": user.is_active,
    }


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    user = found(selectors.user_get(request.user, pk=pk))
    actor = request.user
    form = UserEditForm(
        request.POST or None,
        initial=_user_values(user),
        version=user.version,
        firm_account=Role.ENTERPRISE in user.roles,
        grantable=access.grantable_roles(actor),
        held=user.roles,
        edit_account=access.can_manage_user(actor, user),
        edit_roles=access.can_grant_roles(actor, user) or access.can_manage_user(actor, user),
        **_user_form_kwargs(actor),
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        version = values.pop("version")
        try:
            services.user_update(actor=request.user, user=user, expected_version=version, **values)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        except StaleVersion as exc:
            fresh = found(selectors.user_get(request.user, pk=pk))
            form.show_conflict(exc, _user_values(fresh))
            status = 409
        else:
            messages.success(
                request, _("Changes to %(name)s were saved.") % {"name": user.username}
            )
            return redirect("users")
    reset_factor = (
        user.pk != actor.pk  # one's own is turned off on one's own page (a code is asked there)
        and access.can_manage_user_security(actor, user)
        and mfa.has_authenticator(user)
    )
    return render(
        request,
        "org/user_form.html",
        {"form": form, "target": user, "reset_factor": reset_factor},
        status=status,
    )


@login_required
@require_POST
def user_second_factor_remove(request, pk: int):
    """The security administrator removes a user's lost authenticator (and recovery codes); the
    user sets up a new one at their next log-in."""
    user = found(selectors.user_get(request.user, pk=pk))
    if not access.can_manage_user_security(request.user, user):
        raise HttpForbidden
    try:
        mfa.otp_remove(actor=request.user, user=user)
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for msgs in exc.errors.values() for m in msgs))
    else:
        messages.success(
            request,
            _(
                "The second factor of %(name)s was removed: they set up a new one at the next log-in."
            )
            % {"name": user.username},
        )
    return redirect("user_edit", pk=user.pk)


@login_required
@require_http_methods(["GET", "POST"])
def user_password(request, pk: int):
    user = found(selectors.user_get(request.user, pk=pk))
    if not access.can_manage_user(request.user, user):  # the security administrator: roles only
        raise HttpForbidden
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=request.user, user=user, password=form.cleaned_data["password1"]
            )
        except ValidationFailed as exc:
            for msg in exc.errors.get("password", []):
                form.add_error("password1", msg)
        else:
            messages.success(
                request, _("The password of %(name)s was changed.") % {"name": user.username}
            )
            return redirect("users")
    return render(request, "org/user_form.html", {"form": form, "target": user, "password": True})


# The log-in page: locks after repeated failures (org.forms.ThrottledLoginMixin).
login = auth_views.LoginView.as_view(
    authentication_form=LoginForm, redirect_authenticated_user=True
)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """A user changes their own password; their session goes on, their other sessions end."""
    form = OwnPasswordForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.user_change_own_password(
                actor=request.user, old_password=d["old_password"], password=d["password1"]
            )
        except ValidationFailed as exc:
            for field, msgs in exc.errors.items():
                for msg in msgs:
                    form.add_error("password1" if field == "password" else field, msg)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password was changed."))
            return redirect("home")
    return render(
        request,
        "org/password_change.html",
        {"form": form, "rules": password_validators_help_texts()},
    )


@login_required
def lockouts(request):
    """The log-in locks in force, for the security administrator to lift."""
    if not access.can_manage_security(request.user):
        raise HttpForbidden
    return render(
        request,
        "org/lockouts.html",
        {
            "locks": selectors.login_lock_list(request.user),
            "max_failures": settings.ZONEDESK["LOGIN_MAX_FAILURES"],
            "cooldown": settings.ZONEDESK["LOGIN_COOLDOWN_MINUTES"],
        },
    )


@login_required
@require_POST
def lockout_lift(request, pk: int):
    if not access.can_manage_security(request.user):
        raise HttpForbidden
    lock = found(selectors.login_lock_get(request.user, pk=pk))
    services.login_lock_lift(actor=request.user, lock=lock)
    messages.success(request, _("The lock on %(lock)s was lifted.") % {"lock": lock})
    return redirect("lockouts")
