"""The key project itself: its firm, zone, kind, investment and the people in charge."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zonedesk.core.fields import CreditCodeField, IndustryCodeField, validate_name
from zonedesk.core.models import Versioned
from zonedesk.projects.models.templates import Kind

__all__ = [
    "Project",
]


class Project(Versioned):
    """A key project of a zone."""

    # The firm the audit log files its entries under (org.selectors.firm_paths): its investor,
    # or the new investor's name while it is not yet in the register.
    AUDIT_FIRM = "investor"
    AUDIT_FIRM_NAME = "investor_name"

    class Level(models.TextChoices):
        PROVINCE = "province", _("Provincial key project")
        CITY = "city", _("City key project")
        COUNTY = "county", _("County key project")

    class State(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("project state", "Under way")
        PRODUCING = "producing", pgettext_lazy("project state", "In production")
        FULL = "full", pgettext_lazy("project state", "At full production")

    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="projects"
    )
    code = models.CharField(_("project code"), max_length=32, validators=[validate_name])
    name = models.CharField(_("project name"), max_length=200, validators=[validate_name])
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    investor = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("investor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # A new investor not yet in the registry: its name, and its credit code when known.
    investor_name = models.CharField(
        _("investor name"), max_length=200, blank=True, validators=[validate_name]
    )
    investor_credit_code = CreditCodeField(_("investor's credit code"), blank=True)
    # The project's industry (GB/T 4754-2017), as the registry's firms carry theirs: the firm
    # 投产 registers gets it.
    industry_code = IndustryCodeField(_("industry (GB/T 4754-2017)"), blank=True)
    site = models.CharField(
        _("site (parcel)"), max_length=200, blank=True, validators=[validate_name]
    )
    site_area_mu = models.DecimalField(
        _("site area (mu)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    total_investment_wan = models.DecimalField(
        _("total investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    yearly_investment_wan = models.DecimalField(
        _("planned investment this year (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    expected_output_wan = models.DecimalField(
        _("expected annual output at full production (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    expected_tax_wan = models.DecimalField(
        _("expected annual tax at full production (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # A month, stored as its first day (core.period.Period).
    first_production_month = models.DateField(_("planned month of first production"))
    leading_cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leading cadre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_projects",
    )
    service_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="served_projects",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    signed_on = models.DateField(_("signed on"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        ordering = ["zone", "code"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "code"], name="projects_project_code"),
            # An investor is a firm of the registry or a name (a new firm).
            models.CheckConstraint(
                condition=Q(investor__isnull=False) | ~Q(investor_name=""),
                name="projects_project_has_investor",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def investor_label(self) -> str:
        return self.investor.name if self.investor_id else self.investor_name

    @property
    def industry(self):
        """The project's GB/T 4754 class (core.industry), when it has one."""
        from zonedesk.core import industry

        return industry.get(self.industry_code) if self.industry_code else None
