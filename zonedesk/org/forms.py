import math

from django import forms
from django.apps import apps
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zonedesk.core.forms import StyledFormMixin, VersionedFormMixin
from zonedesk.core.middleware import client_address
from zonedesk.core.models import AuditEntry
from zonedesk.org import selectors, services
from zonedesk.org.models import Role
from zonedesk.org.selectors import AuditFilters

# Enterprise accounts are made on the firm's page, where they are bound to the firm.
STAFF_ROLES = [(value, label) for value, label in Role.choices if value != Role.ENTERPRISE]


class UserForm(StyledFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=STAFF_ROLES, widget=forms.CheckboxSelectMultiple
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, required=False)
    bank = forms.ModelChoiceField(label=_("Bank"), queryset=None, required=False)

    def __init__(self, *args, departments, banks, grantable=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["bank"].queryset = banks
        self.fields["roles"].widget.attrs["class"] = "form-check-input"
        if grantable is not None:  # only the roles the acting administrator may grant
            self.fields["roles"].choices = [c for c in STAFF_ROLES if c[0] in grantable]


class UserCreateForm(UserForm):
    username = forms.RegexField(
        label=_("User name"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    unit = forms.ChoiceField(label=_("Unit"))
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, strip=False)
    field_order = [
        "username",
        "full_name",
        "phone",
        "unit",
        "roles",
        "department",
        "bank",
        "password",
    ]

    def __init__(self, *args, zones, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(f"zone:{z.pk}", z.name) for z in zones] + [
            (f"area:{a.pk}", f"{a.name} ({a.get_level_display()})") for a in areas
        ]
        self._units = {f"zone:{z.pk}": ("zone", z) for z in zones} | {
            f"area:{a.pk}": ("area", a) for a in areas
        }

    def unit_kwargs(self) -> dict:
        kind, obj = self._units[self.cleaned_data["unit"]]
        return {kind: obj}


class UserEditForm(VersionedFormMixin, UserForm):
    """The system administrator edits the account, the security administrator the roles
    (separation of duties): the other part is shown disabled, and roles the actor may not
    grant or withdraw are kept as they are."""

    is_active = forms.BooleanField(label=_("May log in"), required=False)

    def __init__(
        self,
        *args,
        firm_account: bool = False,
        held=frozenset(),
        edit_account: bool = True,
        edit_roles: bool = True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self._kept = sorted(set(held) - {c[0] for c in self.fields["roles"].choices})
        if firm_account:  # a firm account keeps its one role; it is bound to its firm
            self.fields["roles"].choices = [(Role.ENTERPRISE.value, Role.ENTERPRISE.label)]
            self._kept = []
        if self._kept:
            self.fields["roles"].help_text = _(
                "Kept as they are (granted by the security administrator): %(roles)s"
            ) % {"roles": ", ".join(str(Role(r).label) for r in self._kept)}
        for name in self.fields:
            if (name == "roles" and not edit_roles) or (name != "roles" and not edit_account):
                self.fields[name].disabled = True
                self.fields[name].required = False  # kept as it is, even when empty
        self.fields["roles"].required = edit_roles and not self._kept

    def clean_roles(self):
        return sorted(set(self.cleaned_data.get("roles") or []) | set(self._kept))


class PasswordForm(StyledFormMixin, forms.Form):
    password1 = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(
        label=_("Repeat the new password"), widget=forms.PasswordInput, strip=False
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class OwnPasswordForm(PasswordForm):
    """The current password counts as a log-in: a wrong one is a failure against the user name
    and the address, and a lock refuses it (a forgotten open session is no way to guess)."""

    old_password = forms.CharField(
        label=_("Current password"), widget=forms.PasswordInput, strip=False
    )
    field_order = ["old_password", "password1", "password2"]

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        user, address = self.request.user, client_address(self.request)
        until = selectors.login_lock(username=user.username, address=address)
        if until is not None:
            services.login_refused(username=user.username, address=address, until=until)
            raise locked_error(until)
        if not user.check_password(old):
            until = services.login_failed(username=user.username, address=address)
            if until is not None:
                raise locked_error(until)
            raise forms.ValidationError(
                gettext("Your current password was entered incorrectly."), code="password_incorrect"
            )
        return old


def locked_error(until) -> forms.ValidationError:
    """The same words whoever is locked, and whether or not the account exists."""
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60))
    return forms.ValidationError(
        gettext(
            "Too many failed log-ins. Logging in is locked for %(minutes)d more minutes; try "
            "again then, or ask the security administrator to lift the lock."
        )
        % {"minutes": minutes},
        code="locked",
    )


class ThrottledLoginMixin:
    """Refuse a locked user name or address before checking the password; count a failure
    against both (org.services.login_failed). The site administration logs in on the same page
    (core.admin_site)."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request)
        until = selectors.login_lock(username=username, address=address)
        if until is not None:
            services.login_refused(username=username, address=address, until=until)
            raise locked_error(until)
        try:
            data = super().clean()
        except forms.ValidationError:
            if username and self.cleaned_data.get("password"):
                until = services.login_failed(username=username, address=address)
                if until is not None:
                    raise locked_error(until) from None
            raise
        if self.get_user() is not None:
            services.login_succeeded(username=username)
        return data


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class CodeForm(StyledFormMixin, forms.Form):
    """A code from the authenticator app (six digits) or a recovery code."""

    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )


class TokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. a script.")
    )
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1)

    def __init__(self, *args, most_days: int, **kwargs):
        super().__init__(*args, initial={"days": most_days}, **kwargs)
        self.fields["days"].max_value = most_days
        self.fields["days"].validators.append(MaxValueValidator(most_days))
        self.fields["days"].widget.attrs["max"] = most_days


def _first_upper(text: str) -> str:
    # Not str.capitalize(): it lowers the rest ("API 令牌" read "Api 令牌").
    return text[:1].upper() + text[1:]


def record_types() -> dict[str, str]:
    """Every record type the audit log can name (`app.model`), by its verbose name."""
    return {
        m._meta.label_lower: _first_upper(str(m._meta.verbose_name))
        for m in apps.get_models()
        if m.__module__.startswith("zonedesk.")
    }


# Tables the machinery keeps and no one writes through a service: they never have an entry
# (every model has a Chinese name since issue 17, so the name no longer tells them apart).
NEVER_AUDITED = {
    AuditEntry._meta.label_lower,
    "core.auditchainhead",
    "core.workerheartbeat",
    "monitoring.zonemonth",  # each zone's kept month, rewritten with its figures
    "monitoring.zoneversion",  # the page cache's version
    "notices.digestsent",
    "org.loginthrottle",
    "org.passwordhistory",
    "policies.matchstate",  # kept by the database's triggers
}


def _named_record_types() -> list[tuple[str, str]]:
    """The record types offered as a filter: zonedesk's own, but for the machinery's tables
    that never have an entry and the log itself."""
    named = {
        m._meta.label_lower for m in apps.get_models() if m.__module__.startswith("zonedesk.")
    } - NEVER_AUDITED
    return sorted(((k, v) for k, v in record_types().items() if k in named), key=lambda kv: kv[1])


class AuditFilterForm(StyledFormMixin, forms.Form):
    """The audit log's filters (GET): bad input is a field error, and filters nothing."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    target_type = forms.ChoiceField(label=_("Record type"), required=False)
    firm = forms.CharField(label=_("Firm"), required=False, max_length=200)
    text = forms.CharField(label=_("Text"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AuditEntry.Action.choices]
        self.fields["target_type"].choices = [("", _("All record types")), *_named_record_types()]
        self.fields["firm"].widget.attrs["placeholder"] = _("Name or credit code")

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data

    def filters(self) -> AuditFilters | None:
        """The filters, or None when the form has errors (then nothing is listed)."""
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return AuditFilters(
            start=d["start"],
            end=d["end"],
            action=d["action"] or "",
            actor=d["actor"].strip(),
            target_type=d["target_type"] or "",
            firm=d["firm"].strip(),
            text=d["text"].strip(),
        )
