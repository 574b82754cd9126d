"""Reads of financing needs, always scoped to the acting user; a bank user reads only what the
firm's consent covers (the need, not the firm's figures or contacts unless it says so)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from zonedesk.casework.selectors import work_calendar
from zonedesk.core.period import Period
from zonedesk.enterprises.models import Enterprise
from zonedesk.finance import access
from zonedesk.finance.flows import DECIDED as NEED_DECIDED
from zonedesk.finance.flows import NEED, may_move
from zonedesk.finance.models import Consent, FinancingNeed
from zonedesk.monitoring import selectors as monitoring
from zonedesk.org.models import Bank, Role
from zonedesk.org.selectors import zone_list
from zonedesk.policies import selectors as policies

S = FinancingNeed.Status


def _active(bank_id) -> QuerySet[Consent]:
    return Consent.objects.filter(need=OuterRef("pk"), bank_id=bank_id, revoked_at__isnull=True)


# A bank's decision stands once it approved: the loan is its own record (amount, rate, term,
# disbursement, repayment), which it keeps seeing, and recording on, after the firm revokes its
# consent. What the consent covered (the firm's figures, contacts, its note) is hidden then.
DECIDED = NEED_DECIDED


def _decided_by(bank_id) -> Q:
    return Q(bank_id=bank_id, status__in=DECIDED)


def need_scope(user) -> QuerySet[FinancingNeed]:
    """Every need the user may see: the unit's (its staff), the firm's own (its user), those
    shared with the user's bank while the consent stands (never a draft; a withdrawn one only
    for the bank that had taken it up), and those the bank approved (its own decision record, whatever became of the consent)."""
    qs = FinancingNeed.objects.all()
    if not access.can_view_finance(user):
        return qs.none()
    if user.is_superuser:
        return qs
    if user.has_role(*access.UNIT_READERS):
        return qs.filter(enterprise__zone__in=zone_list(user))
    if user.has_role(Role.ENTERPRISE):
        return qs.filter(enterprise__members__user=user)
    if access.is_bank_user(user):
        # never a draft; a need the firm withdrew only for the bank that had taken it up (it
        # knows the need it worked on is gone), not for one that never responded
        return (
            qs.filter(Exists(_active(user.bank_id)) | _decided_by(user.bank_id))
            .exclude(status=S.DRAFT)
            .exclude(Q(status=S.WITHDRAWN) & ~Q(bank_id=user.bank_id))
        )
    return qs.none()


def can_move(user, need: FinancingNeed) -> bool:
    """Whether the user may make any move of the need (the firm's side, or a bank that may act
    on it); asked before a move's form or the need's state is read."""
    return may_move(user, need)


def is_overdue(need: FinancingNeed, today: dt.date) -> bool:
    """Shared and not taken up by a bank past its response limit."""
    return need.status == S.SHARED and need.respond_by is not None and today > need.respond_by


@dataclass(frozen=True)
class NeedFilters:
    q: str = ""
    status: str = ""
    zone: str = ""
    overdue: bool = False
    enterprise: int | None = None


def statuses(user) -> list[tuple[str, str]]:
    """The states to filter the user's needs by: a bank user is offered those it can see (never
    a draft)."""
    if bank_only(user):
        return [(k, v) for k, v in S.choices if k != S.DRAFT]
    return list(S.choices)


def bank_only(user) -> bool:
    """A bank user who is not also the unit's staff: reads what the firm's consent covers."""
    return access.is_bank_user(user) and not user.has_role(*access.UNIT_READERS)


def need_list(user, filters: NeedFilters | None = None) -> QuerySet[FinancingNeed]:
    """The needs the user may see; for a bank user each row carries `consent_stands` (its
    bank's consent for the need stands), for `as_seen` to blank the others."""
    f = filters or NeedFilters()
    qs = need_scope(user).select_related("enterprise__zone", "bank", "product", "problem")
    if bank_only(user):
        qs = qs.annotate(consent_stands=Exists(_active(user.bank_id)))
    if f.q:
        term = f.q.strip()
        qs = qs.filter(
            Q(enterprise__name__icontains=term) | Q(enterprise__credit_code__icontains=term)
        )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.zone:
        qs = qs.filter(enterprise__zone__code=f.zone)
    if f.enterprise is not None:
        qs = qs.filter(enterprise_id=f.enterprise)
    if f.overdue:
        qs = qs.filter(status=S.SHARED, respond_by__lt=timezone.localdate())
    return qs.order_by("-created_at", "-pk")


def need_get(user, *, pk: int) -> FinancingNeed | None:
    return (
        need_scope(user)
        .select_related("enterprise__zone__area", "enterprise__officer", "bank", "product")
        .filter(pk=pk)
        .first()
    )


def bank_consent(user, need: FinancingNeed) -> Consent | None:
    """The bank user's active consent for the need (what its bank may see), or None."""
    if not access.is_bank_user(user):
        return None
    return need.consents.filter(bank_id=user.bank_id, revoked_at__isnull=True).first()


def consents(user, need: FinancingNeed) -> list[Consent]:
    """Every consent of the need (the firm's side); a bank sees only its own."""
    qs = need.consents.select_related("bank", "granted_by", "revoked_by")
    if access.is_bank_user(user):
        qs = qs.filter(bank_id=user.bank_id, revoked_at__isnull=True)
    return list(qs)


def banks() -> QuerySet[Bank]:
    """The banks a firm may consent to (reference data)."""
    return Bank.objects.order_by("name")


def banks_to_consent(need: FinancingNeed) -> QuerySet[Bank]:
    """The banks the firm may still consent to for `need`: those without a standing consent."""
    standing = need.consents.filter(revoked_at__isnull=True).values("bank_id")
    return banks().exclude(pk__in=standing)


def response_working_days(need: FinancingNeed) -> int | None:
    """Working days from sharing to the bank's first response (docs/statistics.md)."""
    if need.shared_on is None or need.responded_on is None:
        return None
    calendar = work_calendar(need.shared_on, need.responded_on)
    return calendar.working_days_between(need.shared_on, need.responded_on)


# The firm's figures a consent may cover (facts of the latest reported month).
FIGURES = (
    "employees",
    "output_ytd_wan",
    "output_ytd_yoy",
    "revenue_ytd_wan",
    "revenue_ytd_yoy",
    "revenue_last_year_wan",
    "days_halted_ytd",
)


def firm_row(enterprise: Enterprise, cache: dict | None = None) -> tuple[Period | None, dict]:
    """The firm's facts of its latest reported month (policies' registry), for matching.
    Reference data: the caller has checked the need is in the user's scope."""
    cache = {} if cache is None else cache
    if "row" not in cache:
        period = monitoring.latest_period_of(Enterprise.objects.filter(pk=enterprise.pk))
        cache["period"] = period
        cache["row"] = policies.firm_facts(enterprise, period) if period else {}
    return cache["period"], cache["row"]


@dataclass
class NeedPage:
    need: FinancingNeed
    bank_view: bool  # the reader is a bank user: only what the consent covers
    consent: Consent | None
    consents: list[Consent]
    events: list
    moves: list[str]
    overdue: bool
    response_days: int | None
    figures: dict | None  # None: not shared with the reader
    period: Period | None = None
    matches: list = field(default_factory=list)
    can_edit: bool = False
    can_consent: bool = False
    # A bank user whose consent was revoked after it approved: its decision record only.
    decision_only: bool = False


# What a bank keeps seeing of its own loan once the firm revoked its consent: the need's amount,
# term and purpose, and its own response, decision, disbursement and repayment.
DECISION_RECORD = (
    "id",
    "pk",
    "enterprise_id",
    "amount_wan",
    "term_months",
    "purpose",
    "status",
    "responded_on",
    "bank_id",
    "product_id",
    "approved_amount_wan",
    "approved_rate_pct",
    "approved_term_months",
    "decided_on",
    "decline_reason",
    "decline_note",
    "disbursed_on",
    "disbursed_amount_wan",
    "repaid_on",
    "version",
)
BANK_STATES = (S.RECEIVED, S.UNDER_REVIEW, S.APPROVED, S.DECLINED, S.DISBURSED, S.REPAID)


def decision_record(need: FinancingNeed) -> FinancingNeed:
    """A copy of the need with only its decision record (DECISION_RECORD): what the firm's
    consent covered (its note, collateral, urgency, the dates it shared it, the problem it came
    from) is blanked. For reading only: it is never saved."""
    kept = {name: getattr(need, name) for name in DECISION_RECORD if name != "pk"}
    record = FinancingNeed(**kept, collateral="", urgency="", note="")
    record._state.adding = False
    record._state.db = need._state.db
    for name in ("enterprise", "bank", "product"):
        if need._state.fields_cache.get(name) is not None:
            setattr(record, name, getattr(need, name))
    return record


def as_seen(user, need: FinancingNeed) -> FinancingNeed:
    """A row of `need_list` as the user may read it: for a bank user whose consent no longer
    stands (the bank approved, then the firm revoked), its decision record only, the same blanked
    copy the need's page shows (the inbox, its export and the API list use it)."""
    if bank_only(user) and not getattr(need, "consent_stands", True):
        return decision_record(need)
    return need


def own_bank_events(events, bank_id) -> list:
    """The history a bank reads after the firm revoked: its own moves only (a bank state, made
    by a user of that bank), not the firm's, the officer's or the system's."""
    return [
        e
        for e in events
        if e.to_state in BANK_STATES
        and e.actor is not None
        and getattr(e.actor, "bank_id", None) == bank_id
    ]


def need_page(user, need: FinancingNeed, *, lang: str = "zh") -> NeedPage:
    """What the need's page shows this user; a bank whose consent was revoked after it approved
    sees its decision record only (`decision_record`), and its own moves in the history."""
    from zonedesk.finance.selectors.matches import need_matches

    bank_view = bank_only(user)
    consent = bank_consent(user, need) if bank_view else None
    decision_only = bank_view and consent is None
    events = list(need.events.select_related("actor"))
    moves = NEED.allowed(user, need)
    if decision_only:
        events = own_bank_events(events, user.bank_id)
        need = decision_record(need)
    cache: dict = {}
    figures = None
    period = None
    if not bank_view or (consent is not None and consent.covers_figures):
        period, row = firm_row(need.enterprise, cache)
        figures = {name: row.get(name) for name in FIGURES}
    return NeedPage(
        need=need,
        bank_view=bank_view,
        consent=consent,
        decision_only=decision_only,
        consents=consents(user, need),
        events=events,
        moves=moves,
        overdue=is_overdue(need, timezone.localdate()),
        response_days=response_working_days(need),
        figures=figures,
        period=period,
        matches=[] if bank_view else need_matches(user, need, lang=lang, cache=cache),
        can_edit=access.can_raise_need(user, need.enterprise)
        and need.status in (S.DRAFT, S.SHARED),
        can_consent=access.can_consent(user, need.enterprise),
    )


def needs_of_problem(user, problem) -> list[FinancingNeed]:
    """The needs raised from a casework problem, as the user may see them."""
    return list(need_scope(user).filter(problem=problem).select_related("bank"))


def consent_get(user, *, pk: int) -> Consent | None:
    """A consent of a need the user may see (a bank user: its own bank's, while it stands)."""
    qs = Consent.objects.filter(need__in=need_scope(user)).select_related("need__enterprise__zone")
    if access.is_bank_user(user) and not user.has_role(*access.UNIT_READERS):
        qs = qs.filter(bank_id=user.bank_id, revoked_at__isnull=True)
    return qs.filter(pk=pk).first()


def bank_get(*, pk: int) -> Bank | None:
    return Bank.objects.filter(pk=pk).first()
