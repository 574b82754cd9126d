"""Drafts of the work summary: the document built from the data for a zone or an area and a
period, that an official edits before sending, each save a new version (who, when, the text).

The frame (issuer, date, annex tables and charts, the data's as-of time) is kept as it was built;
the versions hold the title and the body, whose figures stay marked (reports.drafts)."""

from django.conf import settings
from django.core.exceptions import ValidationError
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


# A generated summary is a few hundred KiB (the demo zone's half year: ~90 KiB docx, ~300 KiB
# PDF); a file above this cap means something went wrong, and is refused rather than stored.
MONTHLY_FILE_MAX_BYTES = 20 * 2**20
validate_month = RegexValidator(
    r"^\d{4}-(0[1-9]|1[0-2])$", _("A month is written 2020-06."), code="month"
)


def validate_file_size(value) -> None:
    if value.size > MONTHLY_FILE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MiB; a generated summary may be at most %(max)d MiB."),
            code="file_size",
            params={"size": f"{value.size / 2**20:.1f}", "max": MONTHLY_FILE_MAX_BYTES // 2**20},
        )


def monthly_file_path(instance: "MonthlySummary", filename: str) -> str:
    """summaries/<zone>/<period>/<file>: one folder per zone and month under MEDIA_ROOT."""
    return f"summaries/{instance.zone.code}/{instance.period}/{filename}"


class MonthlySummary(models.Model):
    """The work summary of a zone's month, generated on the first working day of the next month
    (`zonedesk report schedule`) as .docx and PDF, and offered on the leader's dashboard."""

    zone = models.ForeignKey(
        "org.Zone", on_delete=models.PROTECT, related_name="+", verbose_name=_("zone")
    )
    period = models.CharField(_("month"), max_length=7, validators=[validate_month])
    docx = models.FileField(
        _("editable document"), upload_to=monthly_file_path, validators=[validate_file_size]
    )
    pdf = models.FileField(
        _("fixed-layout document"), upload_to=monthly_file_path, validators=[validate_file_size]
    )
    generated_at = models.DateTimeField(_("generated at"), default=timezone.now)
    as_of = models.DateTimeField(_("data as of"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly work summary")
        verbose_name_plural = _("monthly work summaries")
        ordering = ["-period", "zone"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "period"], name="monthly_summary_once")
        ]

    def __str__(self) -> str:
        return f"{self.zone.name} {self.period}"
