"""Fuzzing the imports with crafted workbooks in each accepted format (issue 14, item 1).

Hypothesis builds .xlsx (zipped by hand: rows without r=, far references, huge shared and inline
strings) and .ods (rows and cells repeated up to a billion times, empty or not, `text:s`
runs); .xls are LibreOffice's own file with its BIFF records patched (a cell's row and column,
the DIMENSIONS, the string table's count) or random bytes overwritten. Each file must be:

- imported or refused with a sentence (never a crash of the reader);
- read within PEAK_MB of memory above the reading process's own (measured in a separate
  process, tests/security/uploads_memory.py: ru_maxrss of it and of its memory-capped child);
- answered 302 or 400 by the firms' import page and 200 or 400 by the policy library's API,
  never 500.

The bound: with the default limits (200,000 rows, 64 columns, 3,000,000 cells, 20,000,000
characters of text) the worst files measured on the reader took 250-390 MB (a 3,000,000-cell
grid; 20 million characters of one shared string); PEAK_MB leaves room above that. Before the
limits, 300-byte files of this kind took 1-4 GB.
"""

import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.test_uploads_limits import (
    DIMENSIONS,
    FIRM,
    HEADER,
    LAST_CELL,
    SST_HEAD,
    libreoffice_xls,
)
from tests.security.uploads_craft import inline, ods, ods_cell, ods_row, xlsx
from tests.security.uploads_memory import Reader

pytestmark = pytest.mark.django_db

PEAK_MB = 512
FUZZ = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

far = st.sampled_from([1, 2, 15, 64, 65, 300, 16_384])
far_row = st.sampled_from([1, 2, 3, 1000, 199_999, 200_001, 1_048_576])
text_length = st.sampled_from([0, 3, 200, 32_767, 40_000])


@st.composite
def xlsx_cell(draw) -> str:
    ref = draw(st.one_of(st.none(), st.tuples(far, far_row)))
    r = ""
    if ref:
        col, row = ref
        letters = ""
        while col:
            col, rem = divmod(col - 1, 26)
            letters = chr(65 + rem) + letters
        r = f' r="{letters}{row}"'
    kind = draw(st.sampled_from(["number", "inline", "shared", "empty"]))
    if kind == "number":
        return f"<c{r}><v>{draw(st.integers(-(10**6), 10**6))}</v></c>"
    if kind == "inline":
        return f'<c{r} t="inlineStr"><is><t>{"长" * draw(text_length)}</t></is></c>'
    if kind == "shared":
        return f'<c{r} t="s"><v>{draw(st.integers(0, 3))}</v></c>'
    return f'<c{r} s="1"/>'


@st.composite
def xlsx_book(draw) -> bytes:
    header = "<row>" + "".join(inline(h) for h in HEADER) + "</row>"
    firm = "<row>" + "".join(inline(v) for v in FIRM) + "</row>"
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        r = draw(st.one_of(st.none(), far_row))
        cells = "".join(draw(st.lists(xlsx_cell(), max_size=4)))
        element = f'<row r="{r}">{cells}</row>' if r else f"<row>{cells}</row>"
        rows.append(element * draw(st.sampled_from([1, 2, 1000, 5000])))
    shared = draw(st.one_of(st.none(), st.lists(text_length.map(lambda n: "x" * n), max_size=3)))
    return xlsx(header + firm + "".join(rows), shared=shared)


huge = st.sampled_from([1, 2, 64, 65, 1024, 10**6, 10**9])


@st.composite
def ods_book(draw) -> bytes:
    rows = [ods_row([ods_cell(h) for h in HEADER]), ods_row([ods_cell(v) for v in FIRM])]
    for _ in range(draw(st.integers(0, 4))):
        cells = []
        for _ in range(draw(st.integers(0, 4))):
            kind = draw(st.sampled_from(["empty", "number", "text", "spaces"]))
            repeat = draw(huge)
            if kind == "spaces":
                spaces = draw(st.sampled_from([1, 100, 40_000, 10**8]))
                cells.append(
                    f'<table:table-cell office:value-type="string" '
                    f'table:number-columns-repeated="{repeat}"><text:p>'
                    f'<text:s text:c="{spaces}"/></text:p></table:table-cell>'
                )
            else:
                value = {"empty": None, "number": 1.5, "text": "文" * draw(text_length)}[kind]
                cells.append(ods_cell(value, repeat))
        rows.append(ods_row(cells, draw(huge)))
    if draw(st.booleans()):  # as LibreOffice ends every sheet
        rows.append(ods_row([ods_cell(None, 1024)], 1_048_576 - len(rows)))
    return ods("".join(rows))


@st.composite
def xls_book(draw) -> bytes:
    data = libreoffice_xls()
    which = draw(st.sampled_from(["cell", "dimensions", "sst", "bytes"]))
    if which == "bytes":  # a broken container or stream: refused, never a crash
        broken = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            broken[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(broken)
    if which == "cell":
        row, col = draw(st.integers(0, 65_535)), draw(st.integers(0, 65_535))
        patched = LAST_CELL[:4] + struct.pack("<HH", row, col) + LAST_CELL[8:]
        return data.replace(LAST_CELL, patched)
    if which == "dimensions":
        last_row = draw(st.sampled_from([2, 100, 65_536, 2**20, 2**32 - 1]))
        last_col = draw(st.sampled_from([4, 64, 65, 256, 65_535]))
        patched = DIMENSIONS[:4] + struct.pack("<IIHH", 0, last_row, 0, last_col) + DIMENSIONS[16:]
        return data.replace(DIMENSIONS, patched)
    count = draw(st.sampled_from([8, 1000, 3_000_001, 2**32 - 1]))
    return data.replace(SST_HEAD, SST_HEAD[:4] + struct.pack("<II", count, count) + SST_HEAD[12:])


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    process = Reader(tmp_path_factory.mktemp("fuzz"))
    yield process
    process.close()


def check(data: bytes, reader, world, client_for) -> None:
    outcome = reader.read(data)
    assert outcome["peak"] <= PEAK_MB, outcome
    if "refused" in outcome:
        assert outcome["refused"] and all(outcome["refused"]), outcome
    page = client_for(world.users["leader"]).post(
        "/enterprises/import/", {"file": SimpleUploadedFile("crafted.xlsx", data)}
    )
    assert page.status_code in (302, 400), page.status_code
    if page.status_code == 400:
        # a cell's problems in the table, a refusal of the whole file above it
        assert any(
            f'data-testid="{box}"'.encode() in page.content
            for box in ("import-errors", "import-file-errors")
        )
    api = client_for(world.users["admin"]).post(
        "/api/v1/policies/measures/import", {"file": SimpleUploadedFile("crafted.xlsx", data)}
    )
    assert api.status_code in (200, 400), api.status_code
    assert api.json().get("rows") or api.status_code == 200


@FUZZ
@given(data=xlsx_book())
def test_crafted_xlsx(data, reader, world, client_for):
    check(data, reader, world, client_for)


@FUZZ
@given(data=ods_book())
def test_crafted_ods(data, reader, world, client_for):
    check(data, reader, world, client_for)


@FUZZ
@given(data=xls_book())
def test_crafted_xls(data, reader, world, client_for):
    check(data, reader, world, client_for)
