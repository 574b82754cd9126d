"""The bridge-loan fund (转贷/过桥资金) and the inter-firm lending and guarantee register
(企业间互助). The rules live in the pure modules (finance/bridge.py, finance/lending.py); these
tables hold what they are applied to. Overdue is computed on reading, not stored."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zonedesk.core.fields import validate_name, validate_text
from zonedesk.core.models import Versioned
from zonedesk.core.workflow import TransitionEvent
from zonedesk.finance import bridge

__all__ = [
    "COMMITMENT_MAX_BYTES",
    "BridgeFund",
    "BridgeLoan",
    "BridgeLoanEvent",
    "Guarantee",
    "InterFirmLoan",
    "default_fee_tiers",
    "validate_commitment_file",
]

MONEY = {"max_digits": 14, "decimal_places": 2}
# A scanned commitment letter is a few pages: 10 MiB is ample, and no more than Django keeps in
# memory for an upload (FILE_UPLOAD_MAX_MEMORY_SIZE), so a file is never spooled to disk.
COMMITMENT_MAX_BYTES = 10 * 2**20
COMMITMENT_TYPES = (".pdf", ".jpg", ".jpeg", ".png")


def default_fee_tiers() -> list:
    """The published tiers: 0.1%/day for days 1–5, 0.2%/day from day 6 (bridge.DEFAULT_TIERS)."""
    return [[t.from_day, str(t.daily_pct)] for t in bridge.DEFAULT_TIERS]


def validate_commitment_file(value) -> None:
    if value.size > COMMITMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MiB; a commitment letter may be at most %(max)d MiB."),
            code="file_size",
            params={"size": f"{value.size / 2**20:.1f}", "max": COMMITMENT_MAX_BYTES // 2**20},
        )
    if not str(value.name).lower().endswith(COMMITMENT_TYPES):
        raise ValidationError(
            _("Upload the commitment letter as PDF, JPEG or PNG."), code="file_type"
        )


def commitment_path(instance: "BridgeLoan", filename: str) -> str:
    """finance/commitments/<fund>/<file>: one folder per fund under MEDIA_ROOT."""
    return f"finance/commitments/{instance.fund_id}/{filename}"


class BridgeFund(Versioned):
    """A zone's bridge-loan fund: its size, source and the limits of its published rules
    (mapped to bridge.FundLimits by `limits()`)."""

    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="bridge_funds"
    )
    name = models.CharField(_("fund name"), max_length=100, validators=[validate_name])
    source = models.CharField(
        _("source of the fund"), max_length=100, validators=[validate_name]
    )  # e.g. the platform company (平台公司)
    size_wan = models.DecimalField(
        _("fund size (10k yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    share_of_commitment_pct = models.DecimalField(
        _("share of the committed renewal (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(95),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)],
    )
    cap_per_firm_wan = models.DecimalField(
        _("cap per firm (10k yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    longest_term_days = models.PositiveSmallIntegerField(
        _("longest term (days)"), default=10, validators=[MinValueValidator(1)]
    )
    # [[from_day, daily_pct], ...]: from that day (1-based) on, each day costs daily_pct % of
    # the amount (bridge.FeeTier).
    fee_tiers = models.JSONField(_("daily fee tiers"), default=default_fee_tiers)
    overdue_daily_pct = models.DecimalField(
        _("daily fee when overdue (%)"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    exclude_wage_arrears = models.BooleanField(_("excludes firms with wage arrears"), default=True)
    exclude_bad_credit = models.BooleanField(_("excludes firms with bad credit"), default=True)
    active = models.BooleanField(_("open to applications"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("bridge-loan fund")
        verbose_name_plural = _("bridge-loan funds")
        ordering = ["zone", "name"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "name"], name="finance_bridgefund_name")
        ]

    def __str__(self) -> str:
        return self.name

    def unique_error_message(self, model_class, unique_check):
        """A second fund of the same name in the zone: said plainly, not Django's "… with this
        Zone and Name already exists"."""
        if tuple(unique_check) == ("zone", "name"):
            return ValidationError(
                _("The zone already has a fund named “%(name)s”: choose another name."),
                code="unique_together",
                params={"name": self.name},
            )
        return super().unique_error_message(model_class, unique_check)

    def clean(self):
        cap, size = self.cap_per_firm_wan, self.size_wan
        if cap is not None and size is not None and cap > size:  # no draw could ever reach it
            raise ValidationError(
                {
                    "cap_per_firm_wan": _(
                        "The cap per firm (%(cap)s, 10k yuan) exceeds the fund's size "
                        "(%(size)s): it can be at most %(size)s."
                    )
                    % {"cap": cap, "size": size}
                }
            )
        try:
            self.limits()
        except (ValueError, TypeError, ArithmeticError) as exc:
            raise ValidationError({"fee_tiers": str(exc)}) from exc

    def limits(self) -> bridge.FundLimits:
        """The fund's rules as the pure module takes them."""
        exclusions = set()
        if self.exclude_wage_arrears:
            exclusions.add(bridge.WAGE_ARREARS)
        if self.exclude_bad_credit:
            exclusions.add(bridge.BAD_CREDIT)
        return bridge.FundLimits(
            share_of_commitment=Decimal(self.share_of_commitment_pct) / 100,
            cap_per_firm_wan=self.cap_per_firm_wan,
            longest_term_days=self.longest_term_days,
            fee_tiers=tuple(
                bridge.FeeTier(int(day), Decimal(str(pct))) for day, pct in self.fee_tiers or []
            ),
            overdue_daily_pct=self.overdue_daily_pct,
            exclusions=frozenset(exclusions),
        )


class BridgeLoan(Versioned):
    """One draw on a fund: a firm whose loan at `bank` matures borrows to repay it, the bank
    having committed in writing to renew; approved, disbursed, repaid when the bank renews
    (flows.BRIDGE_LOAN). The fee is computed by bridge.fee at repayment and stored."""

    AUDIT_FIRM = "firm"

    class Status(models.TextChoices):
        APPLIED = "applied", pgettext_lazy("bridge loan", "Applied")
        APPROVED = "approved", pgettext_lazy("bridge loan", "Approved")
        DISBURSED = "disbursed", pgettext_lazy("bridge loan", "Disbursed")
        REPAID = "repaid", pgettext_lazy("bridge loan", "Repaid")
        REFUSED = "refused", pgettext_lazy("bridge loan", "Refused")

    fund = models.ForeignKey(
        BridgeFund,
        verbose_name=_("bridge-loan fund"),
        on_delete=models.PROTECT,
        related_name="loans",
    )
    firm = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="bridge_loans",
    )
    bank = models.ForeignKey(
        "org.Bank", verbose_name=_("bank"), on_delete=models.PROTECT, related_name="bridge_loans"
    )
    maturing_wan = models.DecimalField(
        _("maturing loan (10k yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    maturing_on = models.DateField(_("maturity date"))
    committed_wan = models.DecimalField(
        _("renewal committed by the bank (10k yuan)"),
        **MONEY,
        validators=[MinValueValidator(0)],
    )
    commitment_file = models.FileField(
        _("bank's written commitment"),
        upload_to=commitment_path,
        blank=True,
        validators=[validate_commitment_file],
    )
    # What the bank signed and when (e.g. 续贷承诺函 编号 and date): the loan exists only on the
    # bank's written commitment to renew, so an approval needs this or the letter's file
    # (services.bridge: refused at approval without either). An API application carries no file.
    commitment_ref = models.CharField(
        _("bank's written commitment (reference and date)"),
        max_length=200,
        blank=True,
        validators=[validate_name],
        help_text=_("What the bank signed and when, e.g. its commitment letter's number and date."),
    )
    requested_wan = models.DecimalField(_("amount requested (10k yuan)"), **MONEY)
    term_days = models.PositiveSmallIntegerField(_("days requested"), default=10)
    wage_arrears = models.BooleanField(_("wage arrears"), default=False)
    bad_credit = models.BooleanField(_("bad credit record"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    amount_wan = models.DecimalField(
        _("amount approved (10k yuan)"), **MONEY, null=True, blank=True
    )
    disbursed_on = models.DateField(pgettext_lazy("loan", "disbursed on"), null=True, blank=True)
    due_on = models.DateField(_("due date"), null=True, blank=True)
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)
    fee_wan = models.DecimalField(
        _("fee (10k yuan)"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    note = models.TextField(
        pgettext_lazy("financing record", "note"), blank=True, validators=[validate_text]
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)

    class Meta:
        verbose_name = _("bridge loan")
        verbose_name_plural = _("bridge loans")
        ordering = ["-applied_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["applied", "refused"])
                | Q(status="approved", amount_wan__isnull=False)
                | Q(
                    status="disbursed",
                    amount_wan__isnull=False,
                    disbursed_on__isnull=False,
                    due_on__isnull=False,
                )
                | Q(
                    status="repaid",
                    amount_wan__isnull=False,
                    disbursed_on__isnull=False,
                    repaid_on__gte=F("disbursed_on"),
                    fee_wan__isnull=False,
                ),
                name="finance_bridgeloan_state_fields",
                violation_error_message=_(
                    "The loan's figures do not fit its state (an approved loan needs its amount, "
                    "a disbursed one its dates, a repaid one a repayment not before the "
                    "disbursement and its fee)."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "status"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.firm} · {_wan(self.requested_wan)} 万元"

    @property
    def flags(self) -> frozenset[str]:
        out = set()
        if self.wage_arrears:
            out.add(bridge.WAGE_ARREARS)
        if self.bad_credit:
            out.add(bridge.BAD_CREDIT)
        return frozenset(out)


class BridgeLoanEvent(TransitionEvent):
    loan = models.ForeignKey(
        BridgeLoan, verbose_name=_("bridge loan"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(TransitionEvent.Meta):
        verbose_name = _("bridge loan event")
        verbose_name_plural = _("bridge loan events")

    def __str__(self) -> str:
        return f"{self.loan_id}: {self.from_state} → {self.to_state}"


class Guarantee(Versioned):
    """One firm answers for another's debt (担保): guarantor → guaranteed, up to an amount,
    for a period. A firm guaranteeing itself is refused (lending.edge_problems)."""

    AUDIT_FIRM = "guaranteed"

    guarantor = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("guarantor"),
        on_delete=models.PROTECT,
        related_name="guarantees_given",
    )
    guaranteed = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("guaranteed firm"),
        on_delete=models.PROTECT,
        related_name="guarantees_received",
    )
    amount_wan = models.DecimalField(
        _("amount guaranteed (10k yuan)"), **MONEY, validators=[MinValueValidator(0)]
    )
    creditor = models.CharField(
        _("creditor"), max_length=100, blank=True, validators=[validate_name]
    )  # the bank or firm the guaranteed owes
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"), null=True, blank=True)
    note = models.TextField(
        pgettext_lazy("financing record", "note"), blank=True, validators=[validate_text]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("guarantee between firms")
        verbose_name_plural = _("guarantees between firms")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(guarantor=F("guaranteed")),
                name="finance_guarantee_not_self",
                violation_error_message=_(
                    "The guarantor and the guaranteed firm are the same: a firm cannot guarantee "
                    "itself."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="finance_guarantee_dates",
                violation_error_message=_(
                    "The end date is before the start date: a guarantee ends on or after the "
                    "day it starts."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.guarantor} → {self.guaranteed}"


class InterFirmLoan(Versioned):
    """A loan between firms (企业间借贷) as registered: lender, borrower, amount, term, the
    agreed annual rate and the contract date (which decides the legal ceiling:
    lending.rate_ceiling), and the guarantees that secure it."""

    AUDIT_FIRM = "borrower"

    lender = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("lender"),
        on_delete=models.PROTECT,
        related_name="loans_lent",
    )
    borrower = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("borrower"),
        on_delete=models.PROTECT,
        related_name="loans_borrowed",
    )
    amount_wan = models.DecimalField(
        _("amount (10k yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1)]
    )
    rate_pct = models.DecimalField(
        _("annual rate (%)"),
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    contract_on = models.DateField(_("contract date"))
    guarantees = models.ManyToManyField(
        Guarantee, verbose_name=_("guarantees"), blank=True, related_name="loans"
    )
    note = models.TextField(
        pgettext_lazy("financing record", "note"), blank=True, validators=[validate_text]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("loan between firms")
        verbose_name_plural = _("loans between firms")
        ordering = ["-contract_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(lender=F("borrower")),
                name="finance_interfirm_not_self",
                violation_error_message=_(
                    "The lender and the borrower are the same: a firm cannot lend to itself."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lender} → {self.borrower} · {_wan(self.amount_wan)} 万元"


def _wan(value) -> str:
    """An amount in 万元 as the site writes it (1,723.00), for a record's name in the audit log."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except ArithmeticError:
        return str(value)
