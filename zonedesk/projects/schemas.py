"""The key projects API's request and response schemas (OpenAPI components keep these names)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from zonedesk.core.schemas import VERSION_HELP, InputSchema, Wan, decimal_input, version_in

LIGHT_HELP = (
    "red: the planned date has passed; yellow: it is today or within ZONEDESK "
    "PROJECT_WARN_WORKDAYS working days (casework's calendar: weekends, public holidays and "
    "make-up days); green otherwise. A project's is its worst open node's. 红灯/黄灯/绿灯."
)


class ProjectOut(Schema):
    id: int
    code: str
    name: str
    zone: str = Field(description="the zone's code")
    level: str = Field(description="province, city or county")
    kind: str = Field(description="industrial, infrastructure or services")
    state: str = Field(description="active, producing or full")
    investor: str
    investor_id: int | None = Field(description="the investing firm in the registry, if any")
    light: str = Field(description=LIGHT_HELP)
    stage: str = Field(description="the name of the first open node; empty when all are done")
    nodes_done: int
    nodes_total: int
    total_investment_wan: Decimal
    first_production_month: dt.date = Field(description="the month's first day")
    signed_on: dt.date
    leading_cadre: str | None
    service_officer: str | None
    version: int = Field(description=VERSION_HELP)


class NodeOut(Schema):
    id: int
    project_id: int
    seq: int
    code: str
    name: str
    status: str = Field(description="open or done")
    light: str | None = Field(description=LIGHT_HELP + " None once the node is done.")
    baseline_on: dt.date = Field(description="the first planned date, kept for good")
    planned_on: dt.date = Field(description="the planned date in force (moved by re-plans)")
    done_on: dt.date | None
    replanned: bool
    department: str | None
    person: str | None
    waits_for: list[str] = Field(description="the nodes that must be done before this one")
    pending_replan_id: int | None = Field(description="the re-plan awaiting a decision")
    can_complete: bool = Field(description="whether the caller may complete it now")
    can_replan: bool = Field(description="whether the caller may ask for a re-plan now")
    version: int = Field(description=VERSION_HELP)


class ProjectDetailOut(ProjectOut):
    site: str
    site_area_mu: Decimal | None
    yearly_investment_wan: Decimal
    expected_output_wan: Decimal | None
    industry_code: str = Field("", description="GB/T 4754-2017, as digits")
    investor_credit_code: str = Field("", description="a new investor's credit code, if known")
    nodes: list[NodeOut]


class ReplanOut(Schema):
    id: int
    project_id: int
    node_id: int
    node: str
    from_on: dt.date = Field(description="the planned date when it was asked for")
    to_on: dt.date
    reason: str
    status: str = Field(description="requested, approved or refused")
    requested_by: str | None
    requested_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_note: str


class ProjectFilterIn(InputSchema):
    level: str = Field("", max_length=10, description="province, city or county")
    kind: str = Field("", max_length=16, description="industrial, infrastructure or services")
    light: str = Field("", max_length=8, description="red, yellow or green")


class CompleteIn(InputSchema):
    done_on: dt.date | None = Field(None, description="the actual date (today by default)")
    version: int = version_in()


class ReplanIn(InputSchema):
    to_on: dt.date = Field(description="the new planned date")
    reason: str = Field(max_length=2000)
    version: int = version_in()


class DecisionIn(InputSchema):
    decision: str = Field(description="approved or refused", max_length=10)
    note: str = Field("", max_length=2000, description="why (required to refuse)")


Mu = decimal_input(max_digits=10, decimal_places=2)
PERSON_HELP = "user name of "


class ProjectIn(InputSchema):
    """A new key project; its nodes are planned from the kind's template from `signed_on`."""

    zone: str = Field(max_length=32, description="the zone's code")
    code: str = Field(max_length=32, description="unique in the zone")
    name: str = Field(max_length=200)
    level: str = Field(max_length=10, description="province, city or county")
    kind: str = Field(max_length=16, description="industrial, infrastructure or services")
    investor_id: int | None = Field(None, ge=1, description="a firm of the zone in the registry")
    investor_name: str = Field("", max_length=200, description="a new investor, by name")
    investor_credit_code: str = Field(
        "", max_length=30, description="the new investor's credit code (GB 32100), when known"
    )
    industry_code: str = Field(
        "", max_length=10, description="GB/T 4754-2017 division, group or class, e.g. C3011"
    )
    site: str = Field("", max_length=200)
    site_area_mu: Mu | None = None
    total_investment_wan: Wan
    yearly_investment_wan: Wan = Decimal(0)
    expected_output_wan: Wan | None = None
    first_production_month: dt.date = Field(description="any day of the month")
    signed_on: dt.date
    leading_cadre: str | None = Field(
        None, max_length=150, description=PERSON_HELP + "a leader over the zone"
    )
    service_officer: str | None = Field(
        None, max_length=150, description=PERSON_HELP + "an officer of the zone"
    )
    state: str = Field("active", max_length=10, description="active, producing or full")


class ProjectPatch(InputSchema):
    """The fields to change (not the zone nor the kind); null clears an optional one."""

    version: int = version_in()
    code: str | None = Field(None, max_length=32)
    name: str | None = Field(None, max_length=200)
    level: str | None = Field(None, max_length=10)
    investor_id: int | None = Field(None, ge=1)
    investor_name: str | None = Field(None, max_length=200)
    investor_credit_code: str | None = Field(None, max_length=30)
    industry_code: str | None = Field(None, max_length=10)
    site: str | None = Field(None, max_length=200)
    site_area_mu: Mu | None = None
    total_investment_wan: Wan | None = None
    yearly_investment_wan: Wan | None = None
    expected_output_wan: Wan | None = None
    first_production_month: dt.date | None = None
    signed_on: dt.date | None = None
    leading_cadre: str | None = Field(None, max_length=150)
    service_officer: str | None = Field(None, max_length=150)
    state: str | None = Field(None, max_length=10)
