"""The schemas of the annual figures, the per-mu grading and the firm sizes."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from zonedesk.core.schemas import (
    VERSION_HELP,
    InputSchema,
    Wan,
    version_in,
)


class AnnualIn(InputSchema):
    value_added_wan: Wan | None = Field(
        None, description="Value added (工业增加值), 10k yuan; none: output stands in for it"
    )
    rd_spending_wan: Wan | None = Field(None, description="R&D spending (研发经费支出), 10k yuan")


class AnnualOut(Schema):
    year: int
    value_added_wan: Decimal | None
    rd_spending_wan: Decimal | None


class PerMuFirmOut(Schema):
    id: int
    name: str
    credit_code: str
    grade: str | None = Field(description="A, B, C or D; none: not graded (see not_graded)")
    not_graded: str | None = Field(
        description=(
            "no_land, no_figures, closed, construction or not_producing (no output all year, "
            "未参评) when the firm is not graded"
        )
    )
    rank: int | None
    score: float | None
    last_year_grade: str | None
    output_as_value_added: bool = Field(
        description="True: no value added was reported; the year's output stands in for it"
    )
    tax_per_mu: float | None = Field(description="亩均税收, 10k yuan per mu")
    value_added_per_mu: float | None = Field(description="亩均增加值, 10k yuan per mu")
    value_added_per_tce: float | None = Field(description="单位能耗增加值, 10k yuan per tce")
    labour_productivity: float | None = Field(description="全员劳动生产率, 10k yuan per person")
    rd_share: float | None = Field(description="R&D 经费占比, R&D spending / revenue")


class PerMuOut(Schema):
    zone: str
    year: int
    scheme: str | None
    months: list[int] = Field(
        description="the months of the year with figures in the zone: the grading covers those"
    )
    complete_year: bool = Field(description="False: fewer than 12 months (a partial year)")
    distribution: dict[str, int] = Field(
        description=(
            "firms per grade A-D, not_producing (halted all year, 未参评) and none (the other "
            "firms not graded)"
        )
    )
    firms: list[PerMuFirmOut]


# --- above-size status (规模以上) ------------------------------------------------------------------


class SizeFilterIn(InputSchema):
    show: str = Field(
        "",
        description="above, below, newly_above (新升规), dropped (退规), overridden (set by hand) "
        "or no_basis (no revenue the year before); default: every firm",
        max_length=20,
    )


class SizeFirmOut(Schema):
    id: int
    name: str
    credit_code: str
    stored: bool = Field(
        description="whether a status of the year is stored; false: the registry flag stands"
    )
    basis_revenue_wan: Decimal | None = Field(
        description="Σ main business revenue of the year before, 10k yuan (null: none reported)"
    )
    basis_months: int = Field(description="how many months of the year before gave it")
    threshold_wan: Decimal | None = Field(description="the threshold the status was judged by")
    derived: bool | None = Field(description="above size by the threshold (null: no revenue)")
    override: Literal["above", "below"] | None = Field(description="the status set by hand")
    override_reason: str
    override_by: str | None = Field(description="who set it by hand (system: a command)")
    override_at: dt.datetime | None
    above: bool = Field(description="the effective status: set by hand, else derived, else kept")
    newly_above: bool = Field(description="新升规: above this year, below the year before")
    dropped: bool = Field(description="退规: below this year, above the year before")
    version: int = Field(description=VERSION_HELP + " 0: no status of the year is stored yet.")


class SizesOut(Schema):
    zone: str
    year: int
    threshold_wan: Decimal | None = Field(description="the threshold in force in the year")
    threshold_from_year: int | None
    counts: dict[str, int] = Field(description="firms per filter (the key all: every firm)")
    firms: list[SizeFirmOut]


class SizesDeriveOut(Schema):
    year: int
    threshold_wan: Decimal
    firms: int
    written: int = Field(description="statuses created or changed")
    changed: int = Field(description="firms whose effective status of the year moved")
    to_above: int
    to_below: int
    newly_above: int
    no_basis: int = Field(description="firms without revenue the year before: status kept")
    overridden: int = Field(description="statuses set by hand, kept over the derived value")
    summary: str


class SizeOverrideIn(InputSchema):
    status: Literal["above", "below", "clear"] = Field(
        description="above or below size, set by hand; clear: back to the derived status"
    )
    reason: str = Field("", description="why (required to set; at most 300 kept)", max_length=2000)
    version: int | None = version_in(required=False)


def size_firm_dict(row) -> dict:
    """A firm's status of the year as the API gives it (selectors.SizeRow)."""
    s = row.status
    return {
        "id": row.firm.pk,
        "name": row.firm.name,
        "credit_code": row.firm.credit_code,
        "stored": s is not None,
        "basis_revenue_wan": row.basis_revenue_wan,
        "basis_months": row.basis_months,
        "threshold_wan": s.threshold_wan if s else None,
        "derived": row.derived,
        "override": None if row.override is None else "above" if row.override else "below",
        "override_reason": s.override_reason if s else "",
        "override_by": row.set_by or None,
        "override_at": s.override_at if s and s.override is not None else None,
        "above": row.above,
        "newly_above": row.newly_above,
        "dropped": row.dropped,
        "version": row.version,
    }
