"""Notifications sent to a user, the channels each user chose per kind, the daily digests sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zonedesk.core.fields import validate_name, validate_text
from zonedesk.notices.registry import Kind


class Notification(models.Model):
    """A message to one user (a reminder, an alert), shown in their centre until read and sent
    through the other channels they chose for its kind."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(
        pgettext_lazy("notification", "title"), max_length=200, validators=[validate_name]
    )
    body = models.TextField(_("text"), blank=True, validators=[validate_text])
    link = models.CharField(_("link"), max_length=300, blank=True, validators=[validate_name])
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sender"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What it is about ("casework.problem:12"), for reminders at most once a day per item.
    about = models.CharField(_("about"), max_length=100, blank=True, validators=[validate_name])
    # "<about>|<day>" when at most one per item and day may exist: the unique index refuses a
    # second one even from two clicks at the same instant.
    once_key = models.CharField(
        _("once a day key"),
        max_length=150,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_name],
    )
    channels = models.JSONField(_("channels"), default=list, blank=True)
    in_app = models.BooleanField(_("shown in the centre"), default=True)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """A user's choice for one kind and channel; no row means the channel is on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_preferences",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=30, validators=[validate_name])
    enabled = models.BooleanField(_("on"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notices_pref_one")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}: {self.enabled}"


class DigestSent(models.Model):
    """The daily digest of one user on one day: written once, so a second run sends nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_digests",
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    items = models.PositiveIntegerField(_("items"), default=0)
    channels = models.JSONField(_("channels"), default=list, blank=True)

    class Meta:
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="notices_digest_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"


class Delivery(models.Model):
    """A notification waiting to go out, or gone out, through one channel other than the centre
    (e-mail, SMS…): written with the notification, sent by the background worker
    (notices.tasks.deliver; `zonedesk notices send` and the daily digest too), so a slow or
    failing mail server never holds up or breaks the page that sent it. A failed try is
    recorded (`error`) and tried again later, up to NOTICE_SEND_ATTEMPTS tries."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(_("channel"), max_length=30, validators=[validate_name])
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    # When it is due to be tried (again); while a sender tries it, a while later (its claim).
    next_try_at = models.DateTimeField(_("next try"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True, validators=[validate_text])
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("notification delivery")
        verbose_name_plural = _("notification deliveries")
        ordering = ["next_try_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="notices_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} {self.channel}: {self.state}"
