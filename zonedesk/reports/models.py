"""Drafts of the work summary: the document built from the data for a zone or an area and a
period, that an official edits before sending, each save a new version (who, when, the text).

The frame (issuer, date, annex tables and charts, the data's as-of time) is kept as it was built;
the versions hold the title and the body, whose figures stay marked (reports.drafts)."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_name
from zonedesk.core.models import Versioned

# The periods reports.summary builds: a month, a quarter, a half-year or a year.
validate_period = RegexValidator(
    r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|H[12]))?$",
    _("A period is written 2020, 2020-H1, 2020-Q2 or 2020-06."),
    code="period",
)
LANGUAGES = [("zh", "中文"), ("en", "English")]


class SummaryDraft(Versioned):
    """One draft per zone or area, period and language; `version` is its latest version's
    number (a save names the one it edited: no lost update)."""

    zone = models.ForeignKey(
        "org.Zone",
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    area = models.ForeignKey(
        "org.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    period = models.CharField(_("period"), max_length=10, validators=[validate_period])
    lang = models.CharField(_("language"), max_length=8, choices=LANGUAGES)
    frame = models.JSONField(_("frame"), default=dict)  # reports.drafts.dump_frame
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("summary draft")
        verbose_name_plural = _("summary drafts")
        constraints = [
            models.CheckConstraint(
                condition=Q(zone__isnull=False, area__isnull=True)
                | Q(zone__isnull=True, area__isnull=False),
                name="summary_draft_zone_or_area",
            ),
            models.UniqueConstraint(
                fields=["zone", "period", "lang"],
                condition=Q(zone__isnull=False),
                name="summary_draft_one_per_zone_period",
            ),
            models.UniqueConstraint(
                fields=["area", "period", "lang"],
                condition=Q(area__isnull=False),
                name="summary_draft_one_per_area_period",
            ),
        ]

    def __str__(self) -> str:
        scope = self.zone.name if self.zone_id else self.area.name
        return f"{scope} {self.period} ({self.lang})"


class SummaryDraftVersion(models.Model):
    """A saved state of a draft: its title and body (blocks as reports.drafts.dump_blocks)."""

    draft = models.ForeignKey(
        SummaryDraft,
        verbose_name=_("summary draft"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200, validators=[validate_name])
    blocks = models.JSONField(_("body"), default=list)
    removed = models.JSONField(_("figures removed"), default=list)  # keys the edit deleted
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("summary draft version")
        verbose_name_plural = _("summary draft versions")
        ordering = ["draft", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "number"], name="summary_draft_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.draft} v{self.number}"
