"""The audit log is complete: log-ins and log-outs, refused authorisations (403, and 404 on a
record outside the user's unit, pages and API, without flooding), spreadsheet exports (what,
how many rows) and API token use (at most once an hour per token)."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from zonedesk.core.actors import SYSTEM
from zonedesk.core.models import AuditEntry
from zonedesk.org.models import ApiToken
from zonedesk.org.services import api_token_create, user_set_password

pytestmark = pytest.mark.django_db
PASSWORD = "Kaijiang-2026-zone"
A = AuditEntry.Action


def _events(action, user=None):
    qs = AuditEntry.objects.filter(action=action)
    return qs.filter(actor=user) if user is not None else qs


def test_log_in_and_log_out_are_recorded_with_the_address(world, client):
    leader = world.users["leader"]
    user_set_password(actor=SYSTEM, user=leader, password=PASSWORD)
    response = client.post(
        "/accounts/login/", {"username": "leader", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4"
    )
    assert response.status_code == 302
    login = _events(A.LOGIN, leader).get()
    assert login.ip_address == "198.51.100.4" and login.via == "web"
    assert login.zone_id == world.zone_a.pk  # the zone's auditor sees it

    assert client.post("/accounts/logout/", REMOTE_ADDR="198.51.100.4").status_code in (200, 302)
    assert _events(A.LOGOUT, leader).get().ip_address == "198.51.100.4"


def test_a_forbidden_page_is_recorded_once_a_minute(world, client_for):
    officer = world.users["officer"]
    client = client_for(officer)
    assert client.get("/users/").status_code == 403
    assert client.get("/users/").status_code == 403  # again at once: no second entry
    entry = _events(A.REFUSED, officer).get()
    assert entry.changes == {"path": "/users/", "method": "GET", "status": 403}


def test_another_units_record_is_recorded_but_not_an_unknown_url(world, client_for):
    officer = world.users["officer"]
    client = client_for(officer)
    assert client.get(f"/enterprises/{world.firm_b.pk}/").status_code == 404
    assert client.get("/no-such-page/").status_code == 404
    entry = _events(A.REFUSED, officer).get()
    assert entry.changes["path"] == f"/enterprises/{world.firm_b.pk}/"
    assert entry.changes["status"] == 404


def test_the_apis_refusals_are_recorded(world, client_for):
    leader = world.users["leader"]
    client = client_for(leader)
    assert client.get(f"/api/v1/firms/{world.firm_b.pk}").status_code == 404
    entry = _events(A.REFUSED, leader).get()
    assert entry.via == "api" and entry.changes["status"] == 404


def test_an_export_records_what_and_how_many_rows(world, client_for):
    leader = world.users["leader"]
    response = client_for(leader).get("/enterprises/export.xlsx?q=甲")
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    data_rows = len(book.get_sheet_by_index(0).to_python()) - 1
    entry = _events(A.EXPORT, leader).get()
    assert entry.changes["what"] == "enterprises"
    assert entry.changes["rows"] == data_rows == 2
    assert "q=" in entry.changes["query"]


def test_token_use_is_recorded_once_an_hour(world, client):
    leader = world.users["leader"]
    row, token = api_token_create(actor=SYSTEM, user=leader, name="etl")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for _ in range(3):
        assert client.get("/api/v1/firms", **bearer).status_code == 200
    entry = _events(A.TOKEN_USED, leader).get()
    assert entry.changes == {"token": row.prefix, "name": "etl"} and entry.via == "api"

    ApiToken.objects.filter(pk=row.pk).update(
        last_audited_at=timezone.now() - dt.timedelta(minutes=61)
    )
    assert client.get("/api/v1/firms", **bearer).status_code == 200
    assert _events(A.TOKEN_USED, leader).count() == 2


def test_a_refusal_by_one_of_no_zone_on_a_zones_record_is_in_that_zones_log(world, client_for):
    """A bank's user refused on a need of zone A, a city's leader refused a move of its lead:
    the zone's auditor sees both (the entries keep the user's area); another zone's auditor,
    and refusals on other zones' records, stay out of zone A's log."""
    from tests import factories
    from tests.chain import leads_factories as leads
    from zonedesk.org.selectors import audit_list

    need = factories.financing_need(world.firm_a)
    bank = client_for(world.users["bank"])
    assert bank.post(f"/finance/needs/{need.pk}/consent/").status_code in (403, 404)
    lead = leads.lead(world.zone_a, world.users["officer"])
    city = client_for(world.users["city_leader"])
    moved = city.post(f"/leads/{lead.pk}/move/", {"to": "contact", "version": lead.version})
    assert moved.status_code == 403
    other = factories.financing_need(world.firm_b)
    assert bank.post(f"/finance/needs/{other.pk}/consent/").status_code in (403, 404)

    mine = list(audit_list(world.users["auditor"]).filter(action=A.REFUSED))
    paths = {e.changes["path"] for e in mine}
    assert f"/finance/needs/{need.pk}/consent/" in paths
    assert f"/leads/{lead.pk}/move/" in paths
    assert f"/finance/needs/{other.pk}/consent/" not in paths
    by_bank = next(e for e in mine if e.actor == world.users["bank"])
    assert by_bank.area_code == world.kaijiang.code  # still the bank's area's too

    auditor_b = factories.user("auditor_b", ["auditor"], zone=world.zone_b)
    theirs = {e.changes["path"] for e in audit_list(auditor_b).filter(action=A.REFUSED)}
    assert f"/finance/needs/{other.pk}/consent/" in theirs
    assert f"/finance/needs/{need.pk}/consent/" not in theirs
    assert f"/leads/{lead.pk}/move/" not in theirs
