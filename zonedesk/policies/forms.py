"""Forms of the policy pages: a benefit's next step (the service checks the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.core.forms import StyledFormMixin, VersionedFormMixin
from zonedesk.enterprises.models import Enterprise
from zonedesk.policies.models import OPERATING, Entitlement, Measure, PolicyDocument

MOVE_CHOICES = [
    (s, label) for s, label in Entitlement.State.choices if s and s != Entitlement.State.IDENTIFIED
]


class MoveForm(StyledFormMixin, forms.Form):
    to = forms.ChoiceField(label=_("Next step"), choices=MOVE_CHOICES)
    amount_wan = forms.DecimalField(
        label=_("Amount (10k yuan)"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    on = forms.DateField(
        label=_("Arrived on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    level = forms.ChoiceField(
        label=_("Issuing level"),
        required=False,
        choices=[("", _("Every level")), *PolicyDocument.Level.choices],
    )


class DocumentForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A policy document; where it applies is one choice among the units the user edits."""

    scope = forms.ChoiceField(label=_("Applies to"))

    class Meta:
        model = PolicyDocument
        fields = [
            "level",
            "issuer",
            "number",
            "title",
            "published",
            "valid_from",
            "valid_to",
            "source_text",
        ]
        widgets = {
            "published": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "source_text": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {"title": _("Document title"), "number": _("Document number (文号)")}

    def __init__(self, *args, areas, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {f"area:{a.code}": a for a in areas} | {f"zone:{z.code}": z for z in zones}
        self.fields["scope"].choices = [
            (key, f"{unit.name} ({unit.code})") for key, unit in self.units.items()
        ]
        self.fields["scope"].widget.attrs["class"] = "form-select"
        self.order_fields(["level", "scope"])
        if self.instance.pk:
            self.initial["scope"] = (
                f"zone:{self.instance.zone.code}"
                if self.instance.zone_id
                else f"area:{self.instance.area.code}"
            )

    def clean(self):
        data = super().clean()
        level, key = data.get("level"), data.get("scope")
        unit = self.units.get(key or "")
        if level and unit is not None:
            is_zone = key.startswith("zone:")
            if (level == PolicyDocument.Level.ZONE) != is_zone or (
                not is_zone and unit.level != level
            ):
                self.add_error(
                    "scope",
                    _("A %(level)s document applies to a %(level)s: pick one.")
                    % {"level": PolicyDocument.Level(level).label},
                )
        return data

    def scope_values(self) -> dict:
        key = self.cleaned_data["scope"]
        unit = self.units[key]
        return (
            {"zone": unit, "area": None}
            if key.startswith("zone:")
            else {"area": unit, "zone": None}
        )


RULE_ATTRS = {
    "rows": 3,
    "class": "font-monospace",
    "spellcheck": "false",
    "autocomplete": "off",
    "autocapitalize": "off",
}


class MeasureForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A measure's fields and its two rules (checked by the service before anything is saved)."""

    eligibility = forms.CharField(
        label=_("Eligibility rule"),
        max_length=4000,
        widget=forms.Textarea(attrs=RULE_ATTRS),
        help_text=_('For example: industry_section == "C" and employees >= 20'),
    )
    benefit = forms.CharField(
        label=_("Benefit estimate (10k yuan)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**RULE_ATTRS, "rows": 2}),
        help_text=_("For example: min(0.5 * employees * 0.1, 50); empty: no estimate"),
    )
    firm_statuses = forms.MultipleChoiceField(
        label=_("Firm statuses it applies to"),
        choices=Enterprise.Status.choices,
        initial=list(OPERATING),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Operating measures: producing and halted firms. A closed firm, or one still "
            "under construction, qualifies only for a measure that names its status."
        ),
    )

    class Meta:
        model = Measure
        fields = [
            "clause",
            "title",
            "summary",
            "benefit_type",
            "mode",
            "department",
            "materials",
            "firm_statuses",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "materials": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"title": _("Measure title")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["firm_statuses"].widget.attrs["class"] = "form-check-input"
        current = self.instance.current if self.instance.pk else None
        if current is not None:
            self.initial.setdefault("eligibility", current.eligibility)
            self.initial.setdefault("benefit", current.benefit)


class MeasuresImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx, .xls or .ods)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods"}),
    )
