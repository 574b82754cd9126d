from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One create, update or delete of business data, or one security event: who, when, what
    changed, from where.

    Written by the service that makes the change, in the same transaction. Rows are never
    changed or deleted by the application: `save` refuses updates and `delete` refuses.
    `zone_id`/`area_code` place the entry in the org tree so auditors see their unit only.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        # Security events (core.audit.security_event): who signed in or was refused, not a
        # change of business data. The target is the user concerned.
        LOGIN = "login", _("Logged in")
        LOGOUT = "logout", _("Logged out")
        LOGIN_FAILED = "login_failed", _("Log-in failed")
        LOCKED_OUT = "locked_out", _("Locked out")
        REFUSED = "refused", _("Refused")
        EXPORT = "export", _("Exported")
        TOKEN_USED = "token_used", _("API token used")
        # System events (core.audit.record_event): the target is the event's kind, not a record.
        BACKUP = "backup", _("Backed up")
        RESTORE = "restore", _("Restored")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=100)
    target_id = models.CharField(_("record id"), max_length=64)
    target_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    via = models.CharField(_("via"), max_length=20, blank=True)
    zone_id = models.BigIntegerField(_("zone"), null=True, blank=True, db_index=True)
    area_code = models.CharField(_("area code"), max_length=6, blank=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries cannot be deleted.")


class WorkerHeartbeat(models.Model):
    """The background worker's sign of life: `zonedesk worker` rewrites its row every few seconds
    (settings ZONEDESK["WORKER_HEARTBEAT_SECONDS"]); the health check calls the worker stale when
    the newest row is older than ZONEDESK["WORKER_STALE_SECONDS"]. Operational state, not business
    data: not audited. A worker that stops cleanly deletes its row."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    # When the task being run started (none while idle): a long import shows here.
    task_started_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} {self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"
