"""Bank products over the API: the library, and a bank's own products (create, update)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.pagination import paginate

from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.pagination import LazyPage, Pagination
from zonedesk.core.schemas import ID_MAX, ConflictOut
from zonedesk.finance import access, selectors, services
from zonedesk.finance.models import BankProduct, ProductType
from zonedesk.finance.schemas import ProductFilterIn, ProductIn, ProductOut, ProductUpdateIn

router = Router(tags=["finance"])
FIELDS = (
    "name",
    "type",
    "amount_min_wan",
    "amount_max_wan",
    "term_min_months",
    "term_max_months",
    "rate_kind",
    "rate_min_pct",
    "rate_max_pct",
    "lpr_spread_bp",
    "collateral",
    "eligibility",
    "description",
    "valid_from",
    "valid_to",
    "version",
)


def _out(p: BankProduct) -> dict:
    return {
        "id": p.pk,
        "bank_id": p.bank_id,
        "bank": p.bank.name,
        **{f: getattr(p, f) for f in FIELDS},
    }


def _data(payload: ProductIn) -> services.ProductData:
    errors = {}
    if payload.type not in ProductType.values:
        errors["type"] = [_("Not one of: %(values)s.") % {"values": ", ".join(ProductType.values)}]
    if payload.rate_kind not in BankProduct.RateKind.values:
        errors["rate_kind"] = [_("Not one of: %(values)s.") % {"values": "fixed, lpr"}]
    if errors:
        raise ValidationFailed(errors)
    values = payload.dict()
    values.pop("version", None)
    return services.ProductData(**values)


@router.get("/finance/products", response=list[ProductOut])
@paginate(Pagination, page_size=50, max_page_size=500)
def list_bank_products(request, filters: Query[ProductFilterIn]):
    """The product library: every bank's products in force today (`all`: also those not)."""
    if not access.can_view_finance(request.user):
        raise PermissionDenied(_("The product library is for those who work with financing."))
    f = filters.dict()
    qs = selectors.product_list(
        request.user,
        selectors.ProductFilters(
            q=f["q"], type=f["type"], bank=f["bank_id"], in_force=not f["all"]
        ),
        today=timezone.localdate(),
    )
    return LazyPage(qs, _out)


@router.post("/finance/products", response={201: ProductOut})
def create_bank_product(request, payload: ProductIn):
    """Add a product of the caller's bank (its users only)."""
    if not access.is_bank_user(request.user):
        raise PermissionDenied(_("Only the bank's own users maintain its products."))
    product = services.product_create(
        actor=request.user, bank=request.user.bank, data=_data(payload)
    )
    return Status(201, _out(product))


@router.put("/finance/products/{int:pk}", response={200: ProductOut, 409: ConflictOut})
def update_bank_product(request, payload: ProductUpdateIn, pk: int = Path(..., ge=1, le=ID_MAX)):
    """Change a product of the caller's bank; `version` is the one read (409 if stale)."""
    if not access.is_bank_user(request.user):
        raise PermissionDenied(_("Only the bank's own users maintain its products."))
    product = selectors.own_product_get(request.user, pk=pk)  # another bank's: not found
    if product is None:
        raise NotFound(_("No such product."))
    product = services.product_update(
        actor=request.user, product=product, data=_data(payload), expected_version=payload.version
    )
    return _out(product)
