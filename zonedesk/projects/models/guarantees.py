"""The guarantees (要素保障) a project asks the departments for."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zonedesk.core.fields import validate_name, validate_text
from zonedesk.core.models import Versioned
from zonedesk.projects.models.project import Project

__all__ = [
    "Guarantee",
]


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
