"""The work summary as a .docx laid out to GB/T 9704-2012, with named styles an official keeps
editing in Word or WPS.

python-docx builds the package; what it has no API for is written as WordprocessingML here:
the East Asian font of every style (`w:rFonts/@w:eastAsia`: python-docx's `font.name` sets only
the Latin names, so Word would show the body in a Latin fallback), the document grid of 22 lines
of 28 characters, the PAGE fields of the odd and even footers, and charts as SVG with a PNG
fallback (`asvg:svgBlip`, as Word 2016+ stores them; older readers show the PNG).
"""

import io
from datetime import UTC, datetime

import resvg_py
from django.utils import translation
from django.utils.translation import gettext as _
from docx import Document as new_docx
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from zonedesk.reports import document as d
from zonedesk.reports.markdown import counted_text
from zonedesk.reports.render import (
    BODY_PT,
    BOTTOM_MM,
    CHARS,
    FACES,
    FANG,
    HEI,
    KAI,
    LEFT_MM,
    PAGE_H_MM,
    PAGE_NUMBER_GAP_MM,
    PAGE_NUMBER_PT,
    PAGE_W_MM,
    RIGHT_MM,
    SONG,
    TABLE_PT,
    TITLE,
    TITLE_PT,
    TOP_MM,
    Numberer,
    char_pitch_pt,
    char_space,
    fonts_used_note,
    line_pitch_twips,
)
from zonedesk.reports.render.ooxml import (
    _blank_png,
    _chars,
    _ppr,
    _rpr,
    as_of_text,
    date_text,
    text_width_chars,
    title_lines,
    twips,
)

SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"

# The named styles (style name -> face, size in points). Headings use Word's built-in names so
# the navigation pane and outline view work; the others are ours, named as an office names them.
HEADING_FACES = {1: HEI, 2: KAI, 3: FANG, 4: FANG}
STYLE_ISSUER = "发文机关署名"
STYLE_DATE = "成文日期"
STYLE_NOTE = "附注"
STYLE_ANNEX_MARK = "附件标识"
STYLE_ANNEX_TITLE = "附件标题"
STYLE_ANNEX_LIST = "附件说明"
STYLE_CAPTION = "图表标题"
STYLE_TABLE = "表格文字"
STYLE_FIGURE = "图"
STYLE_LEAD = "段首小标题"  # a character style: the run-in lead of a paragraph
STYLE_PAGE_NUMBER = "页码"
STYLE_NORMAL = "Normal"


def render(doc: d.Document, *, for_pdf: bool = False) -> bytes:
    """The document as .docx bytes.

    `for_pdf` writes the variant that `pdf.render` hands to LibreOffice (7.4, Debian 12), which
    lays out two things of this .docx differently from Word: it puts each 16 pt character of a
    linesAndChars grid whose pitch is 15.8 pt into two cells (14 characters a line, measured),
    and it draws an `asvg:svgBlip` picture's PNG fallback, not the SVG. The variant has a line
    grid only (the 28 characters a line come from the body's 0.25 pt condensed spacing, which
    both write) and its pictures' blips refer to the SVG itself, which LibreOffice reads as a
    vector graphic. Everything else is the same bytes.
    """
    with translation.override(doc.lang):
        return _Writer(doc, for_pdf=for_pdf).write()


class _Writer:
    def __init__(self, doc: d.Document, *, for_pdf: bool = False):
        self.doc = doc
        self.for_pdf = for_pdf
        self.lang = doc.lang
        self.out = new_docx()
        self.pitch = line_pitch_twips()
        self.figure_no = 0
        # Style objects by name: `styles[name]` is a linear search over every style (python-docx),
        # and a paragraph asks for its style each time.
        self._by_name: dict[str, object] = {}

    # --- set-up ---------------------------------------------------------------------------
    def write(self) -> bytes:
        self._drop_thumbnail()
        self._page()
        self._styles()
        self._font_table()
        self._footers()
        self._properties()
        body = self.out.element.body
        for p in list(body.iterchildren(qn("w:p"))):  # the template's empty paragraph
            body.remove(p)
        self._title()
        numberer = Numberer(self.lang)
        for block in self.doc.blocks:
            self._block(block, numberer)
        if self.doc.annex:
            self._para(STYLE_NORMAL, "")
            self._para(STYLE_ANNEX_LIST, _("Annex: %(title)s") % {"title": self._annex_title()})
        self._signature()
        if self.doc.annex:
            self._annex()
        buf = io.BytesIO()
        self.out.save(buf)
        return buf.getvalue()

    def _drop_thumbnail(self):
        rels = self.out.part.package.rels
        for rid, rel in list(rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                del rels[rid]

    def _page(self):
        s = self.out.sections[0]
        s.page_width, s.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
        s.top_margin, s.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
        s.left_margin, s.right_margin = Mm(LEFT_MM), Mm(RIGHT_MM)
        s.gutter = 0
        s.header_distance = Mm(15)
        # The footer's line (exactly one page-number size high) starts 7 mm below the block.
        s.footer_distance = Mm(BOTTOM_MM - PAGE_NUMBER_GAP_MM) - Pt(PAGE_NUMBER_PT)
        s.start_type = WD_SECTION_START.NEW_PAGE
        sect = s._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect.append(grid)
        for k in list(grid.attrib):
            del grid.attrib[k]
        grid.set(qn("w:type"), "lines" if self.for_pdf else "linesAndChars")
        grid.set(qn("w:linePitch"), str(self.pitch))
        if not self.for_pdf:
            grid.set(qn("w:charSpace"), str(char_space()))

    def _styles(self):
        styles = self.out.styles
        root = styles.element
        # Defaults: 仿宋 三号, Chinese, no theme fonts.
        defaults = root.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault"))
        for child in list(rpr_default):
            rpr_default.remove(child)
        rpr_default.append(parse_xml(_rpr(FANG, BODY_PT)))
        ppr_default = defaults.find(qn("w:pPrDefault"))
        if ppr_default is not None:
            for child in list(ppr_default):
                ppr_default.remove(child)
        # Every style the template ships keeps its name but loses its theme fonts and colours.
        for st in root.iterchildren(qn("w:style")):
            rpr = st.find(qn("w:rPr"))
            if rpr is not None:
                for tag in (
                    "w:rFonts",
                    "w:color",
                    "w:sz",
                    "w:szCs",
                    "w:b",
                    "w:bCs",
                    "w:i",
                    "w:iCs",
                ):
                    for el in rpr.findall(qn(tag)):
                        rpr.remove(el)
        # Table styles' parts (first row, …) name theme fonts too: a theme font wins over
        # w:eastAsia, so none is left anywhere.
        for rf in list(root.iter(qn("w:rFonts"))):
            for attr in [a for a in rf.attrib if a.endswith("Theme")]:
                del rf.attrib[attr]
            if not rf.attrib:
                rf.getparent().remove(rf)

        # Body text and headings start at the left: the condensed pitch makes a full line of
        # Chinese exactly 28 characters to the right edge (GB/T 9704's grid), and a line that
        # a number ("4.48%", which does not break) left short stays short instead of being
        # spread out character by character ("不 含 新 开 工 企 业"), as justifying did.
        body = _ppr(align="left", first_chars=2, line=self.pitch)
        self._style("Normal", _rpr(FANG, BODY_PT), body)
        self._style("Title", _rpr(TITLE, TITLE_PT), _ppr(align="center", line=self.pitch))
        for level, face in HEADING_FACES.items():
            self._style(
                f"Heading {level}",
                _rpr(face, BODY_PT),
                _ppr(
                    align="left", first_chars=2, line=self.pitch, keep_next=True, outline=level - 1
                ),
            )
        right = _ppr(align="right", line=self.pitch)
        self._style(STYLE_ISSUER, _rpr(FANG, BODY_PT), right, new=True)
        self._style(STYLE_DATE, _rpr(FANG, BODY_PT), _ppr(align="left", line=self.pitch), new=True)
        self._style(
            STYLE_NOTE,
            _rpr(FANG, BODY_PT),
            _ppr(align="left", first_chars=2, line=self.pitch),
            new=True,
        )
        self._style(
            STYLE_ANNEX_LIST,
            _rpr(FANG, BODY_PT),
            _ppr(align="left", first_chars=2, line=self.pitch),
            new=True,
        )
        self._style(
            STYLE_ANNEX_MARK, _rpr(HEI, BODY_PT), _ppr(align="left", line=self.pitch), new=True
        )
        self._style(
            STYLE_ANNEX_TITLE,
            _rpr(TITLE, TITLE_PT),
            _ppr(align="center", line=self.pitch),
            new=True,
        )
        self._style(
            STYLE_CAPTION,
            _rpr(HEI, BODY_PT),
            _ppr(align="center", line=self.pitch, keep_next=True),
            new=True,
        )
        self._style(STYLE_TABLE, _rpr(FANG, TABLE_PT), _ppr(align="center", grid=False), new=True)
        self._style(
            STYLE_FIGURE, _rpr(FANG, BODY_PT), _ppr(align="center", keep_next=True), new=True
        )
        footer = _ppr(align="right", grid=False, line=twips(PAGE_NUMBER_PT))
        self._style("Footer", _rpr(SONG, PAGE_NUMBER_PT), footer)
        self._style(
            STYLE_PAGE_NUMBER, _rpr(SONG, PAGE_NUMBER_PT), footer, new=True, based_on="Footer"
        )
        # The run-in lead: bold body text, a character style.
        if STYLE_LEAD not in [s.name for s in styles]:
            styles.add_style(STYLE_LEAD, WD_STYLE_TYPE.CHARACTER)
        lead = styles[STYLE_LEAD].element
        for el in lead.findall(qn("w:rPr")):
            lead.remove(el)
        lead.append(parse_xml(f"<w:rPr {nsdecls('w')}><w:b/><w:bCs/></w:rPr>"))

    def _named(self, name: str):
        """The style called `name` (looked up once per document)."""
        found = self._by_name.get(name)
        if found is None:
            found = self._by_name[name] = self.out.styles[name]
        return found

    def _style(self, name: str, rpr: str, ppr: str, *, new: bool = False, based_on: str = "Normal"):
        styles = self.out.styles
        if new and name not in self._by_name and name not in styles:
            st = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
            st.base_style = self._named(based_on)
            st.quick_style = True
        el = self._named(name).element
        for tag in ("w:pPr", "w:rPr"):
            for old in el.findall(qn(tag)):
                el.remove(old)
        el.append(parse_xml(ppr))
        el.append(parse_xml(rpr))

    def _font_table(self):
        """Declare each font with the name Word and WPS fall back to (w:altName) and its GB2312
        charset, so a machine without 仿宋_GB2312 shows 仿宋 rather than a Latin font."""
        part = next(
            p for p in self.out.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
        )
        root = etree.fromstring(part.blob)
        have = {f.get(qn("w:name")) for f in root.iterchildren(qn("w:font"))}
        for face in FACES:
            if face.declared in have:
                continue
            root.append(
                parse_xml(
                    f'<w:font {nsdecls("w")} w:name="{face.declared}">'
                    f'<w:altName w:val="{face.alt}"/><w:charset w:val="86"/>'
                    '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
                )
            )
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def _footers(self):
        """Page numbers as PAGE fields, "— 1 —" in 四号 宋体: odd pages right, even pages left,
        each one character in from the block's edge (GB/T 9704-2012 7.5)."""
        self.out.settings.odd_and_even_pages_header_footer = True
        s = self.out.sections[0]
        for footer, align in ((s.footer, "right"), (s.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]
            p.style = self.out.styles[STYLE_PAGE_NUMBER]
            ppr = p._p.get_or_add_pPr()
            jc = OxmlElement("w:jc")
            jc.set(qn("w:val"), align)
            ind = OxmlElement("w:ind")
            ind.set(qn("w:right" if align == "right" else "w:left"), str(_chars(1)))
            ppr.append(ind)
            ppr.append(jc)
            p.add_run("— ")
            self._field(p, "PAGE", "1")
            p.add_run(" —")

    @staticmethod
    def _field(p: DocxParagraph, instr: str, shown: str):
        def fld(kind):
            r = OxmlElement("w:r")
            c = OxmlElement("w:fldChar")
            c.set(qn("w:fldCharType"), kind)
            r.append(c)
            return r

        p._p.append(fld("begin"))
        r = OxmlElement("w:r")
        t = OxmlElement("w:instrText")
        t.set(qn("xml:space"), "preserve")
        t.text = f" {instr} "
        r.append(t)
        p._p.append(r)
        p._p.append(fld("separate"))
        p.add_run(shown)
        p._p.append(fld("end"))

    def _properties(self):
        cp = self.out.core_properties
        cp.title = d.plain(self.doc.title)
        cp.author = self.doc.issuer
        cp.last_modified_by = self.doc.issuer
        cp.language = "zh-CN" if self.lang.startswith("zh") else "en"
        cp.comments = fonts_used_note()
        cp.subject = d.plain(self.doc.title)
        cp.keywords = "; ".join(f"{k}={v}" for k, v in sorted(self.doc.meta.items()))
        day = self.doc.dated
        stamp = self.doc.as_of or datetime(day.year, day.month, day.day, tzinfo=UTC)
        cp.created = cp.modified = stamp
        cp.revision = 1

    # --- content --------------------------------------------------------------------------
    def _para(self, style: str, text: str) -> DocxParagraph:
        p = self.out.add_paragraph(style=self._named(style))
        if text:
            p.add_run(text)
        return p

    def _title(self):
        p = self._para("Title", "")
        for i, line in enumerate(title_lines(d.plain(self.doc.title), self.doc.issuer)):
            if i:
                p.add_run().add_break()
            p.add_run(line)
        self._para(STYLE_NORMAL, "")  # 标题下空一行

    def _block(self, block: d.Block, numberer: Numberer):
        if isinstance(block, d.Heading):
            number = numberer(block.level)
            self._para(f"Heading {block.level}", number + d.plain(block.text))
        elif isinstance(block, d.Paragraph):
            p = self._para(STYLE_NORMAL, "")
            if block.lead:
                p.add_run(d.plain(block.lead), style=self._named(STYLE_LEAD))
            p.add_run(d.plain(block.text))
        elif isinstance(block, d.Table):
            self._table(block)
        elif isinstance(block, d.Chart):
            self._chart(block)
        else:  # pragma: no cover - the Block union is closed
            raise TypeError(f"not a block: {block!r}")

    def _table(self, t: d.Table):
        self._para(STYLE_CAPTION, d.plain(t.caption))
        ncols = len(t.columns)
        table = self.out.add_table(rows=1 + len(t.rows), cols=ncols)
        tbl = table._tbl
        tblpr = tbl.tblPr
        for tag in ("w:tblStyle", "w:tblW", "w:tblLook"):
            for el in tblpr.findall(qn(tag)):
                tblpr.remove(el)
        block_twips = round(char_pitch_pt() * CHARS * 20)
        tblpr.append(parse_xml(f'<w:tblW {nsdecls("w")} w:w="{block_twips}" w:type="dxa"/>'))
        tblpr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="center"/>'))
        borders = "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        tblpr.append(parse_xml(f"<w:tblBorders {nsdecls('w')}>{borders}</w:tblBorders>"))
        tblpr.append(
            parse_xml(
                f'<w:tblCellMar {nsdecls("w")}><w:top w:w="40" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
                '<w:bottom w:w="40" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar>'
            )
        )
        # The first column (names) gets the rest of the width; figures share equally.
        first = (
            block_twips if ncols == 1 else max(block_twips // 3, block_twips - (ncols - 1) * 1300)
        )
        other = (block_twips - first) // max(1, ncols - 1)
        widths = [first] + [other] * (ncols - 1)
        grid = tbl.tblGrid
        for gc, w in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
            gc.set(qn("w:w"), str(w))
        numeric = t.numeric or (False,) * ncols
        # Looked up once per table, not per cell: `styles[name]` searches every style by name
        # and the `Paragraph.style` setter looks it up again (a third of the .docx's time on a
        # half year's annex, measured with pyinstrument: bench/work_summary.md).
        table_style = self._named(STYLE_TABLE).style_id
        for r, (cells, row) in enumerate(zip([t.columns, *t.rows], table.rows, strict=True)):
            if r == 0:
                trpr = row._tr.get_or_add_trPr()
                trpr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))  # repeated on each page
                trpr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
            for c, (text, cell) in enumerate(zip(cells, row.cells, strict=True)):
                cell.width = Mm(widths[c] / 1440 * 25.4)
                tcpr = cell._tc.get_or_add_tcPr()
                tcpr.append(parse_xml(f'<w:vAlign {nsdecls("w")} w:val="center"/>'))
                p = cell.paragraphs[0]
                p._p.style = table_style
                if r > 0:
                    align = (
                        "right"
                        if c < len(numeric) and numeric[c]
                        else ("left" if c == 0 else "center")
                    )
                    ppr = p._p.get_or_add_pPr()
                    ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="{align}"/>'))
                run = p.add_run(d.plain(text))
                if r == 0:
                    run.bold = True

    def _chart(self, chart: d.Chart):
        self.figure_no += 1
        self._para(STYLE_CAPTION, d.plain(chart.caption))
        p = self._para(STYLE_FIGURE, "")
        # The PDF's variant points its picture at the SVG (LibreOffice imports it as vector), so
        # its PNG is never drawn: a blank pixel spares rasterising every chart a second time.
        png = (
            _blank_png()
            if self.for_pdf
            else resvg_py.svg_to_bytes(
                svg_string=chart.svg,
                dpi=96,
                width=round(chart.width_mm / 25.4 * 200),
                background="#ffffff",
            )
        )
        run = p.add_run()
        shape = run.add_picture(
            io.BytesIO(png), width=Mm(chart.width_mm), height=Mm(chart.height_mm)
        )
        shape._inline.docPr.set("descr", d.plain(chart.caption))
        # The SVG as its own image part, referred to from the PNG's blip (Word 2016+ draws it).
        package = self.out.part.package
        partname = PackURI(f"/word/media/chart{self.figure_no}.svg")
        svg_part = Part(partname, "image/svg+xml", chart.svg.encode("utf-8"), package)
        rid = self.out.part.relate_to(svg_part, RT.IMAGE)
        blip = shape._inline.xpath(".//a:blip")[0]
        if self.for_pdf:
            blip.set(qn("r:embed"), rid)
            return
        ext_lst = parse_xml(
            f'<a:extLst {nsdecls("a", "r")}><a:ext uri="{SVG_EXT}">'
            f'<asvg:svgBlip xmlns:asvg="{ASVG}" r:embed="{rid}"/></a:ext></a:extLst>'
        )
        blip.append(ext_lst)

    def _annex_title(self) -> str:
        return _("Key figures and charts")

    def _signature(self):
        """发文机关署名 and 成文日期 (GB/T 9704-2012 7.3.5.2, a document without a seal): a line
        below the text, the issuer two characters in from the right; the date on the next line,
        its first character two to the right of the issuer's; a date longer than that keeps two
        characters from the right and pushes the issuer left."""
        issuer = d.plain(self.doc.issuer)
        dated = date_text(self.doc.dated, self.lang)
        li, ld = text_width_chars(issuer), text_width_chars(dated)
        date_right = max(2.0, li - ld)
        issuer_right = date_right + ld + 2 - li
        self._para(STYLE_NORMAL, "")
        p = self._para(STYLE_ISSUER, issuer)
        ind = f'w:rightChars="{round(issuer_right * 100)}" w:right="{_chars(issuer_right)}"'
        p._p.get_or_add_pPr().append(parse_xml(f"<w:ind {nsdecls('w')} {ind}/>"))
        # The date is placed by its first character (a left indent), not by its width: readers
        # differ in the space they put between digits and Chinese (LibreOffice adds some).
        date_left = CHARS - issuer_right - li + 2
        p = self._para(STYLE_DATE, dated)
        ind = f'w:leftChars="{round(date_left * 100)}" w:left="{_chars(date_left)}"'
        p._p.get_or_add_pPr().append(parse_xml(f"<w:ind {nsdecls('w')} {ind}/>"))
        if self.doc.as_of:
            # 附注: the data's as-of time, in brackets, two characters in, below the date.
            note = _("(Figures as of %(when)s.)") % {"when": as_of_text(self.doc.as_of, self.lang)}
            self._para(STYLE_NOTE, note)
        if self.doc.counted_on:
            self._para(STYLE_NOTE, _("(%(rule)s)") % {"rule": counted_text(self.doc.counted_on)})

    def _annex(self):
        """附件 on a new page: "附件" in 黑体 at the top left, its title centred, then the blocks
        (GB/T 9704-2012 8)."""
        first = self._para(STYLE_ANNEX_MARK, _("Annex"))
        first.paragraph_format.page_break_before = True
        self._para(STYLE_NORMAL, "")
        self._para(STYLE_ANNEX_TITLE, self._annex_title())
        self._para(STYLE_NORMAL, "")
        numberer = Numberer(self.lang)
        for block in self.doc.annex:
            self._block(block, numberer)
