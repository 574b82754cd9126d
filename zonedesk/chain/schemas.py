"""The chains API's request and response schemas (OpenAPI components keep these names)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from zonedesk.core.schemas import ID_MAX, VERSION_HELP, InputSchema, version_in

STRENGTH_HELP = (
    "gap (缺链: a target node with no confirmed firm), weak (弱链: fewer confirmed firms than the "
    "chain's threshold), single (one firm above the dominant share of the output), healthy, or "
    "outside (not in the target map, no firm)"
)
MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"


class ChainHealthOut(Schema):
    """A node's (or the whole chain's) health over the confirmed firms of its sub-tree, in the
    month of `period`."""

    strength: str = Field(description=STRENGTH_HELP)
    flags: list[str] = Field(description="gap, weak and/or single")
    firms: int = Field(description="confirmed firms of the sub-tree, each counted once")
    own_firms: int = Field(description="confirmed on the node itself")
    reporting: int = Field(description="firms with a figure for the month")
    output_wan: Decimal
    employees: int
    yoy_pct: Decimal | None = Field(
        description="output growth on the comparable basis (可比口径), in %, 2 places; null "
        "without comparable firms"
    )
    comparable_firms: int
    new_firms: int = Field(description="firms new in the month (新开工), reported apart")
    largest_share_pct: Decimal | None = Field(description="the largest firm's share, in %")
    hhi: Decimal | None = Field(description="Herfindahl–Hirschman index of the output, 0–1")


class ChainOut(Schema):
    id: int
    code: str
    name: str
    zone: str | None = Field(description="the owning zone's code (or null: an area's chain)")
    area: str | None = Field(description="the owning area's GB/T 2260 code, for an area's chain")
    leader: str | None = Field(description="the chain leader (链长)")
    weak_below_firms: int
    dominant_share: Decimal
    period: str | None = Field(description="the month of the figures, YYYY-MM (latest)")
    health: ChainHealthOut | None = Field(description="the whole chain; null for an empty chain")
    counts: dict[str, int] = Field(description="how many nodes are of each strength")
    version: int = Field(description=VERSION_HELP + " It covers the chain's nodes and firms.")


class ChainNodeOut(Schema):
    id: int
    parent_id: int | None
    depth: int = Field(description="0 for a segment at the top of the tree")
    code: str
    name: str
    segment: str = Field(description="up, mid or down")
    seq: int
    description: str
    key_products: str
    industries: list[str] = Field(description="GB/T 4754-2017 codes whose firms are suggested")
    in_target: bool = Field(description="in the target map (目标图谱)")
    health: ChainHealthOut
    firm_ids: list[int] = Field(description="the firms confirmed on the node itself")


class ChainDetailOut(ChainOut):
    description: str
    can_place: bool = Field(description="whether the caller may suggest, confirm or place firms")
    nodes: list[ChainNodeOut] = Field(
        description="the tree in order: a parent before its children, by order and code"
    )


class ChainGapOut(Schema):
    chain_id: int
    chain: str
    node_id: int
    node: str
    node_code: str
    parent: str | None
    strength: str = Field(description=STRENGTH_HELP)
    health: ChainHealthOut


class ChainGapListOut(Schema):
    period: str | None
    items: list[ChainGapOut]


class ChainFirmOut(Schema):
    id: int = Field(description="the placement's id (confirm or reject it by this id)")
    node_id: int
    enterprise_id: int
    enterprise: str
    credit_code: str
    state: str = Field(description="suggested, confirmed or rejected")
    basis: str = Field(description="industry, product or manual")
    decided_by: str | None
    decided_at: dt.datetime | None
    output_wan: Decimal | None = Field(description="the month's output; null: not reported")
    output_last_year_wan: Decimal | None
    yoy_pct: Decimal | None
    employees: int | None
    new: bool = Field(description="new in the month (新开工)")


class ChainNodeFirmsOut(Schema):
    chain_id: int
    node_id: int
    node: str
    period: str | None
    chain_version: int = Field(description="send it with a decision (the chain's version)")
    can_place: bool
    health: ChainHealthOut
    firms: list[ChainFirmOut]


class ChainGapFilterIn(InputSchema):
    weak: bool = Field(True, description="include the weak and single-point nodes")


class ChainPeriodIn(InputSchema):
    period: str = Field(
        "", max_length=7, pattern=r"^(\d{4}-(0[1-9]|1[0-2]))?$", description="YYYY-MM"
    )


class ChainNodeFirmFilterIn(ChainPeriodIn):
    state: str = Field("", max_length=10, description="suggested, confirmed or rejected")


class ChainVersionIn(InputSchema):
    version: int = version_in()


class ChainSuggestedOut(Schema):
    added: int = Field(description="new suggestions")
    kept: int = Field(description="firms already on a node (a rejection is not suggested again)")
    version: int = Field(description="the chain's version now")


class ChainPlaceIn(InputSchema):
    enterprise_id: int = Field(ge=1, le=ID_MAX, description="a firm of the chain's zones")
    version: int = version_in()


class ChainDecideIn(InputSchema):
    state: str = Field(
        max_length=10, description="confirmed, rejected, or suggested (undo a decision)"
    )
    version: int = version_in()
