"""Turn a file of any supported format into clean text lines, one logical block per line group.

Numbered paragraphs are marked with "&&" at the start of their line, the convention of the WTO's own
converted minutes; the .docx reader writes the same mark for auto-numbered Word paragraphs, so the
segmenter sees one format whatever the source.
"""

from __future__ import annotations

import functools
import html.parser
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import WtoAssistError

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm", ".doc")
MAX_FILE_BYTES = 256 * 2**20  # the longest WTO report with annexes is tens of MB; more is not a document to read whole
MAX_LINE_CHARS = 200_000  # a whole WTO paragraph on one line is a few thousand characters
PARAGRAPH_MARK = "&&"
# Footnotes as the readers hand them to the segmenter: "[^12]" where the text calls footnote 12, and a
# line "⟦note 12⟧ text" holding the footnote itself (from Word's footnote part or a PDF page's foot).
FOOTNOTE_CALL = "[^{}]"
FOOTNOTE_LINE = "⟦note {}⟧ {}"
TABLE_ROW = "⟦row⟧"  # opens a line that is a row of a table (cells apart by tabs): text, never a heading


class ReadError(WtoAssistError):
    """A file that cannot be read as a document; the message names the reason in one line."""


def read_text(path: Path) -> tuple[str, str]:
    """Return (clean text, encoding or format note) for a supported file, or raise ReadError."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"unsupported file type {suffix or '(none)'}")
    check_size(path)
    data = path.read_bytes()
    if not data.strip():
        raise ReadError("empty file")
    if suffix == ".txt":
        text, encoding = decode_bytes(data)
    elif suffix == ".docx":
        text, encoding = _read_docx(path), "docx"
    elif suffix == ".pdf":
        text, encoding = _read_pdf(path), "pdf"
    elif suffix in (".html", ".htm"):
        decoded, encoding = decode_bytes(data)
        text = _html_to_text(decoded)
    else:
        text, encoding = _read_doc(path, data)
    if _has_endless_line(text):  # checked before any line-by-line work, which would copy it several times
        raise ReadError(f"a line of more than {MAX_LINE_CHARS:,} characters: not a document as written (no line breaks?)")
    text = clean_converted_text(text)
    if not text.strip():
        raise ReadError("no text could be extracted")
    return text, encoding


def check_size(path: Path) -> None:
    """Refuse, before a byte is read, what is not a regular file or is larger than MAX_FILE_BYTES (a sparse
    file of gigabytes would otherwise be read whole, several times over)."""
    try:
        status = path.stat()
    except OSError as error:
        raise ReadError(f"cannot read file ({error.strerror or error})") from error
    if not stat.S_ISREG(status.st_mode):
        raise ReadError("not a regular file (a device, FIFO or socket)")
    if status.st_size > MAX_FILE_BYTES:
        raise ReadError(f"larger than {MAX_FILE_BYTES // 2**20} MiB ({status.st_size // 2**20} MiB): not read")


def _has_endless_line(text: str) -> bool:
    start = 0
    while True:
        end = text.find("\n", start)
        if end == -1:
            return len(text) - start > MAX_LINE_CHARS
        if end - start > MAX_LINE_CHARS:
            return True
        start = end + 1


# --- encodings -------------------------------------------------------------------------------

# Characters that English legal text in Western encodings plausibly contains beyond ASCII.
_PLAUSIBLE = set("’‘“”–—…«»§°€£éèêëàâäçîïôöûüùñáíóúÉÈÇÀÔÖÜÑÁÍÓÚãõøåæœßÿ\u00a0")


def _plausibility(text: str) -> float:
    score = 0.0
    for char in text:
        if char.isascii():
            continue
        if char in _PLAUSIBLE:
            score += 1
        elif unicodedata.category(char) in ("Cc", "Co", "Cn", "So", "Sk") or 0x2500 <= ord(char) <= 0x259F:
            score -= 5
        elif char.isalpha() and char.isupper():
            score -= 2  # e.g. "DÄveloppement": an upper-case letter inside a word is a wrong code page
        else:
            score -= 1
    return score


_BOMS = [(b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16/32 by byte-order mark, or by the zero bytes of mostly-ASCII text without one."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    sample = data[:4096]
    if len(sample) >= 8:
        for encoding, width, position in (("utf-32-le", 4, 0), ("utf-32-be", 4, 3), ("utf-16-le", 2, 0), ("utf-16-be", 2, 1)):
            units = [sample[i : i + width] for i in range(0, len(sample) - width + 1, width)]
            if sum(1 for unit in units if unit[position] != 0 and not any(unit[j] for j in range(width) if j != position)) > 0.9 * len(units):
                return encoding
    return None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-16/32 by their marks, UTF-8 when valid (a few stray bytes replaced and
    said so), else the most plausible of the detector's candidates."""
    wide = _wide_encoding(data)
    if wide:
        try:
            return data.decode(wide).lstrip("\ufeff"), wide
        except UnicodeDecodeError as error:
            raise ReadError(f"damaged {wide.upper()} text ({error.reason} at byte {error.start})") from error
    if data[:4096].count(b"\x00") > 8 or _control_ratio(data) > 0.05:  # a stray NUL is dropped later, many are binary
        raise ReadError("binary content, not text (wrong extension?)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    repaired = data.decode("utf-8-sig", errors="replace")
    bad = repaired.count("\ufffd")
    proven = sum(1 for char in repaired if not char.isascii() and char != "\ufffd")  # well-formed UTF-8 sequences
    if proven and bad <= max(3, len(data) // 10000):
        # Valid UTF-8 but for a stray byte or two: keep UTF-8 rather than re-read the whole file in a code page.
        return repaired, f"utf-8 ({bad} invalid byte{'s' if bad > 1 else ''} replaced)"
    from charset_normalizer import from_bytes

    candidates = [match.encoding for match in from_bytes(data)][:5]
    # Detectors confuse the single-byte Western code pages; Word exports use one of these two.
    candidates += ["cp1252", "mac_roman"]
    best: tuple[float, str, str] | None = None
    for encoding in dict.fromkeys(candidates):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _plausibility(text)
        if best is None or score > best[0]:
            best = (score, encoding, text)
    if best is None:
        raise ReadError("undecodable text: no known encoding fits")
    return best[2], best[1]


def _control_ratio(data: bytes) -> float:
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / max(len(sample), 1)


# --- formats ---------------------------------------------------------------------------------


def _read_docx(path: Path) -> str:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from docx.oxml.ns import qn
    except ImportError as error:  # pragma: no cover - python-docx is a dependency
        raise ReadError(f"python-docx is not installed ({error})") from error
    check_docx_size(path)
    try:
        document = docx.Document(str(path))
        notes = docx_footnotes(document)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as error:
        raise ReadError("not a valid .docx file (damaged, or not a Word document)") from error
    from docx.table import Table
    from docx.text.paragraph import Paragraph as WordParagraph

    lines = []
    # Body order, tables in place: a report's "Cases cited" table belongs where it stands.
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:tbl"):
            for row in Table(element, document).rows:
                lines.append(TABLE_ROW + "\t".join(cell.text.strip() for cell in row.cells))
            lines.append("")
            continue
        if element.tag == qn("w:altChunk"):
            lines += _alt_chunk_lines(document, element.get(qn("r:id")))
            continue
        if element.tag != qn("w:p"):
            continue
        paragraph = WordParagraph(element, document)
        text = "".join(
            (node.text or "") if node.tag == qn("w:t") else ("\t" if node.tag == qn("w:tab") else FOOTNOTE_CALL.format(node.get(qn("w:id"))))
            for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:footnoteReference"))
        ).strip()
        if not text:
            lines.append("")
            continue
        lines.append(f"{PARAGRAPH_MARK} {text}" if _is_auto_numbered(paragraph) else text)
        lines.append("")  # a Word paragraph is a block of its own, never a wrapped line
    lines += [FOOTNOTE_LINE.format(number, text) for number, text in notes.items()]
    return "\n".join(lines)


def _alt_chunk_lines(document, relationship_id: str | None) -> list[str]:
    """Text a Word document embeds whole (an altChunk: HTML or plain text pasted in by another program),
    read as the page shows it; a chunk of another kind is refused by name rather than dropped unseen."""
    relationship = document.part.rels.get(relationship_id) if relationship_id else None
    if relationship is None or relationship.is_external:
        raise ReadError("an embedded document (altChunk) has no content in the file")
    part = relationship.target_part
    kind = part.content_type.split(";")[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        text = _html_to_text(decode_bytes(part.blob)[0])
    elif kind == "text/plain":
        text = decode_bytes(part.blob)[0]
    else:
        raise ReadError(f"it embeds a document of type {kind} (a Word altChunk) that wto-assist cannot read;"
                        " open it in Word and save it again, which merges the embedded text")
    lines = []
    for line in text.split("\n"):
        lines += [line.strip(), ""] if line.strip() else []
    return lines


MAX_DOCX_INFLATED = 200 * 2**20  # a long WTO report is a few MB unzipped; more is a zip bomb


def check_docx_size(path: Path) -> None:
    """Refuse a .docx whose parts would inflate past MAX_DOCX_INFLATED, before anything is unzipped."""
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ReadError("not a valid .docx file (damaged, or not a Word document)") from error
    if inflated > MAX_DOCX_INFLATED:
        raise ReadError(f"refused: its parts inflate to {inflated // 2**20} MiB (more than {MAX_DOCX_INFLATED // 2**20} MiB; a zip bomb?)")


def docx_footnotes(document) -> dict[str, str]:
    """Footnote id -> text from a DOCX's footnote part (separators left out)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from lxml import etree

    for relationship in document.part.rels.values():
        if relationship.reltype == RELATIONSHIP_TYPE.FOOTNOTES:
            part = relationship.target_part
            root = part._element if hasattr(part, "_element") else etree.fromstring(part.blob)
            notes = {}
            for note in root.iter(qn("w:footnote")):
                if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                notes[note.get(qn("w:id"))] = "".join(t.text or "" for t in note.iter(qn("w:t"))).strip()
            return notes
    return {}


def _is_auto_numbered(paragraph) -> bool:
    """True for Word list paragraphs (w:numPr directly or through the style), i.e. numbered paragraphs."""
    properties = paragraph._p.pPr
    if properties is not None and properties.numPr is not None:
        return True
    style = paragraph.style
    while style is not None:
        style_properties = style.element.pPr
        if style_properties is not None and style_properties.numPr is not None:
            return not (style.name or "").lower().startswith("heading")
        style = style.base_style
    return False


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [_page_chunks(page) for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, ZeroDivisionError) as error:
        raise ReadError(f"damaged or truncated PDF ({error})") from error
    if not pages:
        raise ReadError("PDF has no pages")
    return _pdf_text(pages)


@dataclass
class _Chunk:
    text: str
    size: float  # font size as printed, in points
    x: float
    y: float


def _page_chunks(page) -> list[_Chunk]:
    chunks: list[_Chunk] = []

    def visit(text, cm, tm, font, size):  # pypdf's visitor: text matrix `tm` within the page's `cm`
        if text.strip():
            scale = abs(tm[3] * cm[3]) or 1.0
            chunks.append(_Chunk(text, round(size * scale, 1), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    page.extract_text(visitor_text=visit)
    return chunks


# A page's running head or foot: "WT/DS990/R - 23 -", "- 23 -", "Page 23", "WT/DS990/R".
_PAGE_FURNITURE = re.compile(r"^\s*(?:(?:WT|G|JOB|S|IP)/[A-Za-z0-9/().\-]+)?\s*(?:-\s*\d+\s*-|Page:?\s*\d+(?:/\d+)?)?\s*$")


def _is_furniture(text: str) -> bool:
    plain = text.replace(TABLE_ROW, "").replace("\t", " ").strip()
    return bool(plain) and bool(_PAGE_FURNITURE.match(plain))


def _pdf_text(pages: list[list[_Chunk]]) -> str:
    """Lines of text in reading order, with footnote calls as "[^N]" and each page's footnotes as
    "⟦note N⟧ …" lines; running heads and page numbers dropped; a blank line where the spacing
    between lines says a new paragraph starts (PDFs have no paragraph marks)."""
    from collections import Counter

    sizes = Counter()
    for chunks in pages:
        for chunk in chunks:
            sizes[chunk.size] += len(chunk.text.strip())
    if not sizes:
        return ""
    body = sizes.most_common(1)[0][0]
    out: list[str] = []
    for chunks in pages:
        lines = _lines(chunks, body)
        while lines and _is_furniture(lines[0][0]):
            lines.pop(0)
        while lines and _is_furniture(lines[-1][0]):
            lines.pop()
        # The foot of the page: the smaller-type lines after the last line of body type.
        foot = len(lines)
        while foot > 0 and lines[foot - 1][1] < body * 0.95:
            foot -= 1
        gaps = sorted(lines[i][2] - lines[i + 1][2] for i in range(foot - 1)) or [0.0]
        leading = gaps[len(gaps) // 2]
        for position, (text, _, y) in enumerate(lines[:foot]):
            wide_gap = position and leading and y < lines[position - 1][2] - leading * 1.3
            # A numbered paragraph or section, or an annex, opens a new block after a finished line.
            opens = re.match(r"^\s*(?:\d{1,3}(?:\.\d{1,3})*\.?\s+[A-Z“\"(]|ANNEX\b)", text)
            width = max((len(line[0]) for line in lines[:foot]), default=0)
            finished = not out or not out[-1] or re.search(r"[.:;)\]]\s*$|^[^a-z]*$", out[-1]) or len(out[-1]) < width * 0.7
            if wide_gap or (opens and finished):
                out.append("")
            out.append(text)
        note_number, note_text = None, []
        for text, _, _ in lines[foot:]:
            start = re.match(r"^\s*(\d{1,4})\s+(.*)$", text)
            if start:
                if note_number is not None:
                    out.append(FOOTNOTE_LINE.format(note_number, " ".join(note_text)))
                note_number, note_text = start.group(1), [start.group(2)]
            elif note_number is not None:
                note_text.append(text.strip())
        if note_number is not None:
            out.append(FOOTNOTE_LINE.format(note_number, " ".join(note_text)))
    return "\n".join(out)


def _lines(chunks: list[_Chunk], body: float) -> list[tuple[str, float, float]]:
    """(text, font size of most of it, y) per printed line, top to bottom; small raised digits become "[^N]"."""
    calls = [c for c in chunks if c.size <= body * 0.8 and c.text.strip().isdigit()]
    rows: list[list[_Chunk]] = []
    for chunk in sorted((c for c in chunks if c not in calls), key=lambda c: (-c.y, c.x)):
        if rows and abs(rows[-1][0].y - chunk.y) <= 2:
            rows[-1].append(chunk)
        else:
            rows.append([chunk])
    for call in calls:  # a superscript sits a few points above the line it belongs to
        row = min(rows, key=lambda r: abs(r[0].y - call.y), default=None)
        if row is not None and abs(row[0].y - call.y) <= body * 0.8:
            row.append(_Chunk(FOOTNOTE_CALL.format(call.text.strip()), body, call.x, row[0].y))
    result = []
    for row in rows:
        row.sort(key=lambda c: c.x)
        text = ""
        for previous, chunk in zip([None, *row], row):
            # Columns of a table stand far apart: keep them apart with a tab.
            gap = chunk.x - previous.x - len(previous.text) * previous.size * 0.45 if previous else 0
            text += ("\t" if gap > body * 3 and not chunk.text.startswith("[^") else "") + chunk.text
        sizes = {}
        for chunk in row:
            sizes[chunk.size] = sizes.get(chunk.size, 0) + len(chunk.text)
        text = re.sub(r"[ ]{2,}", " ", text).rstrip()
        result.append((TABLE_ROW + text if "\t" in text else text, max(sizes, key=sizes.get), row[0].y))
    return result


class _HtmlText(html.parser.HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def _html_to_text(markup: str) -> str:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return "\n".join(line.strip() for line in "".join(parser.parts).split("\n"))


OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # a Word 97-2003 binary file: the only kind LibreOffice is asked to read
RTF_MAGIC = b"{\\rtf"
_MARKUP = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|p|div|table|img|link|meta)\b", re.IGNORECASE)


def _read_doc(path: Path, data: bytes) -> tuple[str, str]:
    """A ".doc" is often not a Word binary: Word's "Web page" and RTF saves keep the name. Markup and text
    are read here, never by LibreOffice, so that no linked image or stylesheet is ever fetched."""
    head = data.lstrip()[:8]
    if data.startswith(OLE2_MAGIC) or head.startswith(RTF_MAGIC):
        return _read_doc_with_office(path, data), "doc"
    text, encoding = decode_bytes(data)
    if _MARKUP.search(text[:65536]):
        return _html_to_text(text), f"{encoding} (HTML saved as .doc)"
    return text, f"{encoding} (text saved as .doc)"


# The conversion's own profile: linked images and stylesheets blocked, no update check, no macros.
_OFFICE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments"><prop oor:name="AutoCheckEnabled" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""
OFFICE_TIMEOUT = 120


@functools.cache
def no_network_prefix() -> tuple[str, ...]:
    """`unshare -rn`: the converter runs in a network namespace of its own, with no interface up, where
    every connection fails. Empty where the system refuses user namespaces (then the profile's blocks
    are the only guard)."""
    unshare = shutil.which("unshare")
    if not unshare:
        return ()
    try:
        probe = subprocess.run([unshare, "-rn", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ()
    return (unshare, "-rn") if probe.returncode == 0 else ()


def _read_doc_with_office(path: Path, data: bytes) -> str:
    """Convert a Word binary with LibreOffice: a copy of the file under a plain name, a fresh profile per
    conversion (two at once never share one), and no network."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ReadError("legacy .doc needs LibreOffice (soffice) to convert; convert it to .docx and ingest again")
    with tempfile.TemporaryDirectory(prefix="wto-assist-office-") as folder:
        folder = Path(folder)
        profile = folder / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_OFFICE_SETTINGS, encoding="utf-8")
        source = folder / "source.doc"
        source.write_bytes(data)
        command = [*no_network_prefix(), soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "docx", "--outdir", str(folder / "out"), str(source)]
        environment = dict(os.environ, HOME=str(folder))  # nothing of the user's own LibreOffice is read or written
        try:
            result = subprocess.run(command, capture_output=True, timeout=OFFICE_TIMEOUT, env=environment, cwd=folder)
        except subprocess.TimeoutExpired as error:
            raise ReadError(f"LibreOffice took more than {OFFICE_TIMEOUT} s to convert this .doc file; convert it to .docx and ingest again") from error
        converted = folder / "out" / "source.docx"
        if result.returncode != 0 or not converted.exists():
            raise ReadError("LibreOffice could not convert this .doc file; convert it to .docx and ingest again")
        return _read_docx(converted)


# --- cleanup of converted Word text ----------------------------------------------------------

_FIELD_CODES = [
    re.compile(r'\bTOC\s+(?:\\[a-z]\s*(?:"[^"]*")?\s*)+', re.IGNORECASE),
    re.compile(r'\bHYPERLINK\s+(?:\\[a-z]\s+)?"[^"]*"\s*', re.IGNORECASE),
    # Web links keep their display text: HYPERLINK "http://x.org" x.org -> x.org
    re.compile(r'\bHYPERLINK\s*"?(?:https?|ftp|mailto):[^\s"]*"?\s*', re.IGNORECASE),
    re.compile(r"\bPAGEREF\s+_Toc\d+\s*(?:\\[a-z]\s*)*", re.IGNORECASE),
    re.compile(r"\bCHAPTER\s+(?:\\[a-z]\s*)+", re.IGNORECASE),
]
# Running heads and page footers: "WT/COMTD/M/19 Page 19", "Page  PAGE 2", "-  PAGE 1 -". A bare symbol
# line is also a running head, but only the segmenter knows the document's own symbol.
_RUNNING_HEADER = re.compile(
    r"^\s*(?:(?:WT|G|JOB|S|IP)/[A-Za-z0-9/().\-]+\s+)?-\s*(?:PAGE\s+)?\d+\s*-\s*$"
    r"|^\s*(?:(?:WT|G|JOB|S|IP)/[A-Za-z0-9/().\-]+\s+)?Page\s+(?:PAGE\s+)?\d+\s*$"
    r"|^\s*PAGE\s+\d+\s*$"
)
# Table-of-contents lines: a field-code residue or "A.<tab>Title<tab>page".
_TOC_LINE = re.compile(r"PAGEREF\s+_Toc|^\s*(?:[A-Z]\.|\(?[ivxIVX]+\)|\([A-Za-z]\)|-)?\s*\t[^\t]+\t\s*\d+\s*$")


# Terminal escape sequences and control characters: never text of a document, never to be printed.
# Bidirectional embeddings, overrides and isolates too: in a speaker's name or a symbol they make the text
# display other than it reads ("Chile" shown backwards, a symbol spoofed); WTO texts in English, French
# and Spanish never need them.
# The Latin ligatures a PDF's fonts write (U+FB00-FB06): as letters, so that a quotation typed from the printed page,
# a glossary phrase ("special and differential") and the words on a page all meet the stored text.
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]|[\x00-\x08\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def clean_converted_text(text: str) -> str:
    """Normalise line ends and ligatures; strip control characters, Word field-code debris, TOC lines and running page heads."""
    text = text.translate(_LIGATURES)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").replace("\x0b", "\n")
    # Word's own control characters first: non-breaking hyphen, optional hyphen, table cell end.
    text = _CONTROL.sub("", text.replace("\x1e", "-").replace("\x1f", "").replace("\x07", "\t"))
    lines = []
    for line in text.split("\n"):
        if _TOC_LINE.search(line):
            continue
        for pattern in _FIELD_CODES:
            line = pattern.sub("", line)
        if _RUNNING_HEADER.match(line):
            lines.append("")
            continue
        lines.append(line.rstrip())
    return "\n".join(lines)
