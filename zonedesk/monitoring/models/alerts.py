"""Early warnings looked at (acknowledgements); the warnings themselves are computed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_text
from zonedesk.core.period import Period


class AlertAck(models.Model):
    """An early warning (monitoring.alerts) looked at: the firm's month, the rule, who and why.

    The warning itself is not stored (it is computed from the figures each time); an
    acknowledgement keeps the warning on the list, shown greyed with its note."""

    class Rule(models.TextChoices):
        YOY_DROP = "yoy_drop", _("Output down year on year")
        DECLINING = "declining", _("Three monthly declines")
        HALTED = "halted", _("Days halted")
        MISSING = "missing", _("Report missing")
        POWER_DRIFT = "power_drift", _("Output per kWh drifted")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="alert_acks",
    )
    period = models.DateField(_("month"))
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    note = models.TextField(_("note"), max_length=500, validators=[validate_text])
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("acknowledged"))

    class Meta:
        verbose_name = _("acknowledged warning")
        verbose_name_plural = _("acknowledged warnings")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period", "rule"], name="one_ack_per_firm_month_rule"
            )
        ]
        indexes = [models.Index(fields=["period", "enterprise"], name="alert_ack_month")]

    def __str__(self) -> str:
        # The firm's id first: the audit log puts the firm's name in its place.
        return f"{self.enterprise_id} {Period.of(self.period)} {self.get_rule_display()}"
