"""The contacts due count each kind from the last contact of that kind: a firm only ever phoned
is "never visited", in the page, the sheet and the API, never "739,863 days overdue"."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zonedesk.casework import selectors, services

pytestmark = pytest.mark.django_db


def _phoned(world, days_ago: int):
    services.contact_log(
        actor=world.users["officer"],
        enterprise=world.firm_a,
        date=timezone.localdate() - dt.timedelta(days=days_ago),
        kind="phone",
    )


def test_a_firm_only_phoned_is_never_visited_with_no_day_count(world):
    """Phoned 40 days ago on the default plan (call every 30, visit every 90): the call is 10
    days late, the visit was never made (no count from year 1)."""
    _phoned(world, 40)
    [row] = selectors.contacts_due(world.users["officer"], today=timezone.localdate())
    assert (row.never_contacted, row.never_visited) == (False, True)
    assert (row.visit_days_overdue, row.call_days_overdue, row.days_overdue) == (None, 10, 10)


def test_a_firm_phoned_lately_but_never_visited_is_still_due(world):
    """The call is on time; the visit the plan asks for was never made."""
    _phoned(world, 5)
    [row] = selectors.contacts_due(world.users["officer"], today=timezone.localdate())
    assert row.never_visited and row.days_overdue is None and row.call_days_overdue is None


def test_the_page_says_never_visited(world, client_for):
    _phoned(world, 40)
    page = client_for(world.users["officer"]).get("/casework/contacts/due/").content.decode()
    row = page.split(f'data-testid="due-{world.firm_a.pk}"')[1].split("</a>\n  </div>")[0]
    assert "从未走访" in row
    assert "电话已超期 10 天" in row
    assert "739" not in row  # the days since year 1


def test_the_sheet_says_never_visited(world, client_for):
    _phoned(world, 40)
    response = client_for(world.users["officer"]).get("/casework/contacts/due.xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    header, [firm] = rows[0], rows[1:]
    cells = dict(zip(header, firm, strict=True))
    assert cells["企业"] == world.firm_a.name
    assert cells["走访超期（天）"] == ""  # never visited: no count
    assert cells["电话超期（天）"] == 10
    assert cells["备注"] == "从未走访"
    assert all(not isinstance(v, int | float) or v < 1000 for v in firm)


def test_the_api_says_never_visited(world, client_for):
    _phoned(world, 40)
    [row] = client_for(world.users["officer"]).get("/api/v1/casework/contacts-due").json()
    assert row["never_visited"] is True
    assert (row["visit_days_overdue"], row["call_days_overdue"], row["days_overdue"]) == (
        None,
        10,
        10,
    )
