"""The zone's financing overview (totals, by purpose and product type, per bank and product, the
months) and its xlsx export: the same selector (finance.selectors.stats) for both."""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from zonedesk.core.views import export_response
from zonedesk.core.xlsx import Column
from zonedesk.finance.models import ProductType, Purpose
from zonedesk.finance.selectors import stats as selectors
from zonedesk.finance.stats import NO_PRODUCT, Figures


def _choice(request):
    """The year and zone asked for: a year that is not one is refused with a message and the
    default shown; a zone not the user's is not found."""
    user = request.user
    if not selectors.can_view_overview(user):
        raise Forbidden
    year = None
    text = request.GET.get("year", "").strip()
    if text:
        if text.isdigit() and selectors.FIRST_YEAR <= int(text) <= 2100:
            year = int(text)
        else:
            messages.error(
                request,
                _("“%(value)s” is not a year: write it as four digits, e.g. 2020.")
                % {"value": text[:20]},
            )
    zone = None
    code = request.GET.get("zone", "").strip()
    if code and not selectors.bank_only(user):
        zone = selectors.overview_zone(user, code)
        if zone is None:
            raise Http404
    return selectors.overview(user, year=year, zone=zone)


def _bank_name(o, bank_id) -> str:
    return o.banks.get(bank_id, "") if bank_id is not None else _("Bank not recorded")


def _product_name(o, pk) -> str:
    return o.products[pk].name if pk in o.products else _("No product named")


def _type_name(code: str) -> str:
    if code == NO_PRODUCT:
        return _("No product named")
    return str(dict(ProductType.choices).get(code, code))


def _chart(o) -> dict:
    """The charts' data (the tables show the same figures)."""
    s = o.stats
    purposes = dict(Purpose.choices)
    return {
        "labels": {
            "needs": _("Needs shared"),
            "requested": _("Requested (10k yuan)"),
            "approved": _("Approved (10k yuan)"),
            "disbursed": pgettext("financing need", "Disbursed (10k yuan)"),
        },
        "months": [
            {
                "month": f"{y}-{m:02d}",
                "needs": f.needs,
                "requested": float(f.requested_wan),
                "approved": float(f.approved_wan),
                "disbursed": float(f.disbursed_wan),
            }
            for (y, m), f in s.by_month.items()
        ],
        "purposes": [
            [str(purposes.get(k, k)), f.needs, float(f.requested_wan)]
            for k, f in s.by_purpose.items()
        ],
        "types": [[_type_name(k), float(f.approved_wan)] for k, f in s.by_type.items()],
        "banks": [
            [_bank_name(o, b.bank), float(b.figures.approved_wan), float(b.figures.disbursed_wan)]
            for b in s.banks
        ],
    }


def _purpose_rows(o):
    purposes = dict(Purpose.choices)
    return [(str(purposes.get(k, k)), f) for k, f in o.stats.by_purpose.items()]


@login_required
@require_GET
def overview(request):
    """The financing overview of the user's zones (a bank user: its own bank's row)."""
    o = _choice(request)
    return render(
        request,
        "finance/overview.html",
        {
            "o": o,
            "t": o.stats.totals,
            "purposes": _purpose_rows(o),
            "types": [(_type_name(k), f) for k, f in o.stats.by_type.items()],
            "banks": [
                (
                    _bank_name(o, b.bank),
                    b,
                    [(_product_name(o, p), o.products.get(p), f) for p, f in b.products.items()],
                )
                for b in o.stats.banks
            ],
            "months": [(f"{y}-{m:02d}", f) for (y, m), f in o.stats.by_month.items()],
            "chart": None if o.bank_only else _chart(o),
        },
    )


def _pct(value) -> Decimal | None:
    """A share as a number of percent for a sheet (its cell shows 0.00)."""
    if value is None:
        return None
    return (Decimal(str(value)) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _quoted_cell(quoted: str) -> Decimal | str:
    """A single quoted rate as a number (4.45), a range as its text (4.35–6.00)."""
    try:
        return Decimal(quoted) if quoted else ""
    except ArithmeticError:
        return quoted


def _num(value) -> Decimal | None:
    """Days or a rate as a number for a sheet (never text: officials sum and sort them)."""
    return None if value is None else Decimal(str(value))


def _figure_columns(first: str) -> list[Column]:
    return [
        Column(first, 28),
        Column(_("Needs shared"), 10, "int"),
        Column(_("Requested (10k yuan)"), 14, "wan"),
        Column(pgettext("financing need", "Responded"), 10, "int"),
        Column(_("Unanswered"), 10, "int"),
        Column(_("Pending"), 10, "int"),
        Column(_("Approved"), 10, "int"),
        Column(_("Declined"), 10, "int"),
        Column(_("Approval rate (%)"), 10, "rate"),
        Column(_("Approved (10k yuan)"), 14, "wan"),
        Column(pgettext("financing need", "Disbursed"), 10, "int"),
        Column(pgettext("financing need", "Disbursed (10k yuan)"), 14, "wan"),
        Column(_("Median first response (working days)"), 12, "rate"),
        Column(_("Average approved rate (annual %)"), 12, "rate"),
    ]


def _figure_cells(name: str, f: Figures) -> list:
    return [
        name,
        f.needs,
        f.requested_wan,
        f.responded,
        f.unanswered,
        f.pending,
        f.approved,
        f.declined,
        _pct(f.approval_rate),
        f.approved_wan,
        f.disbursed,
        f.disbursed_wan,
        _num(f.median_response_days),
        _num(f.average_rate_pct),
    ]


@login_required
@require_GET
def overview_export(request):
    """The overview's figures as a workbook: banks, products (a bank user: its own only), then
    the totals, purposes, product types and months."""
    o = _choice(request)
    s = o.stats
    bank_cols = [
        Column(_("Bank"), 28),
        Column(_("Needs shared with the bank"), 12, "int"),
        Column(pgettext("financing need", "Received"), 10, "int"),
        *_figure_columns("")[5:],
    ]
    banks = [
        [_bank_name(o, b.bank), b.shared, b.figures.responded, *_figure_cells("", b.figures)[5:]]
        for b in s.banks
    ]
    product_cols = [
        Column(_("Bank"), 28),
        Column(_("Product"), 28),
        Column(_("Quoted rate (annual %)"), 14, "rate"),
        Column(_("Approved"), 10, "int"),
        Column(_("Approved (10k yuan)"), 14, "wan"),
        Column(pgettext("financing need", "Disbursed"), 10, "int"),
        Column(pgettext("financing need", "Disbursed (10k yuan)"), 14, "wan"),
        Column(_("Median first response (working days)"), 12, "rate"),
        Column(_("Average approved rate (annual %)"), 12, "rate"),
    ]
    products = [
        [
            _bank_name(o, b.bank),
            _product_name(o, p),
            _quoted_cell(o.products[p].quoted) if p in o.products else "",
            f.approved,
            f.approved_wan,
            f.disbursed,
            f.disbursed_wan,
            _num(f.median_response_days),
            _num(f.average_rate_pct),
        ]
        for b in s.banks
        for p, f in b.products.items()
    ]
    sheets = [
        (_("Banks"), bank_cols, banks),
        (_("Products"), product_cols, products),
    ]
    if not o.bank_only:
        take_up = [Column(_("Take-up rate (%)"), 10, "rate")]
        sheets += [
            (
                pgettext("financing overview sheet", "Totals"),
                _figure_columns(_("Year")) + take_up,
                [[o.year, *_figure_cells("", s.totals)[1:], _pct(s.totals.take_up_rate)]],
            ),
            (
                _("By purpose"),
                _figure_columns(_("Purpose")),
                [_figure_cells(n, f) for n, f in _purpose_rows(o)],
            ),
            (
                _("By product type"),
                _figure_columns(_("Product type")),
                [_figure_cells(_type_name(k), f) for k, f in s.by_type.items()],
            ),
            (
                _("By month"),
                _figure_columns(_("Month")),
                [_figure_cells(f"{y}-{m:02d}", f) for (y, m), f in s.by_month.items()],
            ),
        ]
    return export_response(
        request,
        sheets,
        _("financing-statistics-%(year)s.xlsx") % {"year": o.year},
        what="financing-statistics",
    )
