"""Casework (一企一员、一企一策): firms' problems tracked to resolution, contacts and contact plans.

The way of a problem is declared in flows.py and walked by services; these are the tables and
their constraints.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zonedesk.core.fields import validate_name, validate_text
from zonedesk.core.models import Versioned
from zonedesk.core.workflow import TransitionEvent


class CalendarDay(models.Model):
    """A day that is not what its weekday says: a public holiday, or a make-up working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday (day off)")
        WORKDAY = "workday", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, validators=[validate_name])

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class Contact(models.Model):
    """A visit or call: who talked with the firm, when, what was seen and what follows."""

    class Kind(models.TextChoices):
        ON_SITE = "on_site", _("Visit on site")
        PHONE = "phone", _("Phone call")
        ONLINE = "online", _("Online")
        FIRM_CAME = "firm_came", _("The firm came in")

    # Kinds that count as a visit for a contact plan (every kind counts as a call).
    VISIT_KINDS = (Kind.ON_SITE, Kind.FIRM_CAME)

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="case_contacts",
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants"),
        blank=True,
        related_name="case_contacts",
    )
    notes = models.TextField(_("notes"), blank=True, validators=[validate_text])
    figures_seen = models.TextField(_("figures seen"), blank=True, validators=[validate_text])
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact with a firm")
        verbose_name_plural = _("contacts with firms")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["enterprise", "date"])]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.enterprise_id}"


class ContactPlan(Versioned):
    """How often a firm is visited and called; firms at risk are contacted twice as often."""

    enterprise = models.OneToOneField(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="contact_plan",
    )
    visit_every_days = models.PositiveSmallIntegerField(
        _("visit every (days)"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    call_every_days = models.PositiveSmallIntegerField(
        _("call every (days)"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    at_risk = models.BooleanField(_("at risk"), default=False)
    leading_cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leading cadre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_contact_plans",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("contact plan")
        verbose_name_plural = _("contact plans")

    def __str__(self) -> str:
        return str(self.enterprise)


class Problem(models.Model):
    """A firm's problem (诉求), from the firm or heard on a visit, followed until the firm says
    it is solved."""

    class Category(models.TextChoices):
        LAND = "land", _("Land and planning")
        FINANCE = "finance", _("Working capital and financing")
        LOGISTICS = "logistics", _("Logistics")
        LABOUR = "labour", _("Labour and recruitment")
        HOME_MARKET = "home_market", _("Home market")
        EXPORT = "export", _("Export and orders")
        ENERGY = "energy", _("Energy and utilities")
        PERMITS = "permits", _("Permits and approvals")
        POLICY = "policy", _("Policy")
        OTHER = "other", _("Other")

    class Via(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone")
        ONLINE = "online", _("Online")
        FIRM = "firm", _("Raised by the firm")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("problem status", "Submitted")
        ACCEPTED = "accepted", _("Accepted")
        IN_PROGRESS = "in_progress", _("In progress")
        REPLIED = "replied", _("Replied")
        RESOLVED = "resolved", _("Resolved")
        CONFIRMED = "confirmed", _("Confirmed by the firm")
        REOPENED = "reopened", _("Reopened")
        TRANSFERRED = "transferred", _("Transferred")
        CLOSED_UNSOLVABLE = "closed_unsolvable", _("Closed as not solvable")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="problems",
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    title = models.CharField(
        pgettext_lazy("of a problem", "title"), max_length=200, validators=[validate_name]
    )
    description = models.TextField(_("description"), blank=True, validators=[validate_text])
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_via = models.CharField(_("raised via"), max_length=8, choices=Via.choices)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("raised during"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="problems",
    )
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.NORMAL
    )
    anonymous = models.BooleanField(_("quote without the firm's name"), default=False)
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_problems",
    )
    status = models.CharField(
        _("status"), max_length=17, choices=Status.choices, default=Status.SUBMITTED
    )
    due_at = models.DateField(_("current step due"), null=True, blank=True)
    # Set with due_at: a year the deadline spans had no official arrangement (neither the
    # chinese-calendar package nor the admin's days), so it was counted on ordinary weeks.
    due_uncertain = models.BooleanField(
        _("due date counted on ordinary weeks"),
        default=False,
        help_text=_(
            "That year's public holiday arrangement had not been entered when the due date "
            "was computed."
        ),
    )
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    extended = models.BooleanField(_("extended"), default=False)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    # The first acceptance: when the administration first responded (on every problem).
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # The round-the-clock clock (7x24), in hours, set only on a problem raised with one (a key
    # project's service request): respond and resolve by these instants, nights and weekends
    # counted like any hour. The working-day deadline (due_at) runs beside it.
    respond_by = models.DateTimeField(_("respond by"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("resolve by"), null=True, blank=True)
    # The officer who follows the problem besides the firm's liaison officer (a key project's
    # service officer): takes the officer's steps, and on the round-the-clock clock records
    # the department's steps as they are reported.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer following it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followed_problems",
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    firm_comment = models.TextField(_("firm's comment"), blank=True, validators=[validate_text])
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["enterprise", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="casework_problem_satisfaction_1_5",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProblemEvent(TransitionEvent):
    """One step of a problem, stamped with who and when (never changed).

    `move` is the step taken: a status, or "extended" / "escalated", which keep the status;
    `reason` is the reply, reason or note written with it.
    """

    problem = models.ForeignKey(
        Problem,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("problem"),
    )
    # The statuses' names on the history and in the admin.
    from_state = models.CharField(
        _("from"), max_length=20, choices=Problem.Status.choices, blank=True
    )
    to_state = models.CharField(_("to"), max_length=20, choices=Problem.Status.choices)
    reason = models.TextField(_("reason or note"), blank=True, validators=[validate_text])

    class Meta(TransitionEvent.Meta):
        verbose_name = _("problem event")
        verbose_name_plural = _("problem events")

    def __str__(self) -> str:
        return f"{self.problem_id}: {self.from_state} → {self.to_state} ({self.move})"


class PlanAction(models.Model):
    """One action of a firm's own plan (一企一策): what the zone does for it, who, by when; tied
    to one of its problems or to a measure it qualifies for, when it comes from one."""

    class Kind(models.TextChoices):
        PROBLEM = "problem", _("Solve a problem")
        POLICY = "policy", _("Deliver a support measure")
        FINANCING = "financing", _("Financing")
        LAND = "land", _("Land or premises")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="plan_actions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("action"), max_length=200, validators=[validate_name])
    problem = models.ForeignKey(
        Problem,
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    measure = models.ForeignKey(
        "policies.Measure",
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="plan_actions",
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["status", "due_on", "id"]

    def __str__(self) -> str:
        return self.title
