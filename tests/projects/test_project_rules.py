"""A project's dates and amounts agree (projfix, item 1), on the page, in the service (so the API
too) and in the monthly investment: the first production month is not before the signing month,
the yearly planned investment is at most the total, a month's planned or completed investment is
at most the project's total."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories
from tests.projects.test_investment_services import GOOD, _import, sheet
from tests.projects.test_project_form import JSON, _api, _body, _client, _data, _post
from zonedesk.core.actors import SYSTEM
from zonedesk.core.errors import ValidationFailed
from zonedesk.core.xlsx import ImportRejected
from zonedesk.projects import services
from zonedesk.projects.models import MonthlyInvestment, Project

pytestmark = pytest.mark.django_db

BEFORE_SIGNING = {"first_production_month": dt.date(2026, 2, 1), "signed_on": dt.date(2026, 3, 2)}
YEAR_ABOVE_TOTAL = {
    "total_investment_wan": Decimal("1000"),
    "yearly_investment_wan": Decimal("1000.01"),
}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        (BEFORE_SIGNING, "first_production_month"),
        (YEAR_ABOVE_TOTAL, "yearly_investment_wan"),
    ],
)
def test_the_service_refuses_dates_and_amounts_that_disagree(world, fields, field):
    with pytest.raises(ValidationFailed) as exc:
        services.project_create(
            actor=world.users["leader"], zone=world.zone_a, data=_data(world, **fields)
        )
    assert list(exc.value.errors) == [field]
    assert not Project.objects.exists()


def test_the_signing_month_itself_and_a_year_equal_to_the_total_are_accepted(world):
    project = services.project_create(
        actor=world.users["leader"],
        zone=world.zone_a,
        data=_data(
            world,
            signed_on=dt.date(2026, 3, 31),
            first_production_month=dt.date(2026, 3, 1),
            total_investment_wan=Decimal("1000"),
            yearly_investment_wan=Decimal("1000"),
        ),
    )
    assert project.first_production_month == dt.date(2026, 3, 1)


def test_an_edit_is_refused_too(world):
    project = services.project_create(
        actor=world.users["leader"], zone=world.zone_a, data=_data(world)
    )
    data = services.ProjectData.of(project)
    from dataclasses import replace

    with pytest.raises(ValidationFailed) as exc:
        services.project_edit(
            actor=world.users["leader"],
            project=project,
            data=replace(data, signed_on=dt.date(2028, 1, 5)),
            expected_version=project.version,
        )
    assert "first_production_month" in exc.value.errors


@pytest.mark.parametrize(
    ("lang", "fields", "field", "words"),
    [
        (
            "en",
            {"first_production_month": "2026-03", "signed_on": "2026-04-01"},
            "first_production_month",
            "is before the project&#x27;s signing month (2026-04)",
        ),
        (
            "zh-hans",
            {"first_production_month": "2026-03", "signed_on": "2026-04-01"},
            "first_production_month",
            "早于签约月份（2026-04）",
        ),
        (
            "en",
            {"total_investment_wan": "85000", "yearly_investment_wan": "90000"},
            "yearly_investment_wan",
            "(90,000.00 10k yuan) is more than the total investment (85,000.00 10k yuan)",
        ),
        (
            "zh-hans",
            {"total_investment_wan": "85000", "yearly_investment_wan": "90000"},
            "yearly_investment_wan",
            "超过总投资",
        ),
    ],
)
def test_the_page_shows_the_field_error_in_both_languages(
    world, client_for, lang, fields, field, words
):
    client = _client(client_for, world.users["leader"], lang)
    response = client.post(reverse("projects:create"), _post(world, **fields))
    assert response.status_code == 400
    html = response.content.decode()
    assert f'data-testid="error-{field}"' in html
    assert words in html
    assert not Project.objects.exists()


def test_the_edit_page_refuses_a_year_above_the_total(world, client_for):
    client = _client(client_for, world.users["leader"], "en")
    assert client.post(reverse("projects:create"), _post(world)).status_code == 302
    project = Project.objects.get(code="XM-P1")
    body = _post(world, yearly_investment_wan="85000.01", version=project.version)
    response = client.post(reverse("projects:edit", args=[project.pk]), body)
    assert response.status_code == 400
    assert 'data-testid="error-yearly_investment_wan"' in response.content.decode()
    project.refresh_from_db()
    assert project.yearly_investment_wan == Decimal("20000")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"first_production_month": "2026-04-01"}, "first_production_month"),
        ({"yearly_investment_wan": "300000.01"}, "yearly_investment_wan"),
    ],
)
def test_the_api_refuses_them_with_field_errors(world, client_for, fields, field):
    client = _api(client_for, world.users["leader"])
    response = client.post(
        "/api/v1/projects", json.dumps(_body(world, **fields)), content_type=JSON
    )
    assert response.status_code == 400, response.content
    assert field in json.loads(response.content)["errors"]
    assert not Project.objects.exists()


# --- a month's investment ---------------------------------------------------------------------

TODAY = dt.date(2020, 7, 15)


@pytest.fixture
def small(world):
    """A project of 500 (10k yuan) in all."""
    return factories.project(
        world.zone_a,
        code="XM-A",
        signed_on=dt.date(2020, 3, 10),
        total_investment_wan=Decimal("500"),
    )


@pytest.mark.parametrize(
    ("planned", "done", "field"),
    [("500.01", "0", "planned_wan"), ("10", "600", "done_wan")],
)
def test_a_month_above_the_total_is_refused(small, planned, done, field):
    with pytest.raises(ValidationFailed) as exc:
        services.investment_set(
            actor=SYSTEM,
            project=small,
            month=dt.date(2020, 5, 1),
            planned_wan=Decimal(planned),
            done_wan=Decimal(done),
            today=TODAY,
        )
    assert list(exc.value.errors) == [field]
    assert (
        "more than the project's total investment (500.00 10k yuan)" in (exc.value.errors[field][0])
    )
    assert not MonthlyInvestment.objects.exists()


def test_a_month_equal_to_the_total_is_accepted(small):
    row = services.investment_set(
        actor=SYSTEM,
        project=small,
        month=dt.date(2020, 5, 1),
        planned_wan=Decimal("500"),
        done_wan=Decimal("500"),
        today=TODAY,
    )
    assert row.pk is not None


def test_the_project_page_shows_the_months_field_error(world, client_for, small):
    client = _client(client_for, world.users["leader"], "zh-hans")
    response = client.post(
        reverse("projects:investment_set", args=[small.pk]),
        {"month": "2020-05", "planned_wan": "900", "done_wan": "0"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="invest-errors"' in html and "超过项目总投资" in html
    assert not MonthlyInvestment.objects.exists()


def test_an_imported_row_above_the_total_refuses_the_file_naming_the_cell(world, small):
    content = sheet([GOOD, ["XM-A", "", "2020-05", 10, 500.5]])
    with pytest.raises(ImportRejected) as refused:
        _import(world.zone_a, content)
    (error,) = refused.value.errors
    assert (error.row, error.column, error.value) == (
        3,
        "Completed investment (10k yuan)",
        "500.50",
    )
    assert "total investment" in error.reason
    assert not MonthlyInvestment.objects.exists()
