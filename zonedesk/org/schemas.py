"""The org API's request and response schemas (OpenAPI components keep these names)."""

from ninja import Field, Schema

from zonedesk.core.schemas import VERSION_HELP, InputSchema, version_in


class AreaOut(Schema):
    code: str
    name: str
    level: str


class ZoneOut(Schema):
    code: str
    name: str
    area: AreaOut
    version: int = Field(description=VERSION_HELP)


class ZoneIn(InputSchema):
    code: str
    name: str
    area_code: str


class ZonePatch(InputSchema):
    version: int = version_in()
    name: str | None = None
