"""The per-mu (亩均效益) evaluation's yearly figures and dated schemes."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_name, validate_text


class AnnualFigure(models.Model):
    """A firm's figures that exist once a year, not monthly: value added (工业增加值, where the
    firm or the statistics bureau reports it) and R&D spending (研发经费支出, the yearly R&D
    survey, form 107-1). Read by the per-mu evaluation (monitoring.permu)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="annual_figures",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    value_added_wan = models.DecimalField(
        _("value added (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("1e11"))],
    )
    rd_spending_wan = models.DecimalField(
        _("R&D spending (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(Decimal("1e11"))],
    )

    class Meta:
        verbose_name = _("annual figures")
        verbose_name_plural = _("annual figures")
        ordering = ["year", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="one_annual_per_firm_year")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class PerMuScheme(models.Model):
    """The per-mu (亩均效益) evaluation's weights and grade cut-offs, valid from a date: the year
    Y is graded by the scheme valid on 31 December of Y. Rules as dated data, so a zone that
    changes its method keeps the old years' grades as they were given (monitoring.permu)."""

    valid_from = models.DateField(_("valid from"), unique=True)
    name = models.CharField(_("name"), max_length=200, validators=[validate_name])
    source = models.TextField(_("source"), blank=True, validators=[validate_text])
    # {indicator: points}, indicators of monitoring.permu.INDICATORS
    weights = models.JSONField(_("weights"))
    # {"A": share, "B": share, "C": share}: the cumulative share of graded firms, best first,
    # in grade A, A-B and A-C; the rest are D
    cutoffs = models.JSONField(_("grade cut-offs"))

    class Meta:
        verbose_name = _("per-mu evaluation scheme")
        verbose_name_plural = _("per-mu evaluation schemes")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from}: {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from zonedesk.monitoring import permu

        problem = permu.scheme_problem(self.weights, self.cutoffs)
        if problem:
            raise ValidationError(problem)
