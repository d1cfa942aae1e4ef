"""An official document as Word (DOCX) — the brief, an urging letter —, laid out as the decree asks: Times New Roman,
A4 with the decree's margins, the two-column administrative header, tables whose header
row repeats on every page, charts as images, and the data version and page in the footer."""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dashboard.briefs.content import Brief, Chart, Table

FONT = "Times New Roman"
BODY_PT = 13
TABLE_PT = 11
CHART_WIDTH = Cm(16)
TEXT_WIDTH = 16.5  # cm between the margins
NUMBER_WIDTH = 2.4  # cm of a numeric column, at most
NUMBERS_SHARE = 0.6  # of the width, at most, for numeric columns: names need the rest


def _font(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)  # Word otherwise substitutes for some scripts
    style.paragraph_format.space_after = Pt(6)


def _page(document) -> None:
    """A4, margins of Decree 30/2020: top and bottom 2 cm, left 3 cm, right 1.5 cm."""
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.start_type = WD_SECTION.NEW_PAGE


def _line(cell_or_doc, text: str, *, bold=False, italic=False, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER,
          underline=False, space_after=0):
    paragraph = cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return paragraph


def _borderless(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table, widths) -> None:
    """Column widths Word and LibreOffice both keep (the grid and every cell carry them)."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _header(document, brief: Brief) -> None:
    head = brief.header
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    _widths(table, [Cm(7.0), Cm(9.5)])
    left, right = table.rows[0].cells
    _line(left, head.issuer_parent, size=11)
    _line(left, head.issuer, bold=True, size=12, underline=True)
    _line(left, head.number, size=BODY_PT, space_after=0).paragraph_format.space_before = Pt(6)
    if head.subject:
        _line(left, head.subject, size=12).paragraph_format.space_before = Pt(3)
    _line(right, head.nation, bold=True, size=11.5)
    _line(right, head.motto, bold=True, size=BODY_PT, underline=True)
    _line(right, head.place_date, italic=True, size=BODY_PT).paragraph_format.space_before = Pt(6)
    for cell in (left, right):
        cell._element.remove(cell.paragraphs[0]._element)  # a new cell's empty first paragraph
    if head.title:
        _line(document, head.title, bold=True, size=14).paragraph_format.space_before = Pt(18)
        _line(document, head.subtitle, bold=True, size=BODY_PT, space_after=12)
    if head.addressee:
        _line(document, head.addressee, size=14, space_after=12).paragraph_format.space_before = Pt(18)


def _body(document, text: str) -> None:
    paragraph = document.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1)


def _heading(document, text: str) -> None:
    paragraph = _line(document, text, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT, space_after=6)
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.keep_with_next = True


def _repeat_header(row) -> None:
    """Word repeats a row marked ``tblHeader`` at the top of each page the table runs onto."""
    properties = row._tr.get_or_add_trPr()
    for tag in ("w:tblHeader", "w:cantSplit"):
        properties.append(OxmlElement(tag))


def _table(document, table: Table) -> None:
    if table.caption:
        caption = _line(document, table.caption, italic=True, size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.LEFT,
                        space_after=3)
        caption.paragraph_format.keep_with_next = True
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    kinds = [numeric for _, numeric in table.columns]
    number_width = min(NUMBER_WIDTH, TEXT_WIDTH * NUMBERS_SHARE / max(1, sum(kinds)))
    text_width = (TEXT_WIDTH - number_width * sum(kinds)) / max(1, len(kinds) - sum(kinds))
    _repeat_header(grid.rows[0])
    for cell, (label, _) in zip(grid.rows[0].cells, table.columns):
        _cell(cell, label, numeric=False, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in table.rows:
        row = grid.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, value, (_, numeric) in zip(row.cells, values, table.columns):
            _cell(cell, value, numeric=numeric)
    _widths(grid, [Cm(number_width if numeric else text_width) for numeric in kinds])
    document.add_paragraph().paragraph_format.space_after = Pt(3)


def _cell(cell, text: str, *, numeric: bool, bold: bool = False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align if align is not None else (WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(TABLE_PT)


def _chart(document, chart: Chart, png: bytes) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = True
    paragraph.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
    _line(document, chart.caption, italic=True, size=TABLE_PT, space_after=9)


def _field(run, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays out the pages."""
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _footer(document, brief: Brief, page_words: tuple[str, str]) -> None:
    footer = document.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    run = paragraph.add_run(brief.footer)
    run.font.size = Pt(9)
    pages = footer.add_paragraph()
    pages.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    before, between = page_words
    for text, code in ((before, "PAGE"), (between, "NUMPAGES")):
        pages.add_run(text).font.size = Pt(9)
        field = pages.add_run()
        field.font.size = Pt(9)
        _field(field, code)


def _closing(document, brief: Brief) -> None:
    closing = brief.closing
    table = document.add_table(rows=1, cols=2)
    _borderless(table)
    left, right = table.rows[0].cells
    label = left.paragraphs[0].add_run(closing.recipients_label)
    label.bold, label.italic = True, True
    label.font.size = Pt(12)
    for recipient in closing.recipients:
        _line(left, "- " + recipient, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    authority = right.paragraphs[0].add_run(closing.signer_authority)
    authority.bold = True
    _line(right, closing.signer_title, bold=True)
    for _ in range(4):
        _line(right, "")
    if closing.signer_name:
        _line(right, closing.signer_name, bold=True)


def write(brief: Brief, path: Path, images: dict[str, bytes], page_words: tuple[str, str]) -> Path:
    """Write the DOCX; ``images`` are the charts as PNG by chart name; ``page_words`` the
    text before the page number and between it and the page count ("Trang ", "/")."""
    document = Document()
    _font(document)
    _page(document)
    _header(document, brief)
    for section in brief.sections:
        if section.title:
            _heading(document, section.title)
        for block in section.blocks:
            if isinstance(block, Table):
                _table(document, block)
            elif isinstance(block, Chart):
                _chart(document, block, images[block.name])
            else:
                _body(document, block)
    _closing(document, brief)
    _footer(document, brief, page_words)
    document.core_properties.title = f"{brief.header.title} {brief.header.subtitle}".strip() or brief.header.subject
    document.core_properties.author = brief.header.issuer
    document.save(path)
    return path
