"""Financing needs (融资需求), the banks' products and the firm's consent to share a need.

A need reaches a bank only through a Consent of the firm for that bank (recorded, revocable);
its way from draft to repaid is finance.flows.NEED, walked only by services.needs.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zonedesk.core.fields import validate_name, validate_text
from zonedesk.core.models import Versioned
from zonedesk.core.workflow import TransitionEvent

__all__ = [
    "BankProduct",
    "Collateral",
    "Consent",
    "DeclineReason",
    "FinancingNeed",
    "NeedEvent",
    "ProductType",
    "Purpose",
    "Urgency",
]


class Purpose(models.TextChoices):
    WORKING_CAPITAL = "working_capital", _("Working capital")
    EQUIPMENT = "equipment", _("Equipment")
    CONSTRUCTION = "construction", _("Construction")
    BRIDGE = "bridge", _("Bridge (renewing a maturing loan)")


class Collateral(models.TextChoices):
    PROPERTY = "property", _("Property (land, buildings)")
    EQUIPMENT = "equipment", _("Equipment")
    RECEIVABLES = "receivables", _("Receivables")
    ORDERS = "orders", _("Orders")
    IP = "ip", _("Intellectual property")
    GUARANTEE = "guarantee", _("Guarantee")
    NONE = "none", _("None (credit)")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent (within a month)")
    CRITICAL = "critical", _("Critical (within a week)")


class ProductType(models.TextChoices):
    MORTGAGE = "mortgage", _("Mortgage loan")
    ORDER = "order", _("Order-backed loan")
    CREDIT = "credit", _("Credit loan")
    GUARANTEED = "guaranteed", _("Guaranteed loan")
    IP_PLEDGE = "ip_pledge", _("IP pledge loan")
    RECEIVABLES = "receivables", _("Receivables financing")
    OTHER = "other", _("Other")


class DeclineReason(models.TextChoices):
    COLLATERAL = "collateral", _("Collateral insufficient")
    CREDIT_RECORD = "credit_record", _("Credit record")
    CASH_FLOW = "cash_flow", _("Cash flow too weak")
    DEBT = "debt", _("Debt too high")
    INDUSTRY = "industry", _("Industry outside the bank's policy")
    DOCUMENTS = "documents", _("Documents incomplete")
    OTHER = "other", _("Other")


class BankProduct(Versioned):
    """A bank's loan product: its ranges, the collateral it takes and who is eligible, written
    in the rule language of support measures (finance.rules)."""

    class RateKind(models.TextChoices):
        FIXED = "fixed", _("Annual rate range")
        LPR = "lpr", _("LPR plus basis points")

    bank = models.ForeignKey(
        "org.Bank", verbose_name=_("bank"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])
    type = models.CharField(_("type"), max_length=12, choices=ProductType.choices)
    amount_min_wan = models.DecimalField(
        _("smallest amount (10k yuan)"), max_digits=12, decimal_places=2, default=0
    )
    amount_max_wan = models.DecimalField(
        _("largest amount (10k yuan)"), max_digits=12, decimal_places=2
    )
    term_min_months = models.PositiveSmallIntegerField(_("shortest term (months)"), default=1)
    term_max_months = models.PositiveSmallIntegerField(_("longest term (months)"))
    rate_kind = models.CharField(
        _("rate"), max_length=5, choices=RateKind.choices, default=RateKind.FIXED
    )
    rate_min_pct = models.DecimalField(
        _("lowest annual rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    rate_max_pct = models.DecimalField(
        _("highest annual rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    lpr_spread_bp = models.SmallIntegerField(
        _("basis points over the one-year LPR"), null=True, blank=True
    )
    collateral = models.JSONField(
        _("collateral accepted"),
        default=list,
        blank=True,
        help_text=_("Empty: no collateral required."),
    )
    eligibility = models.TextField(
        _("eligibility rule"), blank=True, default="true", validators=[validate_text]
    )
    description = models.TextField(_("description"), blank=True, validators=[validate_text])
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("bank product")
        verbose_name_plural = _("bank products")
        ordering = ["bank__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "name"], name="finance_product_unique_name"),
            models.CheckConstraint(
                condition=Q(amount_min_wan__lte=models.F("amount_max_wan")),
                name="finance_product_amount_range",
                violation_error_message=_("The smallest amount exceeds the largest."),
            ),
            models.CheckConstraint(
                condition=Q(term_min_months__lte=models.F("term_max_months")),
                name="finance_product_term_range",
                violation_error_message=_("The shortest term exceeds the longest."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank} · {self.name}"

    def unique_error_message(self, model_class, unique_check):
        """A second product of the same name at the bank: said plainly, not Django's "… with
        this Bank and Name already exists"."""
        if tuple(unique_check) == ("bank", "name"):
            return ValidationError(
                _("Your bank already has a product named “%(name)s”: choose another name."),
                code="unique_together",
                params={"name": self.name},
            )
        return super().unique_error_message(model_class, unique_check)

    def in_force(self, day) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class FinancingNeed(Versioned):
    """A firm's need for a loan (融资需求), followed from draft to repaid."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SHARED = "shared", _("Shared with banks")
        RECEIVED = "received", _("Received by a bank")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        DISBURSED = "disbursed", pgettext_lazy("financing need", "Disbursed")
        REPAID = "repaid", _("Repaid")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="financing_needs",
    )
    amount_wan = models.DecimalField(
        _("amount (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0.01)],
    )
    term_months = models.PositiveSmallIntegerField(
        _("term (months)"), validators=[MinValueValidator(1), MaxValueValidator(360)]
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    collateral = models.CharField(
        _("collateral offered"), max_length=12, choices=Collateral.choices
    )
    urgency = models.CharField(
        _("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL
    )
    note = models.TextField(
        pgettext_lazy("financing record", "note"), blank=True, validators=[validate_text]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    problem = models.ForeignKey(
        "casework.Problem",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="financing_needs",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    shared_on = models.DateField(_("shared on"), null=True, blank=True)
    respond_by = models.DateField(_("bank to respond by"), null=True, blank=True)
    responded_on = models.DateField(_("first response on"), null=True, blank=True)
    bank = models.ForeignKey(
        "org.Bank",
        verbose_name=_("bank handling it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="financing_needs",
    )
    product = models.ForeignKey(
        BankProduct,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    approved_amount_wan = models.DecimalField(
        _("approved amount (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    approved_rate_pct = models.DecimalField(
        _("approved annual rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    approved_term_months = models.PositiveSmallIntegerField(
        _("approved term (months)"), null=True, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decline_reason = models.CharField(
        _("reason declined"), max_length=16, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(
        _("why, in the bank's words"), blank=True, validators=[validate_text]
    )
    disbursed_on = models.DateField(pgettext_lazy("loan", "disbursed on"), null=True, blank=True)
    disbursed_amount_wan = models.DecimalField(
        _("amount disbursed (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    repaid_on = models.DateField(_("repaid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("financing need")
        verbose_name_plural = _("financing needs")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status"], name="finance_need_status")]

    def __str__(self) -> str:
        return f"{self.enterprise} · {_wan(self.amount_wan)} 万元"


class NeedEvent(TransitionEvent):
    """One move of a financing need, stamped with who and when (never changed)."""

    need = models.ForeignKey(
        FinancingNeed,
        verbose_name=_("financing need"),
        on_delete=models.CASCADE,
        related_name="events",
    )

    class Meta(TransitionEvent.Meta):
        verbose_name = _("financing need event")
        verbose_name_plural = _("financing need events")

    def __str__(self) -> str:
        return f"{self.need_id}: {self.from_state} → {self.to_state}"


class Consent(models.Model):
    """The firm's consent that one bank may see one need (and, if it says so, the firm's
    monthly figures and contacts). Revoking it hides the need from that bank at once."""

    AUDIT_FIRM = "need__enterprise"  # the audit log's firm column and filter

    need = models.ForeignKey(
        FinancingNeed,
        verbose_name=_("financing need"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    bank = models.ForeignKey(
        "org.Bank", verbose_name=_("bank"), on_delete=models.PROTECT, related_name="consents"
    )
    covers_figures = models.BooleanField(_("monthly figures shared"), default=False)
    covers_contacts = models.BooleanField(_("contacts shared"), default=False)
    written = models.CharField(
        _("written consent"),
        max_length=200,
        blank=True,
        validators=[validate_name],
        help_text=_("The firm's signed consent an officer records for it (what and when)."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["granted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "bank"],
                condition=Q(revoked_at__isnull=True),
                name="finance_consent_one_active",
            )
        ]

    def __str__(self) -> str:
        # The audit log names the firm whose consent it is, as a need's entries do.
        return f"{self.need.enterprise} → {self.bank}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def _wan(value) -> str:
    """An amount in 万元 as the site writes it (1,723.00), for a record's name in the audit log."""
    try:
        return f"{Decimal(str(value)):,.2f}"
    except ArithmeticError:
        return str(value)
