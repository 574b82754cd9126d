"""Imports measure a workbook's real extent while streaming it, in every accepted format, and
refuse it past the configured limits before any grid is built (issue 14, item 1). Each crafted
file below made a worker grow to gigabytes before; now it is refused in a fraction of a second
with a sentence saying which limit, and ordinary files (LibreOffice's own, with a million empty
trailing rows) still import."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.utils import translation

from tests.security.uploads_craft import inline, ods, ods_cell, ods_row, row, xlsx
from zonedesk.core.actors import SYSTEM
from zonedesk.core.xlsx import ImportRejected, read_first_sheet
from zonedesk.enterprises.models import Enterprise
from zonedesk.enterprises.services import enterprise_import

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["Enterprise name", "Unified social credit code", "Zone code", "Industry code"]
FIRM = ["Crafted Co", "91110108551385082Q", "zone-a", "C3311"]


def xlsx_rows(*rows_xml: str, shared=None) -> bytes:
    return xlsx(row([inline(h) for h in HEADER], 1) + "".join(rows_xml), shared=shared)


def ods_sheet(*rows_xml: str, **kw) -> bytes:
    return ods(ods_row([ods_cell(h) for h in HEADER]) + "".join(rows_xml), **kw)


def libreoffice_xls() -> bytes:
    """enterprises.csv converted by `soffice --headless --convert-to xls` (LibreOffice 7)."""
    return (FIXTURES / "uploads_libreoffice.xls").read_bytes()


def patched_xls(record: bytes, replacement: bytes) -> bytes:
    """The LibreOffice .xls with one BIFF record's bytes replaced in place (same length)."""
    data = libreoffice_xls()
    assert data.count(record) == 1 and len(record) == len(replacement)
    return data.replace(record, replacement)


# The last LABELSST cell (row 1, column 3), its DIMENSIONS and its SST header as written.
LAST_CELL = bytes.fromhex("fd000a00010003000f0007000000")
DIMENSIONS = bytes.fromhex("00020e000000000002000000000004000000")
SST_HEAD = bytes.fromhex("fc00880008000000080000000f00")


def refusal(data: bytes) -> str:
    with translation.override("en"), pytest.raises(ImportRejected) as exc:
        read_first_sheet(data, sheet_name="enterprises")
    return " ".join(e.reason for e in exc.value.errors)


def many_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        for n in range(10_001):
            z.writestr(f"p{n}", "")
    return buffer.getvalue()


def with_ods_bomb(data: bytes) -> bytes:
    """The .xlsx with the .ods bomb's content.xml added: whichever the reader picks is checked."""
    bomb = ods_sheet(ods_row([ods_cell(1.0, 10**6)]))
    with zipfile.ZipFile(io.BytesIO(bomb)) as z:
        content = z.read("content.xml")
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as z:
        z.writestr("content.xml", content)
    return out.getvalue()


ATTACKS = {
    "xlsx rows without r=": (
        lambda: xlsx_rows("<row><c><v>1</v></c></row>" * 200_001),
        "reaches row 200001",
    ),
    "xlsx one cell at XFD1048576": (
        lambda: xlsx_rows('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        "reaches row 1048576 and column 16384",
    ),
    "xlsx cells without r= running right": (
        lambda: xlsx_rows(row(["<c><v>1</v></c>"] * 65)),
        "column 65",
    ),
    "xlsx a ten-digit reference": (
        lambda: xlsx_rows('<row><c r="A1234567890"><v>1</v></c></row>'),
        "reaches row 1234567890",
    ),
    "xlsx prefixed tags, a reference in single quotes, a newline before r=": (
        lambda: xlsx_rows("<x:row><x:c r='B300000'/></x:row><row><c\nr=\"C5\"/></row>"),
        "reaches row 300000",
    ),
    "xlsx a shared string in every cell": (
        lambda: xlsx_rows(row(['<c t="s"><v>0</v></c>'] * 10) * 700, shared=["x" * 30_000]),
        "characters of text together",
    ),
    "xlsx one cell of 40,000 characters": (
        lambda: xlsx_rows(row([inline("x" * 40_000)])),
        "A cell holds 40000 characters",
    ),
    "xlsx an entity bomb": (
        lambda: xlsx(
            row([inline(h) for h in HEADER]) + "<row><c><v>&b;</v></c></row>",
            prolog='<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>',
        ),
        "not a readable spreadsheet",
    ),
    "ods a row repeated a billion times": (
        lambda: ods_sheet(ods_row([ods_cell("x")], 10**9)),
        "reaches row 1000000001",
    ),
    "ods a cell repeated a million times": (
        lambda: ods_sheet(ods_row([ods_cell(1.0, 10**6)])),
        "column 1000000",
    ),
    "ods data after a million empty rows": (
        lambda: ods_sheet(ods_row([ods_cell(None, 1024)], 10**6), ods_row([ods_cell("x")])),
        "reaches row 1000002",
    ),
    "ods a hundred million repeated spaces": (
        lambda: ods_sheet(
            ods_row(
                [
                    '<table:table-cell office:value-type="string"><text:p>'
                    '<text:s text:c="100000000"/></text:p></table:table-cell>'
                ]
            )
        ),
        "A cell holds 100000000 characters",
    ),
    "ods sheets each within the limits, too many together": (
        lambda: ods_sheet(
            more_sheets="".join(
                f'<table:table table:name="s{n}">'
                + ods_row([ods_cell(1.0, 16)], 100_000)
                + "</table:table>"
                for n in range(2)
            )
        ),
        "3000000 cells in all",
    ),
    "xls a cell at row 65536, column 256": (
        lambda: patched_xls(LAST_CELL, bytes.fromhex("fd000a00ffffff000f0007000000")),
        "reaches row 65536 and column 256",
    ),
    "xls a DIMENSIONS record claiming the whole sheet": (
        lambda: patched_xls(DIMENSIONS, bytes.fromhex("00020e0000000000ffffffff0000ffff0000")),
        "reaches row 4294967295",
    ),
    "xls a string table of four billion strings": (
        lambda: patched_xls(SST_HEAD, bytes.fromhex("fc008800ffffffffffffffff0f00")),
        "declares 4294967295 strings",
    ),
    "zip of ten thousand parts": (many_parts, "more than 10000 parts"),
    "an .xlsx carrying an .ods bomb as well": (
        lambda: with_ods_bomb(xlsx_rows()),
        "column 1000000",
    ),
    "zip without a workbook (.xlsb, .docx)": (
        lambda: xlsx_rows().replace(b"xl/workbook.xml", b"xl/workbook.bin"),
        "not a readable spreadsheet",
    ),
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_crafted_workbook_is_refused_before_any_grid_is_built(attack):
    make, says = ATTACKS[attack]
    data = make()
    started = time.perf_counter()
    reason = refusal(data)
    assert says in reason, reason
    assert time.perf_counter() - started < 5  # streamed and refused, not read


def test_a_file_over_the_size_limit_is_refused_whatever_the_page(settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "IMPORT_MAX_BYTES": 2**20}
    assert "larger than 1 MB" in refusal(xlsx_rows() + b"\0" * 2**20)


def test_the_limits_come_from_settings(settings):
    settings.ZONEDESK = {**settings.ZONEDESK, "IMPORT_MAX_ROWS": 10}
    data = xlsx_rows(*(row([inline("x")]) for _ in range(10)))
    assert "at most 10 rows" in refusal(data)


def imported(data: bytes, world) -> Enterprise:
    result = enterprise_import(actor=world.users["leader"], fileobj=data)
    assert result.created == 1
    return Enterprise.objects.get(credit_code=FIRM[1])


def test_libreoffice_trailing_empty_repeats_are_accepted_without_expanding(world):
    """LibreOffice ends a sheet with ~a million empty rows of 1,024 empty cells."""
    data = ods_sheet(
        ods_row([ods_cell(v) for v in FIRM] + [ods_cell(None, 1020)]),
        ods_row([ods_cell(None, 1024)], 1_048_574),
    )
    started = time.perf_counter()
    assert imported(data, world).name == "Crafted Co"
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_files_written_by_libreoffice_import(world, fmt):
    data = (FIXTURES / f"uploads_libreoffice.{fmt}").read_bytes()
    assert imported(data, world).name == "Old Sheet Co"


def test_rows_and_cells_without_references_are_read_where_they_are(world):
    data = xlsx(row([inline(h) for h in HEADER]) + row([inline(v) for v in FIRM]))
    assert imported(data, world).industry_code == "3311"


def test_system_import_of_a_crafted_file_changes_nothing():
    before = Enterprise.objects.count()
    with pytest.raises(ImportRejected):
        enterprise_import(actor=SYSTEM, fileobj=ATTACKS["xlsx one cell at XFD1048576"][0]())
    assert Enterprise.objects.count() == before
