from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zonedesk.core.schemas import VERSION_MAX


def _prompt(field: forms.Field, label) -> None:
    """Put `label` in place of Django's "---------" empty choice."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == BLANK_CHOICE_DASH[0][1]:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField) and any(
        v == BLANK_CHOICE_DASH[0][1] for _k, v in field.choices
    ):
        field.choices = [
            (k, label if (k, v) == BLANK_CHOICE_DASH[0] else v) for k, v in field.choices
        ]


class StyledFormMixin:
    """Give every widget the Tabler/Bootstrap class that matches its kind."""

    # Django's empty choice, "---------", reads as a broken page to officials: a prompt instead.
    EMPTY_LABEL = _("Choose…")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _prompt(field, self.EMPTY_LABEL)
            widget = field.widget
            # A list of boxes or radios is rendered box by box (partials/form_fields.html):
            # each input is a Tabler form-check-input, never a full-width form-control.
            if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):
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


class PlainDecimalField(forms.DecimalField):
    """A decimal whose refusals are plain words in the user's language: "最多 10 位整数、2 位小数。"
    instead of Django's three messages about digits ("确认总共不超过 12 个数字.", with an ASCII
    full stop after Chinese), and "不能小于 0。" for its bounds."""

    def __init__(self, *args, **kwargs):
        messages = {
            "invalid": _("Enter a number, e.g. 120.5."),
            "min_value": _("Must be at least %(limit_value)s."),
            "max_value": _("Must be at most %(limit_value)s."),
            **kwargs.pop("error_messages", {}),
        }
        super().__init__(*args, error_messages=messages, **kwargs)

    def run_validators(self, value):
        try:
            super().run_validators(value)
        except forms.ValidationError as exc:
            codes = {getattr(e, "code", None) for e in exc.error_list}
            if codes & {"max_digits", "max_decimal_places", "max_whole_digits"}:
                places = self.decimal_places or 0
                raise forms.ValidationError(
                    gettext("At most %(whole)s whole digits and %(places)s decimal places.")
                    % {"whole": (self.max_digits or 0) - places, "places": places},
                    code="digits",
                ) from None
            raise


def _key(value):
    """A value as two readings of one field compare: records by id, lists as sets, blank as None."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return frozenset(str(_key(v)) for v in value)
    return None if value in (None, "") else value


def _token(value):
    """`_key` as JSON can carry it (the values a form was read at, in its `read` field)."""
    key = _key(value)
    if key is None:
        return None
    if isinstance(key, frozenset):
        return sorted(key)
    if isinstance(key, Decimal):
        return format(key.normalize(), "f")
    return str(key)


def _raw(value):
    """A stored value as the form's data holds it (what a browser would send)."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset | models.QuerySet):
        return [_raw(v) for v in value]
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _put(data, key: str, field: forms.Field, value) -> None:
    """Set a form's data (a QueryDict, or a dict in tests) to `value` as a browser would send it:
    an unticked checkbox sends nothing, a multiple choice one value per item."""
    if isinstance(field, forms.BooleanField):
        if value:
            data[key] = "on"
        else:
            data.pop(key, None)
        return
    raw = _raw(value)
    if isinstance(raw, list) and hasattr(data, "setlist"):
        data.setlist(key, raw)
    else:
        data[key] = raw


def _display(field: forms.Field, value) -> str:
    """A stored value as the user reads it: a choice's label, yes/no, a record's name."""
    if value in (None, "") or (isinstance(value, list | tuple) and not value):
        return "—"
    if isinstance(field, forms.BooleanField):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        labels = {str(k): str(v) for k, v in field.choices}
        if isinstance(value, list | tuple | set):
            return ", ".join(labels.get(str(v), str(v)) for v in value)
        return labels.get(str(value), str(value))
    return str(value)


class VersionedFormMixin:
    """An edit form of a `Versioned` record: a hidden `version` carries the version the form
    was read at (the instance's, or `version=`) to the service, which refuses a stale save
    (core.errors.StaleVersion); `show_conflict` then re-shows the form with the user's input
    kept, the stored values beside it, and the stored version, so the next save goes on top."""

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None:
            if instance.pk is None:
                return  # a new record: nothing to compare with
            version = instance.version
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput, min_value=0, max_value=VERSION_MAX
        )
        self.initial["version"] = version
        # The values the form was read at (signed: they decide which fields take the other
        # person's change after a stale save).
        self.fields["read"] = forms.CharField(widget=forms.HiddenInput, required=False)
        self.initial["read"] = self._signed_read(
            {n: self.initial.get(n, f.initial) for n, f in self.fields.items()}
        )

    _READ_SALT = "zonedesk.core.forms.read"

    def clean(self):
        """`read` is for show_conflict, not for the service the cleaned data goes to."""
        cleaned = super().clean()
        if cleaned is not None:
            cleaned.pop("read", None)
        return cleaned

    def _signed_read(self, values: Mapping[str, Any]) -> str:
        skip = ("version", "read")
        return signing.dumps(
            {n: _token(v) for n, v in values.items() if n not in skip}, salt=self._READ_SALT
        )

    def _read_values(self) -> dict:
        try:
            return signing.loads(self.data.get(self.add_prefix("read"), ""), salt=self._READ_SALT)
        except signing.BadSignature:
            return {}

    def show_conflict(self, exc, stored: Mapping[str, Any]) -> None:
        """`stored`: the record's values now, by field name, in the form's cleaned types. Each
        field whose stored value differs from the user's input shows it (the other person's
        change, or the value the user was changing)."""
        read = self._read_values()
        data = self.data.copy()
        data[self.add_prefix("version")] = exc.current
        self.conflict, self.taken = {}, {}
        for name, field in self.fields.items():
            if name in ("version", "read") or name not in stored:
                continue
            mine, theirs = _token(self.cleaned_data.get(name)), _token(stored[name])
            if mine == theirs:
                continue
            if name in read and mine == read[name]:
                # Changed by the other person only: the form takes their value, so saving
                # again does not silently put back what the user read.
                _put(data, self.add_prefix(name), field, stored[name])
                field.taken = self.taken[name] = _display(field, stored[name])
            else:
                field.theirs = self.conflict[name] = _display(field, stored[name])
        data[self.add_prefix("read")] = self._signed_read(stored)
        self.data = data
        message = gettext(
            "What is stored now is shown under each field where it differs from your input, "
            "which is kept: check it, then save again to put yours over it."
        )
        if self.taken:
            labels = "、".join(str(self.fields[n].label) for n in self.taken)
            message += " " + gettext(
                "Fields only the other person changed now hold their values: %(fields)s."
            ) % {"fields": labels}
        self.add_error(None, f"{exc.message} {message}")


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
