"""Model fields for identifiers from national standards: validated on the field, so every path
(form, API, import) checks them the same way."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zonedesk.core import industry, uscc


class CreditCodeField(models.CharField):
    """Unified social credit code (GB 32100-2015), stored upper-case without spaces."""

    description = _("Unified social credit code")
    default_validators = [uscc.validate_credit_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return uscc.normalise(value) if value else value

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 18:
            del kwargs["max_length"]
        return name, path, args, kwargs


class IndustryCodeField(models.CharField):
    """GB/T 4754-2017 division, group or class code, stored as digits ("3011")."""

    description = _("Industry code (GB/T 4754-2017)")
    default_validators = [industry.validate_industry_code]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 5)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return industry.normalise(value) if value else value

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == 5:
            del kwargs["max_length"]
        return name, path, args, kwargs


phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 ()-]{4,19}$",
    _(
        "Enter a phone number: digits, optionally with +, spaces, dashes or brackets (5-20 characters)."
    ),
)
