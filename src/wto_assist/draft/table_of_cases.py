"""Precedent exports: a table of cases in WTO style (DOCX) and the dispute list as CSV."""

from __future__ import annotations

from pathlib import Path

from ..exports import atomic_write, write_csv
from . import citation_style


def write_precedent_csv(result: dict, path: Path) -> None:
    write_csv(path, ["dispute", "short_title", "complainants", "respondents", "third_parties", "stage", "stage_date",
                     "involvement", "citations", "notes"], [
        [row["ds"], row["short_title"] or row["title"], "; ".join(row["complainants"]), "; ".join(row["respondents"]),
         "; ".join(row["third_parties"]), row.get("stage") or row.get("status") or "", row.get("stage_date") or "",
         "; ".join(f"{e['how']}: {e['detail']}" for e in row["involvement"]),
         "; ".join(e["citation"] for e in row["involvement"] if e["citation"]),
         "; ".join(f"{n['note']} ({n['cited']}; {n['author']}, {n['date']})" for n in row.get("notes") or [])]
        for row in result["disputes"] + result.get("unreadable", [])
    ])


def write_table_of_cases(result: dict, path: Path, heading: str) -> None:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(11)
    title = document.add_paragraph()
    title.add_run("TABLE OF CASES").bold = True
    document.add_paragraph(heading)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Short title", "Full title and citation")):
        cell.paragraphs[0].add_run(text).bold = True
    entries = [entry for row in result["disputes"] for entry in citation_style.dispute_entries(row)]
    for entry in sorted(entries, key=lambda e: citation_style.plain(e["short_title"]).lower()):
        cells = table.add_row().cells
        for cell, runs in zip(cells, (entry["short_title"], entry["citation"])):
            for text, italic in runs:
                cell.paragraphs[0].add_run(text).italic = italic or None
    if result.get("notes"):  # the user's own precedent notes (precedent_notes.py), with who wrote them and when
        document.add_paragraph().add_run("NOTES").bold = True
        for note in result["notes"]:
            document.add_paragraph(f"{note['ds']}, {note['provision']} – {note['cited']}: {note['note']} ({note['author']}, {note['date']})")
    atomic_write(path, lambda target: document.save(target))
