from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.core.forms import StyledFormMixin
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
    # "replans" when sent from the list of re-plans to decide (back there afterwards).
    back = forms.ChoiceField(
        choices=[("", ""), ("replans", "")], required=False, widget=forms.HiddenInput
    )
