from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zonedesk.core import industry
from zonedesk.core.fields import CreditCodeField, IndustryCodeField, phone_validator, validate_name
from zonedesk.core.models import Versioned


# Trigger zd_match_firm_update (policies, migration 0003) watches `industry_code`,
# `above_designated_size`, `status`, `production_start` and `zone_id`: the registry columns the
# eligibility facts read (policies.facts.REGISTRY), so a change marks the firm for a re-match
# (policies.models.MatchState). A fact reading another column, or a rename of one of these,
# needs the trigger to follow (tests/policies/test_triggers.py fails until it does).
class EnterpriseType(models.TextChoices):
    """企业登记注册类型: the three-digit codes of 国家统计局、国家工商总局《关于划分企业登记注册类型的
    规定》(国统字〔2011〕86号), which the statistics system's reporting forms still carry. The
    first digit is the group: 1 内资, 2 港澳台商投资, 3 外商投资 (see docs/statistics.md)."""

    STATE_OWNED = "110", _("110 State-owned enterprise")
    COLLECTIVE = "120", _("120 Collective enterprise")
    SHARE_COOPERATIVE = "130", _("130 Share cooperative enterprise")
    JOINT_STATE = "141", _("141 State-owned joint enterprise")
    JOINT_COLLECTIVE = "142", _("142 Collective joint enterprise")
    JOINT_STATE_COLLECTIVE = "143", _("143 State-owned and collective joint enterprise")
    JOINT_OTHER = "149", _("149 Other joint enterprise")
    SOLE_STATE_LLC = "151", _("151 Wholly state-owned company")
    OTHER_LLC = "159", _("159 Other limited liability company")
    JOINT_STOCK = "160", _("160 Joint-stock limited company")
    PRIVATE_SOLE = "171", _("171 Private sole proprietorship")
    PRIVATE_PARTNERSHIP = "172", _("172 Private partnership")
    PRIVATE_LLC = "173", _("173 Private limited liability company")
    PRIVATE_JOINT_STOCK = "174", _("174 Private joint-stock limited company")
    OTHER_DOMESTIC = "190", _("190 Other domestic enterprise")
    HMT_EQUITY_JV = "210", _("210 Equity joint venture (Hong Kong, Macao, Taiwan)")
    HMT_COOP_JV = "220", _("220 Contractual joint venture (Hong Kong, Macao, Taiwan)")
    HMT_SOLE = "230", _("230 Wholly Hong Kong, Macao or Taiwan-owned enterprise")
    HMT_JOINT_STOCK = "240", _("240 Hong Kong, Macao or Taiwan-invested joint-stock company")
    HMT_OTHER = "290", _("290 Other Hong Kong, Macao or Taiwan-invested enterprise")
    FOREIGN_EQUITY_JV = "310", _("310 Sino-foreign equity joint venture")
    FOREIGN_COOP_JV = "320", _("320 Sino-foreign contractual joint venture")
    FOREIGN_SOLE = "330", _("330 Wholly foreign-owned enterprise")
    FOREIGN_JOINT_STOCK = "340", _("340 Foreign-invested joint-stock limited company")
    FOREIGN_OTHER = "390", _("390 Other foreign-invested enterprise")


ENTERPRISE_TYPE_GROUPS = {
    "1": _("Domestic"),
    "2": _("Hong Kong, Macao and Taiwan-invested"),
    "3": _("Foreign-invested"),
}


class Enterprise(Versioned):
    """A firm in a zone: the registry every other module refers to."""

    class Status(models.TextChoices):
        PRODUCING = "producing", _("Producing")
        HALTED = "halted", _("Halted")
        CONSTRUCTION = "construction", _("Under construction")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    credit_code = CreditCodeField(_("unified social credit code"), unique=True)
    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="enterprises"
    )
    industry_code = IndustryCodeField(_("industry (GB/T 4754-2017)"))
    above_designated_size = models.BooleanField(_("above designated size"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PRODUCING
    )
    production_start = models.DateField(_("start of production"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True, validators=[validate_name])
    legal_representative = models.CharField(
        _("legal representative"), max_length=50, blank=True, validators=[validate_name]
    )
    registered_capital_wan = models.DecimalField(
        _("registered capital (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    established_on = models.DateField(_("date of establishment"), null=True, blank=True)
    enterprise_type = models.CharField(
        _("enterprise type"), max_length=3, blank=True, choices=EnterpriseType.choices
    )
    main_products = models.CharField(
        _("main products"), max_length=200, blank=True, validators=[validate_name]
    )
    # Land in use (用地面积) in mu (亩, 1 mu = 666.67 m²): the denominator of the per-mu
    # evaluation (monitoring.permu); None: not recorded, and the firm is not graded.
    land_area_mu = models.DecimalField(
        _("land in use (mu)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("liaison officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_enterprises",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["zone", "status"]),
            models.Index(fields=["zone", "industry_code"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("enterprises:detail", args=[self.pk])

    @property
    def industry(self) -> industry.Industry | None:
        return industry.get(self.industry_code)

    @property
    def enterprise_type_group(self) -> str:
        """内资 / 港澳台商投资 / 外商投资, from the type's first digit ("" when not recorded)."""
        return str(ENTERPRISE_TYPE_GROUPS.get(self.enterprise_type[:1], ""))

    def is_new_in(self, year: int) -> bool:
        """A firm is 'new' in the year it started production."""
        return self.production_start is not None and self.production_start.year == year


class Contact(models.Model):
    """A person at the firm the administration talks to."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=50, validators=[validate_name])
    title = models.CharField(_("title"), max_length=50, blank=True, validators=[validate_name])
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class EnterpriseMember(models.Model):
    """Binds an enterprise user to the one firm they act for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="enterprise_membership",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="members"
    )

    class Meta:
        verbose_name = _("enterprise user binding")
        verbose_name_plural = _("enterprise user bindings")

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"
