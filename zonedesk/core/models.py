from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """A record edited through forms and the API: `version` goes up by one with every saved
    change (core.services.version_check / version_bump), so a save made on what someone read
    at an older version is refused instead of silently overwriting the change made since."""

    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        db_default=1,  # rows written in SQL (the bulk imports, the demo's COPY) start at 1 too
        editable=False,
        help_text=_("Goes up by one with every saved change; an edit names the one it read."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """A full save of a stored record leaves `version` alone: only version_bump (or an
        import's F("version") + 1) moves it, so a save from an old copy cannot set it back."""
        if not self._state.adding and kwargs.get("update_fields") is None and not args:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "version"
            ]
        super().save(*args, **kwargs)


class AuditEntryManager(models.Manager):
    def bulk_create(self, objs, *args, sealed: bool = False, **kwargs):
        """Seal the entries (core.auditchain) unless the caller has."""
        from zonedesk.core import auditchain

        objs = list(objs)
        with transaction.atomic(using=self.db):
            if not sealed:
                auditchain.seal(objs)
            return super().bulk_create(objs, *args, **kwargs)


class AuditEntry(models.Model):
    """One create, update or delete of business data, or one security event: who, when, what
    changed, from where.

    Written by the service that makes the change, in the same transaction. Rows are never
    changed or deleted by the application: `save` refuses updates and `delete` refuses (only
    `zonedesk audit_purge` removes entries past the retention period).
    `zone_id`/`area_code` place the entry in the org tree so auditors see their unit only.
    Each entry is chained to the one before by a hash (core.auditchain): `save` and
    `bulk_create` seal entries on their way in, and the database refuses a row without a hash.
    The user is protected, not set to null, when an account is deleted: the hash covers it.
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
        PURGE = "purge", _("Purged old entries")

    # Set when the entry is sealed (core.auditchain.seal), so that the hash covers it.
    at = models.DateTimeField(_("time"), db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
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
    seq = models.BigIntegerField(_("number"), unique=True, editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = AuditEntryManager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            # A row written around core.auditchain (raw SQL without a hash) is refused.
            models.CheckConstraint(
                condition=Q(Exact(Length("hash"), 64)) & Q(Exact(Length("prev_hash"), 64)),
                name="core_auditentry_sealed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Audit entries cannot be changed.")
        from zonedesk.core import auditchain

        with transaction.atomic(using=kwargs.get("using")):
            auditchain.seal([self])
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("Audit entries cannot be deleted.")


class WorkerHeartbeat(models.Model):
    """The background worker's sign of life: `zonedesk worker` rewrites its row every few seconds
    (settings ZONEDESK["WORKER_HEARTBEAT_SECONDS"]); the health check calls the worker stale when
    the newest row is older than ZONEDESK["WORKER_STALE_SECONDS"]. Operational state, not business
    data: not audited. A worker that stops cleanly deletes its row."""

    worker_id = models.CharField(_("worker ID"), max_length=64, unique=True)
    host = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process ID"), default=0)
    started_at = models.DateTimeField(_("started"))
    seen_at = models.DateTimeField(_("last seen"), db_index=True)
    # When the task being run started (none while idle): a long import shows here.
    task_started_at = models.DateTimeField(_("current task started"), null=True, blank=True)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} {self.worker_id} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class AuditChainHead(models.Model):
    """The one row (id 1) that serialises the audit log's writers and holds the chain's end:
    the last entry's number and hash, and the anchor (the last purged entry's number and hash)
    that the chain starts from after a purge. Written only by core.auditchain and audit_purge."""

    seq = models.BigIntegerField(_("number"), default=0)
    hash = models.CharField(_("hash"), max_length=64)
    anchor_seq = models.BigIntegerField(_("anchor number"), default=0)
    anchor_hash = models.CharField(_("anchor hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"audit chain #{self.seq}"
