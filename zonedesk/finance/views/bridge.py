"""Pages of the bridge-loan fund: the fund's dashboard, the loans (list, xlsx export, one loan
with its actions, its commitment letter), and the application form. The same services and
selectors as the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods

from zonedesk.core.errors import DomainError, PermissionDenied, StaleVersion, ValidationFailed
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import Column
from zonedesk.finance import access, bridge
from zonedesk.finance.flows import BRIDGE_LOAN
from zonedesk.finance.forms_bridge import (
    FUND_FORM_FIELDS,
    ApplyForm,
    FundForm,
    LoanFilterForm,
    MoveForm,
)
from zonedesk.finance.models import BridgeLoan, default_fee_tiers
from zonedesk.finance.selectors import bridge as selectors
from zonedesk.finance.services import bridge as services
from zonedesk.finance.views.common import put_errors

B = BridgeLoan.Status


def state_labels() -> dict:
    """The words of a loan's state on the pages (a status, or bridge's state of a loan out)."""
    return {
        **{s.value: s.label for s in B},
        bridge.OVERDUE: _("Overdue"),
        bridge.DUE_SOON: _("Due within 7 days"),
        bridge.OPEN: _("Out"),
        bridge.REPAID_LATE: _("Repaid late"),
    }


def move_labels() -> dict:
    """The words of the buttons that take a step (the step's name, not the state it leads to)."""
    return {
        B.APPROVED: pgettext("bridge loan step", "Approve"),
        B.DISBURSED: pgettext("bridge loan step", "Disburse"),
        B.REPAID: pgettext("bridge loan step", "Record the repayment"),
        B.REFUSED: pgettext("bridge loan step", "Refuse"),
    }


def _refusal(exc: DomainError) -> str:
    if isinstance(exc, ValidationFailed):
        return " ".join(m for msgs in exc.errors.values() for m in msgs)
    return exc.message


@login_required
@require_GET
def dashboard(request):
    """The fund: available, out, due in 7 days, overdue; utilisation, turnover, exposure."""
    if not access.can_view_fund(request.user):
        raise Forbidden
    funds = list(selectors.fund_list(request.user))
    chosen = request.GET.get("fund", "")
    if chosen:
        try:
            fund = found(selectors.fund_get(request.user, pk=int(chosen)))
        except ValueError as exc:
            raise Http404 from exc
    else:
        fund = funds[0] if funds else None
    d = selectors.fund_dashboard(request.user, fund) if fund else None
    return render(
        request,
        "finance/bridge_dashboard.html",
        {
            "funds": funds,
            "fund": fund,
            "d": d,
            "labels": state_labels(),
            "chart": selectors.dashboard_chart(d) if d else None,
            "can_apply": fund is not None and access.can_act_on_bridge(request.user, fund.zone),
            "can_set_up": (
                access.can_set_up_fund(request.user, fund.zone)
                if fund is not None
                else selectors.zones_to_set_up(request.user).exists()
            ),
        },
    )


def _filters(request) -> selectors.LoanFilters:
    form = LoanFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    fund = request.GET.get("fund", "")
    return selectors.LoanFilters(
        fund=int(fund) if fund.isdigit() else None,
        status=data.get("status", ""),
        q=data.get("q", ""),
    )


@login_required
@require_GET
def loan_list(request):
    """The loans the user sees: the zone's staff their zones', a firm its own, a bank its own."""
    if not access.can_view_bridge(request.user):
        raise Forbidden
    rows = selectors.loan_rows(request.user, _filters(request))
    return render(
        request,
        "finance/bridge_loans.html",
        {
            "rows": rows,
            "form": LoanFilterForm(request.GET),
            "labels": state_labels(),
            "can_view_fund": access.can_view_fund(request.user),
            "funds": selectors.funds_to_apply(request.user),
        },
    )


@login_required
@require_GET
def loan_export(request):
    """The loans listed, as an .xlsx (the same rows as the page)."""
    if not access.can_view_bridge(request.user):
        raise Forbidden
    today = timezone.localdate()
    rows = selectors.loan_rows(request.user, _filters(request), today=today)
    labels = state_labels()
    columns = [
        Column(_("Fund"), 20),
        Column(_("Enterprise"), 28),
        Column(_("Bank"), 24),
        Column(_("Maturing loan (10k yuan)"), 12, "wan"),
        Column(_("Maturity date"), 12, "date"),
        Column(_("Renewal committed by the bank (10k yuan)"), 12, "wan"),
        Column(_("Amount requested (10k yuan)"), 12, "wan"),
        Column(_("Amount approved (10k yuan)"), 12, "wan"),
        Column(_("State"), 12),
        Column(_("Disbursed on"), 12, "date"),
        Column(_("Date due"), 12, "date"),
        Column(_("Repaid on"), 12, "date"),
        Column(_("Days overdue"), 8, "int"),
        Column(_("Fee (10k yuan)"), 12, "wan"),
    ]
    data = (
        [
            r.loan.fund.name,
            r.loan.firm.name,
            r.loan.bank.name,
            r.loan.maturing_wan,
            r.loan.maturing_on,
            r.loan.committed_wan,
            r.loan.requested_wan,
            r.loan.amount_wan,
            str(labels.get(r.state, r.state)),
            r.loan.disbursed_on,
            r.loan.due_on,
            r.loan.repaid_on,
            r.overdue_days,
            r.loan.fee_wan,
        ]
        for r in rows
    )
    return export_response(
        request,
        [(_("Bridge loans"), columns, data)],
        _("bridge-loans-%(day)s.xlsx") % {"day": today.isoformat()},
        what="bridge loans",
    )


def _detail(request, loan, *, status=200, form=None):
    today = timezone.localdate()
    row = selectors.loan_row(request.user, loan, today)
    check = None
    if loan.status in (B.APPLIED, B.APPROVED) and access.can_act_on_bridge(
        request.user, loan.fund.zone
    ):
        amount = loan.amount_wan if loan.status == B.APPROVED else loan.requested_wan
        check = services.draw_check(loan, amount_wan=amount, day=today, besides=loan.pk)
    fee = None
    if loan.status == B.DISBURSED:
        fee = bridge.fee(
            loan.fund.limits(),
            loan.amount_wan,
            loan.disbursed_on,
            max(today, loan.disbursed_on),
            loan.due_on,
        )
    return render(
        request,
        "finance/bridge_loan.html",
        {
            "loan": loan,
            "row": row,
            "labels": state_labels(),
            "moves": [(m, move_labels().get(m, BRIDGE_LOAN.label(m))) for m in row.moves],
            "check": check,
            "refusals": [services.refusal_text(r) for r in check.refusals] if check else [],
            "fee_so_far": fee,
            "events": loan.events.select_related("actor").order_by("at", "id"),
            "form": form or MoveForm(initial={"version": loan.version, "on": today}),
            "page_url": reverse("finance:bridge_loan", args=[loan.pk]),
            "today": today,
        },
        status=status,
    )


@login_required
@require_GET
def loan_detail(request, pk: int):
    return _detail(request, found(selectors.loan_get(request.user, pk=pk)))


@login_required
@require_http_methods(["GET", "POST"])
def loan_move(request, pk: int):
    """Approve, disburse, record the repayment or refuse (one service: the fund's limits)."""
    loan = found(selectors.loan_get(request.user, pk=pk))
    if request.method == "GET":
        return redirect("finance:bridge_loan", pk=loan.pk)
    if not access.can_act_on_bridge(request.user, loan.fund.zone):
        raise Forbidden
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The step was not taken: see the form."))
        return _detail(request, loan, status=400, form=form)
    d = form.cleaned_data
    try:
        moved = services.bridge_loan_move(
            actor=request.user,
            loan=loan,
            to=d["to"],
            amount_wan=d["amount_wan"],
            on=d["on"],
            note=d["note"],
            expected_version=d["version"],
            commitment_ref=d["commitment_ref"],
        )
    except PermissionDenied:
        raise
    except DomainError as exc:
        messages.error(request, _refusal(exc))
        loan.refresh_from_db()
        return _detail(request, loan, status=400, form=form)
    messages.success(
        request,
        _("The bridge loan of %(firm)s is now “%(state)s”.")
        % {"firm": moved.firm.name, "state": moved.get_status_display()},
    )
    return redirect("finance:bridge_loan", pk=moved.pk)


@login_required
@require_GET
def commitment(request, pk: int):
    """The bank's written commitment of a loan the user sees."""
    loan = found(selectors.loan_get(request.user, pk=pk))
    if not loan.commitment_file:
        raise Http404
    return FileResponse(loan.commitment_file.open("rb"), as_attachment=True)


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, fund: int):
    """A firm's application to the fund, filled in by its officer or a leader."""
    if not access.can_act_somewhere(request.user):
        raise Forbidden
    fund_ = found(selectors.fund_get(request.user, pk=fund))
    if not access.can_act_on_bridge(request.user, fund_.zone):
        raise Forbidden
    firms = selectors.applicant_firms(request.user, fund_)
    if request.method == "GET":
        initial = {"term_days": fund_.longest_term_days}
        firm = request.GET.get("firm", "")  # from a financing problem's panel
        if firm.isdigit() and firms.filter(pk=int(firm)).exists():
            initial["firm"] = int(firm)
        form = ApplyForm(firms=firms, initial=initial)
        return _apply_page(request, fund_, form)
    form = ApplyForm(request.POST, request.FILES, firms=firms)
    if form.is_valid():
        d = form.cleaned_data
        try:
            loan = services.bridge_loan_apply(
                actor=request.user,
                fund=fund_,
                data=services.ApplicationData(
                    firm=d["firm"],
                    bank=d["bank"],
                    maturing_wan=d["maturing_wan"],
                    maturing_on=d["maturing_on"],
                    committed_wan=d["committed_wan"],
                    requested_wan=d["requested_wan"],
                    term_days=d["term_days"],
                    wage_arrears=d["wage_arrears"],
                    bad_credit=d["bad_credit"],
                    note=d["note"],
                    commitment_file=d["commitment_file"],
                    commitment_ref=d["commitment_ref"],
                ),
            )
        except services.DrawRefused as exc:
            for text in (services.refusal_text(r) for r in exc.check.refusals):
                form.add_error(None, text)
        except ValidationFailed as exc:
            for name, msgs in exc.errors.items():
                for m in msgs:
                    form.add_error(name if name in form.fields else None, m)
        else:
            messages.success(
                request, _("Application of %(firm)s recorded.") % {"firm": loan.firm.name}
            )
            return redirect("finance:bridge_loan", pk=loan.pk)
    messages.error(request, _("The application was not recorded: see the form."))
    return _apply_page(request, fund_, form, status=400)


def _apply_page(request, fund, form, status=200):
    limits = fund.limits()
    return render(
        request,
        "finance/bridge_apply.html",
        {"fund": fund, "form": form, "limits": limits, "share_pct": fund.share_of_commitment_pct},
        status=status,
    )


def _fund_data(d: dict, zone) -> services.FundData:
    return services.FundData(zone=zone, **{f: d[f] for f in FUND_FORM_FIELDS})


@login_required
@require_http_methods(["GET", "POST"])
def fund_new(request):
    """Set up a zone's bridge-loan fund (its leaders and administrators)."""
    zones = selectors.zones_to_set_up(request.user)
    if not zones.exists():
        raise Forbidden
    form = FundForm(
        request.POST or None,
        zones=zones,
        version=0,
        initial={
            "share_of_commitment_pct": 95,
            "longest_term_days": 10,
            "fee_tiers": default_fee_tiers(),
            "exclude_wage_arrears": True,
            "exclude_bad_credit": True,
            "active": True,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                fund = services.bridge_fund_create(
                    actor=request.user,
                    data=_fund_data(form.cleaned_data, form.cleaned_data["zone"]),
                )
            except ValidationFailed as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("The fund is set up."))
                return redirect(f"{reverse('finance:bridge')}?fund={fund.pk}")
    return render(request, "finance/fund_form.html", {"form": form, "fund": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def fund_edit(request, pk: int):
    """Change a fund's size, source and limits; a save on a stale version comes back (409) with
    the other person's values beside the user's."""
    if not selectors.zones_to_set_up(request.user).exists():
        raise Forbidden
    fund = found(selectors.fund_to_set_up(request.user, pk=pk))
    form = FundForm(request.POST or None, initial=FundForm.initial_of(fund), version=fund.version)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.bridge_fund_update(
                    actor=request.user,
                    fund=fund,
                    data=_fund_data(d, fund.zone),
                    active=d["active"],
                    expected_version=d["version"],
                )
            except ValidationFailed as exc:
                put_errors(form, exc)
            except StaleVersion as exc:
                fresh = found(selectors.fund_to_set_up(request.user, pk=pk))
                form.show_conflict(exc, FundForm.initial_of(fresh))
                status = 409
            else:
                messages.success(request, _("The fund's limits are saved."))
                return redirect(f"{reverse('finance:bridge')}?fund={fund.pk}")
    return render(request, "finance/fund_form.html", {"form": form, "fund": fund}, status=status)
