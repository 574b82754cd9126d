"""Streaming counters for the XML parts of .xlsx and .ods (see core.sheetlimits): expat
handlers that build nothing, so memory stays flat whatever the file's extent."""

import re
from array import array
from xml.parsers import expat


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
            self.extent.strings(len(self.lengths) + 1)
            self.lengths.append(self.current)
            self.current = -1

    def chars(self, data):
        if self.in_text:
            self.current += len(data)


P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix (x:row from the OpenXML SDK)
ROW_NO_REF = re.compile(b"<" + P + rb"row(?=[\s/>])(?![^>]*\sr=)")
CELL_NO_REF = re.compile(b"<" + P + rb"c(?=[\s/>])(?![^>]*\sr=)")
ROW_REF = re.compile(b"<" + P + rb"row\s[^>]*?\br=[\"'](\d+)")
CELL_REF = re.compile(b"<" + P + rb"c\s[^>]*?\br=[\"']\$?([A-Za-z]+)\$?(\d+)")
ATTR_R = re.compile(rb"\sr=[\"']\$?([A-Za-z]*)\$?(\d*)")
SHARED_CELL = re.compile(
    b"<" + P + rb"c\s[^>]*\bt=[\"']s[\"'][^>]*>\s*<" + P + rb"v>\s*(\d{1,10})\s*<"
)
TEXT = re.compile(b"<" + P + rb"t(?:\s[^>]*)?>([^<]*)<")
VALUE = re.compile(b"<" + P + rb"v>([^<]*)<")
SHEET_DATA = re.compile(b"<" + P + rb"sheetData[\s/>]")
PREFIXED = re.compile(rb"</?[A-Za-z_][\w.-]*:")
# A row or cell tag whose first attribute is not its reference: not the common layout. Every tag
# it lets through is matched by PLAIN_ROW or PLAIN_CELL (the same prefix), so none is missed.
UNREFERENCED = re.compile(rb'<c(?:[>/\t\n\r]| (?!r="[A-Za-z]+\d))|<row(?:[>/\t\n\r]| (?!r="\d))')
PLAIN_ROW = re.compile(rb'<row r="(\d+)')
PLAIN_CELL = re.compile(rb'<c r="([A-Za-z]+)(\d+)')
PLAIN_SHARED = re.compile(rb't="s"[^<>]*><v>(\d{1,10})</v>')


class XlsxScanner:
    """A worksheet (any part with <sheetData>) scanned as bytes, chunk by chunk: the position of
    every cell, with or without r=, and the text it holds. Files whose rows and cells all carry
    their references (every common writer's) are measured with C-level regex passes; the others
    walk their tags one by one (expat's per-element callbacks were ten times slower)."""

    def __init__(self, extent, lengths: array):
        self.extent, self.lengths = extent, lengths
        self.row = self.col = 0
        self.started = False

    def feed(self, segment: bytes) -> None:
        """A run of whole tags (the caller cuts before the last '<')."""
        if not self.started:
            if b"<!DOCTYPE" in segment or b"<!ENTITY" in segment:
                raise ValueError("DOCTYPE")
            if SHEET_DATA.search(segment) is None and not self.row:
                return  # not a worksheet (yet): styles, drawings, ...
            self.started = True
            self.extent.new_sheet()
        if not self._plain(segment):
            if ROW_NO_REF.search(segment) or CELL_NO_REF.search(segment):
                self._walk(segment)
            else:
                self._referenced(segment)
            self._text(segment)

    def _plain(self, segment: bytes) -> bool:
        """The common layout, measured with counts and literal-led patterns only: no prefixes,
        every <row r="n"> and <c r="An"> referenced, shared strings as t="s"><v>i</v>. False
        (nothing done) when the segment strays from it in any way."""
        if PREFIXED.search(segment) or UNREFERENCED.search(segment):
            return False
        row_refs = PLAIN_ROW.findall(segment)
        cell_refs = PLAIN_CELL.findall(segment)
        shared = PLAIN_SHARED.findall(segment)
        if segment.count(b't="s"') != len(shared) or b't="str"' in segment:
            return False
        if row_refs:
            self.row = max(self.row, max(map(int, set(row_refs))))
        if cell_refs:
            width = max(map(_column_number_b, {c for c, _r in cell_refs}))
            height = max(map(int, {r for _c, r in cell_refs}))
            self.extent.reach(max(height, 1), max(width, 1))
        lengths, limit = self.lengths, len(self.lengths)
        used = [lengths[i] for i in map(int, shared) if i < limit]
        inline = [len(t.decode("utf-8", "replace")) for t in TEXT.findall(segment)]
        self.extent.add_text(sum(used) + sum(inline), max(inline, default=0))
        return True

    def _referenced(self, segment: bytes) -> None:
        rows = ROW_REF.findall(segment)
        cells = CELL_REF.findall(segment)
        if rows:
            self.row = max(self.row, max(map(int, set(rows))))
        if cells:
            width = max(map(_column_number_b, set(c for c, _r in cells)))
            height = max(map(int, set(r for _c, r in cells)))
            self.extent.reach(max(height, 1), max(width, 1))

    def _walk(self, segment: bytes) -> None:
        for m in re.finditer(b"<" + P + rb"(row|c)(?=[\s/>])([^>]*)>", segment):
            ref = ATTR_R.search(m.group(2))
            if m.group(1) == b"row":
                self.row = int(ref.group(2)) if ref and ref.group(2) else self.row + 1
                self.col = 0
                continue
            row = self.row
            if ref and ref.group(1):
                self.col = _column_number_b(ref.group(1))
                row = int(ref.group(2) or row)
            else:
                self.col += 1
            self.extent.reach(max(row, 1), max(self.col, 1))

    def _text(self, segment: bytes) -> None:
        """Shared strings as often as cells use them, inline strings, and each value's size."""
        lengths, limit = self.lengths, len(self.lengths)
        used = [lengths[i] for i in map(int, SHARED_CELL.findall(segment)) if i < limit]
        inline = [len(t.decode("utf-8", "replace")) for t in TEXT.findall(segment)]
        longest = max(map(len, VALUE.findall(segment)), default=0)
        self.extent.add_text(sum(used) + sum(inline), max([longest, *inline], default=0))


def _column_number_b(letters: bytes) -> int:
    return _column_number(letters.decode("ascii"))


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
