import datetime as dt
import re

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zonedesk.core.errors import StaleVersion, ValidationFailed
from zonedesk.core.forms import apply_errors
from zonedesk.core.models import AuditEntry
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import Column
from zonedesk.org import access, mfa, selectors, services
from zonedesk.org.forms import (
    AuditFilterForm,
    LoginForm,
    OwnPasswordForm,
    PasswordForm,
    UserCreateForm,
    UserEditForm,
    record_types,
)
from zonedesk.org.models import Role


@login_required
def zone_list(request):
    return render(request, "org/zone_list.html", {"zones": selectors.zone_overview(request.user)})


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


# The keys of changes that are not fields of the record (a security event's detail, a record's
# related rows), by name.
DETAIL_LABELS = {
    "path": gettext_lazy("Path"),
    "method": gettext_lazy("Method"),
    "status": gettext_lazy("Answer"),
    "what": gettext_lazy("Exported"),
    "rows": gettext_lazy("Rows"),
    "query": gettext_lazy("Filters"),
    "token": gettext_lazy("Token"),
    "removed": gettext_lazy("Entries removed"),
    "before": gettext_lazy("Before"),
    "roles": gettext_lazy("Roles"),
    "contacts": gettext_lazy("Contacts"),
    "failures": gettext_lazy("Failed log-ins"),
    "locked_until": gettext_lazy("Locked until"),
    "until": gettext_lazy("Locked until"),
    "by": gettext_lazy("Locked by"),
    "key": gettext_lazy("Locked"),
    "username": gettext_lazy("User name"),
    "address": gettext_lazy("Client address"),
    "factor": gettext_lazy("Second factor"),
    "second_factor": gettext_lazy("Second factor"),
    "recovery_codes_left": gettext_lazy("Recovery codes left"),
}
# Values of those keys that are codes, by key: shown by their label.
DETAIL_CHOICES = {
    "roles": dict(Role.choices),
    "by": {"username": gettext_lazy("User name"), "address": gettext_lazy("Client address")},
    "factor": {
        "totp": gettext_lazy("Authenticator app"),
        "recovery_code": gettext_lazy("Recovery code"),
    },
    "second_factor": {"totp": gettext_lazy("Authenticator app")},
}
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$")


def _field(model, name: str):
    try:
        return model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None


def _field_label(model, name: str) -> str:
    """The record's field's name; else the detail's; else the key as it is."""
    field = _field(model, name)
    if field is not None and hasattr(field, "verbose_name"):
        return str(field.verbose_name)
    if name in DETAIL_LABELS:
        return str(DETAIL_LABELS[name])
    return name


def _one(value, *, field=None, key: str = "", names: dict | None = None) -> str:
    """One stored value as the auditor reads it: a record by its name, a code by its label, a
    time in local time."""
    if value is None or value == "":
        return "∅"
    if isinstance(value, list):
        return "、".join(_one(v, field=field, key=key, names=names) for v in value) or "∅"
    if isinstance(value, dict):
        return "；".join(f"{_field_label(None, k)}: {_one(v, key=k)}" for k, v in value.items())
    if field is not None and field.is_relation and names is not None:
        return names.get((field.related_model, str(value)), str(value))
    if field is not None and getattr(field, "choices", None):
        return str(dict(field.flatchoices).get(value, value))
    if key in DETAIL_CHOICES:
        return str(DETAIL_CHOICES[key].get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and _ISO_TIME.match(value):
        try:
            moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
    return str(value)


def _shown(value, *, field=None, key: str = "", names: dict | None = None) -> str:
    """A change [before, after] as "before → after"; a security event's detail as it is."""
    if (
        isinstance(value, list)
        and len(value) == 2
        and not (field is not None and field.many_to_many)
    ):
        return " → ".join(_one(v, field=field, key=key, names=names) for v in value)
    return _one(value, field=field, key=key, names=names)


def _related_names(entries, types) -> dict:
    """The names of the records the entries' changes point to (a firm, an officer):
    {(model, id): name}."""
    wanted: dict = {}
    for e in entries:
        model = apps.get_model(e.target_type) if e.target_type in types else None
        for key, value in e.changes.items():
            field = _field(model, key)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            values = value if isinstance(value, list) else [value]
            flat = [v for x in values for v in (x if isinstance(x, list) else [x])]
            wanted.setdefault(field.related_model, set()).update(
                str(v) for v in flat if isinstance(v, int | str) and str(v).isdigit()
            )
    return selectors.audit_record_names(wanted)


def _labelled(entries) -> list[dict]:
    """Entries as the auditor reads them: record types, fields and zones by name."""
    types = record_types()
    zones = selectors.zone_names(e.zone_id for e in entries)
    names = _related_names(entries, types)
    rows = []
    for e in entries:
        model = apps.get_model(e.target_type) if e.target_type in types else None
        changes = [
            (_field_label(model, k), _shown(v, field=_field(model, k), key=k, names=names))
            for k, v in e.changes.items()
        ]
        rows.append(
            {
                "entry": e,
                "user": (e.actor.full_name if e.actor else "") or e.actor_name,
                "type": types.get(e.target_type, e.target_type),
                "zone": zones.get(e.zone_id, ""),
                "changes": changes,
            }
        )
    return rows


@login_required
def audit_log(request):
    entries, form = _audit_entries(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "org/audit_log.html",
        {"page": page, "rows": _labelled(page), "form": form, "query": query.urlencode()},
    )


@login_required
def audit_export(request):
    """The filtered entries as a spreadsheet, itself recorded as an export."""
    entries, _form = _audit_entries(request)
    rows = _labelled(list(entries[:AUDIT_EXPORT_MAX]))
    return export_response(
        request,
        [(str(_("Audit log")), _audit_columns(), (_audit_cells(r) for r in rows))],
        _("audit-log.xlsx"),
        what="audit log",
    )


def _audit_columns() -> list[Column]:
    headers = [
        (_("Time"), 20),
        (_("User name"), 14),
        (_("Full name"), 14),
        (_("Action"), 12),
        (_("Record type"), 16),
        (_("Record"), 30),
        (_("Record id"), 10),
        (_("Zone"), 16),
        (_("Changes"), 60),
        (_("Client address"), 16),
        (_("Via"), 8),
        (_("Number"), 10),
        (_("Hash"), 66),
    ]
    return [Column(str(h), width=w, fmt="text") for h, w in headers]


def _audit_cells(row: dict) -> list:
    e = row["entry"]
    changes = "; ".join(f"{label}: {value}" for label, value in row["changes"])
    return [
        timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
        e.actor_name,
        row["user"],
        e.get_action_display(),
        row["type"],
        e.target_repr,
        e.target_id,
        row["zone"],
        changes,
        e.ip_address or "",
        e.via,
        e.seq,
        e.hash,
    ]


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
