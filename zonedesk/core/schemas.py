import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

# The largest id a database row can have (a signed 64-bit integer): an input naming a larger one
# is refused with a field error instead of reaching the database, which would fail on it.
ID_MAX = 2**63 - 1


class InputSchema(Schema):
    """Base of every API input: text may not contain NUL (PostgreSQL cannot store it)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed / 不允许空字符（NUL）")
        return value


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
