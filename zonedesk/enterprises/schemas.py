import datetime as dt

from ninja import Field, Schema

from zonedesk.core.schemas import ID_MAX, VERSION_HELP, InputSchema, version_in
from zonedesk.enterprises.models import Enterprise


class ContactOut(Schema):
    name: str
    title: str
    phone: str = Field(description="Masked (138****5678) for roles that do not call the firm")
    email: str


class ContactIn(InputSchema):
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""


class EnterpriseOut(Schema):
    id: int
    name: str
    credit_code: str
    zone: str = Field(description="Zone code")
    industry_code: str
    industry_section: str | None
    industry_name: str | None
    above_designated_size: bool
    status: Enterprise.Status
    production_start: dt.date | None
    address: str
    officer: str | None = Field(description="User name of the liaison officer")
    version: int = Field(description=VERSION_HELP)


class EnterpriseDetailOut(EnterpriseOut):
    contacts: list[ContactOut]


class EnterpriseIn(InputSchema):
    name: str
    credit_code: str
    zone: str = Field(description="Zone code")
    industry_code: str = Field(description="GB/T 4754-2017 division, group or class, e.g. C3011")
    above_designated_size: bool = False
    status: Enterprise.Status = Enterprise.Status.PRODUCING
    production_start: dt.date | None = None
    address: str = ""
    officer: str | None = Field(None, description="User name of a liaison officer of the zone")
    contacts: list[ContactIn] = []


class EnterprisePatch(InputSchema):
    version: int = version_in()
    name: str | None = None
    credit_code: str | None = None
    industry_code: str | None = None
    above_designated_size: bool | None = None
    status: Enterprise.Status | None = None
    production_start: dt.date | None = None
    address: str | None = None
    officer: str | None = None
    contacts: list[ContactIn] | None = None


class EnterpriseFilterIn(InputSchema):
    q: str = ""
    zone: str = ""
    industry: str = Field("", description="Section letter or division/group/class code")
    status: str = ""
    officer: int | None = Field(None, ge=1, le=ID_MAX, description="User id of the liaison officer")
    above_designated_size: bool | None = None
