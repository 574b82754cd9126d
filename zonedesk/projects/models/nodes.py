"""A project's nodes with their events, the re-plans of their dates with theirs, and the
notices of a node's light."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_name, validate_text
from zonedesk.core.models import Versioned
from zonedesk.core.workflow import TransitionEvent
from zonedesk.projects import templates_default
from zonedesk.projects.models.project import Project
from zonedesk.projects.models.templates import MAX_WARN_DAYS

__all__ = [
    "NodeEvent",
    "NodeLightNotice",
    "ProjectNode",
    "Replan",
    "ReplanEvent",
]


class ProjectNode(Versioned):
    """One node of a project: planned (the baseline and the current plan), done, by whom."""

    AUDIT_FIRM = "project__investor"
    AUDIT_FIRM_NAME = "project__investor_name"

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("project node", "Open")
        DONE = "done", pgettext_lazy("project node", "Done")

    project = models.ForeignKey(
        Project, verbose_name=_("key project"), on_delete=models.CASCADE, related_name="nodes"
    )
    seq = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=50, validators=[validate_name])
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("waits for"), symmetrical=False, blank=True, related_name="+"
    )
    baseline_on = models.DateField(_("baseline date"))
    planned_on = models.DateField(_("planned date"))
    done_on = models.DateField(_("actual date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("department in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_nodes",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person in charge"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="project_nodes",
    )
    # Its template node's own warning when it had one (yellow this many working days before
    # the planned date); empty: the zone's setting. Read by every light (selectors.Lighter).
    warn_days = models.PositiveSmallIntegerField(
        _("yellow warning (working days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_WARN_DAYS)],
    )
    # The guarantee item the node waits for: its delay is the item's and its department's.
    blocked_by = models.ForeignKey(
        "projects.Guarantee",
        verbose_name=_("blocked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="blocked_nodes",
    )

    class Meta:
        verbose_name = _("project node")
        verbose_name_plural = _("project nodes")
        ordering = ["project", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="projects_node_code"),
            models.CheckConstraint(
                condition=Q(status="open", done_on__isnull=True)
                | Q(status="done", done_on__isnull=False),
                name="projects_node_done_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "planned_on"]),
            # The dashboard's per-project lookups (projects.selectors.dashboard): a project's
            # earliest open node, and its furthest done one.
            models.Index(fields=["project", "status", "planned_on"], name="projects_node_lights"),
            models.Index(fields=["project", "status", "seq"], name="projects_node_stage"),
            # The few nodes with a warning of their own (the lights' SQL asks for their values).
            models.Index(
                fields=["warn_days"],
                condition=Q(warn_days__isnull=False),
                name="projects_node_own_warn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.name}"

    @property
    def label(self) -> str:
        """The node's name as the page shows it: a default node's name in English when English
        is active (templates_default.ENGLISH), else its name as stored."""
        if (get_language() or "").startswith("en"):
            return templates_default.ENGLISH.get(self.name, self.name)
        return self.name

    @property
    def replanned(self) -> bool:
        return self.planned_on != self.baseline_on


class NodeEvent(TransitionEvent):
    """One move of a node (completed), stamped with who and when."""

    node = models.ForeignKey(
        ProjectNode, verbose_name=_("project node"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(TransitionEvent.Meta):
        verbose_name = _("project node event")
        verbose_name_plural = _("project node events")

    def __str__(self) -> str:
        return f"{self.node_id}: {self.from_state} → {self.to_state}"


class Replan(models.Model):
    """A request to move a node's planned date, with its reason, decided by a leader."""

    AUDIT_FIRM = "node__project__investor"
    AUDIT_FIRM_NAME = "node__project__investor_name"

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", pgettext_lazy("re-plan", "Refused")

    node = models.ForeignKey(
        ProjectNode,
        verbose_name=_("project node"),
        on_delete=models.CASCADE,
        related_name="replans",
    )
    from_on = models.DateField(_("planned date before"))
    to_on = models.DateField(_("new planned date"))
    reason = models.TextField(_("reason"), validators=[validate_text])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(
        _("note on the decision"), blank=True, validators=[validate_text]
    )

    class Meta:
        verbose_name = _("re-plan")
        verbose_name_plural = _("re-plans")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One re-plan of a node waits at a time.
            models.UniqueConstraint(
                fields=["node"],
                condition=Q(status="requested"),
                name="projects_replan_one_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.node} {self.from_on} → {self.to_on}"


class ReplanEvent(TransitionEvent):
    replan = models.ForeignKey(
        Replan, verbose_name=_("re-plan"), on_delete=models.CASCADE, related_name="events"
    )

    class Meta(TransitionEvent.Meta):
        verbose_name = _("re-plan event")
        verbose_name_plural = _("re-plan events")

    def __str__(self) -> str:
        return f"{self.replan_id}: {self.from_state} → {self.to_state}"


class NodeLightNotice(models.Model):
    """A node's light change told to its people (`zonedesk projects remind`): written once per
    node, light and planned date, so a daily run tells of a yellow or a red node once, and again
    only when its light changes (yellow, then red) or a re-plan moves its date and it turns yellow
    or red anew. The notifications themselves are notices' rows (kind `project_light`)."""

    class Light(models.TextChoices):
        YELLOW = "yellow", _("Yellow")
        RED = "red", _("Red")

    node = models.ForeignKey(
        ProjectNode,
        verbose_name=_("project node"),
        on_delete=models.CASCADE,
        related_name="light_notices",
    )
    light = models.CharField(_("light"), max_length=8, choices=Light.choices)
    # The planned date the light was computed from (a re-plan starts the lights afresh).
    planned_on = models.DateField(_("planned date"))
    on = models.DateField(_("day of the reminder"))
    recipients = models.PositiveSmallIntegerField(_("people notified"), default=0)

    class Meta:
        verbose_name = _("node light reminder")
        verbose_name_plural = _("node light reminders")
        ordering = ["-on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "light", "planned_on"], name="projects_light_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.light} {self.on}"
