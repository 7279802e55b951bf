"""Check every quotation in a DOCX against the paragraph its footnote cites.

A quotation is the text between “ and ” that ends right before a footnote reference; the footnote
must hold a citation ("WT/COMTD/M/101, para. 12"). Each is verified (the words are in the cited
paragraph, spacing and quote styles aside), mismatched, or has its source missing from the corpus.
An elision ("…" or "[…]") splits a quotation into parts that must appear in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docx.oxml.ns import qn

from ..documents.symbols import SymbolError, normalise_symbol
from ..store import Store
from .brief import CITATION
from .compose import _fold_spaces
from .render import read_footnotes


class VerifyError(Exception):
    """A file that cannot be read as a DOCX."""


@dataclass
class Check:
    citation: str
    quote: str | None
    status: str  # verified | mismatch | source missing | cited (no quotation)
    detail: str = ""


def _quotations(path: Path) -> list[tuple[str | None, str]]:
    """(quotation or None, footnote text) for every footnote reference in the body, in order."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as error:
        raise VerifyError(f"{path}: not a readable .docx file ({type(error).__name__})") from error
    notes = read_footnotes(document)
    found = []
    for paragraph in document.element.body.iter(qn("w:p")):
        text = ""
        for element in paragraph.iter(qn("w:t"), qn("w:footnoteReference")):
            if element.tag == qn("w:t"):
                text += element.text or ""
                continue
            note = notes.get(element.get(qn("w:id")), "")
            quoted = re.search(r"“([^“”]+)”\s*$", text)
            found.append((quoted.group(1) if quoted else None, note))
    return found


def _contains_in_order(paragraph_text: str, quote: str) -> bool:
    haystack = _fold_spaces(paragraph_text)
    position = 0
    for part in re.split(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*", quote):
        part = _fold_spaces(part)
        if not part:
            continue
        found = haystack.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def verify_docx(path: Path, db_path: Path) -> list[Check]:
    checks = []
    with Store(db_path, create=False) as store:
        for quote, note in _quotations(Path(path)):
            match = CITATION.match(note.rstrip(". "))
            if not match:
                continue  # an ordinary footnote, not a citation
            try:
                symbol = normalise_symbol(match["symbol"])
            except SymbolError as error:
                checks.append(Check(note, quote, "source missing", str(error)))
                continue
            citation = f"{symbol}, para. {match['paragraph']}"
            paragraphs = store.paragraphs(symbol, match["paragraph"])
            if not paragraphs:
                detail = "document not in the corpus" if store.document(symbol) is None else "no such paragraph"
                checks.append(Check(citation, quote, "source missing", detail))
            elif quote is None:
                checks.append(Check(citation, None, "cited (no quotation)"))
            elif any(_contains_in_order(p["text"], quote) for p in paragraphs):
                checks.append(Check(citation, quote, "verified"))
            else:
                checks.append(Check(citation, quote, "mismatch", "the quoted words are not in the cited paragraph"))
    return checks


def failed(checks: list[Check]) -> list[Check]:
    return [check for check in checks if check.status in ("mismatch", "source missing")]
