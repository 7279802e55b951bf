"""Check every quotation in a DOCX against the paragraph it cites, as a reader of the draft sees it.

A quotation is any quoted span in a sentence that carries a citation (quotations.py), in the body or
in a footnote; its citation is a footnote in any of the forms citation_style.py writes, or an inline
pinpoint:
    WT/COMTD/M/89, para. 12
    WTO, summary of the dispute to date, Russia – Traffic in Transit (DS512 summary), para. [5].
    Minutes of the meeting of the … held on …, WT/COMTD/M/89, para. 12.
    Panel Report, Russia – Traffic in Transit, para. 7.102.        (short title read through the registry)
Only visible text counts (docx_text.py): hidden, white, tiny or deleted text is reported, never read.

Each quotation gets one status and, when it fails, the name of the check that failed (CHECKS, stable
names for `verify --json`). The words must be the record's, on word boundaries (faithful.py); the
Member the lead-in names as speaking, and the body and meeting date in the lead-in or footnote, must
be those of the cited paragraph; a draft is for restricted circulation only when the document
property written by `draft` says so and the draft shows RESTRICTED, otherwise quoting a
still-RESTRICTED source fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ..errors import WtoAssistError
from .. import members
from ..documents.citations import PINPOINT, SUMMARY_PINPOINT
from ..documents.readers import ReadError, check_docx_size
from ..documents.symbols import SymbolError, normalise_symbol
from ..corpus import Corpus
from ..store import Store
from . import citation_style, faithful
from .compose import is_restricted_source
from .docx_text import RELEASE_PROPERTY, SOURCES_PROPERTY, Block, VisibleDocument, joined, read_visible
from .quotations import Citation, Quotation, quotations


# Check name -> what it means. Names are stable: scripts read them from `verify --json`.
CHECKS = {
    "quote-text": "the quoted words are not in the cited paragraph",
    "word-boundary": "the quotation starts or ends inside a word of the record",
    "bracket": "a bracketed insertion other than a change of case or [sic]",
    "ellipsis-negation": "an ellipsis leaves out a negation (not, no, without, …)",
    "ellipsis-span": "an ellipsis joins text of different paragraphs or more than a sentence apart",
    "speaker": "the Member the lead-in names as speaking is not the speaker of the cited paragraph",
    "meeting-body": "the body named in the lead-in or footnote is not the cited meeting's",
    "meeting-date": "the meeting date in the lead-in or footnote is not the cited meeting's",
    "hidden-text": "hidden, white, tiny or deleted text inside or next to the quotation or in its footnote",
    "hidden-text-elsewhere": "hidden, white, tiny or deleted text elsewhere in the draft",
    "restricted-source": "a draft that is public (by its document property or by what it shows) quotes a still-RESTRICTED source",
    "no-citation": "a quotation without a citation that can be checked",
    "source-missing": "the cited paragraph is not in a document that is in the corpus",
    "external": "the cited document is not in the corpus (reported UNVERIFIED)",
    "renumbered": "the citation uses a paragraph number the document had before it was re-numbered as printed",
}
_STATUS = {"quote-text": "mismatch", "word-boundary": "mismatch", "bracket": "mismatch", "ellipsis-negation": "mismatch",
           "ellipsis-span": "mismatch", "speaker": "misattributed", "meeting-body": "misattributed", "meeting-date": "misattributed",
           "hidden-text": "hidden text", "hidden-text-elsewhere": "hidden text", "restricted-source": "restricted source",
           "no-citation": "no citation", "source-missing": "source missing", "external": "unverified",
           "renumbered": "renumbered"}
__all__ = ["CHECKS", "Check", "RELEASE_PROPERTY", "SOURCES_PROPERTY", "VerifyError", "failed", "verify_docx"]
ALWAYS_FAILS = ("mismatch", "misattributed", "source missing", "no citation", "restricted source", "renumbered")
FINAL_FAILS = ("unverified", "hidden text")


class VerifyError(WtoAssistError):
    """A file that cannot be read as a DOCX."""


@dataclass
class Check:
    citation: str
    quote: str | None
    status: str  # verified | mismatch | misattributed | hidden text | source missing | unverified | restricted source | no citation | cited (no quotation)
    detail: str = ""
    check: str = ""  # the failed check (a key of CHECKS); empty when nothing failed
    corrected: str = ""  # for a re-numbered paragraph: the citation as it is now ("WT/COMTD/M/85, para. 54")
    # A mismatch explained, for a page to show side by side: the draft's words and the record's where they
    # differ, and the paragraphs where the quoted words do occur (the likely right citation).
    draft_words: str = ""
    record_words: str = ""
    found_in: list[str] = field(default_factory=list)


def _failure(citation: str, quote: str | None, check: str, detail: str = "") -> Check:
    return Check(citation, quote, _STATUS[check], detail or CHECKS[check], check)


_REPORT_PINPOINT = re.compile(
    rf"(?P<kind>{'|'.join(citation_style.REPORT_WORDS)}),\s*(?P<title>[^,;()]+?)"
    r"(?:\s*\((?P<compliance>Article 21\.5[^)]*)\))?,\s*paras?\.\s*(?P<paragraph>[\w.]+)"
)
_REPORT_SERIES = {"Panel Report": "R", "Appellate Body Report": "AB/R", "Award of the Arbitrator": "ARB", "Decision by the Arbitrator": "ARB"}
INLINE = (SUMMARY_PINPOINT, PINPOINT, _REPORT_PINPOINT)
_MEETING = re.compile(r"(?:meeting of the (?P<body>[A-Z][^;()]*?)|(?P<dsb>DSB) meeting),? held on (?P<date>\d{1,2}(?: and \d{1,2})? [A-Z][a-z]+ \d{4})")
_PREPOSITION = re.compile(r"\b(?:to|by|against|from|with|towards|concerning|about|than|for)\s+(?:the\s+)?$", re.I)


def _open(path: Path) -> VisibleDocument:
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not path.is_file():
        raise VerifyError(f"{path}: no such file")
    try:
        check_docx_size(path)
        return read_visible(docx.Document(str(path)))
    except ReadError as error:
        raise VerifyError(f"{path}: {error}") from error
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, RecursionError) as error:
        raise VerifyError(f"{path}: not a readable .docx file (damaged or not a Word document)") from error


def draft_is_restricted(document: VisibleDocument) -> bool:
    """Restricted only when `draft` recorded it in the document property and the reader sees RESTRICTED on top."""
    recorded = document.properties.get(RELEASE_PROPERTY, "").strip().lower() == "restricted"
    return recorded and "RESTRICTED" in document.opening_text()


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


def _contains_in_order(paragraph_text: str, quote: str) -> bool:
    """Whether the quotation is faithful to one paragraph (kept for callers of the former API)."""
    return faithful.check(paragraph_text, quote).ok


def _actor(name: str | None) -> str | None:
    found = members.lookup(name) if name else None
    return found.name if found else None


def _named_speakers(lead: str) -> list[str]:
    """Members the lead-in names as speaking: not those after a preposition ("responding to Korea")."""
    named = []
    for actor, start, end in members.find_all(lead):
        before = lead[:start]
        if re.match(r"['’]s?\b", lead[end:]):
            continue  # "Korea's measure": the Member whose measure it is, not a speaker
        if _PREPOSITION.search(before) and not re.search(r"(?:representatives?|delegations?|behalf)\s+of\s+(?:the\s+)?$", before, re.I):
            continue
        named.append(actor.name)
    return named


def _may_speak(paragraph: dict, found_at: int) -> set[str]:
    """Who may be named as speaking: the recorded speaker, on whose behalf, and the Members the record's
    own sentence names before the quoted words ("The representatives of Fiji and Samoa said that …")."""
    allowed = {_actor(paragraph.get("speaker")), _actor(paragraph.get("on_behalf_of"))}
    text = paragraph["text"]
    sentence_start = max((m.end() for m in re.finditer(r"[.!?]\s+", text[:max(found_at, 0)])), default=0)
    allowed |= {actor.name for actor, _, _ in members.find_all(text[sentence_start:max(found_at, 0)])}
    return allowed - {None}


def _meeting_problem(texts: list[str], paragraph: dict) -> tuple[str, str] | None:
    for text in texts:
        for meeting in _MEETING.finditer(text):
            body = "Dispute Settlement Body" if meeting["dsb"] else meeting["body"]
            if paragraph.get("body") and re.sub(r"^the\s+", "", body.strip(), flags=re.I).lower() != re.sub(r"^the\s+", "", paragraph["body"], flags=re.I).lower():
                return "meeting-body", f"names the {body}; the cited meeting is of the {paragraph['body']}"
            day = re.sub(r" and \d{1,2}", "", meeting["date"])
            try:
                named = datetime.strptime(day, "%d %B %Y").date().isoformat()
            except ValueError:
                return "meeting-date", f"“{meeting['date']}” is not a date"
            if paragraph.get("date") and named != paragraph["date"][:10]:
                return "meeting-date", f"names a meeting held on {meeting['date']}; the cited meeting was held on {citation_style.long_date(paragraph['date'])}"
    return None


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Adjacent highlighted runs as one span."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _hidden_near(block: Block, quotation: Quotation, note: Block | None) -> list[str]:
    start, end = quotation.sentence
    found = [h for h in block.hidden if start <= h.offset <= end]
    found += note.hidden if note is not None else []
    return [f"{h.why}: “{h.text.strip()[:40]}”" for h in found]


class _Verifier:
    def __init__(self, store: Store, document: VisibleDocument):
        self.store = store
        self.document = document
        self.restricted_draft = draft_is_restricted(document)
        self.notes = {identifier: joined(blocks) for identifier, blocks in document.footnotes.items()}
        self.checks: list[Check] = []
        self.footnotes_read: set[int] = set()

    def run(self) -> list[Check]:
        for block in self.document.body:
            self._block(block, in_footnote=None)
        self._hidden_elsewhere()
        return self.checks

    def _block(self, block: Block, in_footnote: Citation | None) -> None:
        found, bare = quotations(block, INLINE)
        marked = _merged(block.marked)
        if in_footnote is not None:
            bare = []  # the footnote's own citation: checked with the reference that carries it
        events = [(q.citation.offset if q.citation else q.span.start, 0, q) for q in found] + [(c.offset, 1, c) for c in bare]
        for _, _, item in sorted(events, key=lambda e: (e[0], e[1])):
            if isinstance(item, Quotation):
                self._quotation(block, item, in_footnote)
                marked = [m for m in marked if not (item.span.start <= m[0] and m[1] <= item.span.end)]
            else:
                self._bare_citation(item)
        for start, end in marked:  # retrieved language whose quotation marks or reference were removed
            if block.text[start:end].strip() and not any(q.span.start <= start < q.span.end for q in found):
                self.checks.append(_failure("(empty or missing footnote)", block.text[start:end].strip(), "no-citation"))

    def _note_text(self, citation: Citation) -> tuple[str, Block | None]:
        if citation.inline is not None:
            return citation.inline, None
        note = self.notes.get(citation.footnote)
        return (note.text.strip() if note else ""), note

    def _bare_citation(self, citation: Citation) -> None:
        """A citation that carries no quotation in its sentence: checked that it exists; its footnote's own quotations too."""
        text, note = self._note_text(citation)
        pinpoint = _pinpoint(self.store, text)
        if pinpoint is not None:
            try:
                symbol = normalise_symbol(pinpoint[0])
                if self.store.paragraphs(symbol, pinpoint[1]):
                    self.checks.append(Check(f"{symbol}, para. {pinpoint[1]}", None, "cited (no quotation)"))
                elif self.store.document(symbol) is not None:
                    self.checks.append(_failure(f"{symbol}, para. {pinpoint[1]}", None, "source-missing", "no such paragraph"))
                else:
                    self.checks.append(_failure(f"{symbol}, para. {pinpoint[1]}", None, "external", "document not in the corpus: cited from outside it"))
            except SymbolError:
                pass
        if note is not None:
            self._footnote_quotations(note, citation)

    def _footnote_quotations(self, note: Block, citation: Citation) -> None:
        if id(note) in self.footnotes_read:
            return
        self.footnotes_read.add(id(note))
        self._block(note, in_footnote=citation)

    def _quotation(self, block: Block, quotation: Quotation, in_footnote: Citation | None) -> None:
        quote = quotation.span.words.strip()
        citation = quotation.citation
        note_block = None
        if citation is None and in_footnote is not None and _pinpoint(self.store, block.text):
            citation = Citation(0, inline=block.text)  # a quotation in a footnote: the footnote's own citation
        if citation is None:
            if any(quotation.span.start <= a < quotation.span.end or a <= quotation.span.start < b for a, b in block.marked):
                self.checks.append(_failure("(empty or missing footnote)", quote, "no-citation"))
            return  # words in quotation marks that cite nothing (a title, a term): not a quotation of the record
        text, note_block = self._note_text(citation)
        self._check(block, quotation, quote, text, note_block)
        if note_block is not None:
            self._footnote_quotations(note_block, citation)

    def _check(self, block: Block, quotation: Quotation, quote: str, note: str, note_block: Block | None) -> None:
        pinpoint = _pinpoint(self.store, note)
        if pinpoint is None:
            self.checks.append(_failure(note or "(empty or missing footnote)", quote, "no-citation", "the footnote holds no citation that can be checked"))
            return
        try:
            symbol = normalise_symbol(pinpoint[0])
        except SymbolError as error:
            self.checks.append(_failure(note, quote, "no-citation", str(error)))
            return
        citation = f"{symbol}, para. {pinpoint[1]}"
        paragraphs = self.store.paragraphs(symbol, pinpoint[1])
        if not paragraphs and self.store.document(symbol) is None:
            self.checks.append(_failure(citation, quote, "external", "document not in the corpus: cited from outside it"))
            return
        finding, which = faithful.check_paragraphs([p["text"] for p in paragraphs], quote) if paragraphs else (None, 0)
        if finding is None or not finding.ok:
            now = _renumbered(self.store, symbol, pinpoint[1], quote)
            if now is not None:
                self.checks.append(Check(citation, quote, "renumbered", f"{citation} is now para. {now['paragraph']}"
                                         " (the document was re-numbered as the WTO printed it)", "renumbered", now["citation"]))
            elif finding is None:
                found_in = _citations_holding(self.store, quote)
                check = _failure(citation, quote, "source-missing", "no such paragraph" + _found_elsewhere(found_in))
                self.checks.append(replace(check, found_in=found_in))
            elif finding.check == "quote-text":
                differs, found_in = _differing_words([p["text"] for p in paragraphs], quote), _citations_holding(self.store, quote)
                detail = finding.detail + _difference(differs) + _found_elsewhere(found_in)
                draft_words, record_words = differs or ("", "")
                self.checks.append(replace(_failure(citation, quote, finding.check, detail), draft_words=draft_words,
                                           record_words=record_words, found_in=found_in))
            else:
                self.checks.append(_failure(citation, quote, finding.check, finding.detail))
            return
        source = paragraphs[which]
        named = _named_speakers(quotation.lead)
        allowed = _may_speak(source, finding.start)
        strangers = [name for name in named if name not in allowed]
        if strangers:
            who = members.display_name(source["speaker"]) if source.get("speaker") else "no Member"
            self.checks.append(_failure(citation, quote, "speaker", f"the lead-in names {strangers[-1]}; the record gives these words to {who}"))
            return
        problem = _meeting_problem([quotation.lead, note], source)
        if problem:
            self.checks.append(_failure(citation, quote, *problem))
            return
        if not self.restricted_draft and is_restricted_source(source):
            self.checks.append(_failure(citation, quote, "restricted-source",
                                        f"a public draft quotes a document that is still RESTRICTED ({source['restriction']})"))
            return
        hidden = _hidden_near(block, quotation, note_block)
        if hidden:
            self.checks.append(_failure(citation, quote, "hidden-text", "; ".join(hidden)))
            return
        self.checks.append(Check(citation, quote, "verified"))

    def _hidden_elsewhere(self) -> None:
        reported = {c.detail for c in self.checks if c.check == "hidden-text"}
        blocks = self.document.body + [block for blocks in self.document.footnotes.values() for block in blocks]
        texts = [f"{h.why}: “{h.text.strip()[:40]}”" for block in blocks for h in block.hidden if h.text.strip()]
        rest = [text for text in texts if not any(text in detail for detail in reported)]
        if rest:
            self.checks.append(_failure("(document)", None, "hidden-text-elsewhere", "; ".join(dict.fromkeys(rest))[:500]))


def _differing_words(texts: list[str], quote: str) -> tuple[str, str] | None:
    """The first words that differ: what the draft quotes and what the record has there (the closest paragraph)."""
    import difflib

    quoted = quote.split()
    best = None
    for text in texts:
        words = text.split()
        matcher = difflib.SequenceMatcher(a=[w.lower().strip(".,;:") for w in quoted], b=[w.lower().strip(".,;:") for w in words], autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if blocks and (best is None or sum(b.size for b in blocks) > best[0]):
            best = (sum(b.size for b in blocks), matcher, words)
    if best is None:
        return None
    _, matcher, words = best
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal" and not (tag == "insert" and a1 in (0, len(quoted))):  # the record goes on around the quotation
            return " ".join(quoted[a1:a2]) or "(nothing)", " ".join(words[b1:b2]) or "(nothing)"
    return None


def _difference(differs: tuple[str, str] | None) -> str:
    """The differing words, side by side, as the detail of a check says them."""
    return f"; the draft has “{differs[0]}” where the record has “{differs[1]}”" if differs else ""


def _citations_holding(store: Store, quote: str) -> list[str]:
    """Where the quoted words do occur in the record, if they do (the likely right citation)."""
    probe = re.sub(r"\s+", " ", quote.split("…")[0].split("...")[0]).strip(" “”\"'")
    if len(probe) < 20:
        return []
    return [p["citation"] for p in store.paragraphs_containing(probe[:120])]


def _found_elsewhere(found_in: list[str]) -> str:
    return f"; these words are in {', '.join(found_in)}" if found_in else ""


def _renumbered(store: Store, symbol: str, old_label: str, quote: str) -> dict | None:
    """The paragraph that carried `old_label` before its document was re-numbered and holds the quotation."""
    for paragraph in store.formerly(symbol, old_label):
        finding, _ = faithful.check_paragraphs([paragraph["text"]], quote)
        if finding.ok:
            return paragraph
    return None


def verify_docx(path: Path, db: Corpus | Path) -> list[Check]:
    """Every quotation of the DOCX at `path` checked against `db` (an open Corpus, or a database path)."""
    document = _open(Path(path))
    with Corpus.borrowed(db) as corpus:
        return _Verifier(corpus.store, document).run()


def failed(checks: list[Check], final: bool = False, accept: tuple[str, ...] = ()) -> list[Check]:
    """The checks that fail: always mismatches, misattributions, missing sources, quotations without a
    citation and RESTRICTED sources in a public draft; with `final`, unverified (external) quotations
    and hidden text too. `accept` lets through what a brief explicitly accepts ("unverified", "restricted")."""
    failing = set(ALWAYS_FAILS) | (set(FINAL_FAILS) if final else set())
    if "restricted" in accept:
        failing.discard("restricted source")
    if "unverified" in accept:
        failing.discard("unverified")
    return [check for check in checks if check.status in failing]
