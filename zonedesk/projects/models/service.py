"""The service log: a request for help on a project, tied to its casework problem."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zonedesk.projects.models.project import Project

__all__ = [
    "ServiceRequest",
]


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
