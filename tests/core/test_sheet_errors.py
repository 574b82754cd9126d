"""An upload that is not a readable spreadsheet is refused in the user's language, saying what
is wrong and what to do; the reader's own English ("Cannot detect file format") never shows, and
a refusal of the whole file is never put in a "row 0"."""

import io
import zipfile

import pytest
from django.utils import translation

from zonedesk.core.xlsx import CellError, ImportRejected, read_first_sheet


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


# Looks like an .xlsx (a zip with a workbook part) but the workbook is broken.
DAMAGED = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<junk"})
NOT_A_SHEET = "name,code\n甲一,1\n".encode()


@pytest.mark.parametrize(
    ("content", "english"),
    [(DAMAGED, "damaged, incomplete or protected by a password"), (NOT_A_SHEET, "another kind")],
)
def test_an_unreadable_file_is_refused_with_our_words_not_the_reader_s(content, english):
    with translation.override("en"), pytest.raises(ImportRejected) as caught:
        read_first_sheet(io.BytesIO(content))
    (error,) = caught.value.errors
    assert error.row == 0 and english in error.reason
    assert "Cannot detect" not in error.reason and not error.reason.endswith(": ")
    assert str(error) == error.reason  # the file, not "row 0"


def test_a_file_error_reads_without_a_row_and_a_row_error_without_an_empty_column():
    with translation.override("zh-hans"):
        assert str(CellError("", 0, "", "", "文件过大。")) == "文件过大。"
        assert "0 行" not in str(CellError("Sheet1", 0, "", "", "文件过大。"))
    with translation.override("en"):
        assert str(CellError("Sheet1", 3, "", "", "Empty.")) == "Sheet1 row 3: Empty."
        assert "column “Name”" in str(CellError("Sheet1", 3, "Name", "x", "Bad."))


@pytest.mark.django_db
def test_the_import_page_says_the_file_is_unreadable_without_a_row_0_table(world, client_for):
    leader = client_for(world.users["leader"])
    upload = io.BytesIO(DAMAGED)
    upload.name = "企业名录.xlsx"
    response = leader.post("/enterprises/import/", {"file": upload})
    html = response.content.decode()
    assert 'data-testid="import-file-errors"' in html
    assert 'data-testid="import-errors"' not in html  # no table of cells with a "row 0"
    assert "不是可读取的电子表格" in html and "Cannot detect" not in html
