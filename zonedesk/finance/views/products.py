"""The product library (search and filters) and a bank's product form (its own users only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from zonedesk.core.errors import DomainError, ValidationFailed
from zonedesk.core.views import export_response, found
from zonedesk.core.xlsx import Column
from zonedesk.finance import access, facts, selectors, services
from zonedesk.finance.forms import ProductForm
from zonedesk.finance.models import Collateral, ProductType
from zonedesk.finance.templatetags.finance import product_collateral, product_rule
from zonedesk.finance.views.common import put_errors, refusal


def _number(text: str) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _filters(request) -> selectors.ProductFilters:
    g = request.GET
    bank = g.get("bank", "")
    return selectors.ProductFilters(
        q=g.get("q", "")[:100],
        type=g.get("type", "") if g.get("type", "") in ProductType.values else "",
        bank=int(bank) if bank.isdigit() else None,
        collateral=g.get("collateral", "") if g.get("collateral") in Collateral.values else "",
        in_force=g.get("all") != "1",
        amount_wan=_number(g.get("amount", "")),
    )


@login_required
def product_list(request):
    if not access.can_view_finance(request.user):
        raise Forbidden
    f = _filters(request)
    rows = selectors.product_list(request.user, f, today=timezone.localdate())
    return render(
        request,
        "finance/products.html",
        {
            "rows": rows,
            "f": f,
            "types": ProductType.choices,
            "collaterals": Collateral.choices,
            "banks": selectors.banks(),
            "own_bank": request.user.bank_id if access.is_bank_user(request.user) else None,
            "vocabulary": facts.LABELS,
        },
    )


def _export_columns() -> list[Column]:
    return [
        Column(_("Product"), 28),
        Column(_("Bank"), 24),
        Column(_("Type"), 12),
        Column(_("Smallest amount (10k yuan)"), 12, "wan"),
        Column(_("Largest amount (10k yuan)"), 12, "wan"),
        Column(_("Shortest term (months)"), 10, "int"),
        Column(_("Longest term (months)"), 10, "int"),
        Column(_("Lowest annual rate (%)"), 10, "rate"),
        Column(_("Highest annual rate (%)"), 10, "rate"),
        Column(_("Basis points over the one-year LPR"), 12, "int"),
        Column(_("Collateral accepted"), 20),
        Column(_("Who is eligible"), 40, "wrap"),
        Column(_("In force from"), 12, "date"),
        Column(_("In force until"), 12, "date"),
    ]


def _export_rows(rows):
    for p in rows:
        yield [
            p.name,
            p.bank.name,
            p.get_type_display(),
            p.amount_min_wan,
            p.amount_max_wan,
            p.term_min_months,
            p.term_max_months,
            p.rate_min_pct,
            p.rate_max_pct,
            p.lpr_spread_bp,
            product_collateral(p),
            product_rule(p),
            p.valid_from,
            p.valid_to,
        ]


@login_required
@require_GET
def product_export(request):
    """The library as a workbook, with the page's filters: a bank user's holds its own bank's
    products only. Amounts, terms and rates are numbers, not text."""
    if not access.can_view_finance(request.user):
        raise Forbidden
    today = timezone.localdate()
    rows = selectors.product_export(request.user, _filters(request), today=today)
    return export_response(
        request,
        [(_("Bank products"), _export_columns(), _export_rows(rows))],
        _("bank-products-%(day)s.xlsx") % {"day": today.isoformat()},
        what="bank-products",
    )


def _form_page(request, form, product, status=200):
    return render(
        request, "finance/product_form.html", {"form": form, "product": product}, status=status
    )


@login_required
def product_new(request):
    if not access.is_bank_user(request.user):
        raise Forbidden
    form = ProductForm(request.POST or None, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(
                actor=request.user, bank=request.user.bank, data=form.data_()
            )
        except ValidationFailed as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The product is saved."))
            return redirect(f"{_library()}?q={product.name}")
    return _form_page(request, form, None, 400 if request.method == "POST" else 200)


def _library() -> str:
    from django.urls import reverse

    return reverse("finance:products")


@login_required
def product_edit(request, pk: int):
    if not access.is_bank_user(request.user):
        raise Forbidden  # no product is theirs to edit, whichever id
    product = found(selectors.own_product_get(request.user, pk=pk))
    form = ProductForm(request.POST) if request.method == "POST" else ProductForm.of(product)
    if request.method == "POST" and form.is_valid():
        try:
            services.product_update(
                actor=request.user,
                product=product,
                data=form.data_(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationFailed as exc:
            put_errors(form, exc)
        except DomainError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("The product is saved."))
            return redirect(f"{_library()}?q={product.name}&all=1")
    return _form_page(request, form, product, 400 if request.method == "POST" else 200)
