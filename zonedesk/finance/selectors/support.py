"""What a declined need's firm may turn to: the support measures it qualifies for whose kind
answers the bank's reason (a guarantee-fee subsidy when the collateral fell short, an interest
subsidy or a deferral when the cash flow did), read from the firm's entitlements (policies)."""

import re
from dataclasses import dataclass

from django.utils import timezone

from zonedesk.finance import access
from zonedesk.finance.models import DeclineReason, FinancingNeed
from zonedesk.finance.selectors.bridge import BridgeStanding, bridge_standing
from zonedesk.finance.selectors.matches import need_matches
from zonedesk.finance.selectors.needs import is_overdue, need_scope
from zonedesk.policies import selectors as policies

# The kinds of measure (policies' Measure.BenefitType) that answer each reason a bank gives.
SUBSIDY, TAX, DEFERRAL, INTEREST, RENT, SERVICE = (
    "subsidy",
    "tax_relief",
    "deferral",
    "interest",
    "rent",
    "service",
)
FOR_REASON: dict[str, tuple[str, ...]] = {
    DeclineReason.COLLATERAL: (SUBSIDY, INTEREST, SERVICE),  # guarantee fees, credit guarantee
    DeclineReason.CASH_FLOW: (INTEREST, DEFERRAL, TAX, RENT, SUBSIDY),
    DeclineReason.DEBT: (INTEREST, DEFERRAL, TAX),
    DeclineReason.CREDIT_RECORD: (SERVICE,),  # credit repair, guidance
    DeclineReason.INDUSTRY: (SERVICE, SUBSIDY),
    DeclineReason.DOCUMENTS: (SERVICE,),
    DeclineReason.OTHER: (SUBSIDY, INTEREST, DEFERRAL, TAX, RENT, SERVICE),
}
# Words in a measure's title that answer a reason best: listed first. Every financing decline
# is answered first by what lowers the cost of borrowing (guarantee fees, interest subsidies).
FINANCING_WORDS = ("担保", "贴息", "融资", "贷款", "续贷", "转贷", "guarantee", "interest", "loan")
KEYWORDS: dict[str, tuple[str, ...]] = {
    DeclineReason.COLLATERAL: ("担保", "增信", "风险补偿", "guarantee"),
    DeclineReason.CASH_FLOW: ("贴息", "缓缴", "续贷", "转贷", "interest", "deferr"),
    DeclineReason.DEBT: ("贴息", "interest"),
}
# The kinds that leave a firm short of cash more of it, the cost of borrowing first.
CASH_RELIEF = (INTEREST, DEFERRAL, TAX, RENT, SUBSIDY)
ELIGIBLE = "eligible"  # Entitlement.Decision: the matching found every condition met
OVER = ("disbursed", "declined", "rejected")  # Entitlement.State: nothing left to claim
SHOWN = 10  # suggestions listed on a page; the rest behind a link to the firm's benefits
RESOLVE_FROM = "replied"  # casework's Problem.Status: the step "resolved" follows it
# A batch marker in a measure's title ("（第2批）"): the batches of one measure are one suggestion.
BATCH = re.compile(r"\s*[（(]第\s*[0-9一二三四五六七八九十]+\s*批[)）]")


@dataclass(frozen=True)
class Suggestion:
    entitlement_id: int
    measure_id: int
    title: str
    document: str
    kind: str  # the measure's benefit type, in words
    certain: bool = True  # kept for callers: only eligible pairs are suggested
    estimate_wan: object = None


def _base_title(title: str) -> str:
    return BATCH.sub("", title).strip()


def decline_support(user, need: FinancingNeed) -> list[Suggestion]:
    """The measures that answer the need's decline reason, which its matching found the firm
    eligible for (every condition met, measure in force, the firm's status one it serves) and
    which it has not received yet; each measure once (of its batches and of the documents that
    repeat it, the latest), the best fitting first. Not for a bank's users: the firm's
    entitlements are not theirs to read."""
    if need.status != FinancingNeed.Status.DECLINED or not need.decline_reason:
        return []
    if access.is_bank_user(user) and not user.has_role(*access.UNIT_READERS):
        return []
    kinds = FOR_REASON.get(need.decline_reason, ())
    words = KEYWORDS.get(need.decline_reason, ()) + FINANCING_WORDS
    return _suggestions(user, need.enterprise, kinds, words)


def _suggestions(user, firm, kinds: tuple[str, ...], words: tuple[str, ...]) -> list[Suggestion]:
    """The firm's eligible, unreceived entitlements to measures of `kinds`, each measure once,
    those whose title holds the first of `words` first."""
    rows = [
        e
        for e in policies.entitlement_scope(user)
        .filter(
            policies.actionable([firm.zone_id]),
            enterprise=firm.pk,
            decision=ELIGIBLE,
            measure__benefit_type__in=kinds,
        )
        .exclude(state__in=OVER)
        .select_related("measure__document")
        .order_by("-measure__document__valid_from", "-measure_id")
        if not policies.status_reason(firm, e.measure)
    ]
    latest: dict[str, object] = {}
    for e in rows:  # newest document first, then the latest batch (created last)
        latest.setdefault(_base_title(e.measure.title), e)

    def fit(e) -> tuple:
        title = e.measure.title.lower()
        hits = [i for i, w in enumerate(words) if w.lower() in title]
        return (min(hits, default=len(words)), kinds.index(e.measure.benefit_type), e.measure_id)

    return [
        Suggestion(
            entitlement_id=e.pk,
            measure_id=e.measure_id,
            title=e.measure.title,
            document=e.measure.document.title,
            kind=str(e.measure.get_benefit_type_display()),
            estimate_wan=e.estimate_wan,
        )
        for e in sorted(latest.values(), key=fit)
    ]


def cash_relief(user, firm) -> list[Suggestion]:
    """The measures the firm qualifies for that leave it more cash (interest subsidies,
    deferrals of fees and social insurance, tax and fee relief, rent reductions, subsidies):
    what a financing problem's panel offers beside the banks' products. Not for a bank's users."""
    if access.is_bank_user(user) and not user.has_role(*access.UNIT_READERS):
        return []
    return _suggestions(user, firm, CASH_RELIEF, FINANCING_WORDS)


@dataclass(frozen=True)
class PanelNeed:
    """One need on its financing problem's page: its state, how many products match it, and
    what the banks it was shared with answered."""

    need: FinancingNeed
    matching: int  # products in force that match
    unsure: int  # that may match (a figure is missing)
    shared_with: tuple[str, ...]  # banks whose consent stands
    overdue: bool  # the bank's first response is late


@dataclass(frozen=True)
class ProblemPanel:
    """A financing problem's one panel: the needs raised from it, the support measures the firm
    qualifies for that relieve its cash, its standing with the zone's bridge fund, and whether
    a linked need was disbursed (the problem may then be resolved)."""

    needs: list[PanelNeed]
    relief: list[Suggestion]
    more_relief: int  # beyond the SHOWN first
    bridge: BridgeStanding | None
    disbursed: FinancingNeed | None  # the latest linked need disbursed
    resolvable: bool  # the problem is at the step where it is resolved


def problem_panel(user, problem, *, lang: str = "zh") -> ProblemPanel:
    """A financing problem's panel as its page shows it."""
    needs = list(
        need_scope(user)
        .filter(problem=problem)
        .select_related("bank", "product", "enterprise__zone")
        .prefetch_related("consents__bank")
        .order_by("-created_at", "-id")
    )
    today = timezone.localdate()
    cache: dict = {}
    rows = []
    for n in needs:
        outcomes = [m.outcome for m in need_matches(user, n, lang=lang, cache=cache)]
        banks = tuple(c.bank.name for c in n.consents.all() if c.revoked_at is None)
        rows.append(
            PanelNeed(
                n, outcomes.count("match"), outcomes.count("unsure"), banks, is_overdue(n, today)
            )
        )
    relief = cash_relief(user, problem.enterprise)
    paid = [n for n in needs if n.disbursed_on is not None]
    return ProblemPanel(
        needs=rows,
        relief=relief[:SHOWN],
        more_relief=max(len(relief) - SHOWN, 0),
        bridge=bridge_standing(user, problem.enterprise, today=today),
        disbursed=max(paid, key=lambda n: n.disbursed_on) if paid else None,
        resolvable=problem.status == RESOLVE_FROM,
    )
