"""Monthly investment over the API."""

from django.utils.translation import gettext as _
from ninja import Router

from zonedesk.core.errors import PermissionDenied, ValidationFailed
from zonedesk.core.period import Period
from zonedesk.core.schemas import ConflictOut
from zonedesk.projects import access, selectors, services
from zonedesk.projects.api.projects import _project
from zonedesk.projects.models import (
    MonthlyInvestment,
)
from zonedesk.projects.schemas import (
    InvestmentIn,
    InvestmentMonthOut,
    InvestmentOut,
)

router = Router(tags=["projects"])


# --- monthly investment ------------------------------------------------------------------------


def _month_out(row: MonthlyInvestment) -> dict:
    return {
        "month": f"{row.month:%Y-%m}",
        "planned_wan": row.planned_wan,
        "done_wan": row.done_wan,
        "version": row.version,
    }


@router.get("/projects/{int:pk}/investment", response=InvestmentOut)
def get_investment(request, pk: int):
    """The project's monthly investment as its page shows it: this year's figures through this
    month (the year's plan, planned and completed to date, the completion rate) and every
    month entered, newest first."""
    project = _project(request, pk)
    view = selectors.investment_of(request.user, project)
    year = view.year
    return {
        "project_id": project.pk,
        "year": {
            "year": year.year,
            "through": f"{year.through:%Y-%m}",
            "planned_year_wan": year.planned_year,
            "planned_to_date_wan": year.planned_to_date,
            "done_to_date_wan": year.done_to_date,
            "rate": year.rate,
        },
        "months": [_month_out(m) for m in view.months],
        "first_month": f"{view.first_month:%Y-%m}",
        "can_enter": view.can_enter,
    }


@router.put(
    "/projects/{int:pk}/investment/{month}", response={200: InvestmentMonthOut, 409: ConflictOut}
)
def put_investment(request, pk: int, month: str, payload: InvestmentIn):
    """Enter a month's planned and completed investment (`month`: YYYY-MM). `version`: the
    month's as read (GET …/investment), or none for a month not yet entered; 409 when it
    changed (or was entered by someone else) since. The zone's managers and officers."""
    project = _project(request, pk)
    if not access.can_enter_project_investment(request.user, project):
        raise PermissionDenied(
            _("Only the zone's leaders, administrators and officers enter a project's investment.")
        )
    try:
        first_day = Period.parse(month).first_day
    except ValueError as exc:
        raise ValidationFailed({"month": [_("Not a month: write YYYY-MM, e.g. 2020-06.")]}) from exc
    row = services.investment_set(
        actor=request.user,
        project=project,
        month=first_day,
        planned_wan=payload.planned_wan,
        done_wan=payload.done_wan,
        expected_version=payload.version or None,
    )
    return _month_out(row)
