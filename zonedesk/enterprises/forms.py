from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.core import industry
from zonedesk.core.forms import StyledFormMixin, VersionedFormMixin
from zonedesk.enterprises.models import Contact, Enterprise
from zonedesk.enterprises.selectors import EnterpriseFilters
from zonedesk.enterprises.services import CONTACT_FIELDS, REGISTRY_FIELDS


class EnterpriseFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name or credit code"), "type": "search"}),
    )
    zone = forms.ChoiceField(label=_("Zone"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Enterprise.Status.choices],
    )
    officer = forms.ChoiceField(label=_("Liaison officer"), required=False)
    above = forms.ChoiceField(
        label=_("Size"),
        required=False,
        choices=[
            ("", _("All sizes")),
            ("1", _("Above designated size")),
            ("0", _("Below designated size")),
        ],
    )

    def __init__(self, *args, zones, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", _("All zones"))] + [(z.code, z.name) for z in zones]
        choices = [("", _("All industries"))]
        for section in industry.by_level("section"):
            choices.append((section.code, str(section)))
            choices += [
                (d.code, f"\u3000{d}")
                for d in industry.by_level("division")
                if d.parent == section.code
            ]
        self.fields["industry"].choices = choices
        self.fields["officer"].choices = [("", _("All officers"))] + [
            (str(u.pk), str(u)) for u in officers
        ]
        if len(zones) <= 1:
            del self.fields["zone"]

    def to_filters(self) -> EnterpriseFilters:
        """The valid filters; an invalid value (shown on its field) is left out, not fatal."""
        if not self.is_bound:
            return EnterpriseFilters()
        self.is_valid()
        d = self.cleaned_data
        return EnterpriseFilters(
            q=d.get("q", ""),
            zone=d.get("zone", ""),
            industry=d.get("industry", ""),
            status=d.get("status", ""),
            officer=int(d["officer"]) if d.get("officer") else None,
            above_designated_size={"1": True, "0": False}.get(d.get("above", "")),
        )


class EnterpriseForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """Create and edit a firm; the model fields validate the credit and industry codes."""

    class Meta:
        model = Enterprise
        fields = list(REGISTRY_FIELDS)
        widgets = {
            "production_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "industry_code": forms.TextInput(
                attrs={"list": "industry-codes", "autocomplete": "off"}
            ),
            # Wider than 18: pasted codes often carry spaces, which the model field strips.
            "credit_code": forms.TextInput(
                attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": 30}
            ),
        }
        help_texts = {
            "credit_code": _("18 characters, GB 32100-2015."),
            "industry_code": _("Division, group or class of GB/T 4754-2017, e.g. C3011."),
            "enterprise_type": _("Registration type, 国统字〔2011〕86号."),
            "land_area_mu": _(
                "Land the firm uses, in mu (亩): the per-mu evaluation divides by it."
            ),
        }

    def __init__(self, *args, zones, officers, can_assign_officer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda u: (
            f"{u} ({u.zone.name})" if u.zone else str(u)
        )
        self.fields["credit_code"].max_length = 30
        self.fields["credit_code"].validators = []
        if self.instance.pk:
            del self.fields["zone"]
        elif len(zones) == 1:
            self.fields["zone"].initial = zones[0]
        if not can_assign_officer:
            self.fields["officer"].disabled = True


class ContactForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = list(CONTACT_FIELDS)


class _ContactRows(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        """The delete box is added after the form's own fields were styled: style it too."""
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


ContactFormSet = forms.inlineformset_factory(
    Enterprise,
    Contact,
    form=ContactForm,
    formset=_ContactRows,
    extra=1,
    can_delete=True,
    max_num=10,
)


class AccountForm(StyledFormMixin, forms.Form):
    """An account for the firm's own staff (enterprise user)."""

    username = forms.RegexField(label=_("User name"), max_length=150, regex=r"^[\w.@+-]+\Z")
    full_name = forms.CharField(label=_("Full name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, strip=False)
