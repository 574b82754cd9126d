"""A project's monthly investment (completed fixed-asset investment) as reported."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zonedesk.core.models import Versioned
from zonedesk.projects.models.project import Project

__all__ = [
    "MonthlyInvestment",
]


class MonthlyInvestment(Versioned):
    """A project's planned and completed investment of one month (万元), entered on the
    project's page or imported from a sheet; the year's figures add them up (investment.py)."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("key project"),
        on_delete=models.CASCADE,
        related_name="investments",
    )
    # A month, stored as its first day (core.period.Period).
    month = models.DateField(_("month"))
    planned_wan = models.DecimalField(
        _("planned investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    done_wan = models.DecimalField(
        _("completed investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly investment")
        verbose_name_plural = _("monthly investments")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="projects_invest_month"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.month:%Y-%m}"
