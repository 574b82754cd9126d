"""Key projects' investment pages through the test client: a month entered on the project's
page (bad input and a stale version refused with nothing changed), the list's totals and its
stage, leader and department filters, the import (template, preview, confirm; a bad file
listed and nothing changed) and the summary's figures from the stored months."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from tests import factories
from tests.projects.test_investment_services import HEADER, sheet
from zonedesk.core.actors import SYSTEM
from zonedesk.core.period import Period
from zonedesk.projects import selectors, services
from zonedesk.projects.models import MonthlyInvestment, ProjectNode
from zonedesk.reports.document import plain
from zonedesk.reports.sections import projects as section

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def client_for(client_for):
    def make(user, lang="en"):
        client = client_for(user)
        client.cookies["django_language"] = lang
        return client

    return make


def _month(offset=0) -> dt.date:
    return Period.of(timezone.localdate()).shift(offset).first_day


@pytest.fixture
def project(world):
    return factories.project(
        world.zone_a,
        code="XM-P",
        name="投资测试项目",
        signed_on=timezone.localdate() - dt.timedelta(days=200),
        leading_cadre=world.users["leader"],
        service_officer=world.users["officer"],
    )


def _enter(project, month, planned, done, actor=SYSTEM, version=None):
    return services.investment_set(
        actor=actor,
        project=project,
        month=month,
        planned_wan=Decimal(planned),
        done_wan=Decimal(done),
        expected_version=version,
    )


def _stored(project):
    return list(
        MonthlyInvestment.objects.filter(project=project)
        .order_by("month")
        .values_list("month", "planned_wan", "done_wan", "version")
    )


def test_an_officer_enters_a_month_on_the_project_page(world, project, client_for):
    # Another officer of the zone reads the page without the form and is refused the entry.
    other = client_for(world.users["officer2"])
    assert 'data-testid="invest-form"' not in other.get(f"/projects/{project.pk}/").content.decode()
    refused = other.post(
        f"/projects/{project.pk}/investment/",
        {"month": f"{_month(-1):%Y-%m}", "planned_wan": "1", "done_wan": "1"},
    )
    assert refused.status_code == 403 and _stored(project) == []
    officer = client_for(world.users["officer"])
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="invest-form"' in page and "No month entered yet." in page
    month = _month(-1)
    # Thousands separators as officials type them ("1,000.5", "1，200") are numbers.
    response = officer.post(
        f"/projects/{project.pk}/investment/",
        {"month": f"{month:%Y-%m}", "planned_wan": "1，200", "done_wan": "1,000.5"},
    )
    assert response.status_code == 302 and response["Location"].endswith("#investment")
    assert _stored(project) == [(month, Decimal(1200), Decimal("1000.5"), 1)]
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    assert f'data-testid="invest-{month:%Y-%m}"' in page
    if month.year == timezone.localdate().year:
        assert re.search(r'data-testid="invest-done-to-date">1,000.50<', page)
        # The year's chart: its data beside it, the same figures as the table.
        data = re.search(r'id="invest-data" type="application/json">([^<]*)<', page).group(1)
        assert '"planned": ["1200.00"]' in data and '"done": ["1000.50"]' in data


def test_a_stored_month_is_changed_from_its_row(world, project, client_for):
    month = _month()
    _enter(project, month, "100", "10")
    _enter(project, month, "100", "20", version=1)
    officer = client_for(world.users["officer"])
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    link = re.search(rf'href="([^"]+)" data-testid="invest-edit-{month:%Y-%m}"', page).group(1)
    form = officer.get(f"/projects/{project.pk}/{link.split('#')[0]}").content.decode()
    form = form[form.index('id="invest-form"') :]
    assert 'name="version" value="2"' in form and 'value="20.00"' in form and " readonly" in form
    response = officer.post(
        f"/projects/{project.pk}/investment/",
        {"month": f"{month:%Y-%m}", "planned_wan": "100", "done_wan": "25", "version": "2"},
    )
    assert response.status_code == 302
    assert _stored(project) == [(month, Decimal(100), Decimal(25), 3)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"month": "2020-13", "planned_wan": "1", "done_wan": "0"}, "Not a month"),
        ({"month": "", "planned_wan": "1", "done_wan": "0"}, "This field is required."),
        ({"month": "NOW", "planned_wan": "-1", "done_wan": "0"}, "greater than or equal to 0"),
        ({"month": "NOW", "planned_wan": "1", "done_wan": "0.001"}, "2 decimal places"),
        ({"month": "EARLY", "planned_wan": "1", "done_wan": "0"}, "before the project was signed"),
        ({"month": "NEXT", "planned_wan": "1", "done_wan": "1"}, "The month has not begun"),
    ],
)
def test_bad_input_is_a_field_error_and_changes_nothing(world, project, client_for, data, message):
    months = {
        "NOW": f"{_month():%Y-%m}",
        "NEXT": f"{_month(1):%Y-%m}",
        "EARLY": f"{Period.of(project.signed_on).previous}",
    }
    data = {**data, "month": months.get(data["month"], data["month"])}
    response = client_for(world.users["officer"]).post(f"/projects/{project.pk}/investment/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _stored(project) == []


def test_the_refusal_reads_in_chinese(world, project, client_for):
    data = {"month": f"{_month(1):%Y-%m}", "planned_wan": "1", "done_wan": "1"}
    response = client_for(world.users["officer"], "zh-hans").post(
        f"/projects/{project.pk}/investment/", data
    )
    assert response.status_code == 400
    assert "完成（万元）：该月尚未开始：开始前完成投资为 0。" in response.content.decode()


def test_a_save_on_an_older_version_is_refused_and_shows_who(world, project, client_for):
    month = _month()
    _enter(project, month, "100", "10")
    _enter(project, month, "100", "20", actor=world.users["leader"], version=1)
    response = client_for(world.users["officer"]).post(
        f"/projects/{project.pk}/investment/",
        {"month": f"{month:%Y-%m}", "planned_wan": "100", "done_wan": "30", "version": "1"},
    )
    assert response.status_code == 409
    assert world.users["leader"].full_name in response.content.decode()
    assert _stored(project) == [(month, Decimal(100), Decimal(20), 2)]


def _read_at(page: str) -> str:
    return re.search(r'name="read_at" value="([^"]+)"', page).group(1)


def test_a_month_stored_before_the_page_was_read_is_changed(world, project, client_for):
    """A stored month typed into the page's empty form (not opened from its row) was on the
    page as stored: saving it changes it, it is not a conflict."""
    month = _month(-1)
    _enter(project, month, "100", "10")
    officer = client_for(world.users["officer"])
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    response = officer.post(
        f"/projects/{project.pk}/investment/",
        {
            "month": f"{month:%Y-%m}",
            "planned_wan": "100",
            "done_wan": "30",
            "read_at": _read_at(page),
        },
    )
    assert response.status_code == 302
    assert _stored(project) == [(month, Decimal(100), Decimal(30), 2)]


@pytest.mark.parametrize(
    ("actor", "lang", "shown"), [("system", "zh-hans", "系统"), ("leader", "en", None)]
)
def test_a_month_entered_after_the_page_was_read_is_refused_naming_who(
    world, project, client_for, actor, lang, shown
):
    """A month entered by someone after the page was read is refused (409), naming the person by
    their full name, the system as 系统 (never the user name "system"); nothing changes."""
    month = _month(-1)
    officer = client_for(world.users["officer"], lang)
    page = officer.get(f"/projects/{project.pk}/").content.decode()
    _enter(project, month, "100", "10", actor=SYSTEM if actor == "system" else world.users[actor])
    response = officer.post(
        f"/projects/{project.pk}/investment/",
        {
            "month": f"{month:%Y-%m}",
            "planned_wan": "100",
            "done_wan": "30",
            "read_at": _read_at(page),
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert (shown or world.users[actor].full_name) in html
    assert "system" not in html.split('data-testid="invest-form"')[0].split("<main")[-1]
    assert _stored(project) == [(month, Decimal(100), Decimal(10), 1)]


def test_readers_see_the_figures_without_the_form(world, project, client_for):
    _enter(project, _month(), "100", "10")
    page = client_for(world.users["auditor"]).get(f"/projects/{project.pk}/").content.decode()
    assert 'data-testid="invest-year"' in page and 'data-testid="invest-form"' not in page
    response = client_for(world.users["auditor"]).post(
        f"/projects/{project.pk}/investment/",
        {"month": f"{_month():%Y-%m}", "planned_wan": "1", "done_wan": "1"},
    )
    assert response.status_code == 403 and _stored(project)[0][2] == Decimal(10)


def _totals(page: str) -> tuple[str, str, str]:
    return tuple(
        re.search(rf'data-testid="totals-{k}">([^<]*)<', page).group(1)
        for k in ("planned", "done", "rate")
    )


def test_the_list_totals_the_listed_projects_year(world, project, client_for):
    this_year = timezone.localdate().year
    other = factories.project(
        world.zone_a,
        code="XM-Q",
        name="另一个项目",
        kind="services",
        signed_on=D(this_year - 1, 6, 1),
    )
    _enter(project, _month(), "300", "100")
    _enter(other, D(this_year, 1, 1), "500", "200")
    _enter(other, D(this_year - 1, 12, 1), "999", "999")  # last year's: not counted
    leader = client_for(world.users["leader"])
    # Plan 800; completed 300 (the current month's and January's): 37.50 %.
    page = leader.get("/projects/").content.decode()
    assert _totals(page) == ("800.00", "300.00", "37.50%")
    # By level (county: both) and by kind.
    by = re.search(r'data-testid="totals-by">(.*?)</table>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "|", r).strip("|\n ").split("||") for r in by.split("<tr>")[2:]]
    assert cells == [
        ["County key project", "800.00", "300.00", "37.50%"],
        ["Industrial", "300.00", "100.00", "33.33%"],
        ["Services", "500.00", "200.00", "40.00%"],
    ]
    assert _totals(leader.get("/projects/", {"kind": "services"}).content.decode()) == (
        "500.00",
        "200.00",
        "40.00%",
    )


def test_the_list_filters_by_stage_leader_and_department(world, project, client_for):
    other = factories.project(
        world.zone_a, code="XM-Q", name="另一个项目", signed_on=timezone.localdate()
    )
    services.node_complete(actor=SYSTEM, node=ProjectNode.objects.get(project=other, code="sign"))
    leader = client_for(world.users["leader"])

    def listed(**query):
        page = leader.get("/projects/", query).content.decode()
        return {n for n in ("投资测试项目", "另一个项目") if n in page}

    assert listed() == {"投资测试项目", "另一个项目"}
    assert listed(stage="sign") == {"投资测试项目"}
    assert listed(stage="approve") == {"另一个项目"}  # its current node: 立项/备案
    assert listed(stage="done") == set()
    assert listed(leader=world.users["leader"].pk) == {"投资测试项目"}
    # 立项/备案 is in 经济发展局's charge; 签约 in 招商服务局's (not a department of zone_a).
    dept = ProjectNode.objects.get(project=other, code="approve").department
    assert listed(department=dept.pk) == {"另一个项目"}
    page = leader.get("/projects/").content.decode()
    assert f'<option value="{dept.pk}">{dept.name}</option>' in page


def _upload(client, content, zone="zone-a"):
    return client.post(
        "/projects/investment/import/",
        {"zone": zone, "file": io.BytesIO(content)},
    )


def test_the_import_previews_then_stores_the_file(world, project, client_for):
    officer = client_for(world.users["officer"])
    month = f"{_month(-1):%Y-%m}"  # signed 200 days ago: last month is after its signing
    content = sheet([["XM-P", "", month, 400, 150.5]])
    response = _upload(officer, content, world.zone_a.code)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="invest-preview"' in page
    assert "1 new, 0 updated, 0 unchanged." in page and _stored(project) == []
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = officer.post(
        "/projects/investment/import/",
        {"step": "confirm", "token": token, "zone": world.zone_a.code},
    )
    assert done.status_code == 200 and 'data-testid="invest-result"' in done.content.decode()
    assert _stored(project) == [(_month(-1), Decimal(400), Decimal("150.5"), 1)]
    # The same token again: the months compared changed (they are stored now): refused.
    again = officer.post(
        "/projects/investment/import/",
        {"step": "confirm", "token": token, "zone": world.zone_a.code},
    )
    assert again.status_code == 400 and "changed since the preview" in again.content.decode()
    # Another user's token is not theirs.
    other = client_for(world.users["leader"]).post(
        "/projects/investment/import/",
        {"step": "confirm", "token": token, "zone": world.zone_a.code},
    )
    assert other.status_code == 400 and "not yours" in other.content.decode()
    assert len(_stored(project)) == 1


def test_a_bad_file_lists_every_problem_and_changes_nothing(world, project, client_for):
    content = sheet([["XM-P", "", "2020-13", -1, 0], ["XM-NONE", "", f"{_month():%Y-%m}", 1, 0]])
    response = _upload(client_for(world.users["officer"]), content, world.zone_a.code)
    page = response.content.decode()
    assert response.status_code == 400 and 'data-testid="import-errors"' in page
    assert "3 problems found. Nothing was changed." in page
    for words in ("Not a month", "Cannot be negative.", "No key project of the zone"):
        assert words in page
    assert _stored(project) == []


def test_a_template_filled_for_one_project_previews_and_keeps_a_blank_figure(
    world, project, client_for
):
    """The page says blank rows are skipped; the downloaded template with only one row filled,
    and that row's completed figure blank, is previewed and imported (the stored figure kept)."""
    other = factories.project(
        world.zone_a, code="XM-Q", name="另一个项目", signed_on=project.signed_on
    )
    month = f"{_month(-1):%Y-%m}"
    _enter(project, _month(-1), "300", "120")
    officer = client_for(world.users["officer"])
    page = officer.get("/projects/investment/import/").content.decode()
    assert "a row whose two figures are blank is skipped" in page
    content = sheet(
        [["XM-P", "投资测试项目", month, 400, None], ["XM-Q", "另一个项目", month, None, None]]
    )
    page = _upload(officer, content, world.zone_a.code).content.decode()
    assert "0 new, 1 updated, 0 unchanged." in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    officer.post(
        "/projects/investment/import/",
        {"step": "confirm", "token": token, "zone": world.zone_a.code},
    )
    assert _stored(project) == [(_month(-1), Decimal(400), Decimal(120), 2)]
    assert _stored(other) == []


def test_the_template_lists_the_zones_projects(world, project, client_for):
    factories.project(world.zone_b, code="XM-B", name="乙区项目", signed_on=D(2020, 1, 1))
    response = client_for(world.users["officer"]).get(
        "/projects/investment/template.xlsx", {"zone": world.zone_a.code}
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == HEADER
    assert [r[:3] for r in rows[1:]] == [["XM-P", "投资测试项目", f"{_month():%Y-%m}"]]
    # The template, filled in, is read back by the import.
    filled = sheet([["XM-P", "投资测试项目", f"{_month():%Y-%m}", 10, 0]])
    services.investment_import(actor=SYSTEM, zone=world.zone_a, fileobj=filled)
    assert _stored(project)[0][1] == Decimal(10)


def test_the_summary_counts_the_periods_investment(world, client_for):
    early = factories.project(world.zone_a, code="A", signed_on=D(2020, 1, 2))
    factories.project(world.zone_b, code="B", signed_on=D(2020, 1, 2))
    leader = world.users["leader"]

    def read(first, last):
        return selectors.summary(
            leader, zones=[world.zone_a], first=first, last=last, today=D(2020, 9, 15)
        )

    before = read(Period(2020, 1), Period(2020, 6))
    assert before.invest_done_wan == 0 and before.invest_rate is None
    for month, planned, done in ((1, 100, 50), (6, 100, 70), (7, 200, 90), (12, 600, 0)):
        services.investment_set(
            actor=SYSTEM,
            project=early,
            month=D(2020, month, 1),
            planned_wan=Decimal(planned),
            done_wan=Decimal(done),
            today=D(2020, 9, 15),
        )
    h1 = read(Period(2020, 1), Period(2020, 6))
    # Completed January to June 120; the year's plan 1,000: 12 %.
    assert (h1.invest_done_wan, h1.invest_rate) == (Decimal(120), Decimal("0.12"))
    assert h1.invest_plan_wan == Decimal(1000)  # the denominator, named in the sentence
    july = read(Period(2020, 7), Period(2020, 7))
    assert (july.invest_done_wan, july.invest_rate) == (Decimal(90), Decimal("0.21"))
    assert july.as_of is not None
    text = plain(" ".join(section.sentences(h1, "H1 2020")))
    assert "In the period, 120.00 (10k yuan) of their investment was completed" in text
    assert "12.00% of the year's monthly investment plans (1,000.00, 10k yuan)" in text
