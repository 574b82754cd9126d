"""Monthly figures, their steps, the zone's target, imports and the kept summaries."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zonedesk.core.models import Versioned
from zonedesk.core.period import Period
from zonedesk.core.workflow import TransitionEvent
from zonedesk.monitoring.figures import SPECS
from zonedesk.monitoring.indicators import MEASURES


def _range(name: str) -> list:
    return [MinValueValidator(0), MaxValueValidator(SPECS[name].maximum)]


# Triggers zd_match_figure_insert / _update / _delete (policies, migrations 0003-0005) count
# every inserted or deleted figure and every update of `enterprise_id`, `period` or a column the
# eligibility facts read (monitoring.columnar.MONTH_COLUMNS and SUM_COLUMNS), marking the firm
# for a re-match (policies.models.MatchState). A fact reading another column, or a rename of
# one of these, needs the trigger to follow (tests/policies/test_triggers.py fails until it does).
class MonthlyFigure(Versioned):
    """One firm's figures for one month (`period` is the month's first day)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CONFIRMED = "confirmed", _("Confirmed")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="monthly_figures",
    )
    period = models.DateField(_("month"))
    output_value_wan = models.DecimalField(
        _("output value (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        validators=_range("output_value_wan"),
    )
    revenue_wan = models.DecimalField(
        _("main business revenue (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_range("revenue_wan"),
    )
    electricity_kwh = models.BigIntegerField(
        _("electricity (kWh)"), null=True, blank=True, validators=_range("electricity_kwh")
    )
    water_t = models.BigIntegerField(
        _("water (t)"), null=True, blank=True, validators=_range("water_t")
    )
    employees = models.PositiveIntegerField(
        _("employees at month end"), validators=_range("employees")
    )
    days_halted = models.PositiveSmallIntegerField(
        _("days halted"), default=0, validators=_range("days_halted")
    )
    export_value_wan = models.DecimalField(
        _("export delivery value (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_range("export_value_wan"),
    )
    orders_wan = models.DecimalField(
        _("orders on hand (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_range("orders_wan"),
    )
    capacity_utilisation_pct = models.DecimalField(
        _("capacity utilisation (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_range("capacity_utilisation_pct"),
    )
    tax_wan = models.DecimalField(
        _("tax paid (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_range("tax_wan"),
    )
    energy_tce = models.DecimalField(
        _("energy use (tce)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=_range("energy_tce"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        ordering = ["period", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "period"], name="one_figure_per_firm_month"
            ),
            models.CheckConstraint(condition=Q(days_halted__lte=31), name="days_halted_in_month"),
            models.CheckConstraint(
                condition=Q(output_value_wan__gte=0), name="output_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["period", "enterprise"])]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {Period.of(self.period)}"

    @property
    def month(self) -> Period:
        return Period.of(self.period)


class FigureEvent(TransitionEvent):
    """One step of a firm's month along monitoring.flows.FIGURE_FLOW: reported (the first time
    from no state), corrected, confirmed. Written by every path that stores figures (the form,
    the API, the month's import, confirming one by one or in bulk)."""

    figure = models.ForeignKey(
        MonthlyFigure,
        verbose_name=_("monthly figures"),
        on_delete=models.CASCADE,
        related_name="events",
    )

    class Meta(TransitionEvent.Meta):
        verbose_name = _("step of monthly figures")
        verbose_name_plural = _("steps of monthly figures")


class AnnualTarget(Versioned):
    """The zone's output growth target for a year (e.g. 8 %), the base of the recovery rates."""

    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.CASCADE, related_name="targets"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    output_growth_pct = models.DecimalField(
        _("output growth target (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("-99.99")), MaxValueValidator(500)],
    )

    class Meta:
        verbose_name = _("annual target")
        verbose_name_plural = _("annual targets")
        constraints = [
            models.UniqueConstraint(fields=["zone", "year"], name="one_target_per_zone_year")
        ]

    def __str__(self) -> str:
        return _("%(zone)s's target for %(year)d") % {"zone": self.zone, "year": self.year}


class ImportJob(models.Model):
    """An uploaded month's sheet being checked and stored in the background, with its progress.

    The file is kept in the row until the job ends (then dropped): one table, no shared disk
    between the web process and the worker.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        READING = "reading", _("Reading the file")
        CHECKING = "checking", _("Checking")
        PREVIEWED = "previewed", _("Waiting for your confirmation")
        WRITING = "writing", _("Storing")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINISHED = (State.DONE, State.REJECTED, State.FAILED, State.CANCELLED)

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    zone = models.ForeignKey(
        "org.Zone",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("zone"),
    )
    period = models.DateField(_("month"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.BinaryField(_("file"), blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)  # of the error report
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(_("rows in all"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    created = models.PositiveIntegerField(_("firms added"), default=0)
    updated = models.PositiveIntegerField(_("firms changed"), default=0)
    unchanged = models.PositiveIntegerField(_("firms unchanged"), default=0)
    errors = models.JSONField(
        _("errors"), default=list, blank=True
    )  # [sheet, row, column, value, reason]
    message = models.TextField(_("message"), blank=True)
    # The file is first checked and compared with the stored month (`preview`: the counts, the
    # overwritten months with their old and new figures, the stored months' fingerprint); it is
    # written only once the uploader confirms (`confirmed_at`), against that fingerprint.
    # `firms`: the firms created, updated and unchanged, by name (the first IMPORT_FIRMS_KEPT
    # of each).
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    firms = models.JSONField(_("firms by name"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import of monthly figures")
        verbose_name_plural = _("imports of monthly figures")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.zone_id} {self.period:%Y-%m} {self.state}"

    @property
    def finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def working(self) -> bool:
        """Being read, checked or stored (the page polls), not waiting for the uploader."""
        return not self.finished and self.state != self.State.PREVIEWED

    @property
    def percent(self) -> int:
        """How far the job is, for the progress bar (reading 5, checking up to 80, writing 90)."""
        if self.finished:
            return 100
        if self.state == self.State.WRITING:
            return 90
        if self.state == self.State.PREVIEWED:
            return 80
        if self.state == self.State.CHECKING and self.rows_total:
            return 5 + 75 * self.rows_done // self.rows_total
        return 5 if self.state == self.State.READING else 0


class ZoneMonth(models.Model):
    """A zone's month summarised (derived data, kept by `monitoring.rollups` whenever figures are
    written): what the area and province pages add up instead of reading every firm's rows.

    `summary` is `indicators.summary_to_json` of the zone's month against the same month last
    year and the month before. `firms` and the `sum_*` columns are the month's totals over the
    firms that reported it, for the trend and year-to-date series: each figure's Σ in its
    smallest stored unit (a hundredth of 10k yuan for money, the figure itself otherwise), as
    whole numbers that the database adds up exactly across zones (SQLite's decimals are floats);
    null where no firm gave the figure.

    `base_*` are each figure's Σ a year earlier over the firms that gave it this month (a firm
    without last year's figure adds 0: `Aggregate.last_year`), in the same units: with `sum_*`
    they are the year to date of an area, month by month, on one rule for missing reports.
    `unconfirmed` counts the month's reports submitted but not confirmed (快报/审定), and
    `halted_firms`, `halted_days` (with `halted_listed`, [[firm id, days], …] when no more than
    indicators.HALTED_FIRMS_LISTED firms) are the month's average days halted of January to the
    month (indicators.halted_days), so an area adds up its zones' instead of reading the rows.
    Null: a summary kept before these columns existed, read from the rows instead.
    """

    zone = models.ForeignKey(
        "org.Zone",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("zone"),
    )
    period = models.DateField(_("month"))
    summary = models.JSONField(_("summary"))
    firms = models.PositiveIntegerField(_("firms reporting"), default=0)
    sum_output_value_wan = models.BigIntegerField(_("total output value"), null=True)
    sum_revenue_wan = models.BigIntegerField(_("total revenue"), null=True)
    sum_electricity_kwh = models.BigIntegerField(_("total electricity"), null=True)
    sum_water_t = models.BigIntegerField(_("total water"), null=True)
    sum_employees = models.BigIntegerField(_("total employees"), null=True)
    sum_export_value_wan = models.BigIntegerField(_("total export value"), null=True)
    sum_orders_wan = models.BigIntegerField(_("total orders in hand"), null=True)
    base_output_value_wan = models.BigIntegerField(_("output value a year earlier"), null=True)
    base_revenue_wan = models.BigIntegerField(_("revenue a year earlier"), null=True)
    base_electricity_kwh = models.BigIntegerField(_("electricity a year earlier"), null=True)
    base_water_t = models.BigIntegerField(_("water a year earlier"), null=True)
    base_employees = models.BigIntegerField(_("employees a year earlier"), null=True)
    base_export_value_wan = models.BigIntegerField(_("export value a year earlier"), null=True)
    base_orders_wan = models.BigIntegerField(_("orders in hand a year earlier"), null=True)
    # 可比口径 of the month (the comparable year to date adds them up): Σ this month and a year
    # earlier over the firms that gave the figure in both months, new firms left out
    # (`Aggregate.comparable_current`, `comparable_last_year`), in the same units; null: kept
    # before migration 0021, read from the rows instead.
    cmp_output_value_wan = models.BigIntegerField(_("comparable output value"), null=True)
    cmp_revenue_wan = models.BigIntegerField(_("comparable revenue"), null=True)
    cmp_electricity_kwh = models.BigIntegerField(_("comparable electricity"), null=True)
    cmp_water_t = models.BigIntegerField(_("comparable water"), null=True)
    cmp_employees = models.BigIntegerField(_("comparable employees"), null=True)
    cmp_export_value_wan = models.BigIntegerField(_("comparable export value"), null=True)
    cmp_orders_wan = models.BigIntegerField(_("comparable orders in hand"), null=True)
    cmp_base_output_value_wan = models.BigIntegerField(
        _("comparable output value a year earlier"), null=True
    )
    cmp_base_revenue_wan = models.BigIntegerField(_("comparable revenue a year earlier"), null=True)
    cmp_base_electricity_kwh = models.BigIntegerField(
        _("comparable electricity a year earlier"), null=True
    )
    cmp_base_water_t = models.BigIntegerField(_("comparable water a year earlier"), null=True)
    cmp_base_employees = models.BigIntegerField(_("comparable employees a year earlier"), null=True)
    cmp_base_export_value_wan = models.BigIntegerField(
        _("comparable export value a year earlier"), null=True
    )
    cmp_base_orders_wan = models.BigIntegerField(
        _("comparable orders in hand a year earlier"), null=True
    )
    unconfirmed = models.PositiveIntegerField(_("reports not confirmed"), null=True)
    halted_firms = models.PositiveIntegerField(_("firms halted"), null=True)
    halted_days = models.BigIntegerField(_("days halted"), null=True)
    halted_listed = models.JSONField(_("halted firms listed"), null=True)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("zone month summary")
        verbose_name_plural = _("zone month summaries")
        constraints = [
            models.UniqueConstraint(fields=["zone", "period"], name="one_summary_per_zone_month")
        ]
        indexes = [
            # Covering the totals: the months' sums are read from the index alone, never
            # through the rows' large summaries (which SQLite would page through).
            models.Index(
                fields=["period", "zone", "firms", *(f"sum_{m}" for m in MEASURES)],
                name="zone_month_totals",
            ),
            # The same for the year to date: this year's and last year's sums of the months,
            # headline and comparable (31 columns: PostgreSQL takes up to 32).
            models.Index(
                fields=[
                    "period",
                    "zone",
                    "unconfirmed",
                    *(f"sum_{m}" for m in MEASURES),
                    *(f"base_{m}" for m in MEASURES),
                    *(f"cmp_{m}" for m in MEASURES),
                    *(f"cmp_base_{m}" for m in MEASURES),
                ],
                name="zone_month_ytd_comparable",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.zone_id} {self.period:%Y-%m}"


class ZoneVersion(models.Model):
    """The version of what a zone's monitoring pages show (its figures, its annual target, its
    firms' registry entries): a random number replaced after every write that changes it
    (`monitoring.pagecache.changed`); part of the key the rendered pages are cached under, so
    a write in one process is seen by the next request in every other."""

    zone = models.OneToOneField(
        "org.Zone",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("zone"),
    )
    version = models.PositiveBigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("zone page version")
        verbose_name_plural = _("zone page versions")

    def __str__(self) -> str:
        return f"{self.zone_id} v{self.version}"
