"""The ways a notification reaches its recipient. settings.NOTICE_CHANNELS lists the channel
classes by dotted path; the in-app centre and e-mail (Django's e-mail backend) are built in,
and a deployment adds SMS or WeChat Work by adding its own class:

    class WeComChannel(Channel):
        key = "wecom"
        label = "企业微信"
        def available(self, user): return bool(user.phone)
        def send(self, notification): ...          # True when it went out
        def send_digest(self, user, digest): ...   # True when it went out

Only the centre (`immediate`) is reached within the request that sends a notification; every
other channel gets a `Delivery` row that the background worker sends (notices.services.
deliveries_send), so a slow or failing server never holds up the page. `send` may raise or
return False: the delivery records the failure and is tried again later. `send_digest` never
raises for one recipient's failure: it logs and returns False, so one bad address does not stop
the daily digest of everyone else.
"""

import logging
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    """A user's daily digest: what is due for them, and their unread notifications."""

    day: object
    due: list = field(default_factory=list)
    unread: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.due) + len(self.unread)


class Channel:
    key = ""
    label = ""
    # Whether the channel carries the daily digest (the centre itself does not need one).
    digests = True
    # Whether a notification reaches it within the request (only the centre: a row in the
    # database); the others are queued for the background worker.
    immediate = False

    def available(self, user) -> bool:
        """Whether the user can be reached this way at all (an address on file)."""
        return True

    def send(self, notification) -> bool:
        raise NotImplementedError

    def send_digest(self, user, digest: Digest) -> bool:
        raise NotImplementedError


class InApp(Channel):
    """The centre (/notices/) and the badge in the top bar: the notification row itself."""

    key = "inapp"
    label = gettext_lazy("In the platform")
    digests = False
    immediate = True

    def send(self, notification) -> bool:
        return True

    def send_digest(self, user, digest: Digest) -> bool:
        return False


def _absolute(link: str) -> str:
    base = getattr(settings, "NOTICE_SITE_URL", "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") and base else link


class Email(Channel):
    """An e-mail through Django's e-mail backend (settings EMAIL_*), to the user's address."""

    key = "email"
    label = gettext_lazy("E-mail")

    def available(self, user) -> bool:
        return bool(getattr(user, "email", ""))

    def send(self, notification) -> bool:
        """Raises when the mail server refuses or cannot be reached (within EMAIL_TIMEOUT): the
        delivery records why and tries again later."""
        user = notification.recipient
        if not self.available(user):
            return False
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[zonedesk] %(title)s") % {"title": notification.title}
            text = render_to_string(
                "notices/email_notification.txt",
                {"n": notification, "link": _absolute(notification.link)},
            )
        return bool(send_mail(subject, text, None, [user.email]))

    def send_digest(self, user, digest: Digest) -> bool:
        if not self.available(user):
            return False
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("[zonedesk] Due for you on %(day)s: %(n)d items") % {
                "day": digest.day.isoformat(),
                "n": len(digest),
            }
            text = render_to_string(
                "notices/email_digest.txt",
                {
                    "user": user,
                    "digest": digest,
                    "due": [(item, _absolute(item.link)) for item in digest.due],
                    "unread": [(n, _absolute(n.link)) for n in digest.unread],
                    "centre": _absolute("/notices/"),
                },
            )
        return _mail(subject, text, user.email)


def _mail(subject: str, text: str, to: str) -> bool:
    try:
        return bool(send_mail(subject, text, None, [to]))
    except Exception:  # a mail server down must not stop the reminder or the other digests
        log.exception("notices: e-mail to %s failed", to)
        return False


@cache
def _load(paths: tuple[str, ...]) -> tuple[Channel, ...]:
    return tuple(import_string(p)() for p in paths)


def channels() -> tuple[Channel, ...]:
    """The deployment's channels, as settings.NOTICE_CHANNELS lists them."""
    return _load(tuple(settings.NOTICE_CHANNELS))


def channel_keys() -> list[str]:
    return [c.key for c in channels()]
