import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_name, validate_text
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
        WRITING = "writing", _("Storing")
        DONE = "done", _("Done")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    FINISHED = (State.DONE, State.REJECTED, State.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    zone = models.ForeignKey("org.Zone", on_delete=models.CASCADE, related_name="+")
    period = models.DateField(_("month"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)  # of the error report
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [sheet, row, column, value, reason]
    message = models.TextField(blank=True)

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
    def percent(self) -> int:
        """How far the job is, for the progress bar (reading 5, checking up to 80, writing 90)."""
        if self.finished:
            return 100
        if self.state == self.State.WRITING:
            return 90
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
    """

    zone = models.ForeignKey("org.Zone", on_delete=models.CASCADE, related_name="+")
    period = models.DateField(_("month"))
    summary = models.JSONField()
    firms = models.PositiveIntegerField(default=0)
    sum_output_value_wan = models.BigIntegerField(null=True)
    sum_revenue_wan = models.BigIntegerField(null=True)
    sum_electricity_kwh = models.BigIntegerField(null=True)
    sum_water_t = models.BigIntegerField(null=True)
    sum_employees = models.BigIntegerField(null=True)
    sum_export_value_wan = models.BigIntegerField(null=True)
    sum_orders_wan = models.BigIntegerField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

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
        ]

    def __str__(self) -> str:
        return f"{self.zone_id} {self.period:%Y-%m}"


class ZoneVersion(models.Model):
    """The version of what a zone's monitoring pages show (its figures, its annual target, its
    firms' registry entries): a random number replaced after every write that changes it
    (`monitoring.pagecache.changed`); part of the key the rendered pages are cached under, so
    a write in one process is seen by the next request in every other."""

    zone = models.OneToOneField(
        "org.Zone", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.zone_id} v{self.version}"


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


class FirmSize(models.Model):
    """A firm's above-size status (规模以上) for one statistical year: derived from its main
    business revenue of the year before against that year's threshold, or set by hand with a
    reason (the override wins). `above` is the effective value (the override when there is
    one); `Enterprise.above_designated_size` holds the effective value of the firm's latest
    year (policies' facts and their trigger read that column)."""

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
    above = models.BooleanField(_("above designated size"), default=False)
    newly_above = models.BooleanField(_("newly above size (新升规)"), default=False)
    computed_at = models.DateTimeField(auto_now=True)

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
        return f"{self.enterprise_id} {self.year}: {'above' if self.above else 'below'}"


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
        return f"{self.enterprise_id} {Period.of(self.period)} {self.rule}"


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
        return f"{self.kind} {self.number}"


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
        return f"{self.kind} {self.account_number} {self.period:%Y-%m}"

    @property
    def quantity(self) -> Decimal:
        return getattr(self, UTILITY_UNIT_FIELD[self.kind])


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
