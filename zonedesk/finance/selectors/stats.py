"""The financing overview's rows and figures (finance.stats computes them; docs/statistics.md,
"Financing statistics per bank and product"): the needs shared with banks in a year, scoped to
the acting user. The unit's readers see their zones' needs (one zone or all of them) and every
bank's row; a bank user sees only its own bank's row and products, counted exactly as the unit's
readers see that row (the same rows, the same consent times), and nothing else: no other bank,
no totals, no need; others see nothing."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from zonedesk.casework.selectors import work_calendar
from zonedesk.finance import access, lending, stats
from zonedesk.finance.models import BankProduct, Consent, FinancingNeed
from zonedesk.finance.selectors.needs import need_scope
from zonedesk.org.models import Bank, Zone
from zonedesk.org.selectors import zone_list

FIRST_YEAR = 2000


def can_view_overview(user) -> bool:
    """The unit's readers (their zones) and bank users (their bank's row)."""
    return access.is_unit_reader(user) or access.is_bank_user(user)


def bank_only(user) -> bool:
    return access.is_bank_user(user) and not access.is_unit_reader(user)


@dataclass(frozen=True)
class ProductInfo:
    pk: int
    name: str
    type: str
    bank: int
    quoted: str  # the rate range as quoted on `day`, annual %


@dataclass
class Overview:
    year: int
    start: dt.date
    end: dt.date  # the year's last day, or today if sooner
    zones: list[Zone]
    zone: Zone | None
    bank_only: bool
    stats: stats.Statistics
    banks: dict[int, str] = field(default_factory=dict)
    products: dict[int, ProductInfo] = field(default_factory=dict)
    years: list[int] = field(default_factory=list)


def overview_years(user) -> list[int]:
    """The years in which needs the user may see were shared, latest first."""
    qs = _bank_needs(user.bank_id) if bank_only(user) else need_scope(user)
    dates = qs.filter(shared_on__isnull=False).dates("shared_on", "year")
    return sorted({d.year for d in dates}, reverse=True)


def quoted_rate(product: BankProduct, day: dt.date) -> str:
    """The product's annual rate range on `day`: its fixed range, or the one-year LPR in force
    that day plus its basis points (finance/data/lpr.csv)."""
    if product.rate_kind == BankProduct.RateKind.LPR and product.lpr_spread_bp is not None:
        lpr = lending.lpr_table().in_force(day)
        if lpr is None:
            return ""
        return f"{lpr.one_year_pct + Decimal(product.lpr_spread_bp) / 100:.2f}"
    low, high = product.rate_min_pct, product.rate_max_pct
    if low is None and high is None:
        return ""
    if low is None or high is None or low == high:
        return f"{low if low is not None else high:.2f}"
    return f"{low:.2f}–{high:.2f}"


def _bank_needs(bank_id):
    """The needs a bank's row is counted from: those it held a consent for, or handled. Read for
    the bank's own aggregates only, never shown one by one."""
    return FinancingNeed.objects.filter(
        Q(pk__in=Consent.objects.filter(bank_id=bank_id).values("need_id")) | Q(bank_id=bank_id)
    ).exclude(status=FinancingNeed.Status.DRAFT)


def need_rows(user, *, zone_ids, start: dt.date, end: dt.date) -> list[stats.NeedRow]:
    """The needs shared from `start` to `end` that the user may see, as finance.stats reads
    them. A bank user: every need its bank held a consent for or handled (its row is counted
    from the same rows as the unit's, the overview keeps only that row)."""
    if bank_only(user):
        qs = _bank_needs(user.bank_id)
    else:
        qs = need_scope(user)
        if zone_ids is not None:
            qs = qs.filter(enterprise__zone__in=zone_ids)
    return _rows(qs.filter(shared_on__gte=start, shared_on__lte=end), end=end)


def _stood(granted: dt.datetime, revoked: dt.datetime | None, shared_on: dt.date, end: dt.date):
    """Whether a consent stood at some moment from the need's sharing to the period's end, by
    the consent's own times: given by the end (its `granted_at`), and not revoked before the
    day the need was shared."""
    if timezone.localtime(granted).date() > end:
        return False
    return revoked is None or timezone.localtime(revoked).date() >= shared_on


def _rows(qs, *, end: dt.date) -> list[stats.NeedRow]:
    """The needs of `qs` as finance.stats reads them; `shared_with`: the banks whose consent
    stood in the period after the need was shared (`_stood`)."""
    needs = list(
        qs.values(
            "pk",
            "shared_on",
            "amount_wan",
            "purpose",
            "responded_on",
            "bank_id",
            "product_id",
            "product__type",
            "approved_amount_wan",
            "approved_rate_pct",
            "decline_reason",
            "decided_on",
            "disbursed_amount_wan",
            "disbursed_on",
        )
    )
    shared_on = {n["pk"]: n["shared_on"] for n in needs}
    shared: dict[int, set[int]] = {}
    consents = Consent.objects.filter(need__in=list(shared_on))
    for need_id, bank_id, granted, revoked in consents.values_list(
        "need_id", "bank_id", "granted_at", "revoked_at"
    ):
        if _stood(granted, revoked, shared_on[need_id], end):
            shared.setdefault(need_id, set()).add(bank_id)
    return [
        stats.NeedRow(
            need=n["pk"],
            shared_on=n["shared_on"],
            amount_wan=n["amount_wan"],
            purpose=n["purpose"],
            shared_with=frozenset(shared.get(n["pk"], ())),
            responded_on=n["responded_on"],
            bank=n["bank_id"],
            product=n["product_id"],
            product_type=n["product__type"],
            approved_wan=n["approved_amount_wan"],
            rate_pct=n["approved_rate_pct"],
            declined=bool(n["decline_reason"]),
            decided_on=n["decided_on"],
            disbursed_wan=(
                (n["disbursed_amount_wan"] or Decimal(0)) if n["disbursed_on"] else None
            ),
            disbursed_on=n["disbursed_on"],
        )
        for n in needs
    ]


def overview(user, *, year: int | None = None, zone: Zone | None = None) -> Overview | None:
    """The financing statistics of `year` (default: the latest year with a need shared) for
    `zone` or all the user's zones; None when the user may not see the overview."""
    if not can_view_overview(user):
        return None
    today = timezone.localdate()
    years = overview_years(user)
    if year is None:
        year = years[0] if years else today.year
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today)
    only_bank = bank_only(user)
    zones = [] if only_bank else list(zone_list(user).order_by("name"))
    zone_ids = None if only_bank else ([zone.pk] if zone else [z.pk for z in zones])
    rows = need_rows(user, zone_ids=zone_ids, start=start, end=max(start, end))
    last = max([r.responded_on for r in rows if r.responded_on] + [end, start])
    figures = stats.compute(rows, work_calendar(start, last), end=max(start, end))
    if only_bank:
        # Aggregates of its own bank only: no other bank's row, no zone totals, no need.
        figures = stats.Statistics(
            totals=stats.Figures(),
            banks=[b for b in figures.banks if b.bank == user.bank_id],
            by_purpose={},
            by_type={},
            by_month={},
        )
    bank_ids = {b.bank for b in figures.banks if b.bank is not None}
    product_ids = {p for b in figures.banks for p in b.products if p is not None}
    day = max(start, end)
    return Overview(
        year=year,
        start=start,
        end=end,
        zones=zones,
        zone=zone,
        bank_only=only_bank,
        stats=figures,
        banks=dict(Bank.objects.filter(pk__in=bank_ids).values_list("pk", "name")),
        products={
            p.pk: ProductInfo(p.pk, p.name, p.type, p.bank_id, quoted_rate(p, day))
            for p in BankProduct.objects.filter(pk__in=product_ids)
        },
        years=sorted(set(years) | {year}, reverse=True),
    )


def overview_zone(user, code: str) -> Zone | None:
    """One of the user's zones by its code (None: not theirs, or no such zone)."""
    return zone_list(user).filter(code=code).first()


__all__ = [
    "Overview",
    "ProductInfo",
    "bank_only",
    "can_view_overview",
    "need_rows",
    "overview",
    "overview_years",
    "overview_zone",
    "quoted_rate",
]
