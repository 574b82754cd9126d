import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from zonedesk.core.schemas import ID_MAX, VERSION_HELP, InputSchema, Wan, decimal_input, version_in
from zonedesk.enterprises.models import Enterprise, EnterpriseType

Mu = decimal_input(max_digits=10, decimal_places=2)
TYPE_HELP = "Registration type code of 国统字〔2011〕86号, e.g. 173; empty: not recorded"


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
    legal_representative: str
    registered_capital_wan: Decimal | None = Field(description="Registered capital, 10k yuan")
    established_on: dt.date | None
    enterprise_type: EnterpriseType | None = Field(description=TYPE_HELP)
    main_products: str
    land_area_mu: Decimal | None = Field(description="Land in use, mu (亩)")
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
    legal_representative: str = ""
    registered_capital_wan: Wan | None = Field(None, description="Registered capital, 10k yuan")
    established_on: dt.date | None = None
    enterprise_type: EnterpriseType | None = Field(None, description=TYPE_HELP)
    main_products: str = ""
    land_area_mu: Mu | None = Field(None, description="Land in use, mu (亩)")
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
    legal_representative: str | None = None
    registered_capital_wan: Wan | None = None
    established_on: dt.date | None = None
    enterprise_type: EnterpriseType | None = Field(None, description=TYPE_HELP)
    main_products: str | None = None
    land_area_mu: Mu | None = None
    officer: str | None = None
    contacts: list[ContactIn] | None = None


class EnterpriseFilterIn(InputSchema):
    q: str = ""
    zone: str = ""
    industry: str = Field("", description="Section letter or division/group/class code")
    status: str = ""
    officer: int | None = Field(None, ge=1, le=ID_MAX, description="User id of the liaison officer")
    above_designated_size: bool | None = None
