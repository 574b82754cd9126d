"""The key projects API's request and response schemas (OpenAPI components keep these names)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from zonedesk.core.schemas import (
    ID_MAX,
    VERSION_HELP,
    InputSchema,
    Wan,
    decimal_input,
    version_in,
)

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
    expected_tax_wan: Decimal | None = None
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
    expected_tax_wan: Wan | None = None
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
    expected_tax_wan: Wan | None = None
    first_production_month: dt.date | None = None
    signed_on: dt.date | None = None
    leading_cadre: str | None = Field(None, max_length=150)
    service_officer: str | None = Field(None, max_length=150)
    state: str | None = Field(None, max_length=10)


# --- element guarantees, monthly investment, service requests (7x24) --------------------------

Quantity = decimal_input(max_digits=12, decimal_places=2)


class GuaranteeOut(Schema):
    id: int
    project_id: int
    category: str = Field(
        description="land, demolition, road, water, power, gas, telecom, drainage"
    )
    land_stage: str = Field(description="to_acquire, acquired or supplied (land only); else empty")
    quantity: Decimal | None
    unit: str
    need: str = Field(description="the need in words")
    need_label: str = Field(description="what is needed as the checklist says it: 120 亩 …")
    department_id: int | None = Field(description="the responsible department of the zone")
    department: str | None
    utility: str = Field(description="the utility company, when no department provides it")
    due_on: dt.date
    done_on: dt.date | None
    note: str
    overdue: bool = Field(description="open and its due date has passed")
    blocking: list[str] = Field(description="the open nodes marked blocked by it")
    can_edit: bool = Field(description="whether the caller may change it or mark it done")
    version: int = Field(description=VERSION_HELP)


class GuaranteeIn(InputSchema):
    category: str = Field(
        max_length=12, description="land, demolition, road, water, power, gas, telecom, drainage"
    )
    land_stage: str = Field(
        "", max_length=12, description="to_acquire, acquired or supplied (required for land)"
    )
    quantity: Quantity | None = Field(None, description="the quantity needed (or `need`)")
    unit: str = Field(
        "", max_length=10, description="亩 for land and 户 for households unless given"
    )
    need: str = Field("", max_length=200, description="the need in words (or `quantity`)")
    department: int | None = Field(
        None, ge=1, le=ID_MAX, description="a department of the project's zone (or `utility`)"
    )
    utility: str = Field("", max_length=100, description="the utility company (or `department`)")
    due_on: dt.date
    note: str = Field("", max_length=2000)


class GuaranteePatchIn(InputSchema):
    """The fields to change (the others keep their stored values) and the version read."""

    category: str | None = Field(None, max_length=12)
    land_stage: str | None = Field(None, max_length=12)
    quantity: Quantity | None = None
    unit: str | None = Field(None, max_length=10)
    need: str | None = Field(None, max_length=200)
    department: int | None = Field(None, ge=1, le=ID_MAX)
    utility: str | None = Field(None, max_length=100)
    due_on: dt.date | None = None
    note: str | None = Field(None, max_length=2000)
    version: int = version_in()


class GuaranteeDoneIn(InputSchema):
    done_on: dt.date | None = Field(None, description="the date it was done (today by default)")
    version: int = version_in()


class BlockIn(InputSchema):
    guarantee: int | None = Field(
        None, ge=1, le=ID_MAX, description="an open item of the node's project; null releases it"
    )
    version: int = version_in()


class InvestmentMonthOut(Schema):
    month: str = Field(description="YYYY-MM")
    planned_wan: Decimal = Field(description="planned investment, 10k yuan (万元)")
    done_wan: Decimal = Field(description="completed investment, 10k yuan (万元)")
    version: int = Field(description=VERSION_HELP)


class InvestmentYearOut(Schema):
    year: int
    through: str = Field(description="the last month counted (YYYY-MM): this month")
    planned_year_wan: Decimal = Field(description="the sum of the year's twelve months' plans")
    planned_to_date_wan: Decimal = Field(description="planned, January to `through`")
    done_to_date_wan: Decimal = Field(description="completed, January to `through`")
    rate: Decimal | None = Field(
        description="completed to date / the year's plan (0.5 is half); null without a plan"
    )


class InvestmentOut(Schema):
    project_id: int
    year: InvestmentYearOut
    months: list[InvestmentMonthOut] = Field(description="every month entered, newest first")
    first_month: str = Field(description="the signing month (YYYY-MM): none earlier is entered")
    can_enter: bool = Field(description="whether the caller may enter the figures")


class InvestmentIn(InputSchema):
    planned_wan: Wan = Field(description="planned investment of the month, 10k yuan")
    done_wan: Wan = Field(description="completed investment of the month, 10k yuan")
    version: int | None = version_in(required=False)


class ServiceRequestOut(Schema):
    id: int
    project_id: int
    problem_id: int = Field(description="the casework problem of the investor firm")
    title: str
    category: str = Field(description="its label")
    status: str = Field(description="casework's status: submitted, accepted, … resolved")
    status_label: str
    department: str = Field(description="the department it was handed to (empty before)")
    raised_by: str
    raised_at: dt.datetime
    respond_by: dt.datetime | None = Field(description="the response limit (round the clock)")
    resolve_by: dt.datetime | None = Field(description="the resolution limit (round the clock)")
    responded_at: dt.datetime | None
    resolved_at: dt.datetime | None
    response_hours: float | None
    resolution_hours: float | None
    late_response: bool
    late_resolution: bool
    can_respond: bool
    can_resolve: bool


class ServiceRaiseIn(InputSchema):
    title: str = Field(max_length=200)
    category: str = Field(max_length=12, description="a casework category (e.g. energy)")
    raised_via: str = Field("phone", max_length=8, description="how it came in (e.g. phone)")
    description: str = Field("", max_length=4000)
    at: dt.datetime | None = Field(None, description="when it came in, if recorded afterwards")


class ServiceRespondIn(InputSchema):
    department: int = Field(ge=1, le=ID_MAX, description="the zone's department it is handed to")
    at: dt.datetime | None = Field(None, description="when, if recorded afterwards")


class ServiceResolveIn(InputSchema):
    resolution: str = Field(max_length=2000, description="how it was resolved")
    at: dt.datetime | None = Field(None, description="when, if recorded afterwards")
