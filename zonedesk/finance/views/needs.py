"""The financing pages of needs: the officer's pipeline, the bank's inbox, a firm's financing
tab, the need's page (matches with reasons, consent, moves) and its forms; xlsx exports."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zonedesk.casework import selectors as casework
from zonedesk.core.errors import DomainError, ValidationFailed
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import Column
from zonedesk.enterprises.selectors import enterprise_get
from zonedesk.finance import access, selectors, services
from zonedesk.finance.forms import ConsentForm, MoveForm, NeedForm
from zonedesk.finance.models import DeclineReason, FinancingNeed
from zonedesk.finance.views.common import put_errors, refusal

S = FinancingNeed.Status


@login_required
def index(request):
    """Financing: a bank user's inbox, the firm's own tab, the unit's pipeline."""
    user = request.user
    if access.can_view_pipeline(user):
        return redirect("finance:pipeline")
    if access.is_bank_user(user):
        return redirect("finance:inbox")
    membership = getattr(user, "enterprise_membership", None)
    if access.can_view_finance(user) and membership is not None:
        return redirect("finance:firm", membership.enterprise_id)
    raise Forbidden


def _filters(request, **extra) -> selectors.NeedFilters:
    g = request.GET
    status = g.get("status", "")
    return selectors.NeedFilters(
        q=g.get("q", "")[:100],
        status=status if status in S.values else "",
        overdue=g.get("overdue") == "1",
        **extra,
    )


def _rows(user, qs):
    """Each need as the user may read it (a bank whose consent was revoked: the decision record
    only, as on the need's page), with whether the bank's response is overdue."""
    today = timezone.localdate()
    seen = [selectors.as_seen(user, n) for n in qs]
    return [(n, selectors.is_overdue(n, today)) for n in seen]


def _list(request, *, inbox: bool):
    f = _filters(request)
    rows = _rows(request.user, selectors.need_list(request.user, f))
    return render(
        request,
        "finance/needs.html",
        {
            "rows": rows,
            "f": f,
            "inbox": inbox,
            "statuses": selectors.statuses(request.user),
            "overdue_count": sum(1 for _n, late in rows if late),
            "amount": sum(n.amount_wan for n, _l in rows),
        },
    )


@login_required
def pipeline(request):
    """The unit's needs (officers, leaders, administrators, auditors)."""
    if not access.can_view_pipeline(request.user):
        raise Forbidden
    return _list(request, inbox=False)


@login_required
def inbox(request):
    """The needs shared with the bank user's bank while the firm's consent stands."""
    if not access.is_bank_user(request.user):
        raise Forbidden
    return _list(request, inbox=True)


def _columns():
    return [
        Column(_("Firm"), 30),
        Column(_("Amount (10k yuan)"), 12, "wan"),
        Column(_("Term (months)"), 8, "int"),
        Column(_("Purpose"), 12),
        Column(_("Collateral offered"), 14),
        Column(_("Urgency"), 10),
        Column(_("Status"), 12),
        Column(_("Shared on"), 12, "date"),
        Column(_("Bank to respond by"), 12, "date"),
        Column(_("Overdue"), 8),
        Column(_("Bank handling it"), 24),
        Column(_("Approved amount (10k yuan)"), 12, "wan"),
        Column(_("Approved annual rate (%)"), 10, "rate"),
        Column(_("Disbursed amount (10k yuan)"), 12, "wan"),
        Column(_("Reason declined"), 20, "wrap"),
    ]


def _export_rows(rows):
    for n, late in rows:
        yield [
            n.enterprise.name,
            n.amount_wan,
            n.term_months,
            n.get_purpose_display(),
            n.get_collateral_display(),
            n.get_urgency_display(),
            n.get_status_display(),
            n.shared_on,
            n.respond_by,
            _("Yes") if late else "",
            n.bank.name if n.bank else "",
            n.approved_amount_wan,
            n.approved_rate_pct,
            n.disbursed_amount_wan,
            " ".join(x for x in (n.get_decline_reason_display(), n.decline_note) if x),
        ]


def _export(request, *, name: str, filename: str, what: str):
    """`filename` is translated, with a %(day)s for the day of the export."""
    rows = _rows(request.user, selectors.need_list(request.user, _filters(request)))
    today = timezone.localdate()
    return export_response(
        request,
        [(name, _columns(), _export_rows(rows))],
        filename % {"day": today.isoformat()},
        what=what,
    )


@login_required
def pipeline_export(request):
    if not access.can_view_pipeline(request.user):
        raise Forbidden
    return _export(
        request,
        name=_("Financing needs"),
        filename=_("financing-needs-%(day)s.xlsx"),
        what="financing-needs",
    )


@login_required
def inbox_export(request):
    if not access.is_bank_user(request.user):
        raise Forbidden
    return _export(
        request,
        name=_("Bank inbox"),
        filename=_("bank-inbox-%(day)s.xlsx"),
        what="bank-inbox",
    )


@login_required
def firm_tab(request, pk: int):
    """A firm's financing: its needs, and raising one."""
    enterprise = found(enterprise_get(request.user, pk=pk))
    if not access.can_view_finance(request.user):
        raise Forbidden
    rows = _rows(
        request.user, selectors.need_list(request.user, selectors.NeedFilters(enterprise=pk))
    )
    can_raise = access.can_raise_need(request.user, enterprise)
    declined = [
        (n, selectors.decline_support(request.user, n))
        for n, _late in rows
        if n.status == "declined"
    ]
    return render(
        request,
        "finance/firm.html",
        {
            "enterprise": enterprise,
            "rows": rows,
            "can_raise": can_raise,
            "declined": declined,
        },
    )


def _problem(request):
    raw = request.GET.get("problem") or request.POST.get("problem")
    if not raw or not str(raw).isdigit():
        return None
    return found(casework.problem_get(request.user, pk=int(raw)))


@login_required
def need_new(request, pk: int):
    enterprise = found(enterprise_get(request.user, pk=pk))
    if not access.can_raise_need(request.user, enterprise):
        raise Forbidden
    problem = _problem(request)
    form = NeedForm(request.POST or None, initial={"problem": problem.pk if problem else None})
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_create(
                actor=request.user, enterprise=enterprise, data=form.data_(), problem=problem
            )
        except ValidationFailed as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The need is saved as a draft."))
            return redirect("finance:need", need.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "finance/need_form.html",
        {"form": form, "enterprise": enterprise, "problem": problem, "need": None},
        status=status,
    )


def _need(request, pk: int) -> FinancingNeed:
    return found(selectors.need_get(request.user, pk=pk))


def _detail(request, need, *, status=200, move_form=None, consent_form=None):
    page = selectors.need_page(request.user, need, lang=get_language() or "zh")
    refused = move_form is not None and move_form.is_bound
    return render(
        request,
        "finance/need.html",
        {
            "page": page,
            "need": page.need,
            "move_form": move_form or MoveForm(initial={"version": need.version}),
            # a refused move shows its form again with what was typed and the errors at the
            # fields; the address bar shows the need's page, not the POST address (app.js)
            "refused_move": move_form.data.get("to") if refused else None,
            "typed": move_form.data if refused else {},
            "page_url": reverse("finance:need", args=[need.pk]),
            "consent_form": consent_form or ConsentForm(),
            "banks": selectors.banks_to_consent(need),
            "reasons": DeclineReason.choices,
            "today": timezone.localdate(),
            "support": selectors.decline_support(request.user, page.need),
            "can_follow_up": not page.bank_view
            and access.can_raise_need(request.user, page.need.enterprise),
            "own_products": (
                list(request.user.bank.products.order_by("name"))
                if access.is_bank_user(request.user)
                else []
            ),
        },
        status=status,
    )


@login_required
def need_detail(request, pk: int):
    return _detail(request, _need(request, pk))


@login_required
def need_edit(request, pk: int):
    need = _need(request, pk)
    if not access.can_raise_need(request.user, need.enterprise):
        raise Forbidden
    form = NeedForm(request.POST) if request.method == "POST" else NeedForm.of(need)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_update(
                actor=request.user,
                need=need,
                data=form.data_(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            put_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("The need is saved."))
            return redirect("finance:need", need.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "finance/need_form.html",
        {"form": form, "enterprise": need.enterprise, "problem": need.problem, "need": need},
        status=status,
    )


@login_required
@require_POST
def need_move(request, pk: int):
    need = _need(request, pk)
    if not selectors.can_move(request.user, need):
        raise Forbidden  # before the form or the need's state says anything about it
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _detail(request, need, status=400, move_form=form)
    d = form.cleaned_data
    product = selectors.own_product_get(request.user, pk=d["product"]) if d.get("product") else None
    try:
        services.need_transition(
            actor=request.user,
            need=need,
            to=d["to"],
            on=d.get("on"),
            amount_wan=d.get("amount_wan"),
            rate_pct=d.get("rate_pct"),
            term_months=d.get("term_months"),
            reason=d.get("reason") or "",
            note=d.get("note") or "",
            product=product,
            expected_version=d["version"],
        )
    except ValidationFailed as exc:
        put_errors(form, exc)
        return _detail(request, _need(request, pk), status=400, move_form=form)
    except DomainError as exc:
        if isinstance(exc, Forbidden):
            raise
        messages.error(request, refusal(exc))
        return _detail(request, _need(request, pk), status=400, move_form=form)
    messages.success(request, _("Done."))
    return redirect("finance:need", pk)


@login_required
@require_POST
def consent_grant(request, pk: int):
    need = _need(request, pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _detail(request, need, status=400, consent_form=form)
    d = form.cleaned_data
    try:
        services.consent_grant(
            actor=request.user,
            need=need,
            bank=selectors.bank_get(pk=d["bank"]),
            covers_figures=d["covers_figures"],
            covers_contacts=d["covers_contacts"],
            written=d["written"],
        )
    except ValidationFailed as exc:
        if set(exc.errors) <= {"need"}:
            # Nothing to correct in the form (the need closed): back to the need's page with
            # the reason, so a reload posts nothing again. A bank that holds a consent already
            # is the form's error, at its field.
            messages.error(request, refusal(exc))
            return redirect("finance:need", pk)
        put_errors(form, exc)
        return _detail(request, need, status=400, consent_form=form)
    messages.success(request, _("The firm's consent is recorded."))
    return redirect("finance:need", pk)


@login_required
@require_POST
def consent_revoke(request, pk: int):
    consent = found(selectors.consent_get(request.user, pk=pk))
    try:
        services.consent_revoke(actor=request.user, consent=consent)
    except ValidationFailed as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("The consent is revoked: the bank no longer sees the need."))
    return redirect("finance:need", consent.need_id)


@login_required
@require_POST
def need_problem(request, pk: int):
    """A declined need turned into a financing problem of its firm (once: the second time it
    opens the same problem)."""
    need = _need(request, pk)
    if not access.can_raise_need(request.user, need.enterprise):
        raise Forbidden
    try:
        problem = services.need_problem_open(actor=request.user, need=need)
    except ValidationFailed as exc:
        messages.error(request, refusal(exc))
        return redirect("finance:need", pk)
    messages.success(request, _("The need is followed up as a problem."))
    return redirect("casework:problem", problem.pk)
