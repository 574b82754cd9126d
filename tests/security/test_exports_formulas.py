"""Spreadsheet formula injection (ASVS V1: output encoding for the context): text a user typed
is written to exported workbooks as text, never as a formula the spreadsheet program would run."""

import io

import openpyxl
import pytest

from tests import factories

pytestmark = pytest.mark.django_db

TYPED = ['=HYPERLINK("http://evil.example","点击")', "+1+1", "-2+3", "@SUM(1,2)"]


def test_typed_text_that_looks_like_a_formula_is_exported_as_text(world, client_for):
    for i, name in enumerate(TYPED):
        factories.firm(world.zone_a, name=f"{name}{i}")
    response = client_for(world.users["leader"]).get("/enterprises/export.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cells = {c.value: c.data_type for row in sheet.iter_rows() for c in row if c.value}
    for i, name in enumerate(TYPED):
        assert cells[f"{name}{i}"] == "s"  # a string cell; a formula would be "f"
