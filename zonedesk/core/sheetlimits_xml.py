"""Streaming counters for the XML parts of .xlsx and .ods (see core.sheetlimits): expat
handlers that build nothing, so memory stays flat whatever the file's extent."""

import re
from array import array
from xml.parsers import expat

_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?(\d{1,8})$")
_TEXT_TYPES = frozenset({"s", "str", "inlineStr"})


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _int(value, default: int = 1) -> int:
    if value is None:
        return default
    n = int(value)
    if n < 0:
        raise ValueError(value)
    return n


class _Counter:
    def __init__(self, extent):
        self.extent = extent

    def parser(self):
        p = expat.ParserCreate(namespace_separator=" ")
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.chars
        p.StartDoctypeDeclHandler = self._doctype
        p.buffer_text = True
        return p

    @staticmethod
    def _doctype(*_args):
        # Office files have no DTD; refusing one shuts out entity expansion of every kind.
        raise ValueError("DOCTYPE")

    def start(self, name, attrs): ...

    def end(self, name): ...

    def chars(self, data): ...


class SharedStrings(_Counter):
    """An .xlsx string table: the length of each string, kept for the cells that use it."""

    def __init__(self, extent, lengths: array):
        super().__init__(extent)
        self.lengths = lengths
        self.current = -1  # characters of the string being read; -1 outside <si>
        self.in_text = False

    def start(self, name, attrs):
        local = _local(name)
        if local == "si":
            self.current = 0
        elif local == "t" and self.current >= 0:
            self.in_text = True

    def end(self, name):
        local = _local(name)
        if local == "t":
            self.in_text = False
        elif local == "si":
            self.extent.add_text(0, self.current)
            if len(self.lengths) >= self.extent.limits.max_cells:
                self.extent._refuse()
            self.lengths.append(self.current)
            self.current = -1

    def chars(self, data):
        if self.in_text:
            self.current += len(data)


class XlsxCounter(_Counter):
    """A worksheet (any part with <sheetData>): every cell's position, with or without r=."""

    def __init__(self, extent, lengths: array):
        super().__init__(extent)
        self.lengths = lengths
        self.in_data = False
        self.row = self.col = 0
        self.cell_type = None  # None outside a cell
        self.in_text = False
        self.chars_in_cell = 0
        self.value = []

    def start(self, name, attrs):
        local = _local(name)
        if local == "sheetData":
            self.in_data, self.row = True, 0
            self.extent.new_sheet()
        elif not self.in_data:
            return
        elif local == "row":
            self.row = _int(attrs.get("r"), self.row + 1)
            self.col = 0
        elif local == "c":
            self._cell(attrs)
        elif local in ("v", "t") and self.cell_type is not None:
            self.in_text = True

    def _cell(self, attrs):
        ref = attrs.get("r")
        row = self.row
        if ref:
            m = _REF.match(ref)
            if m is None:
                raise ValueError(ref)
            self.col, row = _column_number(m.group(1)), int(m.group(2))
        else:
            self.col += 1
        # A styled empty cell counts too: the reader's used area may include it.
        self.extent.reach(max(row, 1), max(self.col, 1))
        self.cell_type = attrs.get("t", "n")
        self.chars_in_cell = 0
        self.value = []

    def end(self, name):
        if not self.in_data:
            return
        local = _local(name)
        if local in ("v", "t"):
            self.in_text = False
        elif local == "c" and self.cell_type is not None:
            chars = self.chars_in_cell
            if self.cell_type == "s" and self.value:
                index = int("".join(self.value))
                chars = self.lengths[index] if index < len(self.lengths) else 0
            self.extent.add_text(chars if self.cell_type in _TEXT_TYPES else 0, chars)
            self.cell_type = None
        elif local == "sheetData":
            self.in_data = False

    def chars(self, data):
        if self.in_text:
            self.chars_in_cell += len(data)
            if self.cell_type == "s" and len(self.value) < 4:
                self.value.append(data.strip())


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0 "
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0 "
_VALUE_TYPE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0 value-type"
_CELLS = (_TABLE + "table-cell", _TABLE + "covered-table-cell")


class OdsCounter(_Counter):
    """content.xml of an .ods: repeated rows and cells multiplied out arithmetically. Empty
    repeats (LibreOffice ends each sheet with ~a million empty rows) move the position on but
    reach nothing; a non-empty cell or row counts with all its repeats."""

    def __init__(self, extent):
        super().__init__(extent)
        self.row = 0  # rows before the current one
        self.row_repeat = 1
        self.col = 0  # cells before the current one in the row
        self.row_width = 0  # end of the row's last non-empty cell
        self.row_text = 0
        self.cell_repeat = 0  # 0 outside a cell
        self.cell_filled = False
        self.cell_chars = 0
        self.depth = 0  # elements open inside the current cell

    def start(self, name, attrs):
        if self.cell_repeat:
            self.depth += 1
            self.cell_filled = True
            if name == _TEXT + "s":
                self.cell_chars += _int(attrs.get(_TEXT + "c"))
            elif name in (_TEXT + "tab", _TEXT + "line-break"):
                self.cell_chars += 1
        elif name in _CELLS:
            self.cell_repeat = max(1, _int(attrs.get(_TABLE + "number-columns-repeated")))
            self.cell_filled = _VALUE_TYPE in attrs
            self.cell_chars = 0
            self.depth = 0
        elif name == _TABLE + "table-row":
            self.row_repeat = max(1, _int(attrs.get(_TABLE + "number-rows-repeated")))
            self.col = self.row_width = self.row_text = 0
        elif name == _TABLE + "table":
            self.extent.new_sheet()
            self.row = 0

    def end(self, name):
        if self.cell_repeat and self.depth:
            self.depth -= 1
        elif name in _CELLS and self.cell_repeat:
            self._end_cell()
        elif name == _TABLE + "table-row":
            if self.row_width:
                self.extent.reach(self.row + self.row_repeat, self.row_width)
                self.extent.add_text(self.row_text * self.row_repeat, 0)
            self.row += self.row_repeat

    def _end_cell(self):
        repeat, self.cell_repeat = self.cell_repeat, 0
        if self.cell_filled:
            self.row_width = self.col + repeat
            self.extent.reach(self.row + 1, self.row_width)
            self.extent.add_text(0, self.cell_chars)
            self.row_text += self.cell_chars * repeat
        self.col += repeat

    def chars(self, data):
        if self.cell_repeat:
            self.cell_chars += len(data)
