"""Financing needs over the API: the list and one need (scoped as the pages), raising one,
moving it along its flow, and the firm's consent per bank. The same services and selectors as
the pages."""

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from zonedesk.casework import selectors as casework
from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.pagination import LazyPage, Pagination
from zonedesk.core.schemas import ConflictOut
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.finance import access, selectors, services
from zonedesk.finance.models import Collateral, FinancingNeed, Purpose, Urgency
from zonedesk.finance.schemas import (
    ConsentIn,
    ConsentOut,
    NeedDetailOut,
    NeedFilterIn,
    NeedIn,
    NeedMoveIn,
    NeedOut,
)

router = Router(tags=["finance"])


def _need_out(need: FinancingNeed) -> dict:
    return {
        "id": need.pk,
        "enterprise_id": need.enterprise_id,
        "enterprise": need.enterprise.name,
        **{
            f: getattr(need, f)
            for f in (
                "amount_wan",
                "term_months",
                "purpose",
                "collateral",
                "urgency",
                "note",
                "status",
                "shared_on",
                "respond_by",
                "responded_on",
                "bank_id",
                "approved_amount_wan",
                "approved_rate_pct",
                "approved_term_months",
                "decline_reason",
                "decline_note",
                "disbursed_on",
                "disbursed_amount_wan",
                "repaid_on",
                "problem_id",
                "version",
            )
        },
        "overdue": selectors.is_overdue(need, timezone.localdate()),
    }


def _consent_out(c) -> dict:
    return {
        "id": c.pk,
        "need_id": c.need_id,
        "bank_id": c.bank_id,
        "bank": c.bank.name,
        "covers_figures": c.covers_figures,
        "covers_contacts": c.covers_contacts,
        "written": c.written,
        "granted_at": c.granted_at,
        "revoked_at": c.revoked_at,
    }


def _need(request, pk: int) -> FinancingNeed:
    need = selectors.need_get(request.user, pk=pk)
    if need is None:
        raise NotFound(_("No such financing need."))
    return need


def _detail(request, need: FinancingNeed) -> dict:
    page = selectors.need_page(request.user, need, lang=get_language() or "zh")
    figures = None
    if page.figures is not None:
        figures = {
            k: (None if v is None or not isinstance(v, int | float | str) else v)
            for k, v in page.figures.items()
        }
    if page.bank_view and page.need.problem_id is not None:
        page.need.problem_id = None  # the firm's casework is not the bank's
    return {
        **_need_out(page.need),
        "moves": page.moves,
        "consents": [_consent_out(c) for c in page.consents],
        "figures": figures,
        "matches": [
            {
                "product_id": m.product.pk,
                "product": m.product.name,
                "bank": m.product.bank.name,
                "outcome": m.outcome,
                "reasons": [{"ok": r.ok, "text": r.text, "value": r.value} for r in m.reasons],
            }
            for m in page.matches
        ],
    }


def _one_of(values) -> list[str]:
    return [_("Not one of: %(values)s.") % {"values": ", ".join(values)}]


@router.get("/finance/needs", response=list[NeedOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_financing_needs(request, filters: Query[NeedFilterIn]):
    """The financing needs the caller may see: the unit's (its staff), the firm's own, or those
    shared with the caller's bank while the consent stands; newest first."""
    f = filters.dict()
    if f["status"] and f["status"] not in FinancingNeed.Status.values:
        raise ValidationFailed({"status": _one_of(FinancingNeed.Status.values)})
    qs = selectors.need_list(
        request.user,
        selectors.NeedFilters(
            q=f["q"], status=f["status"], overdue=f["overdue"], enterprise=f["enterprise_id"]
        ),
    )
    user = request.user
    return LazyPage(qs, lambda need: _need_out(selectors.as_seen(user, need)))


@router.get("/finance/needs/{int:pk}", response=NeedDetailOut)
def get_financing_need(request, pk: int):
    """One need: its fields, the moves the caller may make, the consents (a bank: its own), the
    firm's figures where the caller may see them, and the products with their reasons (not for
    banks)."""
    return _detail(request, _need(request, pk))


@router.post("/finance/firms/{int:pk}/needs", response={201: NeedDetailOut})
def create_financing_need(request, pk: int, payload: NeedIn):
    """Raise a firm's need as a draft (the firm's user, its officer, its zone's managers);
    `problem_id`: the firm's financing problem it comes from."""
    enterprise = enterprise_get(request.user, pk=pk)
    if enterprise is None:
        raise NotFound(_("No such enterprise."))
    errors = {}
    if payload.purpose not in Purpose.values:
        errors["purpose"] = _one_of(Purpose.values)
    if payload.collateral not in Collateral.values:
        errors["collateral"] = _one_of(Collateral.values)
    if payload.urgency not in Urgency.values:
        errors["urgency"] = _one_of(Urgency.values)
    if errors:
        raise ValidationFailed(errors)
    if not access.can_raise_need(request.user, enterprise):
        raise PermissionDenied(
            _("Only the firm, its liaison officer or the zone's leaders can raise its needs.")
        )
    problem = None
    if payload.problem_id is not None:
        problem = casework.problem_get(request.user, pk=payload.problem_id)
        if problem is None:
            raise ValidationFailed({"problem_id": [_("No such problem.")]})
    need = services.need_create(
        actor=request.user,
        enterprise=enterprise,
        problem=problem,
        data=services.NeedData(
            amount_wan=payload.amount_wan,
            term_months=payload.term_months,
            purpose=payload.purpose,
            collateral=payload.collateral,
            urgency=payload.urgency,
            note=payload.note,
        ),
    )
    return Status(201, _detail(request, need))


@router.post("/finance/needs/{int:pk}/move", response={200: NeedDetailOut, 409: ConflictOut})
def move_financing_need(request, pk: int, payload: NeedMoveIn):
    """One move along the need's flow (`to`: the state), with the move's fields: approved
    (amount_wan, rate_pct, term_months, product_id), declined (reason, note), disbursed (on,
    amount_wan), repaid (on). 409 when the move cannot follow, or `version` is stale."""
    need = _need(request, pk)
    if not selectors.can_move(request.user, need):
        # before the payload, the need's state or its version says anything about it
        raise PermissionDenied(
            _("Only a bank the firm shared the need with can do this.")
            if access.is_bank_user(request.user)
            else _("Only the firm, its liaison officer or the zone's leaders can do this.")
        )
    if payload.to not in FinancingNeed.Status.values:
        raise ValidationFailed({"to": _one_of(FinancingNeed.Status.values)})
    product = None
    if payload.product_id is not None and access.is_bank_user(request.user):
        product = request.user.bank.products.filter(pk=payload.product_id).first()
        if product is None:
            raise ValidationFailed({"product_id": [_("A product of your own bank.")]})
    need = services.need_transition(
        actor=request.user,
        need=need,
        to=payload.to,
        on=payload.on,
        amount_wan=payload.amount_wan,
        rate_pct=payload.rate_pct,
        term_months=payload.term_months,
        reason=payload.reason,
        note=payload.note,
        product=product,
        expected_version=payload.version,
    )
    return _detail(request, _need(request, need.pk))


@router.post("/finance/needs/{int:pk}/consents", response={201: ConsentOut})
def grant_consent(request, pk: int, payload: ConsentIn):
    """The firm's consent that a bank sees the need (its user; its officer recording the firm's
    written consent in `written`)."""
    need = _need(request, pk)
    bank = selectors.bank_get(pk=payload.bank_id)
    if bank is None:
        raise ValidationFailed({"bank_id": [_("No such bank.")]})
    consent = services.consent_grant(
        actor=request.user,
        need=need,
        bank=bank,
        covers_figures=payload.covers_figures,
        covers_contacts=payload.covers_contacts,
        written=payload.written,
    )
    return Status(201, _consent_out(consent))


@router.post("/finance/consents/{int:pk}/revoke", response=ConsentOut)
def revoke_consent(request, pk: int):
    """Revoke a consent: the bank no longer sees the need, from now."""
    consent = selectors.consent_get(request.user, pk=pk)
    if consent is None:
        raise NotFound(_("No such consent."))
    return _consent_out(services.consent_revoke(actor=request.user, consent=consent))
