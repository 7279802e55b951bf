"""Regenerate the default DOCX templates (`make templates`). Edit the .docx files in Word freely;
this script only recreates the originals. Tags are docxtpl (Jinja): {{ value }}, {{r rich_text }},
{%p ... %} paragraph blocks and {%tr ... %} table-row loops; the renderer fills them from a brief.
"""

from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

HERE = Path(__file__).resolve().parent


def paragraph(document, text, style=None, bold=False, italic=False, align=None, size=None):
    added = document.add_paragraph(style=style)
    run = added.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if align is not None:
        added.alignment = align
    return added


def masthead(document):
    paragraph(document, "{{ marking }}", bold=True, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(document, "{{ review_note }}", italic=True, size=9, align=WD_ALIGN_PARAGRAPH.RIGHT)


def body(document):
    paragraph(document, "{%p for section in sections %}")
    paragraph(document, "{%p if section.heading %}")
    paragraph(document, "{{ section.heading }}", style="Heading 1")
    paragraph(document, "{%p endif %}")
    paragraph(document, "{%p for paragraph in section.paragraphs %}")
    paragraph(document, "{{r paragraph }}", style="List Number")
    paragraph(document, "{%p endfor %}")
    paragraph(document, "{%p endfor %}")


def header_lines(document):
    paragraph(document, "{%p for line in header_lines %}")
    paragraph(document, "{{ line }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(document, "{%p endfor %}")


def statement(name, co_sponsors=False):
    document = docx.Document()
    masthead(document)
    document.add_paragraph("{{ title }}", style="Title")
    header_lines(document)
    if co_sponsors:
        paragraph(document, "Co-sponsors:", bold=True)
        paragraph(document, "{%p for member in co_sponsors %}")
        paragraph(document, "{{ member }}", style="List Bullet")
        paragraph(document, "{%p endfor %}")
    body(document)
    document.save(HERE / name)


def table(document, columns, loop, fields):
    grid = document.add_table(rows=4, cols=len(columns))
    grid.style = "Table Grid"
    for cell, column in zip(grid.rows[0].cells, columns):
        cell.text = column
        cell.paragraphs[0].runs[0].bold = True
    grid.rows[1].cells[0].text = "{%tr for row in " + loop + " %}"
    for cell, field in zip(grid.rows[2].cells, fields):
        cell.text = "{{ row." + field + " }}"
    grid.rows[3].cells[0].text = "{%tr endfor %}"


def third_party_submission():
    document = docx.Document()
    masthead(document)
    for _ in range(6):
        document.add_paragraph()
    paragraph(document, "{%p for line in cover_lines %}")
    paragraph(document, "{{ line }}", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=16)
    paragraph(document, "{%p endfor %}")
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Table of Contents", style="Heading 1")
    paragraph(document, "{%p for entry in toc %}")
    paragraph(document, "{{ entry }}")
    paragraph(document, "{%p endfor %}")
    document.add_paragraph("Table of Cases", style="Heading 1")
    table(document, ["Short title", "Full citation"], "cases", ["short_title", "citation"])
    document.add_paragraph("Table of Abbreviations", style="Heading 1")
    table(document, ["Abbreviation", "Description"], "abbreviations", ["abbreviation", "meaning"])
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    body(document)
    document.save(HERE / "third-party-submission.docx")


if __name__ == "__main__":
    statement("committee-statement.docx")
    statement("tpr-statement.docx")
    statement("joint-statement.docx", co_sponsors=True)
    third_party_submission()
    print("templates written to", HERE)
