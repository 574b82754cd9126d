"""The power and water companies' readings per account, and the accounts on the firms."""

from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_name


# Utility data: the power and water companies' monthly readings per account, a second source
# beside the firms' own reports (monitoring.utility_imports reads their sheets).
class UtilityKind(models.TextChoices):
    POWER = "power", _("Electricity")
    WATER = "water", _("Water")


# The reading's column of each kind: kWh for power, tonnes for water (units in the names).
UTILITY_UNIT_FIELD = {UtilityKind.POWER: "electricity_kwh", UtilityKind.WATER: "water_t"}

account_number_validator = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z-]{0,31}$",
    _("An account number is 1 to 32 letters, digits or hyphens."),
)


class UtilityAccount(models.Model):
    """A firm's power (电) or water (水) account number (户号) at the utility company: how the
    companies' readings find the firm. One firm per number of a kind; edited as the firm's set
    under the firm's version (services.utility_accounts_set)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="utility_accounts",
    )
    kind = models.CharField(_("utility"), max_length=5, choices=UtilityKind.choices)
    number = models.CharField(
        _("account number"), max_length=32, validators=[account_number_validator]
    )

    class Meta:
        verbose_name = _("utility account")
        verbose_name_plural = _("utility accounts")
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="one_firm_per_utility_account")
        ]

    def __str__(self) -> str:
        if self.kind == UtilityKind.WATER:
            return _("Water account %(number)s") % {"number": self.number}
        return _("Power account %(number)s") % {"number": self.number}


class UtilityReading(models.Model):
    """One account's consumption in one month as the utility company reported it to the zone.

    `enterprise` is the firm holding the account number (none: not matched, kept so that the
    history joins the firm once the number is recorded on it). Exactly the kind's quantity is
    set: `electricity_kwh` for power, `water_t` for water."""

    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("utility"), max_length=5, choices=UtilityKind.choices)
    period = models.DateField(_("month"))
    account_number = models.CharField(
        _("account number"), max_length=32, validators=[account_number_validator]
    )
    account_name = models.CharField(
        _("account name"), max_length=200, blank=True, validators=[validate_name]
    )
    electricity_kwh = models.DecimalField(
        _("electricity (kWh)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    water_t = models.DecimalField(
        _("water (t)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="utility_readings",
    )

    class Meta:
        verbose_name = _("utility reading")
        verbose_name_plural = _("utility readings")
        ordering = ["period", "kind", "account_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "kind", "period", "account_number"],
                name="one_reading_per_account_month",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="power", electricity_kwh__gte=0, water_t__isnull=True)
                    | Q(kind="water", water_t__gte=0, electricity_kwh__isnull=True)
                ),
                name="reading_quantity_of_its_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "period", "enterprise"], name="utility_reading_month"),
            models.Index(fields=["zone", "kind", "account_number"], name="utility_reading_account"),
        ]

    def __str__(self) -> str:
        words = {"period": f"{self.period:%Y-%m}", "number": self.account_number}
        if self.kind == UtilityKind.WATER:
            return _("Water account %(number)s %(period)s") % words
        return _("Power account %(number)s %(period)s") % words

    @property
    def quantity(self) -> Decimal:
        return getattr(self, UTILITY_UNIT_FIELD[self.kind])
