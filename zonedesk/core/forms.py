from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class StyledFormMixin:
    """Give every widget the Tabler/Bootstrap class that matches its kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def apply_errors(form, exc) -> None:
    """Show a service's ValidationFailed on the form: on its field, or above the form."""
    for field, msgs in exc.errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


class SpreadsheetForm(StyledFormMixin, forms.Form):
    """A spreadsheet upload, refused above settings.ZONEDESK["IMPORT_MAX_BYTES"]; the firms' and
    the monthly figures' import pages use it (the latter adding the zone and month)."""

    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(".xlsx, .xls or .ods in the template's layout"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ZONEDESK["IMPORT_MAX_BYTES"]
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20}, code="too_large"
            )
        return upload
