"""Model fields for identifiers from national standards: validated on the field, so every path
(form, API, import) checks them the same way."""

import re

from django.core.exceptions import ValidationError
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


# Characters a name never holds: C0 and C1 control characters (tab and line breaks included),
# DEL; the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and
# marks (U+200E, U+200F, U+061C), which can show "公司甲" for a name stored as "甲司公" and so hide
# what a list, an export or a search really holds; invisible characters that make two names
# look identical (U+200B zero width space, U+2060 word joiner, U+FEFF) and the Unicode line and
# paragraph separators (U+2028, U+2029); and lone UTF-16 surrogates, which no database stores.
_NOT_IN_NAMES = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060\u2066-\u2069"
    "\ufeff\ud800-\udfff]"
)
# A multi-line text (a description, notes, a policy's wording) may hold tabs and line breaks and
# the left-to-right and right-to-left marks of mixed-direction prose, but no other control
# character, no bidirectional override or isolate and no lone surrogate.
_NOT_IN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _refuse(pattern: re.Pattern, value) -> None:
    if not isinstance(value, str):
        return
    found = pattern.search(value)
    if found:
        char = found.group()
        raise ValidationError(
            _(
                "Remove the invisible control character %(code)s (position %(position)d): it can "
                "hide or reorder what the text shows."
            ),
            code="control_character",
            params={"code": f"U+{ord(char):04X}", "position": found.start() + 1},
        )


def validate_name(value) -> None:
    """A name or title of one line: firms, people, zones, departments, banks, documents."""
    _refuse(_NOT_IN_NAMES, value)


def validate_text(value) -> None:
    """A multi-line text: tabs and line breaks are fine, other control characters are not."""
    _refuse(_NOT_IN_TEXT, value)
