"""A large upload is read by the background worker in a child process with a memory limit: a file
that needs more fails its own job, with the reason on the job's page, and the worker goes on
to the next job (issue 14, item 1).

The extent limits are raised here so that the crafted file gets past the streaming check: the
child's limit is the second wall, for what the check cannot foresee."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import translation

from tests.factories import JUNE, saved
from tests.factories import filled_template as filled
from tests.security.uploads_craft import ods, ods_cell, ods_row
from zonedesk.monitoring.models import ImportJob, MonthlyFigure

pytestmark = pytest.mark.django_db(transaction=True)
LIMIT_MB = 300


@pytest.fixture
def walls_lowered(settings):
    settings.ZONEDESK = {
        **settings.ZONEDESK,
        "IMPORT_INLINE_BYTES": 0,  # every upload goes to the worker
        "IMPORT_MAX_ROWS": 10**9,
        "IMPORT_MAX_CELLS": 10**12,
        "IMPORT_MAX_TEXT_CHARS": 10**12,
        "IMPORT_MEMORY_MB": LIMIT_MB,
    }


def post(client, name: str, content: bytes, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile(name, content)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            "/monitoring/import/", {"zone": "zone-a", "period": str(JUNE), "file": upload}
        )


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())


def test_a_file_past_the_memory_limit_fails_its_job_not_the_worker(
    world, client_for, walls_lowered, django_capture_on_commit_callbacks
):
    # 400 bytes that a reader expands to twenty million cells (a row of ten, repeated).
    bomb = ods(ods_row([ods_cell(1.0, 10)], 2_000_000), sheet="monthly figures")
    client = client_for(world.users["leader"])
    with translation.override("en"):
        response = post(client, "june.ods", bomb, django_capture_on_commit_callbacks)
    run_worker()

    job = ImportJob.objects.get(filename="june.ods")
    assert job.state == "rejected" and job.content == b""
    # the worker writes the reason in the site's language (Chinese)
    assert f"需要超过 {LIMIT_MB} MB 内存" in job.errors[0][4]
    page = client.get(response["Location"]).content.decode()
    assert f"需要超过 {LIMIT_MB} MB 内存" in page
    # the whole file refused: said above the cells' table, not as a cell of a "row 0"
    assert 'data-testid="import-file-errors"' in page and 'data-state="rejected"' in page
    assert not MonthlyFigure.objects.exists()

    # The same worker process takes the next job, previews it and, confirmed, stores it.
    good = saved(filled(world)).getvalue()
    post(client, "june.xlsx", good, django_capture_on_commit_callbacks)
    run_worker()
    last = ImportJob.objects.get(filename="june.xlsx")
    assert last.state == "previewed", (last.errors, last.message)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/monitoring/import/{last.pk}/confirm/", {"action": "confirm"})
    run_worker()
    last.refresh_from_db()
    assert last.state == "done", (last.errors, last.message)
    assert MonthlyFigure.objects.count() == 2
