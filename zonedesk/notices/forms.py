from django import forms

from zonedesk.notices.channels import channels
from zonedesk.notices.registry import Kind


class PreferencesForm(forms.Form):
    """One row of checkboxes per kind: which channels bring it."""

    def __init__(self, *args, current: dict[str, set[str]], kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        options = [(c.key, c.label) for c in channels()]
        for kind, label in Kind.choices:
            if kind not in kinds:  # never sent to this user: nothing to choose
                continue
            self.fields[kind] = forms.MultipleChoiceField(
                label=label,
                choices=options,
                required=False,
                initial=sorted(current.get(kind, ())),
                widget=forms.CheckboxSelectMultiple,
            )

    def chosen(self) -> dict[str, set[str]]:
        return {kind: set(self.cleaned_data.get(kind) or ()) for kind in self.fields}
