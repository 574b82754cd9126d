from typing import Any

from ninja import Schema
from pydantic import field_validator


class InputSchema(Schema):
    """Base of every API input: text may not contain NUL (PostgreSQL cannot store it)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed / 不允许空字符（NUL）")
        return value
