"""Background tasks of monitoring (Django's tasks interface; the database backend's worker runs
them: `zonedesk db_worker`)."""

from django_tasks import task


@task()
def run_import(job_id: str) -> None:
    from zonedesk.monitoring.services import import_run

    import_run(job_id=job_id)
