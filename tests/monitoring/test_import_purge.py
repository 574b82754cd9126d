"""A monthly import's preview left waiting for a confirmation (the uploader went away) is dropped
with its uploaded file after ZONEDESK_IMPORT_PREVIEW_HOURS (24) by `zonedesk import_purge`
(hourly, deploy/systemd/zonedesk-import-purge.timer), audited in its zone; a fresh preview stays
and can still be confirmed."""

import configparser
import datetime as dt
import io
import shlex
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from tests.factories import JUNE, saved
from tests.factories import filled_template as filled
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import PermissionDenied
from zonedesk.core.models import AuditEntry
from zonedesk.monitoring import services
from zonedesk.monitoring.models import ImportJob, MonthlyFigure

pytestmark = pytest.mark.django_db
SYSTEMD = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def _upload(client, world):
    data = saved(filled(world))  # a real .xlsx of the zone's template, filled in
    data.name = "june.xlsx"
    client.post("/monitoring/import/", {"zone": "zone-a", "period": str(JUNE), "file": data})
    return ImportJob.objects.order_by("-created_at").first()


def _age(job, hours):
    ImportJob.objects.filter(pk=job.pk).update(
        created_at=job.created_at - dt.timedelta(hours=hours)
    )


def _purge(lang="en"):
    out = io.StringIO()
    call_command("import_purge", "--lang", lang, stdout=out)
    return out.getvalue()


def test_a_preview_left_a_day_is_dropped_with_its_file_and_audited(world, client_for):
    client = client_for(world.users["leader"])
    old = _upload(client, world)
    assert old.state == "previewed" and len(old.content) > 1000  # the file, kept for confirming
    size = len(old.content)
    _age(old, 25)
    fresh = _upload(client_for(world.users["admin"]), world)
    _age(fresh, 23)

    out = _purge()

    assert "1 import previews older than 24 hours dropped" in out
    old.refresh_from_db()
    assert (old.state, bytes(old.content)) == ("cancelled", b"")
    assert old.finished_at is not None
    fresh.refresh_from_db()
    assert fresh.state == "previewed" and len(fresh.content) > 1000
    entry = AuditEntry.objects.get(target_type="monitoring.importjob", target_id=str(old.pk))
    assert entry.action == "update" and entry.actor is None and entry.actor_name == "system"
    assert entry.changes["state"] == ["previewed", "cancelled"]
    assert entry.changes["content"] == [size, 0]
    assert entry.changes["filename"] == ["june.xlsx", None]
    assert entry.zone_id == world.zone_a.pk and entry.area_code == world.zone_a.area.code
    assert not MonthlyFigure.objects.exists()

    # the uploader's page says why, with a way to upload again; confirming is refused
    client.post(f"/monitoring/import/{old.pk}/confirm/", {"action": "confirm"})
    with translation.override("zh-hans"):
        page = client.get(f"/monitoring/import/{old.pk}/").content.decode()
    assert 'data-testid="import-cancelled"' in page and 'data-testid="upload-again"' in page
    assert not MonthlyFigure.objects.exists()

    # a second run finds nothing more; the fresh preview is still confirmed and stored
    assert "0 import previews" in _purge()
    client_for(world.users["admin"]).post(
        f"/monitoring/import/{fresh.pk}/confirm/", {"action": "confirm"}
    )
    fresh.refresh_from_db()
    assert fresh.state == "done" and MonthlyFigure.objects.count() == 2


def test_the_time_is_a_setting(world, client_for, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "IMPORT_PREVIEW_HOURS": 2}
    job = _upload(client_for(world.users["leader"]), world)
    _age(job, 1)
    assert services.import_previews_purge(actor=SYSTEM) == 0
    _age(job, 2)  # now three hours old
    assert services.import_previews_purge(actor=SYSTEM) == 1
    job.refresh_from_db()
    assert job.state == "cancelled" and bytes(job.content) == b""


def test_finished_jobs_and_users_are_left_alone(world, client_for):
    client = client_for(world.users["leader"])
    job = _upload(client, world)
    client.post(f"/monitoring/import/{job.pk}/confirm/", {"action": "confirm"})
    _age(job, 48)
    assert services.import_previews_purge(actor=SYSTEM) == 0
    job.refresh_from_db()
    assert job.state == "done"
    assert not AuditEntry.objects.filter(target_type="monitoring.importjob").exists()
    with pytest.raises(PermissionDenied):
        services.import_previews_purge(actor=world.users["admin"])


def test_the_timer_runs_the_command_every_hour():
    timer = configparser.ConfigParser(interpolation=None)
    timer.read(SYSTEMD / "zonedesk-import-purge.timer")
    assert timer["Timer"]["OnCalendar"] == "hourly" and timer["Timer"]["Persistent"] == "true"
    service = configparser.ConfigParser(interpolation=None, strict=False)
    service.read(SYSTEMD / "zonedesk-import-purge.service")
    assert shlex.split(service["Service"]["ExecStart"])[1:] == ["import_purge"]
