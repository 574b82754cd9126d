from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zonedesk.core.forms import SpreadsheetForm, StyledFormMixin
from zonedesk.core.period import Period
from zonedesk.org.models import Department
from zonedesk.projects import templates_default
from zonedesk.projects.models import Guarantee, Kind, Project, Replan

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
    # "replans" when sent from the list of re-plans to decide (back there afterwards).
    back = forms.ChoiceField(
        choices=[("", ""), ("replans", "")], required=False, widget=forms.HiddenInput
    )


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


class GuaranteeForm(StyledFormMixin, forms.Form):
    """An element guarantee item: what is needed (a quantity with its unit, or words), who
    provides it (a department of the project's zone, or a utility) and by when."""

    category = forms.ChoiceField(label=_("Category"), choices=Guarantee.Category.choices)
    land_stage = forms.ChoiceField(
        label=_("Land stage"),
        choices=[("", _("Not land")), *Guarantee.LandStage.choices],
        required=False,
    )
    quantity = forms.DecimalField(
        label=_("Quantity needed"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    unit = forms.CharField(
        label=pgettext_lazy("measurement", "Unit"),
        required=False,
        max_length=10,
        help_text=_("亩 for land and 户 for households unless given."),
    )
    need = forms.CharField(label=_("Need (in words)"), required=False, max_length=200)
    department = forms.ModelChoiceField(
        label=_("Responsible department"), queryset=Department.objects.none(), required=False
    )
    utility = forms.CharField(
        label=_("Utility (when not a department)"), required=False, max_length=100
    )
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(zone_id=project.zone_id)

    @classmethod
    def of(cls, guarantee: Guarantee) -> "GuaranteeForm":
        """The form of an item as stored (the edit form on the project page)."""
        initial = {
            f: getattr(guarantee, f)
            for f in ("category", "land_stage", "quantity", "unit", "need", "utility", "due_on")
        }
        initial |= {
            "department": guarantee.department_id,
            "note": guarantee.note,
            "version": guarantee.version,
        }
        return cls(initial=initial, project=guarantee.project, prefix=f"g{guarantee.pk}")


class GuaranteeDoneForm(StyledFormMixin, forms.Form):
    done_on = forms.DateField(
        label=_("Done date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BlockForm(forms.Form):
    """Mark a node blocked by one of its project's open items, or release it (no item)."""

    guarantee = forms.IntegerField(required=False, min_value=1)
    version = forms.IntegerField(min_value=1)


def _instant_field():
    return forms.DateTimeField(
        label=_("When (if not now)"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class ServiceRaiseForm(StyledFormMixin, forms.Form):
    """A service request (7x24): what, how it came in, and when if recorded afterwards."""

    title = forms.CharField(label=_("Request"), max_length=200)
    category = forms.ChoiceField(label=_("Category"))
    raised_via = forms.ChoiceField(label=_("Raised via"))
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    at = _instant_field()

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = choices["category"]
        self.fields["raised_via"].choices = choices["raised_via"]


class ServiceRespondForm(StyledFormMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("Handed to"), queryset=Department.objects.none())
    at = _instant_field()

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(zone=zone).order_by("name")


class ServiceResolveForm(StyledFormMixin, forms.Form):
    resolution = forms.CharField(
        label=_("How it was resolved"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    at = _instant_field()
