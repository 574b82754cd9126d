from typing import Any

from ninja import Schema
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
