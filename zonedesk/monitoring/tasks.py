"""Background tasks of monitoring (Django's tasks interface; the database backend's worker runs
them: `zonedesk db_worker`)."""

from django_tasks import task


@task()
def run_import(job_id: str) -> None:
    from zonedesk.monitoring.services import import_run

    import_run(job_id=job_id)


@task()
def refresh_rollups(zone_ids: list[int], periods: list[str], values: bool = True) -> None:
    """Recompute the zone-month summaries a write of figures (or of their status only, without
    `values`) has dropped."""
    from zonedesk.core.period import Period
    from zonedesk.monitoring import rollups

    rollups.refresh(zone_ids, [Period.parse(p) for p in periods], values=values)
