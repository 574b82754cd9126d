"""/health/: 200 when the database answers, a worker's heartbeat is fresh and the disk has room;
503 naming the failing check otherwise. No log-in; nothing but verdicts in the answer."""

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from tests.security.ops_helpers import ROOT, database_url
from zonedesk.core.health import Heartbeat
from zonedesk.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get("/health/")
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    return response.status_code, response.json()


def test_healthy_with_a_fresh_heartbeat(client):
    Heartbeat(worker_id="w1").beat()
    status, body = health(client)
    assert status == 200
    assert 0 <= body["checks"]["worker"].pop("age_seconds") < 5
    assert body == {
        "status": "ok",
        "checks": {"database": {"ok": True}, "worker": {"ok": True}, "disk": {"ok": True}},
    }


def test_no_heartbeat_yet_is_unhealthy(client):
    status, body = health(client)
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["worker"] == {"ok": False, "reason": "no heartbeat"}
    assert body["checks"]["database"] == {"ok": True}


def test_an_old_heartbeat_is_stale(client, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "WORKER_STALE_SECONDS": 60}
    long_ago = timezone.now() - dt.timedelta(seconds=300)
    WorkerHeartbeat.objects.create(worker_id="old", started_at=long_ago, seen_at=long_ago)
    status, body = health(client)
    assert status == 503
    worker = body["checks"]["worker"]
    assert worker["ok"] is False and worker["reason"] == "stale"
    assert 300 <= worker["age_seconds"] < 320


def test_the_newest_of_several_heartbeats_counts(client):
    long_ago = timezone.now() - dt.timedelta(hours=1)
    WorkerHeartbeat.objects.create(worker_id="old", started_at=long_ago, seen_at=long_ago)
    Heartbeat(worker_id="new").beat()
    assert health(client)[0] == 200


def test_little_free_disk_is_unhealthy(client, settings):
    Heartbeat(worker_id="w1").beat()
    free_mb = shutil.disk_usage(settings.VAR_DIR).free // (1024 * 1024)
    settings.ZONEDESK = {**settings.ZONEDESK, "DISK_MIN_FREE_MB": free_mb + 1024}
    status, body = health(client)
    assert status == 503 and body["checks"]["disk"] == {"ok": False, "reason": "low"}
    settings.ZONEDESK = {**settings.ZONEDESK, "DISK_MIN_FREE_MB": max(free_mb - 1024, 1)}
    assert health(client)[0] == 200


def test_without_a_worker_queue_the_worker_is_not_checked(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": []}
    }
    status, body = health(client)
    assert status == 200 and body["checks"]["worker"] == {"ok": True, "reason": "not used"}


def test_health_answers_get_only_and_tells_no_more(client):
    assert client.post("/health/").status_code == 405
    response = client.get("/health/")
    text = response.content.decode()
    for leak in ("sqlite", "postgres", "/", "version", "django", "Traceback"):
        assert leak not in text.lower()
    assert "Server" not in response.headers


@pytest.fixture
def unreachable_database():
    """The connection's settings point where no database is; put back afterwards."""
    s = connection.settings_dict
    saved = dict(s)
    connection.close()
    if connection.vendor == "sqlite":
        s["NAME"] = "/nonexistent/zonedesk/db.sqlite3"
    else:
        s["PORT"] = "1"  # nothing listens on port 1
    yield
    connection.close()
    s.clear()
    s.update(saved)


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_database_is_unhealthy(client, unreachable_database):
    status, body = health(client)
    assert status == 503
    assert body["checks"]["database"] == {"ok": False, "reason": "unavailable"}
    assert body["checks"]["worker"] == {"ok": False, "reason": "unknown"}


def _wait_for(client, status: int, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        answer = health(client)
        if answer[0] == status:
            return answer
        time.sleep(0.3)
    return answer


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_beats_and_clears_its_heartbeat_when_stopped(client, tmp_path):
    """`zonedesk worker` in its own process: healthy while it runs; stopped by SIGTERM (as
    systemd stops it), it removes its heartbeat and the check fails at once."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "ZONEDESK_VAR_DIR": str(tmp_path),
        "ZONEDESK_WORKER_HEARTBEAT_SECONDS": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "zonedesk.cli", "worker", "--no-reload", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        status, body = _wait_for(client, 200)
        assert status == 200, body
        row = WorkerHeartbeat.objects.get()
        assert row.pid == worker.pid and row.task_started_at is None
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
    assert worker.returncode == 0, worker.stderr.read()
    assert not WorkerHeartbeat.objects.exists()
    assert health(client)[1]["checks"]["worker"] == {"ok": False, "reason": "no heartbeat"}
