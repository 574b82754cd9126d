"""The investment leads API's request and response schemas (OpenAPI components keep these
names)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from zonedesk.core.schemas import ID_MAX, VERSION_HELP, InputSchema, Wan, version_in

STAGE_HELP = (
    "lead (线索), contact (接洽), visit (考察), negotiation (洽谈), signed (签约), landed (落地), "
    "paused or dropped"
)
REGION_HELP = "yangtze (长三角), pearl (珠三角), jjj (京津冀), chengyu (成渝) or other"
SOURCE_HELP = "exhibition, introduced (以商招商: give introducer_id), office, agent or online"
JOBS_MAX = 2**31 - 1  # a PositiveIntegerField


class LeadOut(Schema):
    id: int
    zone: str = Field(description="the zone's code")
    name: str = Field(description="the target company")
    credit_code: str
    region: str = Field(description=REGION_HELP)
    industry_code: str
    gap_node_id: int | None = Field(description="the chain node it would fill")
    gap_node: str | None = Field(description="chain · node")
    chain_id: int | None
    source: str = Field(description=SOURCE_HELP)
    introducer_id: int | None
    owner_id: int
    owner: str
    department_id: int | None
    department: str | None
    stage: str = Field(description=STAGE_HELP)
    stage_since: dt.date
    paused_from: str
    drop_reason: str
    next_action: str
    next_action_due: dt.date | None
    investment_wan: Decimal | None
    jobs: int | None
    output_wan: Decimal | None
    note: str
    last_activity_on: dt.date | None
    stale: bool = Field(description="open with no activity for ZONEDESK LEAD_STALE_DAYS days")
    project_id: int | None = Field(description="the key project a signed lead became")
    merged_into_id: int | None
    created_at: dt.datetime
    version: int = Field(description=VERSION_HELP)


class LeadActivityOut(Schema):
    id: int
    kind: str = Field(description="call, visit, meeting or delegation")
    on: dt.date
    note: str
    by: str
    moved_from_id: int | None = Field(description="the duplicate it was recorded on (a merge)")


class LeadEventOut(Schema):
    id: int
    move: str = Field(description="the step, or `merged`")
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    payload: dict[str, Any]
    moved_from_id: int | None


class LeadDuplicateOut(Schema):
    id: int
    name: str
    credit_code: str
    stage: str
    owner: str
    why: str = Field(description="code (same credit code) or name (names alike)")


class LeadDetailOut(LeadOut):
    moves: list[str] = Field(description="the stages the caller may move the lead to now")
    can_edit: bool
    can_merge: bool
    activities: list[LeadActivityOut] = Field(description="newest first")
    history: list[LeadEventOut] = Field(description="the moves and merges, newest first")
    duplicates: list[LeadDuplicateOut]
    merged_from: list[int] = Field(description="the duplicates merged into this lead")


class LeadFilterIn(InputSchema):
    q: str = Field("", max_length=100, description="in the name or credit code")
    stage: str = Field("", max_length=12, description=STAGE_HELP)
    source: str = Field("", max_length=12, description=SOURCE_HELP)
    region: str = Field("", max_length=10, description=REGION_HELP)
    chain: int | None = Field(None, ge=1, le=ID_MAX, description="leads for a node of this chain")
    node: int | None = Field(None, ge=1, le=ID_MAX, description="leads for this chain node")
    owner: int | None = Field(None, ge=1, le=ID_MAX, description="the owner's user id")
    stale: bool = Field(False, description="only the stale ones")
    mine: bool = Field(False, description="only the caller's own")


class LeadIn(InputSchema):
    """A new lead, at 线索, owned by the caller (or, set by the zone's leaders and administrators,
    another of the zone's staff)."""

    zone: str = Field(max_length=32, description="the zone's code")
    name: str = Field(max_length=200, description="the target company")
    credit_code: str = Field("", max_length=30, description="GB 32100, when known")
    region: str = Field(max_length=10, description=REGION_HELP)
    industry_code: str = Field("", max_length=10, description="GB/T 4754-2017, e.g. 3311")
    gap_node_id: int | None = Field(None, ge=1, le=ID_MAX)
    source: str = Field(max_length=12, description=SOURCE_HELP)
    introducer_id: int | None = Field(None, ge=1, le=ID_MAX, description="a firm of the zone")
    owner_id: int | None = Field(None, ge=1, le=ID_MAX, description="default: the caller")
    department_id: int | None = Field(
        None, ge=1, le=ID_MAX, description="default: the owner's department"
    )
    next_action: str = Field("", max_length=200)
    next_action_due: dt.date | None = None
    investment_wan: Wan | None = None
    jobs: int | None = Field(None, ge=0, le=JOBS_MAX)
    output_wan: Wan | None = None
    note: str = Field("", max_length=2000)


class LeadPatch(InputSchema):
    """The fields to change (not the zone nor the stage: move it); null clears an optional
    one."""

    version: int = version_in()
    name: str | None = Field(None, max_length=200)
    credit_code: str | None = Field(None, max_length=30)
    region: str | None = Field(None, max_length=10)
    industry_code: str | None = Field(None, max_length=10)
    gap_node_id: int | None = Field(None, ge=1, le=ID_MAX)
    source: str | None = Field(None, max_length=12)
    introducer_id: int | None = Field(None, ge=1, le=ID_MAX)
    owner_id: int | None = Field(None, ge=1, le=ID_MAX)
    department_id: int | None = Field(None, ge=1, le=ID_MAX)
    next_action: str | None = Field(None, max_length=200)
    next_action_due: dt.date | None = None
    investment_wan: Wan | None = None
    jobs: int | None = Field(None, ge=0, le=JOBS_MAX)
    output_wan: Wan | None = None
    note: str | None = Field(None, max_length=2000)


class LeadMoveIn(InputSchema):
    to: str = Field(max_length=12, description=STAGE_HELP)
    reason: str = Field("", max_length=1000, description="why it is dropped (required then)")
    signed_on: dt.date | None = Field(None, description="signing: the day (today by default)")
    first_production_month: dt.date | None = Field(
        None, description="signing: the planned month of first production (any day of it)"
    )
    note: str = Field("", max_length=1000)
    on: dt.date | None = Field(None, description="the day of the move, when entered later")
    version: int = version_in()


class LeadSignIn(InputSchema):
    first_production_month: dt.date = Field(
        description="the planned month of first production (any day of it)"
    )
    signed_on: dt.date | None = Field(None, description="the day (today by default)")
    project_id: int | None = Field(
        None,
        ge=1,
        le=ID_MAX,
        description="a key project of the zone already registered for it (none: one is created)",
    )
    note: str = Field("", max_length=1000)
    version: int = version_in()


class LeadActivityIn(InputSchema):
    kind: str = Field(max_length=12, description="call, visit, meeting or delegation")
    on: dt.date = Field(description="not in the future")
    note: str = Field(max_length=2000)


class LeadMergeIn(InputSchema):
    other_id: int = Field(ge=1, le=ID_MAX, description="the duplicate lead")
    keep: str = Field(
        "this", max_length=5, description="this: the duplicate is merged into this lead; other"
    )
    version: int = version_in()
    other_version: int = version_in()


class LeadFunnelFilterIn(InputSchema):
    by: str = Field("", max_length=8, description="source, region, chain or owner (or all)")
    first: dt.date | None = Field(None, description="only leads created on or after")
    last: dt.date | None = Field(None, description="only leads created on or before")


class LeadStageLineOut(Schema):
    stage: str
    reached: int = Field(description="leads at this stage of the way or further")
    conversion_pct: Decimal | None = Field(description="reached(next) / reached(this), in %")
    median_days: Decimal | None = Field(description="of the completed stays in the stage")


class LeadFunnelGroupOut(Schema):
    group: str = Field(description="empty: every lead together")
    leads: int
    signed: int
    stages: list[LeadStageLineOut]
