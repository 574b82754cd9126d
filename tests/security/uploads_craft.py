"""Workbooks built by hand, byte by byte, to craft what no spreadsheet program writes: rows
without r=, far references, huge shared strings, .ods repeats (tests/security/test_uploads_*)."""

import io
import zipfile
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def _zip(parts: dict[str, str | bytes], first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        if first:
            z.writestr(zipfile.ZipInfo(first), parts.pop(first), zipfile.ZIP_STORED)
        for name, body in parts.items():
            z.writestr(name, body)
    return buffer.getvalue()


def inline(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def row(cells: list[str], r: int | None = None) -> str:
    return (
        f'<row r="{r}">' + "".join(cells) + "</row>" if r else "<row>" + "".join(cells) + "</row>"
    )


def xlsx(
    rows_xml: str, shared: list[str] | None = None, sheet: str = "enterprises", prolog: str = ""
) -> bytes:
    """An .xlsx of one sheet whose <sheetData> is `rows_xml` (rows and cells as given);
    `prolog` goes before the worksheet's root element (a DOCTYPE, say)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
            '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml'
            '.worksheet+xml"/>'
            + (
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
                if shared is not None
                else ""
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet '
            f'name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="{PKG}"><Relationship Id="rId1" '
            f'Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (
                f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
                if shared is not None
                else ""
            )
            + "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0"?>{prolog}<worksheet xmlns="{MAIN}"><sheetData>{rows_xml}'
            "</sheetData></worksheet>"
        ),
    }
    if shared is not None:
        items = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
        parts["xl/sharedStrings.xml"] = (
            f'<?xml version="1.0"?><sst xmlns="{MAIN}" count="{len(shared)}" '
            f'uniqueCount="{len(shared)}">{items}</sst>'
        )
    return _zip(parts)


OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def ods_cell(value: str | float | None, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None:
        return f"<table:table-cell{rep}/>"
    if isinstance(value, str):
        return (
            f'<table:table-cell office:value-type="string"{rep}><text:p>{escape(value)}'
            "</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="float" office:value="{value}"{rep}>'
        f"<text:p>{value}</text:p></table:table-cell>"
    )


def ods_row(cells: list[str], repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    return f"<table:table-row{rep}>" + "".join(cells) + "</table:table-row>"


def ods(rows_xml: str, sheet: str = "enterprises", more_sheets: str = "") -> bytes:
    """An .ods of one sheet whose rows are `rows_xml`, as LibreOffice lays out the package."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="{OFFICE}" '
        f'xmlns:table="{TABLE}" xmlns:text="{TEXT}" office:version="1.2"><office:body>'
        f'<office:spreadsheet><table:table table:name="{escape(sheet)}">'
        f'<table:table-column table:number-columns-repeated="1024"/>{rows_xml}</table:table>'
        f"{more_sheets}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
        'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
        'spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-'
        'type="text/xml"/></manifest:manifest>'
    )
    return _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": content,
            "META-INF/manifest.xml": manifest,
        },
        first="mimetype",
    )
