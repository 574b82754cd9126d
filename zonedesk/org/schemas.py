"""The org API's request and response schemas (OpenAPI components keep these names)."""

from ninja import Schema

from zonedesk.core.schemas import InputSchema


class AreaOut(Schema):
    code: str
    name: str
    level: str


class ZoneOut(Schema):
    code: str
    name: str
    area: AreaOut


class ZoneIn(InputSchema):
    code: str
    name: str
    area_code: str


class ZonePatch(InputSchema):
    name: str | None = None
