"""Above designated size (规模以上): dated thresholds and each firm's status per year."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_text
from zonedesk.core.models import Versioned


class SizeThreshold(models.Model):
    """The revenue threshold of above-size (规模以上) statistics for a sector, from a year on:
    dated data, as the statistics system sets it (docs/statistics.md). Industry: 500万元 of
    annual main-business revenue from 2007, 2,000万元 from 2011 (NBS)."""

    class Sector(models.TextChoices):
        INDUSTRY = "industry", _("Industry")

    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    from_year = models.PositiveSmallIntegerField(
        _("from year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    revenue_wan = models.DecimalField(
        _("annual main business revenue at least (10k yuan)"), max_digits=14, decimal_places=2
    )
    source = models.CharField(_("source"), max_length=300, validators=[validate_text])

    class Meta:
        verbose_name = _("above-size threshold")
        verbose_name_plural = _("above-size thresholds")
        ordering = ["sector", "from_year"]
        constraints = [
            models.UniqueConstraint(fields=["sector", "from_year"], name="one_threshold_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.sector} {self.from_year}: {self.revenue_wan}"


class FirmSize(Versioned):
    """A firm's above-size status (规模以上) for one statistical year: derived from its main
    business revenue of the year before against that year's threshold, or set by hand with a
    reason (the override wins). `above` is the effective value (the override when there is
    one); `Enterprise.above_designated_size` holds the effective value of the firm's latest
    year (policies' facts and their trigger read that column).

    `version` counts the hand settings (what the override form and the API's PUT edit): a
    derivation refreshes the derived columns beside an override without touching it, so it
    does not make an open override form stale."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="sizes",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    # Σ main business revenue over the year before's reported months; None: no figures then.
    basis_revenue_wan = models.DecimalField(
        _("revenue of the year before (10k yuan)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
    )
    basis_months = models.PositiveSmallIntegerField(_("months reported the year before"), default=0)
    threshold_wan = models.DecimalField(
        _("threshold (10k yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    derived = models.BooleanField(_("above size by the threshold"), null=True)
    override = models.BooleanField(_("set by hand"), null=True)
    override_reason = models.CharField(
        _("reason"), max_length=300, blank=True, validators=[validate_text]
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    override_at = models.DateTimeField(_("set at"), null=True, blank=True)
    above = models.BooleanField(_("above designated size"), default=False)
    newly_above = models.BooleanField(_("newly above size (新升规)"), default=False)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("above-size status")
        verbose_name_plural = _("above-size statuses")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="one_size_per_firm_year"),
            models.CheckConstraint(
                condition=Q(override__isnull=True) | ~Q(override_reason=""),
                name="size_override_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["year", "above", "enterprise"])]

    def __str__(self) -> str:
        return _("%(firm)s, above-size status of %(year)d") % {
            "firm": self.enterprise.name if self.enterprise_id else "—",
            "year": self.year,
        }
