import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.core.forms import SpreadsheetForm, StyledFormMixin, VersionedFormMixin
from zonedesk.core.period import Period
from zonedesk.monitoring import figures
from zonedesk.monitoring.models import MonthlyFigure, UtilityKind
from zonedesk.monitoring.services import FIGURE_FIELDS


class PeriodField(forms.CharField):
    """A month as <input type="month"> sends it (2020-06); also 2020/6 and 2020年6月."""

    widget = forms.TextInput(attrs={"type": "month"})
    default_error_messages = {"invalid": _("Not a month: write YYYY-MM, e.g. 2020-06.")}

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def prepare_value(self, value):
        return str(value) if isinstance(value, Period) else value


class FigureForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """One firm's month, as the firm or its officer enters it (on a phone as often as not);
    `version`: the month's (0 before its first report)."""

    class Meta:
        model = MonthlyFigure
        fields = FIGURE_FIELDS

    def __init__(self, *args, period: Period, **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        for name in FIGURE_FIELDS:
            field, spec = self.fields[name], figures.SPECS[name]
            field.widget.attrs.update(
                {"inputmode": "numeric" if spec.integer else "decimal", "min": 0}
            )
        self.fields["days_halted"].widget.attrs["max"] = period.days

    def clean(self):
        data = super().clean()
        for name, messages in figures.check(
            {k: data.get(k) for k in FIGURE_FIELDS}, self.period.days
        ).items():
            if name in data and name not in self.errors:
                self.add_error(name, messages)
        return data


class ImportForm(SpreadsheetForm):
    """The month's sheet of one zone (the file is size-checked by the parent form)."""

    zone = forms.ChoiceField(label=_("Zone"))
    period = PeriodField(label=_("Month"))
    field_order = ["zone", "period", "file"]

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [(z.code, z.name) for z in zones]


class TargetForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    output_growth_pct = forms.DecimalField(
        label=_("Output growth target (%)"),
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("-99.99"),
        max_value=500,
    )
    # The version of the year's target the page showed (0: none set); a stale save is refused.
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class UtilityImportForm(SpreadsheetForm):
    """The power or water company's readings for one zone, in their own layout."""

    zone = forms.ChoiceField(label=_("Zone"))
    kind = forms.ChoiceField(label=_("Utility"), choices=UtilityKind.choices)
    field_order = ["zone", "kind", "file"]

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [(z.code, z.name) for z in zones]
        self.fields["file"].help_text = _(
            ".xlsx, .xls or .ods as the company sends it: account number, name, month, consumption"
        )


class _AccountsField(forms.CharField):
    """Account numbers, one a line (commas, semicolons and spaces also separate them)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [n for n in re.split(r"[\s,，;；、]+", text) if n]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value


class UtilityAccountsForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """A firm's power and water account numbers; `version`: the firm's, as read."""

    power_accounts = _AccountsField(
        label=_("Power account numbers (户号)"),
        required=False,
        max_length=2000,
        help_text=_("One a line, as on the power company's bill."),
    )
    water_accounts = _AccountsField(
        label=_("Water account numbers (户号)"),
        required=False,
        max_length=2000,
        help_text=_("One a line, as on the water company's bill."),
    )


class SizeOverrideForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """A firm's above-size status of a year set by hand (or the hand setting cleared), with the
    reason; `version`: the year's status, as read (0: none was stored). The reason is required
    for a setting: the service says so, on the field."""

    STATUSES = {"above": True, "below": False, "clear": None}

    status = forms.ChoiceField(
        label=_("Status set by hand"),
        choices=[
            ("above", _("Above designated size")),
            ("below", _("Below designated size")),
            ("clear", _("No hand setting: the derived status applies")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the status is set by hand, e.g. 新建投产企业，经县统计局核准纳入规模以上统计."
        ),
    )

    @classmethod
    def status_of(cls, override: bool | None) -> str:
        return next(k for k, v in cls.STATUSES.items() if v is override)

    @property
    def above(self) -> bool | None:
        return self.STATUSES[self.cleaned_data["status"]]


class SizesDeriveForm(forms.Form):
    """The year the derivation is for (its zone comes with the page)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
