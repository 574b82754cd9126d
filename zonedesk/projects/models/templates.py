"""The nodes' templates, one per kind of project (and per zone when a zone has its own)."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_name
from zonedesk.core.models import Versioned

__all__ = [
    "MAX_WARN_DAYS",
    "Kind",
    "NodeTemplate",
    "TemplateNode",
]

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
