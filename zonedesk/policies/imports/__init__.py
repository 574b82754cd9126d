"""The policy library as a spreadsheet: the template, the export and the import's checks.

One sheet, one row per measure, each row carrying its document's columns. Rows with the same
(level, area or zone, number, title) are one document; a measure is keyed by its document and
clause. The export writes exactly what the import reads, so a library can be moved between
installations or edited in Excel and uploaded again.

Every cell is checked and every rule compiled before anything is written; any problem rejects
the whole file with the list of problems (sheet, row, column, value, reason).

The package: `workbook` (the columns, the template, the export) and `reading` (the import's
steps, from the workbook to the checked documents).
"""

from zonedesk.policies.imports.reading import ParsedDocument, ParsedMeasure, parse
from zonedesk.policies.imports.workbook import (
    DOCUMENT_KEYS,
    EXAMPLE,
    EXTENSIONS,
    FACTS_SHEET,
    KEYS,
    LENGTHS,
    MAX_TEXT,
    MEASURE_KEYS,
    REQUIRED,
    SHEET,
    columns,
    export_bytes,
    export_measures,
    measure_row,
    rejected_from,
    template_bytes,
)

__all__ = [
    "DOCUMENT_KEYS",
    "EXAMPLE",
    "EXTENSIONS",
    "FACTS_SHEET",
    "KEYS",
    "LENGTHS",
    "MAX_TEXT",
    "MEASURE_KEYS",
    "REQUIRED",
    "SHEET",
    "ParsedDocument",
    "ParsedMeasure",
    "columns",
    "export_bytes",
    "export_measures",
    "measure_row",
    "parse",
    "rejected_from",
    "template_bytes",
]
