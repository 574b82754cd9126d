"""The length caps of the financing text fields and the words that refuse a text over one, the
same on the pages and over the API (as the rest of the project says it: what, how long, the
limit, what to do), rather than Django's or pydantic's bare default."""

from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

NOTE_MAX = 2000  # a note, the bank's words, a product's rule or description
LINE_MAX = 200  # one line: a written consent, a commitment's reference
NAME_MAX = 100  # a name, a search term


def too_long(what, n, limit) -> str:
    """“备注有 2,345 个字，最多 2,000 个：请删减后再提交。”"""
    return _(
        "%(what)s is %(n)s characters long; at most %(max)s are allowed: shorten it and "
        "send it again."
    ) % {"what": what, "n": n, "max": limit}


def cap_form_fields(form) -> None:
    """Every text field of `form` with a cap refuses a longer text in our words, naming the
    field (Django's validator fills in the lengths)."""
    from django import forms

    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and field.max_length is not None:
            what = str(field.label or name).replace("%", "%%")
            field.error_messages = {
                **field.error_messages,
                "max_length": too_long(what, "%(show_value)d", "%(limit_value)d"),
            }


class CappedTextMixin:
    """Forms whose capped text fields say so in our words (cap_form_fields)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap_form_fields(self)


def capped(limit: int, what):
    """An API text of at most `limit` characters (its OpenAPI maxLength), refused over it in our
    words naming the field `what` (a lazy label), not pydantic's "String should have at most"."""

    def check(value: str) -> str:
        if len(value) > limit:
            raise PydanticCustomError(
                "string_too_long",
                too_long(str(what), f"{len(value):,}", f"{limit:,}")
                .replace("{", "(")
                .replace("}", ")"),
                {"max_length": limit},
            )
        return value

    return Annotated[str, Field(json_schema_extra={"maxLength": limit}), AfterValidator(check)]
