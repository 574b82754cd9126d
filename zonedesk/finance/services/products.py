"""A bank's products: created and changed by that bank's users only, the eligibility rule held
to the facts' registry (finance.facts) before it is stored."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from zonedesk.core import audit
from zonedesk.core.actors import Actor
from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.services import audited_update, clean
from zonedesk.finance import access, facts, lending
from zonedesk.finance.models import BankProduct, Collateral
from zonedesk.finance.services.needs import MAX_RATE_PCT
from zonedesk.policies import rules

EVERYONE = "true"  # the stored rule of a product open to every firm
PRODUCT_FIELDS = (
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
)


@dataclass(frozen=True)
class ProductData:
    name: str
    type: str
    amount_max_wan: Decimal
    term_max_months: int
    valid_from: dt.date
    amount_min_wan: Decimal = Decimal("0")
    term_min_months: int = 1
    rate_kind: str = "fixed"
    rate_min_pct: Decimal | None = None
    rate_max_pct: Decimal | None = None
    lpr_spread_bp: int | None = None
    collateral: list = field(default_factory=list)
    eligibility: str = "true"
    description: str = ""
    valid_to: dt.date | None = None


def _spread_error(bp: int, day: dt.date | None) -> str | None:
    """LPR plus `bp` held to the same cap as a fixed rate: above 0 and at most MAX_RATE_PCT a year,
    with the one-year LPR in force on `day` (the table's last when `day` is past it)."""
    table = lending.lpr_table()
    lpr = (table.in_force(day) if isinstance(day, dt.date) else None) or table.last
    rate = lpr.one_year_pct + Decimal(bp) / 100
    highest = int((MAX_RATE_PCT - lpr.one_year_pct) * 100)
    lowest = -int(lpr.one_year_pct * 100) + 1
    if lowest <= bp <= highest:
        return None
    return _(
        "The one-year LPR (%(lpr)s%%) plus %(bp)s basis points is %(rate)s%% a year; a bank "
        "product's rate is above 0 and at most %(max)s%%: give %(low)s to %(high)s basis points."
    ) % {
        "lpr": lpr.one_year_pct,
        "bp": bp,
        "rate": rate,
        "max": MAX_RATE_PCT,
        "low": lowest,
        "high": highest,
    }


def _errors(data: ProductData) -> dict:
    errors: dict[str, list[str]] = {}
    try:
        facts.compile_rule(data.eligibility)
    except rules.RuleError as exc:  # in the user's language, with the character it points at
        errors["eligibility"] = [exc.message(get_language() or "zh")]
    for name in ("amount_min_wan", "amount_max_wan", "rate_min_pct", "rate_max_pct"):
        value = getattr(data, name)
        if value is not None and value < 0:
            errors[name] = [_("Must not be negative.")]
    for name in ("term_min_months", "term_max_months"):
        if getattr(data, name) < 1:
            errors[name] = [_("At least 1 month.")]
    high = data.amount_max_wan
    if "amount_max_wan" not in errors and high is not None and high <= 0:
        errors["amount_max_wan"] = [
            _(
                "The largest amount is %(high)s (10k yuan): a product lends something, so it "
                "must be above 0."
            )
            % {"high": high}
        ]
    for name in ("rate_min_pct", "rate_max_pct"):
        value = getattr(data, name)
        if name not in errors and value is not None and value > MAX_RATE_PCT:
            errors[name] = [
                _(
                    "%(rate)s%% a year is above %(max)s%%, the most a bank product may charge "
                    "(the courts' old ceiling for private lending; no bank loan comes near it)."
                )
                % {"rate": value, "max": MAX_RATE_PCT}
            ]
    amounts_ok = "amount_min_wan" not in errors and "amount_max_wan" not in errors
    if amounts_ok and data.amount_min_wan > data.amount_max_wan:
        errors["amount_min_wan"] = [
            _("The smallest amount (%(low)s) exceeds the largest (%(high)s).")
            % {"low": f"{data.amount_min_wan:,.2f}", "high": f"{data.amount_max_wan:,.2f}"}
        ]
    terms_ok = "term_min_months" not in errors and "term_max_months" not in errors
    if terms_ok and data.term_min_months > data.term_max_months:
        errors["term_min_months"] = [
            _("The shortest term (%(low)s months) exceeds the longest (%(high)s).")
            % {"low": data.term_min_months, "high": data.term_max_months}
        ]
    unknown = [c for c in data.collateral if c not in Collateral.values]
    if unknown:
        errors["collateral"] = [_("Not a kind of collateral: %(codes)s.") % {"codes": unknown}]
    if data.rate_kind == BankProduct.RateKind.LPR and data.lpr_spread_bp is None:
        errors["lpr_spread_bp"] = [_("Give the basis points over the one-year LPR.")]
    elif data.rate_kind == BankProduct.RateKind.LPR:
        spread_error = _spread_error(data.lpr_spread_bp, data.valid_from)
        if spread_error:
            errors["lpr_spread_bp"] = [spread_error]
    if data.rate_kind == BankProduct.RateKind.FIXED:
        if data.rate_min_pct is None or data.rate_max_pct is None:
            errors["rate_min_pct"] = [_("Give the lowest and highest annual rate.")]
        elif "rate_min_pct" in errors or "rate_max_pct" in errors:
            pass
        elif data.rate_min_pct > data.rate_max_pct:
            errors["rate_min_pct"] = [_("The lowest rate exceeds the highest.")]
    if data.valid_to is not None and data.valid_to < data.valid_from:
        errors["valid_to"] = [_("The end is before the start.")]
    return errors


def _values(data: ProductData) -> dict:
    """The fields to store: an empty eligibility rule means every firm (stored as `true`)."""
    values = {f: getattr(data, f) for f in PRODUCT_FIELDS}
    values["eligibility"] = (data.eligibility or "").strip() or EVERYONE
    return values


def _refuse(actor: Actor, bank) -> None:
    if not access.can_edit_product(actor, bank):
        raise PermissionDenied(_("Only the bank's own users maintain its products."))


@transaction.atomic
def product_create(*, actor: Actor, bank, data: ProductData) -> BankProduct:
    _refuse(actor, bank)
    errors = _errors(data)
    if errors:
        raise ValidationFailed(errors)
    product = BankProduct(bank=bank, **_values(data))
    product.collateral = sorted(set(data.collateral))
    clean(product)
    product.save()
    audit.record(
        actor=actor,
        action="create",
        instance=product,
        changes=audit.diff({}, audit.snapshot(product, ("bank", *PRODUCT_FIELDS))),
    )
    return product


@transaction.atomic
def product_update(
    *, actor: Actor, product: BankProduct, data: ProductData, expected_version: int | None = None
) -> BankProduct:
    _refuse(actor, product.bank)
    errors = _errors(data)
    if errors:
        raise ValidationFailed(errors)
    values = _values(data)
    values["collateral"] = sorted(set(data.collateral))
    audited_update(
        actor=actor,
        instance=product,
        data=values,
        fields=PRODUCT_FIELDS,
        scope={},
        expected_version=expected_version,
    )
    return product
