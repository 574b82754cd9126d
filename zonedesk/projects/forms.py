from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.core.forms import SpreadsheetForm, StyledFormMixin
from zonedesk.core.period import Period
from zonedesk.projects import templates_default
from zonedesk.projects.models import Kind, Project, Replan

LIGHTS = [("red", _("Red")), ("yellow", _("Yellow")), ("green", _("Green"))]


class FilterForm(forms.Form):
    level = forms.ChoiceField(
        choices=[("", _("Every level")), *Project.Level.choices], required=False
    )
    kind = forms.ChoiceField(choices=[("", _("Every kind")), *Kind.choices], required=False)
    light = forms.ChoiceField(choices=[("", _("Every light")), *LIGHTS], required=False)
    stage = forms.ChoiceField(required=False)
    leader = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)
    department = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)

    def __init__(self, *args, leaders=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [
            ("", _("Every stage")),
            *[(code, name) for code, name, *_rest in templates_default.NODES],
            ("done", _("Every node done")),
        ]
        self.fields["leader"].choices = [("", _("Every leading cadre")), *leaders]
        self.fields["department"].choices = [
            ("", _("Every department (current node)")),
            *departments,
        ]


class CompleteForm(StyledFormMixin, forms.Form):
    done_on = forms.DateField(
        label=_("Actual date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReplanForm(StyledFormMixin, forms.Form):
    to_on = forms.DateField(
        label=_("New planned date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DecideForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        choices=[(Replan.Status.APPROVED, ""), (Replan.Status.REFUSED, "")],
        widget=forms.HiddenInput,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


MONTH_ERROR = _("Not a month: write YYYY-MM, e.g. 2020-06.")


class InvestmentForm(StyledFormMixin, forms.Form):
    """A project's planned and completed investment of a month; `version`: the stored month's,
    as read (empty for a month the page showed without figures)."""

    month = forms.CharField(
        label=_("Month"), max_length=20, widget=forms.TextInput(attrs={"type": "month"})
    )
    planned_wan = forms.DecimalField(
        label=_("Planned (10k yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    done_wan = forms.DecimalField(
        label=_("Completed (10k yuan)"), min_value=0, max_digits=14, decimal_places=2
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def clean_month(self):
        try:
            return Period.parse(self.cleaned_data["month"]).first_day
        except ValueError as exc:
            raise forms.ValidationError(MONTH_ERROR, code="month") from exc


class InvestmentImportForm(SpreadsheetForm):
    """A sheet of the monthly investment of one zone's projects."""

    zone = forms.ChoiceField(label=_("Zone"))
    field_order = ["zone", "file"]

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [(z.code, z.name) for z in zones]
        self.fields["file"].help_text = _(
            ".xlsx, .xls or .ods in the template's layout: project code, name, month, planned "
            "and completed investment (10k yuan)"
        )
