"""Key projects (重点项目): from signing to full production, on a template of nodes.

A project's nodes are copied from its kind's template when it is created; each node keeps its
first planned date (`baseline_on`) for good, and its planned date moves only through an approved
re-plan (flows.py, services.py). Lights are computed, not stored (lights.py).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import (
    CreditCodeField,
    IndustryCodeField,
    validate_name,
    validate_text,
)
from zonedesk.core.models import Versioned
from zonedesk.core.workflow import TransitionEvent
from zonedesk.projects import templates_default

# The most working days a node's own warning may give (six weeks).
MAX_WARN_DAYS = 30


class Kind(models.TextChoices):
    INDUSTRIAL = "industrial", _("Industrial")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    SERVICES = "services", _("Services")


class NodeTemplate(Versioned):
    """The nodes a project of one kind goes through, as data. A template belongs to a zone (the
    zone's own, edited by the zone's leaders and administrators on the template page) or to no
    zone (the installation's default of the kind: migration 0001 loads templates_default.py,
    and only a superuser changes it). A zone's first change to a kind copies the default into
    the zone's own template; restoring the default removes that copy (services/templates.py).
    A project copies its zone's template of its kind, else the default, when it is created, so a
    change applies to new projects only. `version` covers the template and its nodes: every
    change to a node bumps it."""

    zone = models.ForeignKey(
        "org.Zone",
        verbose_name=_("zone"),
        on_delete=models.CASCADE,
        related_name="node_templates",
        null=True,
        blank=True,
        help_text=_("Empty: the installation's default, for the zones without their own."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, validators=[validate_name])

    class Meta:
        verbose_name = _("node template")
        verbose_name_plural = _("node templates")
        # Not by zone: ordering by a foreign key joins its table (nullable here: an outer join),
        # which PostgreSQL refuses under version_check's SELECT ... FOR UPDATE.
        ordering = ["kind"]
        constraints = [
            # One template of a kind per zone, and one default of a kind (NULL zones are never
            # equal in a unique constraint, on SQLite as on PostgreSQL: hence the second).
            models.UniqueConstraint(fields=["zone", "kind"], name="projects_template_zone_kind"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(zone__isnull=True),
                name="projects_template_default_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateNode(models.Model):
    """One node of a template: its place, name, the nodes it waits for, and how many calendar
    days after signing it is planned by default."""

    template = models.ForeignKey(
        NodeTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="nodes"
    )
    seq = models.PositiveSmallIntegerField(_("order"))
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=50, validators=[validate_name])
    depends_on = models.ManyToManyField(
        "self", verbose_name=_("waits for"), symmetrical=False, blank=True, related_name="+"
    )
    offset_days = models.PositiveIntegerField(_("days after signing"), default=0)
    department_name = models.CharField(
        _("department in charge"), max_length=100, blank=True, validators=[validate_name]
    )
    # The node's own warning (yellow this many working days before its planned date); empty:
    # the zone's setting (ZONEDESK["PROJECT_WARN_WORKDAYS"]). Copied to a new project's node.
    warn_days = models.PositiveSmallIntegerField(
        _("yellow warning (working days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_WARN_DAYS)],
    )

    class Meta:
        verbose_name = _("template node")
        verbose_name_plural = _("template nodes")
        ordering = ["template", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="projects_tnode_code"),
            models.UniqueConstraint(fields=["template", "seq"], name="projects_tnode_seq"),
        ]

    def __str__(self) -> str:
        return self.name


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


class Guarantee(Versioned):
    """An element guarantee (要素保障) of a project: land, demolition or a utility connection,
    what is needed, who provides it (a department of the zone or a utility) and by when."""

    AUDIT_FIRM = "project__investor"
    AUDIT_FIRM_NAME = "project__investor_name"

    class Category(models.TextChoices):
        LAND = "land", _("Land")
        DEMOLITION = "demolition", _("Demolition")
        ROAD = "road", _("Road connection")
        WATER = "water", _("Water connection")
        POWER = "power", _("Power connection")
        GAS = "gas", _("Gas connection")
        TELECOM = "telecom", _("Telecom connection")
        DRAINAGE = "drainage", _("Drainage connection")

    class LandStage(models.TextChoices):
        TO_ACQUIRE = "to_acquire", _("To be acquired")
        ACQUIRED = "acquired", _("Acquired")
        SUPPLIED = "supplied", _("Supplied")

    project = models.ForeignKey(
        Project, verbose_name=_("key project"), on_delete=models.CASCADE, related_name="guarantees"
    )
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    land_stage = models.CharField(
        _("land stage"), max_length=12, choices=LandStage.choices, blank=True
    )
    quantity = models.DecimalField(
        _("quantity needed"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    unit = models.CharField(_("unit"), max_length=10, blank=True, validators=[validate_name])
    need = models.CharField(
        _("need (in words)"), max_length=200, blank=True, validators=[validate_name]
    )
    department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_guarantees",
    )
    utility = models.CharField(
        _("utility company"), max_length=100, blank=True, validators=[validate_name]
    )
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, validators=[validate_text])
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("element guarantee")
        verbose_name_plural = _("element guarantees")
        ordering = ["project", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(need="") | Q(quantity__isnull=False),
                name="projects_guarantee_has_need",
            ),
            models.CheckConstraint(
                condition=Q(department__isnull=False) | ~Q(utility=""),
                name="projects_guarantee_has_provider",
            ),
        ]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.get_category_display()} · {self.need_label}"

    @property
    def need_label(self) -> str:
        """What is needed, as the checklist says it: "120 亩", or the words, or both."""
        parts = []
        if self.quantity is not None:
            amount = f"{self.quantity.normalize():f}" if self.quantity else "0"
            parts.append(f"{amount} {self.unit}".strip())
        if self.need:
            parts.append(self.need)
        return " ".join(parts)

    @property
    def provider(self) -> str:
        """The department responsible, or the utility."""
        return self.department.name if self.department_id else self.utility

    def overdue_on(self, today) -> bool:
        return self.done_on is None and self.due_on < today


class ServiceRequest(models.Model):
    """A project's service request (7x24): a casework problem of the investor firm, on the
    round-the-clock clock, linked to the project here (projects sits above casework, so the
    link is the project's: docs/decisions.md)."""

    AUDIT_FIRM = "project__investor"

    project = models.ForeignKey(
        Project,
        verbose_name=_("key project"),
        on_delete=models.CASCADE,
        related_name="service_requests",
    )
    problem = models.OneToOneField(
        "casework.Problem",
        verbose_name=_("problem"),
        on_delete=models.CASCADE,
        related_name="project_service",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.problem_id}"


class MonthlyInvestment(Versioned):
    """A project's planned and completed investment of one month (万元), entered on the
    project's page or imported from a sheet; the year's figures add them up (investment.py)."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("key project"),
        on_delete=models.CASCADE,
        related_name="investments",
    )
    # A month, stored as its first day (core.period.Period).
    month = models.DateField(_("month"))
    planned_wan = models.DecimalField(
        _("planned investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    done_wan = models.DecimalField(
        _("completed investment (10k yuan)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly investment")
        verbose_name_plural = _("monthly investments")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="projects_invest_month"),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.month:%Y-%m}"
