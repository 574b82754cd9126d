"""Background tasks of notices (Django's tasks interface; `zonedesk worker` runs them)."""

from django_tasks import task


@task()
def deliver() -> None:
    """Send the notifications' deliveries that are due (e-mail…), outside any request."""
    from zonedesk.core.actors import SYSTEM
    from zonedesk.notices import services

    services.deliveries_send(actor=SYSTEM)
