"""Sending a notification: through the channels the recipient chose, audited, a reminder at most
once per item and day; marking read only one's own; the channels a deployment lists."""

import datetime as dt

import pytest
from django.core import mail

from tests.notices import channels_for_tests
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from zonedesk.core.models import AuditEntry
from zonedesk.notices import selectors, services
from zonedesk.notices.models import Notification

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 7)


def _remind(world, **kw):
    values = {
        "actor": world.users["leader"],
        "recipient": world.users["officer"],
        "kind": "reminder",
        "title": "请尽快走访甲一机械",
        "link": "/casework/contacts/due/",
        "about": "enterprises.enterprise:1",
        "today": DAY,
    }
    return services.notify(**{**values, **kw})


def test_a_notification_reaches_the_centre_and_the_mailbox_and_is_audited(mailed):
    n = _remind(mailed)

    assert list(selectors.notifications(mailed.users["officer"])) == [n]
    assert selectors.unread_count(mailed.users["officer"]) == 1
    # the centre at once; the e-mail waits for the background worker
    assert n.channels == ["inapp"] and mail.outbox == []
    assert services.deliveries_send(actor=SYSTEM) == {"sent": 1, "retry": 0, "failed": 0}
    n.refresh_from_db()
    assert n.channels == ["inapp", "email"]
    [message] = mail.outbox
    assert message.to == ["officer@zone-a.example.cn"]
    assert "请尽快走访甲一机械" in message.subject
    entry = AuditEntry.objects.get(target_type="notices.notification", target_id=str(n.pk))
    assert entry.actor == mailed.users["leader"]
    assert entry.changes["recipient"][1] == str(mailed.users["officer"])
    assert entry.zone_id == mailed.zone_a.pk


def test_no_address_no_mail_but_the_centre_still_shows_it(world):
    n = _remind(world)
    assert n.channels == ["inapp"] and mail.outbox == []
    assert selectors.unread_count(world.users["officer"]) == 1


def test_the_recipients_choice_is_kept(mailed):
    """The officer turned e-mail off for reminders: only the centre brings them."""
    officer = mailed.users["officer"]
    services.preferences_set(
        actor=officer,
        user=officer,
        chosen={"reminder": {"inapp"}, "contact_due": {"inapp", "email"}},
    )
    n = _remind(mailed)
    assert n.channels == ["inapp"] and mail.outbox == []
    # the kinds left out of the form are off everywhere
    assert selectors.preferences(officer)["problem_due"] == set()


def test_turning_the_centre_off_hides_the_notification_there(mailed):
    officer = mailed.users["officer"]
    services.preferences_set(actor=officer, user=officer, chosen={"reminder": {"email"}})
    n = _remind(mailed)
    services.deliveries_send(actor=SYSTEM)
    n.refresh_from_db()
    assert not n.in_app and n.channels == ["email"] and len(mail.outbox) == 1
    assert selectors.unread_count(officer) == 0


def test_only_the_user_sets_their_own_channels_and_the_change_is_audited(world):
    officer = world.users["officer"]
    with pytest.raises(PermissionDenied):
        services.preferences_set(actor=world.users["leader"], user=officer, chosen={})
    services.preferences_set(actor=officer, user=officer, chosen={"reminder": {"inapp"}})
    entry = AuditEntry.objects.filter(target_type="org.user", target_id=str(officer.pk)).latest(
        "id"
    )
    assert entry.changes["notice_channels"]["reminder"] == [["email", "inapp"], ["inapp"]]


def test_an_unknown_channel_is_refused_and_nothing_changes(world):
    officer = world.users["officer"]
    with pytest.raises(ValidationFailed, match="pigeon"):
        services.preferences_set(actor=officer, user=officer, chosen={"reminder": {"pigeon"}})
    assert selectors.preferences(officer)["reminder"] == {"inapp", "email"}


def test_a_reminder_about_an_item_goes_once_a_day(mailed):
    _remind(mailed, once_per_day=True)
    with pytest.raises(services.AlreadySent, match="already sent"):
        _remind(mailed, once_per_day=True)
    services.deliveries_send(actor=SYSTEM)
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1
    _remind(mailed, once_per_day=True, today=DAY + dt.timedelta(days=1))
    assert Notification.objects.count() == 2


def test_an_inactive_recipient_or_unknown_kind_is_refused(world):
    officer = world.users["officer"]
    with pytest.raises(ValidationFailed, match="kind"):
        _remind(world, kind="gossip")
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    with pytest.raises(ValidationFailed, match="active"):
        _remind(world)
    assert not Notification.objects.exists()


def test_only_ones_own_notification_is_marked_read(world):
    n = _remind(world)
    with pytest.raises(NotFound):
        services.notification_read(actor=world.users["officer2"], pk=n.pk)
    services.notification_read(actor=world.users["officer"], pk=n.pk)
    n.refresh_from_db()
    assert n.read_at is not None
    assert selectors.unread_count(world.users["officer"]) == 0


def test_read_all_marks_only_the_actors(world):
    _remind(world)
    _remind(world, recipient=world.users["officer2"])
    assert services.notifications_read_all(actor=world.users["officer"]) == 1
    assert selectors.unread_count(world.users["officer2"]) == 1


def test_a_deployments_own_channel_listed_in_settings_is_used(world, settings):
    """An SMS channel added by its dotted path gets the notification beside the built-in ones."""
    settings.NOTICE_CHANNELS = [
        "zonedesk.notices.channels.InApp",
        "zonedesk.notices.channels.Email",
        "tests.notices.channels_for_tests.RecordingSms",
    ]
    channels_for_tests.SENT.clear()
    officer = world.users["officer"]
    officer.phone = "13800000001"
    officer.save(update_fields=["phone"])
    n = _remind(world, actor=SYSTEM)
    services.deliveries_send(actor=SYSTEM)
    n.refresh_from_db()
    assert n.channels == ["inapp", "sms"]
    assert channels_for_tests.SENT == [("13800000001", "请尽快走访甲一机械")]
    assert n.sender is None
