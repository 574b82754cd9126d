"""`zonedesk worker`: django-tasks' database worker (`db_worker`, same options) that also writes a
heartbeat, so that /health/ can tell whether background work is being done.

The heartbeat is a thread beside the worker's loop: it rewrites the worker's row every
ZONEDESK["WORKER_HEARTBEAT_SECONDS"] (also while a long task runs, noting when the task started)
and removes it when the worker stops cleanly. It shows that the process lives and reaches the
database; a loop stuck inside one task shows as a task start long past.
"""

import logging
import os
import signal
import sys
import threading

from django.conf import settings
from django.db import DatabaseError, connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.compat import task_finished, task_started
from django_tasks_db.management.commands import db_worker

from zonedesk.core.health import Heartbeat

logger = logging.getLogger(__name__)


class Beating(threading.Thread):
    def __init__(self, heartbeat: Heartbeat, every: float):
        super().__init__(name="zonedesk-heartbeat", daemon=True)
        self.heartbeat = heartbeat
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            self._safely(self.heartbeat.beat)
            self.stopped.wait(self.every)
        # Removed by this thread, on its own connection: the main thread's may be inside the
        # transaction that the stopping signal interrupted (db_worker's poll), where the delete
        # failed ("cannot start a transaction within a transaction") and left the row behind.
        self._safely(self.heartbeat.stop)

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=10)

    @staticmethod
    def _safely(write) -> None:
        """A beat that fails (database locked or away) is logged; the next one tries again."""
        try:
            write()
        except DatabaseError:
            logger.warning("The worker's heartbeat could not be written.", exc_info=True)
        finally:
            connections.close_all()  # this thread's own connection


def _exit_cleanly(signum, frame) -> None:
    sys.exit(0)


class Command(db_worker.Command):
    help = "Run the background worker (db_worker) and write its heartbeat for /health/."

    def handle(self, *args, **options):
        reloading = options["reload"] and not options["batch"]
        if reloading and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)  # the reloader's parent: its child beats
        heartbeat = Heartbeat(worker_id=options["worker_id"])

        def started(**kwargs):
            heartbeat.task_started_at = timezone.now()

        def finished(**kwargs):
            heartbeat.task_started_at = None

        task_started.connect(started, weak=False, dispatch_uid="zonedesk-heartbeat-started")
        task_finished.connect(finished, weak=False, dispatch_uid="zonedesk-heartbeat-finished")
        # A stop asked for before db_worker installs its own handlers (SIGTERM from systemd, or
        # Ctrl+C, right after the first beat) ends the worker as cleanly as db_worker would when
        # idle, so the heartbeat is removed below: with the default action the process died at
        # once and left a fresh heartbeat behind.
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, _exit_cleanly)
        beating = Beating(heartbeat, settings.ZONEDESK["WORKER_HEARTBEAT_SECONDS"])
        beating.start()
        try:
            return super().handle(*args, **options)
        finally:
            beating.stop()
            task_started.disconnect(dispatch_uid="zonedesk-heartbeat-started")
            task_finished.disconnect(dispatch_uid="zonedesk-heartbeat-finished")
