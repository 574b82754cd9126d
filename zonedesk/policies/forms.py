"""Forms of the policy pages: a benefit's next step (the service checks the rest)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zonedesk.core.forms import StyledFormMixin
from zonedesk.policies.models import Entitlement

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
