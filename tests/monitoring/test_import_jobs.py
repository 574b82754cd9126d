"""Large uploads go to the background worker (django-tasks' database backend): the page shows a
job that the real `db_worker` completes; small uploads are done within the request."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from tests.factories import JUNE, saved
from tests.factories import filled_template as filled
from zonedesk.core.models import AuditEntry
from zonedesk.monitoring.models import ImportJob, MonthlyFigure

pytestmark = pytest.mark.django_db
# The real worker closes the database connection after each task, as it should in production;
# inside a test transaction that would end the test's own transaction, so those tests commit.
worker_db = pytest.mark.django_db(transaction=True)


@pytest.fixture
def background(settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "IMPORT_INLINE_BYTES": 0}


def upload(client, book, period=JUNE):
    data = saved(book)
    data.name = "june.xlsx"
    return client.post(
        "/monitoring/import/", {"zone": "zone-a", "period": str(period), "file": data}
    )


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())


def confirm(client, job, action="confirm"):
    return client.post(f"/monitoring/import/{job.pk}/confirm/", {"action": action})


def test_a_small_upload_is_previewed_then_stored_once_confirmed(world, client_for):
    """Checked within the request, the file waits with its preview; nothing is written before
    the uploader confirms; the result names the firms."""
    client = client_for(world.users["leader"])
    response = upload(client, filled(world))
    job = ImportJob.objects.get()
    assert response["Location"] == f"/monitoring/import/{job.pk}/"
    assert job.state == "previewed" and job.content != b"" and not MonthlyFigure.objects.exists()
    assert (job.preview["created"], job.preview["updated"]) == (2, 0)
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-preview"' in page and "every 1s" not in page

    after = confirm(client, job)

    assert after["Location"] == f"/monitoring/import/{job.pk}/"
    job.refresh_from_db()
    assert job.state == "done" and job.content == b"" and job.created == 2
    assert MonthlyFigure.objects.count() == 2
    names = sorted(f[1] for f in job.firms["created"])
    assert names == sorted([world.firm_a.name, world.firm_a2.name])
    page = client.get(after["Location"]).content.decode()
    assert world.firm_a.name in page and 'data-testid="firms-created"' in page


def test_a_cancelled_upload_writes_nothing_and_drops_the_file(world, client_for):
    client = client_for(world.users["leader"])
    upload(client, filled(world))
    job = ImportJob.objects.get()
    confirm(client, job, action="cancel")
    job.refresh_from_db()
    assert (job.state, job.content) == ("cancelled", b"")
    assert not MonthlyFigure.objects.exists()
    again = confirm(client, job)
    job.refresh_from_db()
    assert again.status_code == 302 and job.state == "cancelled"
    assert not MonthlyFigure.objects.exists()


def test_a_preview_older_than_a_day_is_dropped_not_stored(world, client_for):
    client = client_for(world.users["leader"])
    upload(client, filled(world))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(created_at=job.created_at - dt.timedelta(days=2))
    confirm(client, job)
    job.refresh_from_db()
    assert (job.state, job.content) == ("cancelled", b"")
    assert not MonthlyFigure.objects.exists()


def test_a_new_upload_of_the_month_drops_the_previews_waiting(world, client_for):
    client = client_for(world.users["leader"])
    upload(client, filled(world))
    upload(client, filled(world))
    first, second = ImportJob.objects.order_by("created_at")
    assert (first.state, first.content) == ("cancelled", b"")
    assert second.state == "previewed"


def test_only_the_uploader_may_confirm(world, client_for):
    upload(client_for(world.users["leader"]), filled(world))
    job = ImportJob.objects.get()
    assert confirm(client_for(world.users["officer"]), job).status_code == 404
    job.refresh_from_db()
    assert job.state == "previewed" and not MonthlyFigure.objects.exists()


@worker_db
def test_a_large_upload_is_previewed_and_stored_by_the_worker(
    world, client_for, background, django_capture_on_commit_callbacks
):
    client = client_for(world.users["leader"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, filled(world))
    job = ImportJob.objects.get()
    assert response["Location"] == f"/monitoring/import/{job.pk}/"
    assert job.state == "queued" and not MonthlyFigure.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'data-state="queued"' in page

    run_worker()

    job.refresh_from_db()
    assert job.state == "previewed" and job.preview["created"] == 2
    assert not MonthlyFigure.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, job)
    job.refresh_from_db()
    assert job.state == "queued"

    run_worker()

    job.refresh_from_db()
    assert (job.state, job.created, job.content) == ("done", 2, b"")
    assert MonthlyFigure.objects.count() == 2
    entry = AuditEntry.objects.filter(target_type="monitoring.monthlyfigure").first()
    assert entry.actor == world.users["leader"] and entry.via == "web, background"
    partial = client.get(response["Location"], headers={"HX-Request": "true"}).content.decode()
    assert "every 1s" not in partial and 'data-testid="import-done"' in partial
    # The month in the sentence as officials write it (2020年6月), not 2020-06.
    month = f"{job.period.year}年{job.period.month}月"
    assert f"{month}：新增 2 行" in partial and f"{job.period:%Y-%m}：" not in partial


@worker_db
def test_a_rejected_background_upload_lists_its_problems(
    world, client_for, background, django_capture_on_commit_callbacks
):
    book = filled(world)
    book.worksheets[0].cell(row=3, column=5, value="很多")
    client = client_for(world.users["leader"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, book)
    run_worker()
    job = ImportJob.objects.get()
    assert job.state == "rejected" and job.errors[0][1:4] == [3, "主营业务收入（万元）", "很多"]
    page = client.get(response["Location"]).content.decode()
    assert "很多" in page and 'data-testid="import-errors"' in page
    assert not MonthlyFigure.objects.exists()


def test_only_the_uploader_sees_the_job(world, client_for, background):
    upload(client_for(world.users["leader"]), filled(world))
    job = ImportJob.objects.get()
    url = f"/monitoring/import/{job.pk}/"
    assert client_for(world.users["admin"]).get(url).status_code == 404
    assert client_for(world.users["leader"]).get(url).status_code == 200


@worker_db
def test_a_job_whose_uploader_is_gone_is_rejected(
    world, client_for, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client_for(world.users["leader"]), filled(world))
    ImportJob.objects.update(created_by=None)
    run_worker()
    job = ImportJob.objects.get()
    assert job.state == "rejected" and not MonthlyFigure.objects.exists()
