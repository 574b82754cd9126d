"""The extent of an .xls (BIFF5/BIFF8 in an OLE compound file), read from its records: every
sheet's DIMENSIONS (the reader may reserve what it declares), ROW records and each cell
record's row and column, and the shared-string table's declared count. A cell's text is not
measured here: .xls files are read in the memory-limited child (core.sheetread) as well."""

import struct

import olefile

from zonedesk.core.sheetlimits import NotASpreadsheet

BOF, EOF, DIMENSIONS, ROW, SST = 0x0809, 0x000A, 0x0200, 0x0208, 0x00FC
# Records that start with (row u16, column u16).
CELLS = frozenset({0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0406})
MULTI = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: row, first column, ..., last column


def _stream(data: bytes) -> bytes:
    """The workbook stream. A crafted container (a FAT chain that loops, a stream said to be
    larger than the file) is "not a spreadsheet", never a large read."""
    try:
        ole = olefile.OleFileIO(data)
    except Exception as exc:  # olefile raises many kinds on a broken container
        raise NotASpreadsheet() from exc
    try:
        for name in ("Workbook", "Book"):
            if ole.exists(name):
                if ole.get_size(name) > len(data):
                    raise NotASpreadsheet()
                return ole.openstream(name).read()
    except NotASpreadsheet:
        raise
    except Exception as exc:  # as above
        raise NotASpreadsheet() from exc
    finally:
        ole.close()
    raise NotASpreadsheet()


def scan_xls(data: bytes, extent) -> None:
    stream = _stream(data)
    at, end = 0, len(stream)
    while at + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, at)
        body = stream[at + 4 : at + 4 + size]
        at += 4 + size
        if kind == BOF:
            extent.new_sheet()
        elif kind in CELLS and size >= 4:
            row, col = struct.unpack_from("<HH", body)
            extent.reach(row + 1, col + 1)
        elif kind in MULTI and size >= 6:
            row, first = struct.unpack_from("<HH", body)
            (last,) = struct.unpack_from("<H", body, size - 2)
            extent.reach(row + 1, max(first, last) + 1)
        elif kind == ROW and size >= 6:
            row, _first, last = struct.unpack_from("<HHH", body)
            if last:
                extent.reach(row + 1, min(last, 256))
        elif kind == DIMENSIONS and size >= 10:
            _dimensions(body, extent)
        elif kind == SST and size >= 8:
            extent.strings(max(struct.unpack_from("<II", body)))


def _dimensions(body: bytes, extent) -> None:
    """The declared used area (BIFF8: u32 rows, BIFF5: u16), as the reader would reserve it."""
    if len(body) >= 14:
        first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
    else:
        first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
    if last_row > first_row and last_col > first_col:
        extent.reach(last_row, last_col)
