"""Is this instance healthy? The database answers, a background worker is alive, the disk has room.

Read by the /health/ endpoint (a load balancer's or monitor's probe, no log-in). What it answers
names no host, path, version or error text: only each check's verdict, and the heartbeat's age.

The worker's heartbeat is written here too, by `zonedesk worker` (a thread beside django-tasks'
db_worker loop, which records no sign of life of its own).
"""

import datetime as dt
import os
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from zonedesk.core.models import WorkerHeartbeat


@dataclass
class Check:
    ok: bool
    reason: str = ""
    details: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        out = {"ok": self.ok, **self.details}
        if self.reason:
            out["reason"] = self.reason
        return out


def database() -> Check:
    """A trivial query: the server answers and the credentials work."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Check(False, "unavailable")
    return Check(True)


def uses_worker() -> bool:
    """Whether tasks go to the database queue (and so need `zonedesk worker` running)."""
    return settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def worker(now: dt.datetime | None = None) -> Check:
    """Fresh when the newest heartbeat is younger than ZONEDESK["WORKER_STALE_SECONDS"]."""
    if not uses_worker():
        return Check(True, "not used")
    try:
        seen = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True)[:1]
        newest = next(iter(seen), None)
    except DatabaseError:
        return Check(False, "unknown")
    if newest is None:
        return Check(False, "no heartbeat")
    age = max(0, int(((now or timezone.now()) - newest).total_seconds()))
    if age > settings.ZONEDESK["WORKER_STALE_SECONDS"]:
        return Check(False, "stale", {"age_seconds": age})
    return Check(True, details={"age_seconds": age})


def _existing(path: Path) -> Path:
    """The folder itself, or the nearest parent that exists (MEDIA_ROOT is made on first use)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def disk() -> Check:
    """Free space where the database file, the key and uploads live (VAR_DIR, MEDIA_ROOT) is at
    least ZONEDESK["DISK_MIN_FREE_MB"]."""
    minimum = settings.ZONEDESK["DISK_MIN_FREE_MB"] * 1024 * 1024
    for path in {settings.VAR_DIR, Path(settings.MEDIA_ROOT)}:
        if shutil.disk_usage(_existing(Path(path))).free < minimum:
            return Check(False, "low")
    return Check(True)


def report() -> tuple[bool, dict]:
    """(healthy, the checks' verdicts as JSON)."""
    checks = {"database": database(), "worker": worker(), "disk": disk()}
    healthy = all(c.ok for c in checks.values())
    return healthy, {
        "status": "ok" if healthy else "fail",
        "checks": {name: c.as_json() for name, c in checks.items()},
    }


# --- the worker's side ---------------------------------------------------------------------------


@dataclass
class Heartbeat:
    """One worker process's row; `beat` rewrites it, `stop` removes it."""

    worker_id: str
    started_at: dt.datetime = field(default_factory=timezone.now)
    task_started_at: dt.datetime | None = None

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "host": socket.gethostname()[:255],
                "pid": os.getpid(),
                "started_at": self.started_at,
                "seen_at": timezone.now(),
                "task_started_at": self.task_started_at,
            },
        )

    def stop(self) -> None:
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
