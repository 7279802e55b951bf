"""Regenerate the default DOCX templates (`make templates`). Edit the .docx files in Word freely;
this script only recreates the originals. Tags are docxtpl (Jinja): {{ value }}, {{r rich_text }},
{%p ... %} paragraph blocks and {%tr ... %} table-row loops; the renderer fills them from a brief.

House style, shared by every template: Times New Roman 12 pt in black, bold headings without colour,
page numbers centred in the footer, A4 with 2.5 cm margins, no theme colours or "Title" style.
"""

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"


def house_style(document):
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    for name, size, bold in (("Normal", 12, False), ("Heading 1", 12, True), ("Heading 2", 12, True), ("List Number", 12, False)):
        style = document.styles[name]
        style.font.name, style.font.size, style.font.bold = FONT, Pt(size), bold
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.italic = False
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(theme), None)
        style.paragraph_format.space_after = Pt(6 if name != "Heading 1" else 12)
        style.paragraph_format.space_before = Pt(12 if name.startswith("Heading") else 0)
    document.styles["Heading 1"].font.all_caps = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = footer.add_run()
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        elif text == " PAGE ":
            element = OxmlElement("w:instrText")
            element.text = text
            run._r.append(element)
        else:
            run.text = text


def paragraph(document, text, style=None, bold=False, italic=False, align=None, size=None):
    added = document.add_paragraph(style=style)
    run = added.add_run(text)
    # Only what differs from the style: an explicit "not bold" on a run would unbold the bold headings.
    run.bold, run.italic = (True if bold else None), (True if italic else None)
    if size:
        run.font.size = Pt(size)
    if align is not None:
        added.alignment = align
    return added


def masthead(document):
    paragraph(document, "{%p if marking %}")
    paragraph(document, "{{ marking }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "{%p endif %}")
    paragraph(document, "{{ review_note }}", italic=True, size=9, align=WD_ALIGN_PARAGRAPH.RIGHT)


def body(document, numbered):
    paragraph(document, "{%p for section in sections %}")
    paragraph(document, "{%p if section.heading and section.level == 1 %}")
    paragraph(document, "{{ section.heading }}", style="Heading 1")
    paragraph(document, "{%p elif section.heading %}")
    paragraph(document, "{{ section.heading }}", style="Heading 2")
    paragraph(document, "{%p endif %}")
    paragraph(document, "{%p for paragraph in section.paragraphs %}")
    if numbered:  # the executive summary stands before the numbered paragraphs of the submission
        paragraph(document, "{%p if section.unnumbered %}")
        paragraph(document, "{{r paragraph }}")
        paragraph(document, "{%p else %}")
        paragraph(document, "{{r paragraph }}", style="List Number")
        paragraph(document, "{%p endif %}")
    else:
        paragraph(document, "{{r paragraph }}")
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p endfor %}")


def questions(document):
    """TPR advance written questions: numbered from 1, grouped by section, each with its reference line."""
    paragraph(document, "{%p if questions %}")
    paragraph(document, "{{ questions_heading }}", style="Heading 1")
    paragraph(document, "{%p for q in questions %}")
    paragraph(document, "{%p if q.new_section %}")
    paragraph(document, "{{ q.section }}", style="Heading 2")
    paragraph(document, "{%p endif %}")
    paragraph(document, "{{ q.label }}", bold=True)
    paragraph(document, "{%p if q.reference %}")
    paragraph(document, "{{ q.reference }}", italic=True)
    paragraph(document, "{%p endif %}")
    paragraph(document, "{{ q.text }}")
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p endif %}")


def statement(name):
    document = docx.Document()
    house_style(document)
    masthead(document)
    paragraph(document, "{{ title }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    paragraph(document, "{%p for line in header_lines %}")
    paragraph(document, "{{ line }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, "{%p endfor %}")
    body(document, numbered=False)
    questions(document)
    document.save(HERE / name)


def table(document, columns, loop, fields):
    grid = document.add_table(rows=4, cols=len(columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, columns):
        cell.text = column
        cell.paragraphs[0].runs[0].bold = True
    grid.rows[1].cells[0].text = "{%tr for row in " + loop + " %}"
    for cell, field in zip(grid.rows[2].cells, fields):
        cell.text = "{{" + field + " }}"
    grid.rows[3].cells[0].text = "{%tr endfor %}"


def centred_title(document, text):
    paragraph(document, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def third_party_submission():
    document = docx.Document()
    house_style(document)
    masthead(document)
    for _ in range(5):
        document.add_paragraph()
    paragraph(document, "{%p for line in cover_lines %}")
    paragraph(document, "{{ line }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14)
    paragraph(document, "{%p endfor %}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    centred_title(document, "TABLE OF CONTENTS")
    paragraph(document, "{{ toc }}")
    centred_title(document, "TABLE OF CASES CITED IN THIS SUBMISSION")
    paragraph(document, "{%p if cases %}")
    table(document, ["Short title", "Full title and citation"], "cases", ["r row.short_title", "r row.citation"])
    paragraph(document, "{%p else %}")
    paragraph(document, "No reports are cited in this submission.", italic=True)
    paragraph(document, "{%p endif %}")
    centred_title(document, "TABLE OF ABBREVIATIONS")
    table(document, ["Abbreviation", "Description"], "abbreviations", [" row.abbreviation", " row.meaning"])
    paragraph(document, "{%p if exhibits %}")
    centred_title(document, "LIST OF EXHIBITS")
    table(document, ["Exhibit No.", "Description", "Short title"], "exhibits", [" row.number", " row.title", " row.short_title"])
    paragraph(document, "{%p endif %}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    body(document, numbered=True)
    document.save(HERE / "third-party-submission.docx")


if __name__ == "__main__":
    statement("committee-statement.docx")
    statement("tpr-statement.docx")
    statement("joint-statement.docx")
    third_party_submission()
    print("templates written to", HERE)
