"""Investment leads (招商线索): a target company the zone courts, from first contact to a signed
key project and a producing firm.

A lead has one owner (and the owner's department), a stage on chain.leads_flows.LEAD (线索 →
接洽 → 考察 → 洽谈 → 签约 → 落地, plus paused and dropped with a reason), the next action with
its due date, an activity log, and the numbers it promises (investment, jobs, annual output).
Signing creates a key project (projects.services), linked by `project`; a duplicate merged into
another lead keeps its row, marked `merged_into`, with its activities and events moved over.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zonedesk.core.fields import CreditCodeField, IndustryCodeField, validate_name, validate_text
from zonedesk.core.models import Versioned
from zonedesk.core.workflow import TransitionEvent

__all__ = ["Lead", "LeadActivity", "LeadEvent", "LeadRegion", "LeadSource"]


class LeadRegion(models.TextChoices):
    YANGTZE_DELTA = "yangtze", _("Yangtze River Delta (长三角)")
    PEARL_DELTA = "pearl", _("Pearl River Delta (珠三角)")
    JING_JIN_JI = "jjj", _("Beijing–Tianjin–Hebei (京津冀)")
    CHENGYU = "chengyu", _("Chengdu–Chongqing (成渝)")
    OTHER = "other", _("Other regions")


class LeadSource(models.TextChoices):
    EXHIBITION = "exhibition", _("Exhibition or fair")
    INTRODUCED = "introduced", _("Introduced by a local firm (以商招商)")
    OFFICE = "office", _("Resident investment office")
    AGENT = "agent", _("Commissioned agent")
    ONLINE = "online", _("Online")


class Lead(Versioned):
    """A target company the zone courts for an investment."""

    class Stage(models.TextChoices):
        LEAD = "lead", pgettext_lazy("lead stage", "Lead")
        CONTACT = "contact", pgettext_lazy("lead stage", "Contacted")
        VISIT = "visit", pgettext_lazy("lead stage", "Site visit")
        NEGOTIATION = "negotiation", pgettext_lazy("lead stage", "Negotiation")
        SIGNED = "signed", pgettext_lazy("lead stage", "Signed")
        LANDED = "landed", pgettext_lazy("lead stage", "Landed")
        PAUSED = "paused", pgettext_lazy("lead stage", "Paused")
        DROPPED = "dropped", pgettext_lazy("lead stage", "Dropped")

    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("zone"), on_delete=models.PROTECT, related_name="leads"
    )
    name = models.CharField(_("target company"), max_length=200, validators=[validate_name])
    credit_code = CreditCodeField(_("unified social credit code"), blank=True)
    region = models.CharField(_("region"), max_length=10, choices=LeadRegion.choices)
    industry_code = IndustryCodeField(_("industry (GB/T 4754-2017)"), blank=True)
    gap_node = models.ForeignKey(
        "chain.ChainNode",
        verbose_name=_("chain node it would fill"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    source = models.CharField(_("source"), max_length=12, choices=LeadSource.choices)
    introducer = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("introduced by (local firm)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="introduced_leads",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_leads",
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owning department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
    )
    stage = models.CharField(
        _("stage"), max_length=12, choices=Stage.choices, default=Stage.LEAD, db_index=True
    )
    # The stage before a pause, so a resumed lead goes back where it was.
    paused_from = models.CharField(_("paused at"), max_length=12, blank=True, choices=Stage.choices)
    drop_reason = models.TextField(
        _("reason dropped"), blank=True, max_length=1000, validators=[validate_text]
    )
    next_action = models.CharField(
        _("next action"), max_length=200, blank=True, validators=[validate_name]
    )
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    investment_wan = models.DecimalField(
        _("estimated investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True)
    output_wan = models.DecimalField(
        _("expected annual output (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.TextField(_("note"), blank=True, max_length=2000, validators=[validate_text])
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("key project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The day the lead entered its stage (for the time in each stage) and of its last activity
    # (for the stale flag): kept by the services, so lists need no subquery.
    stage_since = models.DateField(_("in this stage since"), default=timezone.localdate)
    last_activity_on = models.DateField(_("last activity"), null=True, blank=True)

    class Meta:
        verbose_name = _("investment lead")
        verbose_name_plural = _("investment leads")
        ordering = ["zone", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(stage="dropped") | ~Q(drop_reason=""),
                name="chain_lead_dropped_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["zone", "stage"]),
            models.Index(fields=["credit_code"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        """Still worked (线索 to 洽谈, or paused): only an open lead has a next action that
        counts, and may be overdue; a signed, landed, dropped or merged lead has none."""
        return self.merged_into_id is None and self.stage in (
            self.Stage.LEAD,
            self.Stage.CONTACT,
            self.Stage.VISIT,
            self.Stage.NEGOTIATION,
            self.Stage.PAUSED,
        )


class LeadActivity(models.Model):
    """One piece of work on a lead: a call, a visit, a meeting, a delegation."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        MEETING = "meeting", _("Meeting")
        DELEGATION = "delegation", _("Delegation")

    lead = models.ForeignKey(
        Lead, verbose_name=_("investment lead"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), max_length=2000, validators=[validate_text])
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_name = models.CharField(
        _("user name"), max_length=150, blank=True, validators=[validate_name]
    )
    # The lead it was recorded on, when a merge moved it here.
    moved_from = models.ForeignKey(
        Lead,
        verbose_name=_("moved from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("lead activity")
        verbose_name_plural = _("lead activities")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.get_kind_display()} {self.on}"


class LeadEvent(TransitionEvent):
    """One move of a lead along its stages (and a merge), stamped with who and when."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("investment lead"), on_delete=models.CASCADE, related_name="events"
    )
    # The lead whose history this was, when a merge moved it here.
    moved_from = models.ForeignKey(
        Lead,
        verbose_name=_("moved from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(TransitionEvent.Meta):
        verbose_name = _("lead event")
        verbose_name_plural = _("lead events")

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_state} → {self.to_state}"
