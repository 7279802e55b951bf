"""Check every quotation in a DOCX against the paragraph its footnote cites.

A quotation is the text between quotation marks that ends right before a footnote reference. Its
footnote is read in any of the forms citation_style.py writes, or as a bare pinpoint:
    WT/COMTD/M/89, para. 12
    WTO, summary of the dispute to date, Russia – Traffic in Transit (DS512 summary), para. [5].
    Minutes of the meeting of the … held on …, WT/COMTD/M/89, para. 12.
    Panel Report, Russia – Traffic in Transit, para. 7.102.        (short title read through the registry)
Each quotation is verified (the words are in the cited paragraph, spacing and quote styles aside),
mismatched, has its paragraph missing from a document that is in the corpus, is unverified (the
document is not in the corpus: an external citation), quotes a still-RESTRICTED source in a draft
for public release, or has no citation that can be checked. An elision ("…" or "[…]") splits a
quotation into parts that must appear in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from docx.oxml.ns import qn

from ..documents.citations import PINPOINT, SUMMARY_PINPOINT
from ..documents.readers import ReadError, check_docx_size
from ..documents.symbols import SymbolError, normalise_symbol
from ..store import Store
from . import citation_style
from .compose import _fold_spaces, is_restricted_source
from .render import read_footnotes


class VerifyError(Exception):
    """A file that cannot be read as a DOCX."""


ALWAYS_FAILS = ("mismatch", "source missing", "no citation", "restricted source")


@dataclass
class Check:
    citation: str
    quote: str | None
    status: str  # verified | mismatch | source missing | unverified | restricted source | no citation | cited (no quotation)
    detail: str = ""


_REPORT_PINPOINT = re.compile(
    rf"(?P<kind>{'|'.join(citation_style.REPORT_WORDS)}),\s*(?P<title>.+?)"
    r"(?:\s*\((?P<compliance>Article 21\.5[^)]*)\))?,\s*paras?\.\s*(?P<paragraph>[\w.]+)"
)
_REPORT_SERIES = {"Panel Report": "R", "Appellate Body Report": "AB/R", "Award of the Arbitrator": "ARB", "Decision by the Arbitrator": "ARB"}


def _quotations(path: Path) -> tuple[list[tuple[str | None, str]], bool]:
    """((quotation or None, footnote text) for every footnote reference in the body, is the draft public)."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        check_docx_size(path)
        document = docx.Document(str(path))
        notes = read_footnotes(document)
    except ReadError as error:
        raise VerifyError(f"{path}: {error}") from error
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, RecursionError) as error:
        raise VerifyError(f"{path}: not a readable .docx file (damaged or not a Word document)") from error
    found = []
    for paragraph in document.element.body.iter(qn("w:p")):
        text, marked = "", ""  # marked: retrieved language the renderer highlighted, not yet followed by a reference
        for element in paragraph.iter(qn("w:t"), qn("w:footnoteReference")):
            if element.tag == qn("w:t"):
                text += element.text or ""
                if _highlighted(element):
                    marked += element.text or ""
                continue
            note = notes.get(element.get(qn("w:id")), "")
            # Curly quotation marks, as drafts are written; straight ones as a user may retype them.
            quoted = re.search(r"“([^“”]+)”\s*$", text) or re.search(r"\"([^\"]+)\"\s*$", text)
            found.append((quoted.group(1) if quoted else None, note))
            marked = ""
        if marked.strip():  # quoted language whose footnote reference was removed
            found.append((marked.strip(), ""))
    # The renderer prints RESTRICTED at the top of a draft for restricted circulation; anything else is public.
    opening = [p.text.strip() for p in document.paragraphs[:4]]
    return found, "RESTRICTED" not in opening


def _highlighted(text_element) -> bool:
    """A run the renderer shaded for review (docxtpl writes the highlight as shading)."""
    properties = text_element.getparent().find(qn("w:rPr"))
    if properties is None:
        return False
    shading, highlight = properties.find(qn("w:shd")), properties.find(qn("w:highlight"))
    return (shading is not None and (shading.get(qn("w:fill")) or "").upper() == "FFFF00") or highlight is not None


MAX_ELIDED = 300  # characters an ellipsis may stand for: more joins distant text into a sentence never said


def _contains_in_order(paragraph_text: str, quote: str) -> bool:
    haystack = _fold_spaces(paragraph_text)
    position = None
    parts = [_fold_spaces(part) for part in re.split(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)\s*", quote)]
    if not any(len(part.split()) >= 2 for part in parts):
        return False  # nothing left to check once the elisions are taken out
    for part in parts:
        if not part:
            continue
        found = haystack.find(part, position or 0)
        if found < 0 or (position is not None and found - position > MAX_ELIDED):
            return False
        position = found + len(part)
    return True


def _report_symbol(store: Store, match: re.Match) -> str | None:
    """The report a short-form citation names: "Panel Report, US – Gasoline" -> WT/DS2/R (a report in the corpus first)."""
    wanted = citation_style.dash_title(match["title"]).lower()
    numbers = [int(ds[2:]) for title, found in store.short_titles().items() if citation_style.dash_title(title).lower() == wanted for ds in found]
    series = _REPORT_SERIES[match["kind"]]
    if match["compliance"] and series.endswith("R"):  # WT/DS58/RW, WT/DS58/AB/RW
        series += "W"
    symbols = [f"WT/DS{number}/{series}" for number in sorted(numbers)]
    return next((s for s in symbols if store.document(s) is not None), symbols[0] if symbols else None)


def _pinpoint(store: Store, note: str) -> tuple[str, str] | None:
    found = SUMMARY_PINPOINT.search(note) or PINPOINT.search(note)
    if found:
        return found["symbol"].rstrip("."), found["paragraph"].rstrip(".")
    found = _REPORT_PINPOINT.search(note)
    if found:
        symbol = _report_symbol(store, found)
        return (symbol, found["paragraph"].rstrip(".")) if symbol else None
    return None


def verify_docx(path: Path, db_path: Path) -> list[Check]:
    checks = []
    quotations, public = _quotations(Path(path))
    with Store(db_path, create=False) as store:
        for quote, note in quotations:
            pinpoint = _pinpoint(store, note)
            if pinpoint is None:
                if quote is not None:
                    checks.append(Check(note or "(empty or missing footnote)", quote, "no citation", "the footnote holds no citation that can be checked"))
                continue  # an ordinary footnote after ordinary text
            try:
                symbol = normalise_symbol(pinpoint[0])
            except SymbolError as error:
                checks.append(Check(note, quote, "no citation", str(error)))
                continue
            citation = f"{symbol}, para. {pinpoint[1]}"
            paragraphs = store.paragraphs(symbol, pinpoint[1])
            if not paragraphs:
                if store.document(symbol) is None:
                    checks.append(Check(citation, quote, "unverified", "document not in the corpus: cited from outside it"))
                else:
                    checks.append(Check(citation, quote, "source missing", "no such paragraph"))
            elif quote is None:
                checks.append(Check(citation, None, "cited (no quotation)"))
            elif not any(_contains_in_order(p["text"], quote) for p in paragraphs):
                checks.append(Check(citation, quote, "mismatch", "the quoted words are not in the cited paragraph"))
            elif public and is_restricted_source(paragraphs[0]):
                checks.append(Check(citation, quote, "restricted source", f"a public draft quotes a document that is still RESTRICTED ({paragraphs[0]['restriction']})"))
            else:
                checks.append(Check(citation, quote, "verified"))
    return checks


def failed(checks: list[Check], final: bool = False, accept: tuple[str, ...] = ()) -> list[Check]:
    """The checks that fail: always mismatches, missing sources, quotations without a citation and
    RESTRICTED sources in a public draft; with `final`, unverified (external) quotations too. `accept`
    lets through what a brief explicitly accepts ("unverified", "restricted")."""
    failing = set(ALWAYS_FAILS) | ({"unverified"} if final else set())
    if "restricted" in accept:
        failing.discard("restricted source")
    if "unverified" in accept:
        failing.discard("unverified")
    return [check for check in checks if check.status in failing]
