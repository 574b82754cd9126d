"""A firm halted every day of the month that still reports output (issue 15, M5: nine February
2020 rows of the demo) gets a warning, never a refusal: on the monthly form (a message after
the save), in the import's preview (the firms listed) and from the API (the figures'
`warnings`; the import's dry run). June has 30 days: 30 days halted with 1,234.50 (10k yuan)
of output is warned about, 29 days or no output is not."""

import json

import pytest
from django.utils import translation

from tests.factories import JUNE, MONTHLY_ROW, saved
from tests.factories import filled_template as filled
from zonedesk.monitoring import figures
from zonedesk.monitoring.models import ImportJob, MonthlyFigure

pytestmark = pytest.mark.django_db

HALTED_ROW = [*MONTHLY_ROW[:5], 30, *MONTHLY_ROW[6:]]  # days halted: all 30 days of June


def test_the_rule():
    assert figures.halted_with_output({"days_halted": 30, "output_value_wan": 1}, 30)
    assert not figures.halted_with_output({"days_halted": 29, "output_value_wan": 1}, 30)
    assert not figures.halted_with_output({"days_halted": 30, "output_value_wan": 0}, 30)
    assert not figures.halted_with_output({"days_halted": 28, "output_value_wan": 5}, 29)
    with translation.override("en"):
        found = figures.warnings({"days_halted": 29, "output_value_wan": 1234.5}, 29)
    assert list(found) == ["halted_with_output"]
    assert (
        "Halted all 29 days of the month, yet an output value of 1,234.50"
        in found["halted_with_output"]
    )


def test_the_form_saves_and_warns(world, client_for):
    firm = client_for(world.users["enterprise"])
    firm.cookies["django_language"] = "en"
    url = f"/monitoring/enterprises/{world.firm_a.pk}/2020-06/"
    form = {"output_value_wan": "1200.50", "employees": "80", "days_halted": "30", "version": 0}
    response = firm.post(url, form, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Halted all 30 days of the month, yet an output value of 1,200.50" in page
    figure = MonthlyFigure.objects.get()  # kept as entered: a warning, not a refusal
    assert (figure.days_halted, str(figure.output_value_wan)) == (30, "1200.50")
    officer = client_for(world.users["officer"])
    table = officer.get("/monitoring/month/", {"zone": "zone-a", "period": "2020-06"})
    assert table.content.decode().count('data-testid="halted-with-output"') == 1
    form = {**form, "days_halted": "29", "version": figure.version}
    page = firm.post(url, form, follow=True).content.decode()
    assert "Halted all" not in page


def test_the_api_returns_the_warning(world, client_for):
    firm = client_for(world.users["enterprise"])
    firm.handler.enforce_csrf_checks = False
    url = f"/api/v1/firms/{world.firm_a.pk}/figures/2020-06"
    body = {"output_value_wan": "99.50", "employees": 9, "days_halted": 30}
    response = firm.put(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert list(response.json()["warnings"]) == ["halted_with_output"]
    listed = firm.get(f"/api/v1/firms/{world.firm_a.pk}/figures").json()
    assert list(listed[0]["warnings"]) == ["halted_with_output"]
    body = {**body, "days_halted": 3, "version": response.json()["version"]}
    response = firm.put(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 200 and response.json()["warnings"] == {}


def _rows(world):
    """The template's two firm rows (sheet rows 2 and 3): the second halted all month."""
    return {2: MONTHLY_ROW, 3: HALTED_ROW}


def test_the_import_preview_lists_the_firm(world, client_for):
    client = client_for(world.users["leader"])
    client.cookies["django_language"] = "en"
    data = saved(filled(world, rows=_rows(world)))
    data.name = "june.xlsx"
    response = client.post(
        "/monitoring/import/", {"zone": "zone-a", "period": str(JUNE), "file": data}
    )
    job = ImportJob.objects.get()
    assert job.state == "previewed" and job.preview["warned"] == 1
    (warned,) = job.preview["warnings"]
    assert warned["kinds"] == ["halted_with_output"] and warned["days_halted"] == 30
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="preview-check"' in page
    assert "1 firm’s month is accepted but should be checked" in page
    assert "Halted all 30 days of the month, yet an output value of 1,234.50" in page
    assert warned["firm"][1] in page
    # Imported as it is: a warning, not a refusal.
    client.post(f"/monitoring/import/{job.pk}/confirm/", {"action": "confirm"})
    assert MonthlyFigure.objects.filter(days_halted=30).count() == 1


def test_the_import_dry_run_of_the_api_lists_the_firm(world, client_for):
    client = client_for(world.users["leader"])
    client.handler.enforce_csrf_checks = False
    data = saved(filled(world, rows=_rows(world)))
    data.name = "june.xlsx"
    response = client.post(
        f"/api/v1/zones/zone-a/figures/{JUNE}/import?dry_run=true", {"file": data}
    )
    assert response.status_code == 200, response.content
    (warned,) = response.json()["warnings"]
    assert list(warned["warnings"]) == ["halted_with_output"]
    assert not MonthlyFigure.objects.exists()
