"""Turn a file of any supported format into clean text lines, one logical block per line group.

Numbered paragraphs are marked with "&&" at the start of their line, the convention of the WTO's own
converted minutes; the .docx reader writes the same mark for auto-numbered Word paragraphs, so the
segmenter sees one format whatever the source.
"""

from __future__ import annotations

import html.parser
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".docx", ".pdf", ".html", ".htm", ".doc")
PARAGRAPH_MARK = "&&"


class ReadError(Exception):
    """A file that cannot be read as a document; the message names the reason in one line."""


def read_text(path: Path) -> tuple[str, str]:
    """Return (clean text, encoding or format note) for a supported file, or raise ReadError."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ReadError(f"unsupported file type {suffix or '(none)'}")
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
        text, encoding = _read_doc(path), "doc"
    text = clean_converted_text(text)
    if not text.strip():
        raise ReadError("no text could be extracted")
    return text, encoding


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


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes: UTF-8 when valid, else the most plausible of the detector's candidates."""
    if b"\x00" in data[:4096] or _control_ratio(data) > 0.05:
        raise ReadError("binary content, not text (wrong extension?)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
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
    except ImportError as error:  # pragma: no cover - python-docx is a dependency
        raise ReadError(f"python-docx is not installed ({error})") from error
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise ReadError("not a valid .docx file (damaged, or not a Word document)") from error
    lines = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            lines.append("")
            continue
        lines.append(f"{PARAGRAPH_MARK} {text}" if _is_auto_numbered(paragraph) else text)
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


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
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ReadError(f"damaged or truncated PDF ({error})") from error
    if not pages:
        raise ReadError("PDF has no pages")
    return "\n\n".join(pages)


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


def _read_doc(path: Path) -> str:
    """Legacy Word files go through LibreOffice when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ReadError("legacy .doc needs LibreOffice (soffice) to convert; convert it to .docx and ingest again")
    with tempfile.TemporaryDirectory() as folder:
        result = subprocess.run(
            [soffice, "--headless", "--convert-to", "docx", "--outdir", folder, str(path)],
            capture_output=True,
            timeout=120,
        )
        converted = Path(folder) / (path.stem + ".docx")
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
    r"^\s*-\s*(?:PAGE\s+)?\d+\s*-\s*$"
    r"|^\s*(?:(?:WT|G|JOB|S|IP)/[A-Za-z0-9/().\-]+\s+)?Page\s+(?:PAGE\s+)?\d+\s*$"
    r"|^\s*PAGE\s+\d+\s*$"
)
# Table-of-contents lines: a field-code residue or "A.<tab>Title<tab>page".
_TOC_LINE = re.compile(r"PAGEREF\s+_Toc|^\s*(?:[A-Z]\.|\(?[ivxIVX]+\)|\([A-Za-z]\)|-)?\s*\t[^\t]+\t\s*\d+\s*$")


def clean_converted_text(text: str) -> str:
    """Normalise line ends and strip Word field-code debris, TOC lines and running page heads."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").replace("\x0b", "\n")
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
