"""Reads of the banks' products: the library (every finance user), and a bank's own products for
its users to maintain."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from zonedesk.finance import access
from zonedesk.finance.models import BankProduct


@dataclass(frozen=True)
class ProductFilters:
    q: str = ""
    type: str = ""
    bank: int | None = None
    collateral: str = ""
    in_force: bool = True
    amount_wan: float | None = None  # products whose range holds this amount


def product_scope(user) -> QuerySet[BankProduct]:
    """The library: every bank's products for whoever works with financing."""
    if not access.can_view_finance(user):
        return BankProduct.objects.none()
    return BankProduct.objects.all()


def in_force_on(qs: QuerySet[BankProduct], day: dt.date) -> QuerySet[BankProduct]:
    return qs.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def product_list(user, filters: ProductFilters, *, today: dt.date) -> QuerySet[BankProduct]:
    f = filters
    qs = product_scope(user).select_related("bank")
    if f.q:
        term = f.q.strip()
        qs = qs.filter(
            Q(name__icontains=term) | Q(bank__name__icontains=term) | Q(description__icontains=term)
        )
    if f.type:
        qs = qs.filter(type=f.type)
    if f.bank is not None:
        qs = qs.filter(bank_id=f.bank)
    if f.in_force:
        qs = in_force_on(qs, today)
    if f.amount_wan is not None:
        qs = qs.filter(amount_min_wan__lte=f.amount_wan, amount_max_wan__gte=f.amount_wan)
    rows = qs.order_by("bank__name", "name")
    if f.collateral:
        keep = [p.pk for p in rows if not p.collateral or f.collateral in p.collateral]
        rows = rows.filter(pk__in=keep)
    return rows


def product_export(user, filters: ProductFilters, *, today: dt.date) -> QuerySet[BankProduct]:
    """The library's export: the page's rows, except that a bank user exports only its own
    bank's products (the sheet is the bank's catalogue to maintain, not a copy of its rivals')."""
    rows = product_list(user, filters, today=today)
    if access.is_bank_user(user):
        rows = rows.filter(bank_id=user.bank_id)
    return rows


def product_get(user, *, pk: int) -> BankProduct | None:
    return product_scope(user).select_related("bank").filter(pk=pk).first()


def own_product_get(user, *, pk: int) -> BankProduct | None:
    """A product the user's bank maintains: another bank's is not found (as one that does not
    exist), so its id tells nothing."""
    if not access.is_bank_user(user):
        return None
    return BankProduct.objects.select_related("bank").filter(pk=pk, bank_id=user.bank_id).first()
