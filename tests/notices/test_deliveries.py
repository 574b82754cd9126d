"""A notification's e-mail is sent by the background worker, never inside the request: a slow or
failing mail server neither holds up nor breaks the page (a leader's reminder on the escalation
page), the centre shows the notification at once, a failed try is recorded and tried again, and
after the last try the failure is recorded and audited."""

import datetime as dt
import io
import socket
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests import factories
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.models import AuditEntry
from zonedesk.notices import selectors, services
from zonedesk.notices.channels import Channel
from zonedesk.notices.models import Delivery, Notification
from zonedesk.org.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_server():
    """A mail server that accepts the connection and never says a word (the kernel completes
    the connection from the backlog; nobody answers the SMTP greeting)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


@pytest.fixture
def smtp(settings):
    def use(port: int, timeout: int = 4):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
            "127.0.0.1",
            port,
            timeout,
        )

    return use


class SecondSenderMeanwhile(Channel):
    """An SMS gateway that is slow enough for a second sender (another worker, `notices send`)
    to run while it sends: the second one must not send the same message again."""

    key = "sms"
    label = "短信"
    SENT: list = []

    def available(self, user) -> bool:
        return True

    def send(self, notification) -> bool:
        self.SENT.append(notification.title)
        if len(self.SENT) == 1:
            self.SENT.append(services.deliveries_send(actor=SYSTEM))
        return True


def _overdue_problem(world):
    problem = factories.problem(world.firm_a)
    problem.due_at = timezone.localdate() - dt.timedelta(days=5)
    problem.department = Department.objects.get(zone=world.zone_a)
    problem.save(update_fields=["due_at", "department"])
    return problem


def _remind(world, **kw):
    values = {
        "actor": world.users["leader"],
        "recipient": world.users["officer"],
        "kind": "reminder",
        "title": "请尽快走访甲一机械",
        "link": "/casework/contacts/due/",
    }
    return services.notify(**{**values, **kw})


def test_a_silent_mail_server_does_not_hold_up_the_reminder(
    mailed, client_for, smtp, silent_server
):
    """Before: the e-mail was sent inside the request, which waited for the server's timeout."""
    smtp(silent_server, timeout=4)
    problem = _overdue_problem(mailed)
    client = client_for(mailed.users["leader"])

    started = time.monotonic()
    response = client.post("/casework/escalation/remind/", {"kind": "problem", "pk": problem.pk})
    took = time.monotonic() - started

    assert response.status_code == 302 and took < 3, took
    officer = mailed.users["officer"]
    [n] = selectors.notifications(officer)  # in the centre at once
    assert selectors.unread_count(officer) == 1 and n.channels == ["inapp"]
    [waiting] = Delivery.objects.filter(notification=n)
    assert (waiting.channel, waiting.state, waiting.attempts) == ("email", "pending", 0)

    # the worker's try waits for the timeout, fails, records why and waits to try again
    counts = services.deliveries_send(actor=SYSTEM)
    assert counts == {"sent": 0, "retry": 1, "failed": 0}
    waiting.refresh_from_db()
    assert waiting.state == "pending" and waiting.attempts == 1
    assert "timed out" in waiting.error.lower()
    assert waiting.next_try_at > timezone.now() + dt.timedelta(minutes=4)


def test_a_refusing_server_is_recorded_and_the_next_try_sends_it(mailed, smtp, settings):
    smtp(9)  # nothing listens there: the connection is refused
    n = _remind(mailed)
    now = timezone.now()

    assert services.deliveries_send(actor=SYSTEM, now=now)["retry"] == 1
    delivery = Delivery.objects.get(notification=n)
    assert delivery.error.startswith("ConnectionRefusedError")
    assert delivery.next_try_at == now + dt.timedelta(minutes=5)
    # not due yet: nothing is tried
    assert services.deliveries_send(actor=SYSTEM, now=now + dt.timedelta(minutes=4)) == {
        "sent": 0,
        "retry": 0,
        "failed": 0,
    }

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = now + dt.timedelta(minutes=6)
    assert services.deliveries_send(actor=SYSTEM, now=later)["sent"] == 1
    delivery.refresh_from_db()
    n.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.sent_at) == ("sent", 2, later)
    assert n.channels == ["inapp", "email"]
    [message] = mail.outbox
    assert message.to == ["officer@zone-a.example.cn"]
    # sent once: a later run sends nothing again
    services.deliveries_send(actor=SYSTEM, now=later + dt.timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_the_waits_double_and_the_last_try_is_recorded_and_audited(mailed, smtp, settings):
    smtp(9)
    settings.ZONEDESK = {**settings.ZONEDESK, "NOTICE_SEND_ATTEMPTS": 3}
    n = _remind(mailed)
    now = timezone.now()
    services.deliveries_send(actor=SYSTEM, now=now)
    delivery = Delivery.objects.get(notification=n)
    assert delivery.next_try_at == now + dt.timedelta(minutes=5)
    now = delivery.next_try_at
    services.deliveries_send(actor=SYSTEM, now=now)
    delivery.refresh_from_db()
    assert delivery.next_try_at == now + dt.timedelta(minutes=10)

    counts = services.deliveries_send(actor=SYSTEM, now=delivery.next_try_at)

    assert counts == {"sent": 0, "retry": 0, "failed": 1}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", 3)
    entry = AuditEntry.objects.get(target_type="notices.delivery", target_id=str(delivery.pk))
    assert entry.changes["state"] == ["pending", "failed"]
    assert entry.changes["error"][1].startswith("ConnectionRefusedError")
    assert entry.zone_id == mailed.zone_a.pk
    # the notification itself stays in the centre
    assert Notification.objects.get(pk=n.pk).channels == ["inapp"]


def test_an_address_removed_meanwhile_fails_at_once(mailed):
    n = _remind(mailed)
    officer = mailed.users["officer"]
    officer.email = ""
    officer.save(update_fields=["email"])
    assert services.deliveries_send(actor=SYSTEM)["failed"] == 1
    delivery = Delivery.objects.get(notification=n)
    assert delivery.state == "failed" and "no longer be reached" in delivery.error
    assert mail.outbox == []


def test_two_senders_never_send_one_twice(world, settings):
    settings.NOTICE_CHANNELS = [
        "zonedesk.notices.channels.InApp",
        "tests.notices.test_deliveries.SecondSenderMeanwhile",
    ]
    SecondSenderMeanwhile.SENT.clear()
    n = _remind(world)
    assert services.deliveries_send(actor=SYSTEM)["sent"] == 1
    # the second sender found it claimed: nothing to send
    sent = SecondSenderMeanwhile.SENT
    assert sent == [n.title, {"sent": 0, "retry": 0, "failed": 0}]
    n.refresh_from_db()
    assert n.channels == ["inapp", "sms"]


def test_no_address_nothing_queued(world):
    _remind(world)
    assert not Delivery.objects.exists()


def test_only_the_system_sends_the_waiting_deliveries(world):
    with pytest.raises(PermissionDenied):
        services.deliveries_send(actor=world.users["leader"])


def test_the_send_command_and_the_digest_send_what_waits(mailed):
    _remind(mailed)
    out = io.StringIO()
    call_command("notices", "send", "--lang", "en", stdout=out)
    assert "1 sent" in out.getvalue() and len(mail.outbox) == 1

    _remind(mailed, recipient=mailed.users["officer2"])
    call_command("notices", "digest", "--day", "2026-12-07", stdout=io.StringIO())
    assert "officer2@zone-a.example.cn" in [m.to[0] for m in mail.outbox]
    assert not Delivery.objects.filter(state="pending").exists()


@pytest.mark.django_db(transaction=True)
def test_the_background_worker_sends_it_and_schedules_the_retry(mailed, smtp, settings):
    """The real path: the notification's commit queues the worker's task (django-tasks' database
    backend); `db_worker` sends the e-mail. A failed try queues a task for the next try."""
    _remind(mailed)  # its own transaction: committed, the task is queued on commit
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    [message] = mail.outbox
    assert message.to == ["officer@zone-a.example.cn"]

    smtp(9)
    _remind(mailed, title="第二条提醒")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    delivery = Delivery.objects.get(notification__title="第二条提醒")
    assert delivery.state == "pending" and delivery.attempts == 1
    [retry] = DBTaskResult.objects.filter(status="READY")
    assert retry.run_after == delivery.next_try_at
