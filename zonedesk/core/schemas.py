import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator

# The largest id a database row can have (a signed 64-bit integer): an input naming a larger one
# is refused with a field error instead of reaching the database, which would fail on it.
ID_MAX = 2**63 - 1


# Text an input accepts, as a JSON Schema pattern (ECMA-262): no NUL (PostgreSQL cannot store
# it) and no lone UTF-16 surrogate (not a character; no encoding can store it).
TEXT_PATTERN = "^[^\\u0000\\uD800-\\uDFFF]*$"


_SURROGATE = re.compile("[\ud800-\udfff]")


def _document_text(schema: dict, _model) -> None:
    """State in the OpenAPI document what `_no_nul` enforces, on every free-text property."""
    for prop in schema.get("properties", {}).values():
        for branch in prop.get("anyOf", [prop]):
            if branch.get("type") == "string" and not {"pattern", "format", "enum"} & set(branch):
                branch["pattern"] = TEXT_PATTERN


class InputSchema(Schema):
    """Base of every API input: text, alone or in a list, may not contain NUL (PostgreSQL cannot
    store it) nor a lone surrogate."""

    model_config = ConfigDict(json_schema_extra=_document_text)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        for text in value if isinstance(value, list | tuple) else [value]:
            if not isinstance(text, str):
                continue
            if "\x00" in text:
                raise ValueError("NUL characters are not allowed / 不允许空字符（NUL）")
            if _SURROGATE.search(text):
                raise ValueError(
                    "A lone UTF-16 surrogate is not a character / 含有无效字符（孤立的UTF-16代理项）"
                )
        return value


def _string_matching(pattern: str):
    """Hold a decimal's string form to the pattern the schema publishes: pydantic alone would take
    "1e3", " 12", "NaN" or "+5" where the document promises digits only."""
    form = re.compile(pattern, re.ASCII)  # \d as ECMA-262 reads it: 0-9 only

    def check(value: Any) -> Any:
        if isinstance(value, str) and not form.fullmatch(value):
            raise ValueError(
                "Write the number in plain digits, such as 12.5 / 请用阿拉伯数字书写，如 12.5"
            )
        return value

    return check


def decimal_input(
    *, max_digits: int, decimal_places: int, le: int | None = None, pattern: str = ""
) -> Any:
    """A non-negative decimal input, as a JSON number or a string of digits, documented exactly.

    pydantic documents a Decimal as 'a number or any string', so a client (or schemathesis)
    reading the schema may send "" and be refused; this states the string's pattern and the
    number's bounds, which the validation enforces. With `le`, give the `pattern` that bounds
    the string form too.
    """
    whole = max_digits - decimal_places
    pattern = pattern or rf"^\d{{1,{whole}}}(\.\d{{1,{decimal_places}}})?$"
    largest = le if le is not None else float("9" * whole + "." + "9" * decimal_places)
    return Annotated[
        Decimal,
        BeforeValidator(_string_matching(pattern)),
        Field(ge=0, le=le, max_digits=max_digits, decimal_places=decimal_places),
        WithJsonSchema(
            {
                "anyOf": [
                    {
                        "type": "number",
                        "minimum": 0,
                        "maximum": largest,
                        "multipleOf": 10**-decimal_places,
                    },
                    {
                        "type": "string",
                        "pattern": pattern,
                    },
                ]
            }
        ),
    ]


# A sum in 万元 as figures and entitlements store it (14 digits, 2 after the point).
Wan = decimal_input(max_digits=14, decimal_places=2)


VERSION_MAX = 2**31 - 1  # the largest edit version (a PositiveIntegerField)

VERSION_HELP = (
    "The record's edit version: it goes up by one with every saved change. Send the version you "
    "read with a change (PATCH/PUT); if the record changed since, the change is refused with 409 "
    "and nothing is saved."
)


def version_in(*, required: bool = True):
    """The `version` of a PATCH/PUT body: the version of the record the client read."""
    if required:
        return Field(
            ge=1, le=VERSION_MAX, description="The version read (GET); 409 if changed since"
        )
    return Field(
        None,
        ge=0,
        le=VERSION_MAX,
        description="The version read (GET), or none (or 0) when there was no record yet; "
        "409 if the record changed (or was created) since",
    )


class ConflictOut(Schema):
    """409: the record was changed by someone else since the version the request names."""

    detail: str
    version: int | None = Field(
        None, description="The stored version: read the record again, apply your change to it"
    )
    changed_by: str | None = Field(None, description="Who saved the last change, if known")
    changed_at: dt.datetime | None = Field(None, description="When, if known")
