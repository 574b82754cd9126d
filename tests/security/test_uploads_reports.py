"""What an import's refusal tells: long values cut short on the page and in the API's 400 body
(a cell of 30,000 characters on every row made a response of megabytes), and nothing about a
credit code registered in another unit (issue 14, smaller findings)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tests.factories import library_row, library_workbook
from tests.security.uploads_craft import inline, row, xlsx
from zonedesk.core.xlsx import SHOWN, CellError, ImportRejected
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import enterprise_import

pytestmark = pytest.mark.django_db

LONG = "长" * 30_000
HEADER = ["Enterprise name", "Unified social credit code", "Zone code", "Industry code"]


def test_a_problem_shows_at_most_a_prefix_of_its_value():
    error = CellError("s" * 500, 2, "c" * 500, LONG, "r" * 5000)
    assert error.value == LONG[: SHOWN["value"]] + "…"
    assert len(error.sheet) == len(error.column) == 101 and len(error.reason) == 1001
    assert len(str(error)) < 1500


def test_the_import_page_does_not_echo_huge_cells(world, client_for):
    rows = "".join(
        row([inline(LONG), inline(f"9144030000000{n:04d}0"), inline("zone-a"), inline("C3311")])
        for n in range(300)
    )
    content = xlsx(row([inline(h) for h in HEADER]) + rows)
    page = client_for(world.users["leader"]).post(
        "/enterprises/import/", {"file": SimpleUploadedFile("firms.xlsx", content)}
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert 'data-testid="import-errors"' in body
    assert LONG[:201] not in body and LONG[:200] + "…" in body
    assert len(page.content) < 1_000_000  # 300 rows x 30,000 characters was 27 MB


def test_the_api_400_does_not_echo_huge_cells(world, client_for):
    content = library_workbook([library_row(f"第{n}条", published=LONG) for n in range(1, 400)])
    response = client_for(world.users["admin"]).post(
        "/api/v1/policies/measures/import",
        {"file": SimpleUploadedFile("measures.xlsx", content)},
    )
    assert response.status_code == 400
    rows = response.json()["rows"]
    assert len(rows) == 399 and all(len(r["value"]) <= SHOWN["value"] + 1 for r in rows)
    assert len(response.content) < 1_000_000  # JSON escapes each character in 6 bytes: was 72 MB


def test_the_api_lists_at_most_the_configured_number_of_problems(world, client_for, settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "IMPORT_MAX_ERRORS": 5}
    content = library_workbook([library_row(f"第{n}条", published="x") for n in range(1, 20)])
    response = client_for(world.users["admin"]).post(
        "/api/v1/policies/measures/import",
        {"file": SimpleUploadedFile("measures.xlsx", content)},
    )
    assert response.status_code == 400 and len(response.json()["rows"]) == 5


@pytest.mark.parametrize("zone_cell", ["", "zone-a", "zone-b"])
def test_an_import_does_not_tell_where_a_credit_code_is_registered(world, zone_cell):
    """firm_b is registered in zone-b, which zone-a's leader cannot see: the row is refused
    like any firm the leader may not change, naming neither the zone nor the registration."""
    firm_b = world.firm_b
    content = xlsx(
        row([inline(h) for h in HEADER])
        + row([inline("想看看"), inline(firm_b.credit_code), inline(zone_cell), inline("C3971")])
    )
    with translation.override("en"), pytest.raises(ImportRejected) as exc:
        enterprise_import(actor=world.users["leader"], fileobj=content)
    code_errors = [e.reason for e in exc.value.errors if e.column == HEADER[1]]
    assert code_errors == ["You may not register or change a firm with this credit code."]
    told = " ".join(str(e) for e in exc.value.errors)
    assert "zone-b" not in told.replace("“zone-b”", "") and "registered" not in told
    assert firm_b.zone.name not in told
    assert Enterprise.objects.get(pk=firm_b.pk).name == firm_b.name
