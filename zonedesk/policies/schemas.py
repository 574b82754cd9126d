"""The policies API's request and response schemas (OpenAPI components keep these names)."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from zonedesk.core.schemas import VERSION_HELP, InputSchema, Wan, version_in


class ConditionOut(Schema):
    text: str = Field(description="the condition as written in the rule (code, for tools)")
    sentence: str = Field(
        description="the condition in words with the firm's own value, in the request's "
        "language: what a firm reads (e.g. 本年累计停产天数不少于 45 天：贵企业为 46 天)"
    )
    outcome: bool | None
    values: dict = Field(description="fact -> the firm's value; null: missing or cannot exist")
    not_applicable: bool = Field(
        False, description="unknown because a figure it reads cannot exist for the firm"
    )


class EntitlementOut(Schema):
    id: int
    measure_id: int
    level: str
    document: str
    clause: str
    title: str
    benefit_type: str
    mode: str
    decision: str
    missing_facts: list[str]
    estimate_wan: Decimal | None
    state: str
    approved_wan: Decimal | None
    disbursed_wan: Decimal | None
    disbursed_on: dt.date | None
    rule: str = Field(description="the rule as written (code, for tools)")
    rule_sentence: str = Field(description="the rule in words: what a firm reads")
    rule_version: int
    facts_of: str
    conditions: list[ConditionOut]
    reason: str = Field("", description="why a lapsed pair no longer qualifies")


class VerdictOut(Schema):
    """A measure in force that the firm does not qualify for, and why."""

    measure_id: int
    level: str
    document: str
    clause: str
    title: str
    firm_statuses: list[str]
    decision: str = Field(description="not_eligible or not_applicable")
    reason: str = Field(description="the firm's status, or the figures that cannot exist")
    not_applicable_facts: list[str]
    missing_facts: list[str]
    rule: str = Field(description="the rule as written (code, for tools)")
    rule_sentence: str = Field(description="the rule in words: what a firm reads")
    conditions: list[ConditionOut]


class MoveIn(InputSchema):
    to: str = Field(description="notified, applied, approved, disbursed, rejected or declined")
    amount_wan: Wan | None = None
    on: dt.date | None = None
    note: str = Field("", max_length=2000)


class CoverageOut(Schema):
    level: str
    label: str
    measures: int
    eligible: int
    notified: int
    done: int
    notified_rate: Decimal | None = Field(description="一条不漏: notified / eligible")
    done_rate: Decimal | None = Field(description="应享尽享: disbursed or declined / eligible")
    estimated_wan: Decimal
    disbursed_wan: Decimal


class MeasureCoverageOut(Schema):
    measure_id: int
    label: str
    measures: int
    eligible: int
    notified: int
    done: int
    notified_rate: Decimal | None = Field(description="一条不漏: notified / eligible")
    done_rate: Decimal | None = Field(description="应享尽享: disbursed or declined / eligible")
    estimated_wan: Decimal
    disbursed_wan: Decimal


class UnclaimedOut(Schema):
    enterprise_id: int
    name: str
    officer: str | None
    benefits: int = Field(description="eligible pairs still open: identified to approved")
    estimated_wan: Decimal | None


class OpenFilterIn(InputSchema):
    who: str = Field("", description="mine (an officer's default) or all", max_length=10)
    state: str = Field("", description="identified, notified, applied or approved", max_length=12)
    level: str = Field("", description="province, city, county or zone", max_length=10)
    zone: str = Field("", description="one zone's code", max_length=50)


class OpenOut(Schema):
    id: int
    enterprise_id: int
    enterprise: str
    credit_code: str
    officer: str | None
    measure_id: int
    level: str
    document: str
    clause: str
    title: str
    mode: str
    state: str
    estimate_wan: Decimal | None
    approved_wan: Decimal | None
    decided_at: dt.datetime


class DocumentOut(Schema):
    id: int
    level: str
    area_code: str | None = Field(description="a province's, city's or county's document")
    zone_code: str | None = Field(description="a zone's document")
    issuer: str
    number: str
    title: str
    published: dt.date | None
    valid_from: dt.date
    valid_to: dt.date | None
    measure_count: int
    version: int = Field(description=VERSION_HELP)


class MeasureOut(Schema):
    id: int
    document_id: int
    document: str
    level: str
    clause: str
    title: str
    summary: str
    benefit_type: str
    mode: str
    department: str
    materials: str
    firm_statuses: list[str]
    eligibility: str = Field(description="the rule as written (English or Chinese names)")
    eligibility_sentence: str = Field("", description="the rule in words")
    benefit: str
    benefit_sentence: str = Field("", description="the benefit formula in words")
    rule_version: int | None
    version: int = Field(description=VERSION_HELP + " (A rule edit is a change too.)")


class DocumentDetailOut(DocumentOut):
    source_text: str
    measures: list[MeasureOut]
    validity: str = Field(
        description="in_force (在施), not_yet (未生效) or expired (已失效) on the as-of date"
    )
    as_of: dt.date = Field(
        description="the as-of date of the caller's zone: its latest reported month's end "
        "(never after today), or today without figures"
    )


class RuleVersionOut(Schema):
    number: int
    eligibility: str
    benefit: str
    created_at: dt.datetime
    created_by: str | None


class MeasureDetailOut(MeasureOut):
    versions: list[RuleVersionOut]
    validity: str = Field(
        description="in_force (在施), not_yet (未生效) or expired (已失效) on the as-of date"
    )
    as_of: dt.date = Field(
        description="the as-of date of the caller's zone: its latest reported month's end "
        "(never after today), or today without figures"
    )


class DocumentFilterIn(Schema):
    q: str = Field("", max_length=200, description="title, number, issuer or a measure's text")
    level: str = Field("", description="province, city, county or zone")


class DocumentIn(InputSchema):
    level: str = Field(description="province, city, county or zone")
    area_code: str | None = Field(None, max_length=6, description="for province, city, county")
    zone_code: str | None = Field(None, max_length=32, description="for a zone's document")
    issuer: str = Field(max_length=100)
    number: str = Field("", max_length=100)
    title: str = Field(max_length=300)
    published: dt.date | None = None
    valid_from: dt.date
    valid_to: dt.date | None = None
    source_text: str = Field("", max_length=200_000)


class DocumentPatch(InputSchema):
    version: int = version_in()
    level: str | None = None
    area_code: str | None = Field(None, max_length=6)
    zone_code: str | None = Field(None, max_length=32)
    issuer: str | None = Field(None, max_length=100)
    number: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=300)
    published: dt.date | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source_text: str | None = Field(None, max_length=200_000)


class MeasureFilterIn(Schema):
    q: str = Field("", max_length=200)
    level: str = ""
    benefit_type: str = ""
    mode: str = ""


class MeasureIn(InputSchema):
    clause: str = Field(max_length=30)
    title: str = Field(max_length=200)
    summary: str = Field("", max_length=20_000)
    benefit_type: str
    mode: str = "application"
    department: str = Field("", max_length=100)
    materials: str = Field("", max_length=20_000)
    firm_statuses: list[str] = Field(
        ["producing", "halted"],
        max_length=4,
        description="firm statuses it applies to: producing, halted, construction, closed",
    )
    eligibility: str = Field(max_length=2000)
    benefit: str = Field("", max_length=2000)


class MeasurePatch(InputSchema):
    version: int = version_in()
    clause: str | None = Field(None, max_length=30)
    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=20_000)
    benefit_type: str | None = None
    mode: str | None = None
    department: str | None = Field(None, max_length=100)
    materials: str | None = Field(None, max_length=20_000)
    firm_statuses: list[str] | None = Field(
        None,
        max_length=4,
        description="firm statuses it applies to: producing, halted, construction, closed",
    )
    eligibility: str | None = Field(None, max_length=2000)
    benefit: str | None = Field(None, max_length=2000)


class RuleCheckIn(InputSchema):
    eligibility: str = Field(max_length=2000)
    benefit: str = Field("", max_length=2000)
    zone: str = Field(max_length=32, description="the zone whose firms to count")
    firm_statuses: list[str] = Field(
        ["producing", "halted"],
        max_length=4,
        description="the firm statuses the measure applies to (the others count as not eligible)",
    )
    period: str | None = Field(
        None,
        description="YYYY-MM: every firm on this month; default: each firm on its own latest "
        "month, as matching decides it",
    )
    document_id: int | None = Field(
        None, description="the measure's document: whether it is in force on the as-of date"
    )


class RulePreviewOut(Schema):
    firms: int
    eligible: int
    undetermined: int
    not_applicable: int
    not_eligible: int
    no_figures: int = Field(0, description="firms with no figures yet: not decided")
    estimated_wan: Decimal
    period: str = Field(description="the zone's latest month with figures (or the one asked)")
    as_of: dt.date = Field(description="the zone's as-of date (its latest month's end, or today)")
    document_status: str = Field(
        "in_force",
        description="in_force, not_yet or expired on the as-of date: a save matches no firm "
        "unless in_force",
    )


class ImportSummaryOut(Schema):
    documents_created: int
    documents_updated: int
    documents_unchanged: int
    measures_created: int
    measures_updated: int
    measures_unchanged: int
    rule_versions_added: int
