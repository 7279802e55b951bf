"""Who put forward the proposal an agenda item discusses: "the co-sponsors of the submission", "supported
the proposal" name no delegation, but the minutes do elsewhere.

The agenda heading often names the proponents ("Operationalization of the CTD's Mandate – Proposal from
China, Cuba, Ecuador, India and the African Group (WT/COMTD/W/192)"); otherwise an earlier paragraph of
the item lists them with the paper ("the recommendations made by the delegations of Kenya, Uganda and
Tanzania in their submission"). resolve_references (relations.py) reads the markers below with these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .. import members
from ..documents.segment import SUB_HEADINGS

CO_SPONSORS = "(the co-sponsors)"  # "the proposals made by Kenya and the other co-sponsors of the submission"
THE_PROPOSAL = "(the proposal under discussion)"  # "supported the proposal", with no delegation named
# The last "Proposal from …", "Communication by …", "revised submission by …" of a heading, up to its
# symbol, a dash or the subject ("Communication from Japan on the Framework Agreement…").
_PROPONENTS = re.compile(r"\b(?:proposal|communication|submission|paper)\s+(?:from|by)\s+(?P<names>[^()–]+?)"
                         r"(?=\s*\(|\s+–|\s+on\s+(?!behalf)|\s*$)", re.IGNORECASE)
# Words of an earlier paragraph's support phrase showing that the delegations it lists wrote a paper together.
_JOINT_PAPER = re.compile(r"\b(?:paper|submission|proposals?|communication|recommendations)\b", re.IGNORECASE)


# A document symbol as the minutes and headings write it: "WT/COMTD/W/192", "JOB/DEV/39/Rev.1", "WT/MIN(11)/11".
_SYMBOL = re.compile(r"\b(?:WT|JOB|G|TN|IP|S)/[A-Za-z0-9()/.-]*[A-Za-z0-9)]")
_LISTED_SYMBOL = r"(?:WT|JOB|G|TN|IP|S)/[^\s,;]+"
# Papers named right after "the proponents"/"the proposals": "of document JOB/DEV/39/Rev.1", "contained in
# documents WT/COMTD/W/208 and WT/COMTD/W/192", "of documents JOB/DEV/39/Rev.1, JOB/DEV/41 and JOB/DEV/42".
_PAPERS_AFTER = re.compile(r"\s*(?:(?:of|in)|(?:contained|reflected|set\s+out|circulated)\s+in)\s+(?:the\s+)?(?:documents?\s+)?"
                           rf"(?P<symbols>{_LISTED_SYMBOL}(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:in\s+)?(?:the\s+)?(?:documents?\s+)?{_LISTED_SYMBOL})*)",
                           re.IGNORECASE)
_NEGATED_PAPER = re.compile(r"\b(?:not|no|against|oppos\w*|reject\w*)\b(?:\s+\S+){0,3}\s*$", re.IGNORECASE)


def symbol_key(symbol: str) -> str:
    """A symbol compared with another: upper case, without the sentence's closing punctuation or bracket."""
    key = symbol.upper().rstrip(".,;:")
    while key.endswith(")") and key.count(")") > key.count("("):
        key = key[:-1].rstrip(".,;:")
    return key


@dataclass(frozen=True)
class Papers:
    """The papers a reference means: `named` when the words right after it name them ("the proponents of
    document X"), else the last one the paragraph named before it (`named` False)."""

    symbols: tuple[str, ...] = ()
    named: bool = False


def named_papers(text: str, phrase_start: int, phrase_end: int) -> Papers:
    """The papers a reference to "the proponents"/"the proposal" in `text` means: those it names right after
    it ("the proponents of document JOB/DEV/39/Rev.1"), else the last one the paragraph named before it
    ("Turning to JOB/DEV/39/Rev.1, … he agreed with the proponents"), not one named as opposed ("did not
    support JOB/DEV/39/Rev.1"); none when it names none."""
    after = _PAPERS_AFTER.match(text, phrase_end)
    if after:
        return Papers(tuple(symbol_key(match.group()) for match in _SYMBOL.finditer(after.group("symbols"))), True)
    for before in reversed(list(_SYMBOL.finditer(text, 0, phrase_start))):
        if not _NEGATED_PAPER.search(text, max(0, before.start() - 40), before.start()):
            return Papers((symbol_key(before.group()),))
    return Papers()


@lru_cache(maxsize=512)
def heading_proponents(agenda_item: str | None, papers: Papers = Papers()) -> tuple[tuple[str, str | None], ...]:
    """(Member or group, group it spoke for) that the heading names as proponents: "Proposal from China,
    Cuba and the African Group" -> China, Cuba, African Group; "revised submission by Benin, on behalf of
    the LDC Group" -> Benin for the LDC Group. Empty when the heading names none (or names an organisation,
    "Proposal by the Committee on Regional Trade Agreements"). An item with several sub-headings printed
    together (segment.SUB_HEADINGS: "… Communication from China and Pakistan (JOB/DEV/39/Rev.1) | …
    Communication from Argentina, Brazil and Paraguay (JOB/DEV/41)") answers for the sub-headings whose
    symbols are among `papers`; for none when the papers are named and the item has none of them, or when
    its sub-headings name different proponents and the reference names no paper: guessing would credit a
    Member with backing a paper it never mentioned."""
    entries = []  # (the sub-heading's last proponents match, its symbols, before or after the names)
    for part in (agenda_item or "").split(SUB_HEADINGS):
        matches = list(_PROPONENTS.finditer(part))
        if matches:
            entries.append((matches[-1], {symbol_key(found.group()) for found in _SYMBOL.finditer(part)}))
    if not entries:
        return ()
    wanted = {symbol_key(symbol) for symbol in papers.symbols}
    chosen = [match for match, symbols in entries if wanted & symbols]
    if not chosen:
        if papers.named and wanted:
            return ()  # "the proposal contained in document JOB/DEV/50": not a paper of this item
        if len({_names(match) for match, _ in entries}) > 1:
            return ()
        chosen = [entries[-1][0]]
    found: list[tuple[str, str | None]] = []
    for match in chosen:
        found += [entry for entry in _names(match) if entry not in found]
    return tuple(found)


def _names(match: re.Match) -> tuple[tuple[str, str | None], ...]:
    names = match.group("names")
    behalf = re.search(r"\bon\s+behalf\s+of\s+(.+)$", names, re.IGNORECASE)
    group = None
    if behalf:
        found = members.find_all(behalf.group(1))
        group = found[0][0].name if found and found[0][0].kind == "group" else None
        names = names[: behalf.start()]
    return tuple((actor.name, group) for actor, _, _ in members.find_all(names))


# "the proponents of a TM for PTAs – Brazil, China, India and the US – had presented": the list after a dash or colon.
_LISTED_PROPONENTS = re.compile(r"\b(?:proponents|co-sponsors|sponsors|authors)\b[^.;–—:()]{0,80}?\s*[–—:]\s*(?P<names>[^–—:;()]+)", re.IGNORECASE)
# "the proposal by Brazil, India and the US on …", "the communication from China, Egypt and India was …"
_PAPER_BY = re.compile(r"\b(?:proposal|communication|submission|paper)\s+(?:from|by)\s+(?P<names>[^.;()–—]+)", re.IGNORECASE)
_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?", re.IGNORECASE)
_PAPER_WORDS = ("propon", "sponsor", "author", "proposal", "communication", "submission", "paper")


def stated_proponents(text: str) -> list[str] | None:
    """The Members a paragraph names as the proponents of a paper, two or more listed together (the last
    such list in it), or None: what "the other proponents" or "the co-sponsors" of a later paragraph
    refer to when the agenda heading names none."""
    folded = text.lower()
    if not any(word in folded for word in _PAPER_WORDS):
        return None
    lists = []
    for pattern in (_LISTED_PROPONENTS, _PAPER_BY):
        for match in pattern.finditer(text):
            names = _leading_list(match.group("names"))
            if len(names) >= 2:
                lists.append((match.start(), names))
    return max(lists)[1] if lists else None


def _leading_list(fragment: str) -> list[str]:
    """The Members listed at the start of `fragment` ("Brazil, India and the US on a transparency…")."""
    names, position = [], 0
    for actor, start, end in members.find_all(fragment):
        gap = fragment[position:start]
        if actor.kind != "member" or (names and not _LIST_GAP.fullmatch(gap)) or (not names and gap.strip() not in ("", "the")):
            break
        names.append(actor.name)
        position = end
    return names


def joint_authors(relations) -> list[str] | None:
    """The delegations one support phrase of a paragraph lists together with a paper ("the paper submitted
    by the delegations of Kenya, Uganda and Tanzania"): the co-sponsors later paragraphs of the item
    refer to. None when no phrase lists two or more."""
    by_phrase: dict[str, list[str]] = {}
    for relation in relations:
        if _JOINT_PAPER.search(relation.evidence) and members.lookup(relation.supported) is not None:
            by_phrase.setdefault(relation.evidence, []).append(relation.supported)
    lists = [names for names in by_phrase.values() if len(set(names)) >= 2]
    return max(lists, key=len) if lists else None
