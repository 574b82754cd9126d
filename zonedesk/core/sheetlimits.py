"""The real extent of an uploaded workbook, measured while streaming, before any grid is built.

A spreadsheet reader (python-calamine) holds a sheet's whole used area in memory, and clones a
shared string into every cell that refers to it. A file of a few hundred bytes can ask for
billions of cells: rows without row numbers, one cell at XFD1048576, an .ods row or cell
repeated a billion times, `<text:s text:c="1000000000"/>`, a DIMENSIONS record of an .xls
claiming the whole sheet. So every accepted format is scanned first, counting what the reader
would build, not what the file declares:

- .xlsx: every XML part streamed out of the zip in 1 MB runs of whole tags: worksheets as
  bytes (counts and literal-led regexes for the common layout, a tag-by-tag walk for rows and
  cells without `r=`), string tables through expat; shared strings' lengths summed over the
  cells that use them; a DOCTYPE refused;
- .ods: content.xml streamed through expat (no tree), repeats multiplied out arithmetically (empty trailing
  rows and cells, which LibreOffice writes a million of, are counted but never expanded);
- .xls: the BIFF records of the OLE stream (olefile): DIMENSIONS, ROW and every cell record's
  row and column, and the shared-string table's size.

Refusals raise SheetTooLarge with a sentence for the user; the limits come in as a `Limits`
(built from settings by core.xlsx.import_limits).
"""

import io
import struct
import zipfile
from array import array
from dataclasses import dataclass
from xml.parsers import expat

from django.utils.translation import gettext as _

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 2**20
    max_rows: int = 200_000
    max_columns: int = 64
    max_cells: int = 3_000_000  # rows x columns of every sheet together
    max_cell_chars: int = 32_767  # Excel's own limit for one cell
    max_text_chars: int = 20_000_000  # all cells' text together, shared strings counted per use
    max_uncompressed: int = 256 * 2**20
    max_parts: int = 10_000  # members of the zip


class SheetTooLarge(Exception):
    """The workbook is beyond a limit; `args[0]` says which, for the user."""


class NotASpreadsheet(Exception):
    """Not an .xlsx, .xls or .ods (or a broken one)."""


def check(data: bytes, limits: Limits) -> str:
    """Raise SheetTooLarge / NotASpreadsheet, or return the format ("xlsx", "ods" or "xls")."""
    if len(data) > limits.max_bytes:
        raise SheetTooLarge(
            _("The file is larger than %(mb)d MB.") % {"mb": limits.max_bytes // 2**20}
        )
    if data.startswith(OLE_MAGIC):
        from zonedesk.core.sheetlimits_xls import scan_xls

        scan_xls(data, _Extent(limits))
        return "xls"
    if data.startswith(b"PK"):
        return _scan_zip(data, limits)
    raise NotASpreadsheet()


class _Extent:
    """Rows x columns of each sheet and the text of all cells, checked as they grow."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.sheet, self.rows, self.cols = "", 0, 0
        self.cells_before = 0  # the finished sheets' rows x columns
        self.text = 0

    def new_sheet(self, name: str = "") -> None:
        self.cells_before += self.rows * self.cols
        self.sheet, self.rows, self.cols = name, 0, 0

    def reach(self, row: int, col: int) -> None:
        """A non-empty cell at (row, col), both 1-based."""
        self.rows, self.cols = max(self.rows, row), max(self.cols, col)
        lim = self.limits
        if (
            self.rows > lim.max_rows
            or self.cols > lim.max_columns
            or self.cells_before + self.rows * self.cols > lim.max_cells
        ):
            self._refuse()

    def add_text(self, chars: int, cell_chars: int) -> None:
        if cell_chars > self.limits.max_cell_chars:
            raise SheetTooLarge(
                _("A cell holds %(n)d characters; at most %(max)d are read.")
                % {"n": cell_chars, "max": self.limits.max_cell_chars}
            )
        self.text += chars
        if self.text > self.limits.max_text_chars:
            raise SheetTooLarge(
                _("The cells hold more than %(max)d characters of text together.")
                % {"max": self.limits.max_text_chars}
            )

    def strings(self, count: int) -> None:
        """A string table of `count` strings (the reader may reserve room for all of them)."""
        if count > self.limits.max_cells:
            raise SheetTooLarge(
                _("The file declares %(n)d strings; at most %(max)d are read.")
                % {"n": count, "max": self.limits.max_cells}
            )

    def _refuse(self):
        lim = self.limits
        raise SheetTooLarge(
            _(
                "The sheet reaches row %(rows)d and column %(cols)d; at most %(max_rows)d rows, "
                "%(max_cols)d columns and %(max_cells)d cells in all are read. Delete stray cells "
                "far below or to the right of the data."
            )
            % {
                "rows": self.rows,
                "cols": self.cols,
                "max_rows": lim.max_rows,
                "max_cols": lim.max_columns,
                "max_cells": lim.max_cells,
            }
        )


def _zip_entries(data: bytes) -> int:
    """The entry count of the zip's end record, read before zipfile lists them all in memory."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if at < 0 or at + 22 > len(data):
        raise NotASpreadsheet()
    (entries,) = struct.unpack_from("<H", data, at + 10)
    if entries == 0xFFFF or data.rfind(b"PK\x06\x06", max(0, at - 4096), at) >= 0:
        return 1 << 31  # zip64: no office file of an accepted size needs it
    return entries


def _scan_zip(data: bytes, limits: Limits) -> str:
    if _zip_entries(data) > limits.max_parts:
        raise SheetTooLarge(_("The file has more than %(n)d parts.") % {"n": limits.max_parts})
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise NotASpreadsheet() from exc
    with archive:
        names = archive.namelist()
        if "xl/workbook.xml" in names:
            kind = "xlsx"
        elif "content.xml" in names:
            kind = "ods"
        else:
            raise NotASpreadsheet()
        try:
            _scan_parts(archive, kind, limits)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
            raise NotASpreadsheet() from exc
        except (expat.ExpatError, ValueError, struct.error) as exc:
            raise NotASpreadsheet() from exc
    return kind


def _scan_parts(archive: zipfile.ZipFile, kind: str, limits: Limits) -> None:
    from zonedesk.core.sheetlimits_xml import OdsCounter, SharedStrings, XlsxScanner

    extent = _Extent(limits)
    budget = [limits.max_uncompressed]
    xml_parts = [i for i in archive.infolist() if i.filename.lower().endswith((".xml", ".rels"))]
    if "content.xml" in archive.namelist():
        # Scanned whatever the kind: a zip holding both must not let either reader through.
        _stream(archive, archive.getinfo("content.xml"), OdsCounter(extent), budget)
    if kind == "ods":
        return
    lengths = array("L")
    # Shared strings first: a cell's text is only known through its string's length. A part
    # is a string table by its root element, wherever the relationships put it.
    rest = []
    for info in xml_parts:
        if _root(archive, info) == "sst":
            _stream(archive, info, SharedStrings(extent, lengths), budget)
        else:
            rest.append(info)
    for info in rest:
        _scan_bytes(archive, info, XlsxScanner(extent, lengths), budget)


def _root(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """The local name of a part's root element (read from its first few kilobytes)."""
    found = []

    def start(name, _attrs):
        found.append(name.rsplit(" ", 1)[-1])
        raise StopIteration

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    with archive.open(info) as fh:
        head = fh.read(8192)
    try:
        parser.Parse(head, False)
    except StopIteration:
        return found[0]
    except expat.ExpatError:
        return ""
    return ""


def _chunks(archive, info, budget: list[int], limits: Limits):
    with archive.open(info) as fh:
        while chunk := fh.read(CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise SheetTooLarge(
                    _("The file unpacks to more than %(mb)d MB.")
                    % {"mb": limits.max_uncompressed // 2**20}
                )
            yield chunk


def _scan_bytes(archive, info, scanner, budget: list[int]) -> None:
    """Feed a part to a byte scanner in runs of whole tags (cut before the last '<')."""
    tail = b""
    for n, chunk in enumerate(_chunks(archive, info, budget, scanner.extent.limits)):
        if n == 0 and (chunk.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\0" in chunk[:200]):
            raise ValueError("UTF-16")  # office parts are UTF-8; the scanner reads bytes
        buffer = tail + chunk
        cut = buffer.rfind(b"<")
        if cut <= 0:
            tail = buffer
            continue
        scanner.feed(buffer[:cut])
        tail = buffer[cut:]
        if len(tail) > CHUNK * 4:
            raise ValueError("a tag longer than the chunk")
    if tail:
        scanner.feed(tail)


def _stream(archive, info, counter, budget: list[int]) -> None:
    """Feed a part to a counter's expat parser in chunks, within the uncompressed budget."""
    parser = counter.parser()
    with archive.open(info) as fh:
        while chunk := fh.read(CHUNK):
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise SheetTooLarge(
                    _("The file unpacks to more than %(mb)d MB.")
                    % {"mb": counter.extent.limits.max_uncompressed // 2**20}
                )
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
