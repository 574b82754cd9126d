"""The visit ledger (走访台账): every visit and call as recorded — notes, figures seen, problems
heard, follow-up — per firm and per officer, filtered and exported, and the firms never visited
said as such; read by the unit's staff only."""

import datetime as dt
import io

import pytest
from python_calamine import CalamineWorkbook

from zonedesk.casework import selectors, services
from zonedesk.casework.selectors import LedgerFilters

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def ledger(world):
    """firm_a visited on site by its officer (a problem heard), firm_a2 only phoned by the
    leader, firm_b visited in the other zone."""
    world.visit = services.contact_log(
        actor=world.users["officer"],
        enterprise=world.firm_a,
        date=D(2020, 6, 10),
        kind="on_site",
        participants=[world.users["officer"]],
        notes="看了车间，订单排到八月",
        figures_seen="6月产值约1200万元",
        follow_up_on=D(2020, 7, 10),
        problems=[services.ProblemData(category="finance", title="续贷困难")],
    )
    world.call = services.contact_log(
        actor=world.users["leader"],
        enterprise=world.firm_a2,
        date=D(2020, 6, 20),
        kind="phone",
        participants=[world.users["leader"]],
        notes="电话了解复工情况",
    )
    world.other = services.contact_log(
        actor=world.users["officer_b"], enterprise=world.firm_b, date=D(2020, 6, 5), kind="on_site"
    )
    return world


def _ids(qs) -> set[int]:
    return {c.pk for c in qs}


def test_who_reads_which_contacts(ledger):
    both = {ledger.visit.pk, ledger.call.pk}
    for who in ("admin", "leader", "officer", "officer2", "department", "auditor", "city_leader"):
        assert _ids(selectors.visit_ledger(ledger.users[who])) == both, who
    for who in ("enterprise", "bank", "security"):
        assert _ids(selectors.visit_ledger(ledger.users[who])) == set(), who
    assert _ids(selectors.visit_ledger(ledger.users["officer_b"])) == {ledger.other.pk}


def test_the_filters(ledger):
    leader, officer = ledger.users["leader"], ledger.users["officer"]

    def got(**f):
        return _ids(selectors.visit_ledger(leader, LedgerFilters(**f)))

    assert got(officer=officer.pk) == {ledger.visit.pk}
    assert got(officer=leader.pk) == {ledger.call.pk}
    assert got(enterprise=ledger.firm_a2.pk) == {ledger.call.pk}
    assert got(kind="on_site") == {ledger.visit.pk}
    assert got(date_from=D(2020, 6, 11)) == {ledger.call.pk}
    assert got(date_to=D(2020, 6, 10)) == {ledger.visit.pk}
    assert got(date_from=D(2020, 6, 11), date_to=D(2020, 6, 19)) == set()


def test_never_visited_whatever_the_calls(ledger):
    leader = ledger.users["leader"]
    assert list(selectors.never_visited(leader)) == [ledger.firm_a2]
    assert (
        list(selectors.never_visited(leader, LedgerFilters(officer=ledger.users["officer"].pk)))
        == []
    )
    assert list(selectors.never_visited(leader, LedgerFilters(kind="phone"))) == [ledger.firm_a2]
    assert list(selectors.never_visited(ledger.users["enterprise"])) == []


def test_the_page_shows_what_was_recorded(ledger, client_for):
    page = client_for(ledger.users["leader"]).get("/casework/ledger/").content.decode()
    visit = page.split(f'data-testid="contact-{ledger.visit.pk}"')[1].split(
        'data-testid="contact-'
    )[0]
    for seen in (
        "2020-06-10",
        "上门走访",
        "看了车间，订单排到八月",
        "6月产值约1200万元",
        "续贷困难",
    ):
        assert seen in visit, seen
    assert "2020-07-10" in visit.split('data-testid="follow-up"')[1]
    never = page.split('data-testid="never-visited"')[1].split('data-testid="ledger-count"')[0]
    assert ledger.firm_a2.name in never and "从未走访" in never
    assert ledger.firm_a.name not in never


def test_per_firm_and_per_officer_from_the_links(ledger, client_for):
    officer = client_for(ledger.users["officer"])
    firm_page = officer.get(f"/enterprises/{ledger.firm_a.pk}/").content.decode()
    assert f'href="/casework/ledger/?firm={ledger.firm_a.pk}"' in firm_page
    me = ledger.users["officer"].pk
    assert f'href="/casework/ledger/?officer={me}"' in firm_page  # the officer's menu
    mine = officer.get("/casework/ledger/", {"officer": me}).content.decode()
    assert f'data-testid="contact-{ledger.visit.pk}"' in mine
    assert f'data-testid="contact-{ledger.call.pk}"' not in mine
    assert 'data-testid="never-visited"' not in mine  # the officer's one firm was visited


def test_bad_filters_are_said_and_left_out(ledger, client_for):
    leader = client_for(ledger.users["leader"])
    response = leader.get(
        "/casework/ledger/",
        {
            "officer": "x",
            "firm": "999999",
            "kind": "<b>",
            "date_from": "2020-07-01",
            "date_to": "2020-06-01",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    for field in ("officer", "firm", "kind", "date_to"):
        assert f'data-testid="error-{field}"' in page, field
    assert "截止日期早于起始日期" in page
    # left out: only the start date holds, after both contacts
    assert f'data-testid="contact-{ledger.call.pk}"' not in page


def test_the_sheet(ledger, client_for):
    response = client_for(ledger.users["leader"]).get("/casework/ledger.xlsx", {"kind": "on_site"})
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["走访台账", "从未走访"]
    rows = book.get_sheet_by_index(0).to_python()
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    assert cells["日期"] == D(2020, 6, 10)
    assert cells["企业"] == ledger.firm_a.name
    assert cells["方式"] == "上门走访"
    assert cells["情况记录"] == "看了车间，订单排到八月"
    assert cells["了解到的数据"] == "6月产值约1200万元"
    assert cells["反映的问题"] == "续贷困难"
    assert cells["跟进日期"] == D(2020, 7, 10)
    never = book.get_sheet_by_index(1).to_python()
    assert never[1][0] == ledger.firm_a2.name and never[1][2] == "从未走访"
