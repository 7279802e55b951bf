"""Where each heading of a draft falls, by laying the DOCX out with LibreOffice (when installed).

Word fills a table of contents only when its fields are updated; to make the table read right as
written, the renderer asks here for the page of each heading and writes it into the field's result.
Without LibreOffice the page numbers are left for Word to fill (the draft asks Word to update fields
on opening).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

LAYOUT_SECONDS = 120


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx_path: Path, folder: Path) -> Path | None:
    """Convert with LibreOffice headless into `folder`; None when it is missing or fails."""
    office = libreoffice()
    if office is None:
        return None
    profile = folder / "profile"  # a private profile: two conversions at once must not share one
    try:
        subprocess.run(
            [office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(docx_path)],
            check=True, capture_output=True, timeout=LAYOUT_SECONDS,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    pdf = folder / (docx_path.stem + ".pdf")
    return pdf if pdf.exists() else None


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def heading_pages(docx_path: Path, headings: list[str]) -> dict[str, int] | None:
    """Page number (from 1, as printed) of each heading's own line after the table of contents."""
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as folder:
        pdf = to_pdf(docx_path, Path(folder))
        if pdf is None:
            return None
        pages = [[_fold(line) for line in (page.extract_text() or "").splitlines()] for page in PdfReader(str(pdf)).pages]
    # The table of contents lists every heading with a page number; the heading itself stands alone on its line.
    found: dict[str, int] = {}
    for heading in headings:
        wanted = _fold(heading)
        for number, lines in enumerate(pages, 1):
            if wanted in lines:
                found[heading] = number
                break
    return found
