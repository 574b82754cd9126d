"""The schemas of the monthly and utility imports and of the utility index."""

from typing import Annotated, Literal

from ninja import Field, Schema

from zonedesk.core.schemas import (
    InputSchema,
    version_in,
)


class UtilityAccountsOut(Schema):
    power: list[str]
    water: list[str]
    version: int = Field(description="The firm's version (the accounts are part of the firm)")


AccountNumber = Field(pattern=r"^[0-9A-Za-z][0-9A-Za-z-]{0,31}$", max_length=32)


class UtilityAccountsIn(InputSchema):
    power: list[Annotated[str, AccountNumber]] = Field(default_factory=list, max_length=100)
    water: list[Annotated[str, AccountNumber]] = Field(default_factory=list, max_length=100)
    version: int = version_in()


class UnmatchedOut(Schema):
    account_number: str
    account_name: str
    months: list[str]


class ImportFirmOut(Schema):
    id: int
    name: str
    credit_code: str


class FigureChangeOut(Schema):
    stored: str | int | None
    in_file: str | int | None


class OverwriteOut(Schema):
    enterprise: ImportFirmOut
    period: str
    source: Literal["confirmed", "own", "office"] = Field(
        description="confirmed: confirmed by the liaison officer (it goes back to submitted); "
        "own: the firm's own report; office: entered by the zone's staff"
    )
    changes: dict[str, FigureChangeOut] = Field(description="each changed figure, by field")


class ImportWarningOut(Schema):
    enterprise: ImportFirmOut
    warnings: dict[str, str] = Field(
        description="kind -> message: figures accepted (not refused) but to be checked"
    )


class MonthlyImportOut(Schema):
    dry_run: bool = Field(description="true: a preview, nothing was written")
    period: str
    created: int
    updated: int
    unchanged: int
    created_firms: list[ImportFirmOut]
    updated_firms: list[ImportFirmOut]
    unchanged_firms: list[ImportFirmOut]
    overwrites: list[OverwriteOut] = Field(
        default_factory=list,
        description="dry run only: the stored months the file would overwrite, confirmed ones "
        "and the firms' own reports first",
    )
    stored: str = Field(
        "",
        description="dry run only: the fingerprint of the month's stored figures; give it as "
        "`expected_stored` to the import so that it refuses if they changed in between",
    )
    warnings: list[ImportWarningOut] = Field(
        default_factory=list,
        description="dry run only: the firms whose month, as it would stand, is accepted but "
        "to be checked (e.g. halted_with_output: halted every day yet output reported)",
    )


class UtilityChangeOut(Schema):
    period: str
    account_number: str
    account_name: str
    change: Literal["new", "updated", "kept", "removed"]
    stored: str | None = Field(description="the stored quantity (none for a new reading)")
    in_file: str | None = Field(description="the file's quantity (none for kept or removed)")
    enterprise: str = Field(description="the zone's firm holding the account (empty: none)")


class UtilityImportOut(Schema):
    dry_run: bool = Field(False, description="true: a preview, nothing was written")
    kind: str
    periods: list[str]
    created: int
    updated: int
    unchanged: int
    removed: int = Field(description="Stored readings of the file's months removed (replace_month)")
    kept: int = Field(description="Stored readings of the file's months not in the file, kept")
    matched: int
    unmatched: list[UnmatchedOut] = Field(
        description="Readings kept whose account no firm of the zone holds"
    )
    changes: list[UtilityChangeOut] = Field(
        default_factory=list,
        description="dry run only: every reading added, updated, removed or kept (not in the "
        "file); unchanged ones are counted, not listed",
    )
    stored: str = Field(
        "",
        description="dry run only: the fingerprint of the stored readings compared; give it as "
        "`expected_stored` to the import so that it refuses if they changed in between",
    )
