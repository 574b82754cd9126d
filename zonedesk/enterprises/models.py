from django.conf import settings
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enterprise_membership"
    )
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="members")

    class Meta:
        verbose_name = _("enterprise user binding")
        verbose_name_plural = _("enterprise user bindings")

    def __str__(self) -> str:
        return f"{self.user} → {self.enterprise}"
