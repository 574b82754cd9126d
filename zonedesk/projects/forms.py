from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.core.forms import StyledFormMixin
from zonedesk.org.models import Department
from zonedesk.projects.models import Kind, Project, Replan

LIGHTS = [("red", _("Red")), ("yellow", _("Yellow")), ("green", _("Green"))]


class FilterForm(forms.Form):
    level = forms.ChoiceField(
        choices=[("", _("Every level")), *Project.Level.choices], required=False
    )
    kind = forms.ChoiceField(choices=[("", _("Every kind")), *Kind.choices], required=False)
    light = forms.ChoiceField(choices=[("", _("Every light")), *LIGHTS], required=False)


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
