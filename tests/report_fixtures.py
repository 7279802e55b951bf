"""A panel report in the WTO's layout, made for tests (no real report is available offline).

ILLUSTRATIVE: the dispute (DS990) and the text are invented; the layout is the WTO's: masthead, a
"Cases cited in this report" table, numbered sections ("7.5.3.2 Whether…") that are headings, numbered
paragraphs ("7.102."), Word footnotes called from the paragraphs, a data table, an annex with its own
paragraph numbers, and a running head "WT/DS990/R" with page numbers "- N -" on every page.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

FILLER = ("The Panel has examined the evidence on the record with care, including the exhibits submitted by both "
          "parties and the responses to the Panel's questions, and sets out its reasoning in the paragraphs that follow. ")

# (kind, text): heading | para (typed number) | table | page
CONTENT = [
    ("heading", "CASES CITED IN THIS REPORT"),
    ("table", [("Short title", "Full case title and citation"),
               ("Russia – Traffic in Transit", "Panel Report, Russia – Measures Concerning Traffic in Transit, WT/DS512/R and Add.1, adopted 26 April 2019"),
               ("US – Gasoline", "Appellate Body Report, United States – Standards for Reformulated and Conventional Gasoline, WT/DS2/AB/R, adopted 20 May 1996")]),
    ("page", ""),
    ("heading", "7 FINDINGS"),
    ("heading", "7.5 Article XX(b) of the GATT 1994"),
    ("para", "7.101. Exampleland argues that the import ban is necessary to protect plant health." + " " + FILLER * 6),
    ("heading", "7.5.3.2 Whether the import ban is necessary to protect plant health"),
    ("para", "7.102. The Panel recalls that the necessity of a measure is assessed by weighing its contribution to the "
             "objective against its trade-restrictiveness, as the Appellate Body explained in US – Gasoline.⟦fn:1⟧ "
             + FILLER * 5 + "The Panel also notes the approach taken in Russia – Traffic in Transit.⟦fn:2⟧"),
    ("table", [("Year", "Imports (tonnes)"), ("2024", "1,250"), ("2025", "0")]),
    ("para", "7.103. For these reasons, the Panel finds that the import ban is not necessary within the meaning of "
             "Article XX(b) of the GATT 1994." + " " + FILLER * 4 + "This conclusion is confirmed by the trade data.⟦fn:3⟧"),
    ("page", ""),
    ("heading", "ANNEX A-1"),
    ("para", "1.1. The Panel adopted its Working Procedures on 5 January 2026."),
]
FOOTNOTES = [
    "Appellate Body Report, US – Gasoline, p. 22.",
    "Panel Report, Russia – Traffic in Transit, para. 7.102.",
    "Exhibit EXL-12 (trade statistics).",
]


def build_report_docx(path: Path) -> Path:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    from wto_assist.draft.render import add_footnotes

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(11)
    section = document.sections[0]
    header = section.header.paragraphs[0]
    header.add_run("WT/DS990/R\t")
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        run = header.add_run("- " if kind == "begin" else "")
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)
        else:
            instruction = OxmlElement("w:instrText")
            instruction.text = text
            run._r.append(instruction)
    header.add_run(" -")
    for line in ("ILLUSTRATIVE SAMPLE - written for wto-assist tests, not an official WTO document", "WT/DS990/R",
                 "2 October 2026", "EXAMPLELAND – MEASURES CONCERNING THE IMPORTATION OF PROCESSED FRUIT", "REPORT OF THE PANEL"):
        document.add_paragraph(line)
    for kind, content in CONTENT:
        if kind == "heading":
            document.add_paragraph(content, style="Heading 1" if content[0].isalpha() or " " not in content[:4] else "Heading 2")
        elif kind == "para":
            document.add_paragraph(content)
        elif kind == "page":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            table = document.add_table(rows=len(content), cols=2)
            table.style = "Table Grid"
            for row, values in zip(table.rows, content):
                for cell, value in zip(row.cells, values):
                    cell.text = value
    add_footnotes(document, [[(text, False)] for text in FOOTNOTES])
    document.save(path)
    return path


def build_report_pdf(docx_path: Path, soffice: str) -> Path:
    folder = docx_path.parent
    subprocess.run([soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(docx_path)], check=True, capture_output=True, timeout=300)
    return folder / (docx_path.stem + ".pdf")
