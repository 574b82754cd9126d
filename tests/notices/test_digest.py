"""The daily digest (`zonedesk notices digest`): one e-mail per user with something due or
unread, at most once per day however often it runs, through the channels each chose."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied
from zonedesk.notices import services
from zonedesk.notices.models import DigestSent

pytestmark = pytest.mark.django_db
DAY = "2026-12-07"


def test_the_officer_gets_one_digest_of_what_is_due_and_unread(mailed):
    services.notify(
        actor=mailed.users["leader"],
        recipient=mailed.users["officer"],
        kind="reminder",
        title="请回复企业诉求",
        link="/casework/",
        today=dt.date(2026, 12, 6),
    )
    services.deliveries_send(actor=SYSTEM)  # the reminder's own e-mail, by the worker
    mail.outbox.clear()

    call_command("notices", "digest", "--day", DAY, "--lang", "en")

    [message] = mail.outbox  # the leader and officer2 have nothing due
    assert message.to == ["officer@zone-a.example.cn"]
    assert "2026-12-07" in message.subject
    assert mailed.firm_a.name in message.body
    assert f"/casework/firms/{mailed.firm_a.pk}/contact/" in message.body
    assert "请回复企业诉求" in message.body
    assert DigestSent.objects.get().items == 2


def test_a_second_run_the_same_day_sends_nothing(mailed):
    call_command("notices", "digest", "--day", DAY)
    call_command("notices", "digest", "--day", DAY)
    assert len(mail.outbox) == 1
    call_command("notices", "digest", "--day", "2026-12-08")
    assert len(mail.outbox) == 2


def test_no_digest_for_a_user_who_turned_e_mail_off(mailed):
    officer = mailed.users["officer"]
    services.preferences_set(
        actor=officer, user=officer, chosen={k: {"inapp"} for k in ("contact_due", "reminder")}
    )
    call_command("notices", "digest", "--day", DAY)
    assert mail.outbox == [] and not DigestSent.objects.exists()


def test_a_failed_mail_is_tried_again_on_the_next_run(mailed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    call_command("notices", "digest", "--day", DAY)
    assert not DigestSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("notices", "digest", "--day", DAY)
    assert len(mail.outbox) == 1 and DigestSent.objects.count() == 1


def test_a_bad_day_is_refused_with_its_value():
    with pytest.raises(CommandError, match="2026-13-01"):
        call_command("notices", "digest", "--day", "2026-13-01", "--lang", "en")


def test_only_the_system_sends_the_digest(world):
    with pytest.raises(PermissionDenied):
        services.digest_send(actor=world.users["leader"], day=dt.date(2026, 12, 7))
