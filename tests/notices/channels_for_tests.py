"""A channel a deployment could add (an SMS gateway), recording what it sends instead of
calling a gateway: what tests/notices/test_services.py names in NOTICE_CHANNELS."""

from zonedesk.notices.channels import Channel

SENT: list[tuple[str, str]] = []


class RecordingSms(Channel):
    key = "sms"
    label = "短信"

    def available(self, user) -> bool:
        return bool(user.phone)

    def send(self, notification) -> bool:
        SENT.append((notification.recipient.phone, notification.title))
        return True

    def send_digest(self, user, digest) -> bool:
        SENT.append((user.phone, f"digest {len(digest)}"))
        return True
