"""The casework API's request and response schemas (OpenAPI components keep these names)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from zonedesk.casework.models import Problem
from zonedesk.core.schemas import ID_MAX, VERSION_HELP, InputSchema, version_in


class EventOut(Schema):
    # The published names; the table's columns are from_state/to_state since the events
    # moved onto core.workflow, and API clients should not have to follow that rename.
    step: str
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    reason: str


class ProblemOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    category: str
    title: str
    severity: str
    status: str
    department: str | None
    assignee: str | None
    due_at: dt.date | None
    due_uncertain: bool = Field(
        description=(
            "True when due_at was counted on ordinary weeks: a year it spans had no official "
            "holiday arrangement (neither the State Council's notices as the chinese-calendar "
            "package carries them nor the administrators' own calendar days) when it was "
            "computed. 该年法定节假日安排尚未录入，按普通周计算."
        )
    )
    overdue: bool
    extended: bool
    escalated: bool
    satisfaction: int | None
    created_at: dt.datetime


class ProblemDetailOut(ProblemOut):
    description: str
    raised_via: str
    anonymous: bool
    firm_comment: str
    next_steps: list[str]
    events: list[EventOut]


class ProblemFilterIn(InputSchema):
    status: str = Field("", max_length=20)
    category: str = Field("", max_length=20)
    overdue: bool | None = None
    mine: bool = False
    enterprise: int | None = Field(None, ge=1, le=ID_MAX)


class ProblemIn(InputSchema):
    category: str = Field(max_length=20)
    title: str = Field(max_length=200)
    description: str = Field("", max_length=20_000)
    raised_via: str | None = Field(None, max_length=8)
    severity: str = Field(Problem.Severity.NORMAL, max_length=8)
    anonymous: bool = False


class StepIn(InputSchema):
    to: str = Field(description="the next status, or extended", max_length=20)
    reason: str = Field("", max_length=5000)
    department_id: int | None = Field(None, ge=1, le=ID_MAX)
    assignee_id: int | None = Field(None, ge=1, le=ID_MAX)
    due_on: dt.date | None = None
    satisfaction: int | None = Field(None, ge=1, le=5)
    comment: str = Field("", max_length=5000)


class ContactDueOut(Schema):
    enterprise_id: int
    enterprise: str
    at_risk: bool
    visit_every_days: int
    call_every_days: int
    last_visit: dt.date | None
    last_contact: dt.date | None
    visit_days_overdue: int | None = Field(
        description="days past the plan since the last visit; none: never visited, or not late"
    )
    call_days_overdue: int | None = Field(
        description="days past the plan since the last contact of any kind; none: never "
        "contacted, or not late"
    )
    never_visited: bool
    days_overdue: int | None = Field(
        description="the larger of the two counts; none when neither is counted (never "
        "contacted, or never visited and the call not late)"
    )


class OverviewRowOut(Schema):
    key: str
    label: str
    raised: int
    open: int
    overdue: int
    resolved: int
    avg_days_to_resolve: Decimal | None = Field(description="working days, raised to resolved")
    satisfaction_avg: Decimal | None


class OverviewOut(Schema):
    zone: str
    period: str
    total: OverviewRowOut
    by_category: list[OverviewRowOut]
    by_department: list[OverviewRowOut]


class ProblemHeardIn(InputSchema):
    category: str = Field(max_length=20)
    title: str = Field(max_length=200)


class ContactRecordIn(InputSchema):
    date: dt.date
    kind: str = Field(description="on_site, phone, online or firm_came", max_length=10)
    notes: str = Field("", max_length=5000)
    figures_seen: str = Field("", max_length=2000)
    follow_up_on: dt.date | None = None
    problems: list[ProblemHeardIn] = Field(default_factory=list, max_length=20)


class ContactRecordOut(Schema):
    id: int
    enterprise_id: int
    date: dt.date
    kind: str
    problems: list[int]


class PlanIn(InputSchema):
    version: int | None = version_in(required=False)
    visit_every_days: int = Field(ge=1, le=366)
    call_every_days: int = Field(ge=1, le=366)
    at_risk: bool = False


class PlanOut(Schema):
    enterprise_id: int
    visit_every_days: int
    call_every_days: int
    at_risk: bool
    leading_cadre: str | None
    version: int = Field(description=VERSION_HELP)


class DifficultiesOut(Schema):
    period: str
    text: str = Field(description="the numbered paragraph, in the request's language")
    firms: int
    categories: list[dict]


class ActionIn(InputSchema):
    kind: str = Field(description="problem, policy, financing, land or other", max_length=10)
    title: str = Field(max_length=200)
    owner_id: int = Field(
        ge=1,
        le=ID_MAX,
        description="an official of the firm's zone who acts on firms: a leader, a liaison "
        "officer or department staff (never an auditor, a firm or a bank user)",
    )
    due_on: dt.date
    problem_id: int | None = Field(None, ge=1, le=ID_MAX)
    measure_id: int | None = Field(None, ge=1, le=ID_MAX)


class ActionOut(Schema):
    id: int
    enterprise_id: int
    kind: str
    title: str
    owner_id: int
    owner: str
    due_on: dt.date
    status: str
    problem_id: int | None
    measure_id: int | None
