"""Pages of the inter-firm lending and guarantee register: the register with its flags, its
xlsx export, the forms to register a loan or a guarantee, and the guarantee graph."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zonedesk.core.errors import ValidationFailed
from zonedesk.core.views import export_response
from zonedesk.core.xlsx import Column
from zonedesk.finance import access
from zonedesk.finance.forms_bridge import GuaranteeForm, InterFirmLoanForm
from zonedesk.finance.lending import lpr_table
from zonedesk.finance.selectors import lending as selectors
from zonedesk.finance.services import lending as services


def _yes(flag) -> str:
    return "" if flag is None else (_("Yes") if flag else _("No"))


@login_required
@require_GET
def register(request):
    """The loans and guarantees between firms, each with its flags (?flagged=1: flagged only)."""
    if not access.can_view_register(request.user):
        raise Forbidden
    flagged = request.GET.get("flagged") == "1"
    reg = selectors.register(request.user, flagged_only=flagged)
    return render(
        request,
        "finance/lending.html",
        {
            "reg": reg,
            "flagged": flagged,
            "can_register": access.can_act_somewhere(request.user),
            "can_view_graph": access.can_view_graph(request.user),
            "circle_names": [[reg.names.get(f, f) for f in c.firms] for c in reg.circles],
            "lpr": lpr_table().last,
        },
    )


@login_required
@require_GET
def register_export(request):
    """The register as an .xlsx: loans on one sheet, guarantees on another, with their flags."""
    if not access.can_view_register(request.user):
        raise Forbidden
    reg = selectors.register(request.user, flagged_only=request.GET.get("flagged") == "1")
    loans = [
        Column(_("Lender"), 28),
        Column(_("Borrower"), 28),
        Column(_("Amount (10k yuan)"), 12, "wan"),
        Column(_("Term (months)"), 8, "int"),
        Column(_("Annual rate (%)"), 10, "rate"),
        Column(_("Contract date"), 12, "date"),
        Column(_("Legal ceiling (%)"), 10, "rate"),
        Column(_("Above the ceiling"), 8),
        Column(_("Borrower in a guarantee circle"), 10),
        Column(_("Guarantors"), 30, "wrap"),
    ]
    loan_rows = (
        [
            r.loan.lender.name,
            r.loan.borrower.name,
            r.loan.amount_wan,
            r.loan.term_months,
            r.loan.rate_pct,
            r.loan.contract_on,
            r.ceiling.ceiling_pct,
            _yes(r.above_ceiling),
            _yes(r.borrower_in_circle),
            "、".join(g.guarantor.name for g in r.loan.guarantees.all()),
        ]
        for r in reg.loans
    )
    guarantees = [
        Column(_("Guarantor"), 28),
        Column(_("Guaranteed firm"), 28),
        Column(_("Amount guaranteed (10k yuan)"), 12, "wan"),
        Column(_("Creditor"), 20),
        Column(_("Start date"), 12, "date"),
        Column(_("End date"), 12, "date"),
        Column(_("In a guarantee circle"), 10),
    ]
    guarantee_rows = (
        [
            r.guarantee.guarantor.name,
            r.guarantee.guaranteed.name,
            r.guarantee.amount_wan,
            r.guarantee.creditor,
            r.guarantee.starts_on,
            r.guarantee.ends_on,
            _yes(r.in_circle),
        ]
        for r in reg.guarantees
    )
    return export_response(
        request,
        [
            (_("Loans between firms"), loans, loan_rows),
            (_("Guarantees between firms"), guarantees, guarantee_rows),
        ],
        _("lending-register-%(day)s.xlsx") % {"day": timezone.localdate().isoformat()},
        what="lending register",
    )


def _firms(request):
    return selectors.register_firms(request.user)


def _on_form(form, exc: ValidationFailed) -> None:
    for name, msgs in exc.errors.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


@login_required
@require_http_methods(["GET", "POST"])
def loan_add(request):
    """Register a loan between firms (its guarantees among those of the borrower)."""
    if not access.can_act_somewhere(request.user):
        raise Forbidden
    guarantees = selectors.guarantee_scope(request.user).order_by("guaranteed__name")
    form = InterFirmLoanForm(request.POST or None, firms=_firms(request), guarantees=guarantees)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.interfirm_loan_create(
                actor=request.user,
                data=services.LoanData(
                    lender=d["lender"],
                    borrower=d["borrower"],
                    amount_wan=d["amount_wan"],
                    term_months=d["term_months"],
                    rate_pct=d["rate_pct"],
                    contract_on=d["contract_on"],
                    note=d["note"],
                    guarantees=list(d["guarantees"]),
                ),
            )
        except ValidationFailed as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("Loan between firms registered."))
            return redirect("finance:lending")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "finance/lending_form.html",
        {"form": form, "title": _("Register a loan between firms"), "testid": "interfirm-form"},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def guarantee_add(request):
    """Register a guarantee between firms."""
    if not access.can_act_somewhere(request.user):
        raise Forbidden
    form = GuaranteeForm(request.POST or None, firms=_firms(request))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.guarantee_create(
                actor=request.user,
                data=services.GuaranteeData(
                    guarantor=d["guarantor"],
                    guaranteed=d["guaranteed"],
                    amount_wan=d["amount_wan"],
                    creditor=d["creditor"],
                    starts_on=d["starts_on"],
                    ends_on=d["ends_on"],
                    note=d["note"],
                ),
            )
        except ValidationFailed as exc:
            _on_form(form, exc)
        else:
            messages.success(request, _("Guarantee between firms registered."))
            return redirect("finance:lending")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "finance/lending_form.html",
        {
            "form": form,
            "title": _("Register a guarantee between firms"),
            "testid": "guarantee-form",
        },
        status=status,
    )


@login_required
@require_GET
def graph(request):
    """The guarantee graph: circles highlighted; ?firm=id: the firms its default would reach."""
    if not access.can_view_graph(request.user):
        raise Forbidden
    firm = request.GET.get("firm", "")
    data = selectors.graph_data(request.user, firm=int(firm) if firm.isdigit() else None)
    return render(request, "finance/graph.html", {"g": data, "firm": firm})
