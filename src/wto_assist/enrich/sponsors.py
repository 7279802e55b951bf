"""Who put forward the proposal an agenda item discusses: "the co-sponsors of the submission", "supported
the proposal" name no delegation, but the minutes do elsewhere.

The agenda heading often names the proponents ("Operationalization of the CTD's Mandate – Proposal from
China, Cuba, Ecuador, India and the African Group (WT/COMTD/W/192)"); otherwise an earlier paragraph of
the item lists them with the paper ("the recommendations made by the delegations of Kenya, Uganda and
Tanzania in their submission"). resolve_references (relations.py) reads the markers below with these.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .. import members

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
# Papers named right after "the proponents"/"the proposals": "of document JOB/DEV/39/Rev.1", "contained in
# documents WT/COMTD/W/208 and WT/COMTD/W/192".
_PAPERS_AFTER = re.compile(r"\s*(?:(?:of|in)|(?:contained|reflected|set\s+out|circulated)\s+in)\s+(?:the\s+)?(?:documents?\s+)?"
                           r"(?P<symbols>(?:WT|JOB|G|TN|IP|S)/\S+(?:\s*(?:,|and|,\s+and)\s+(?:WT|JOB|G|TN|IP|S)/\S+)*)", re.IGNORECASE)


def symbol_key(symbol: str) -> str:
    """A symbol compared with another: upper case, without the sentence's closing punctuation or bracket."""
    key = symbol.upper().rstrip(".,;:")
    while key.endswith(")") and key.count(")") > key.count("("):
        key = key[:-1].rstrip(".,;:")
    return key


def named_papers(text: str, phrase_start: int, phrase_end: int) -> tuple[str, ...]:
    """The papers a reference to "the proponents"/"the proposal" in `text` means: those it names right after
    it ("the proponents of document JOB/DEV/39/Rev.1"), else the last one the paragraph named before it
    ("Turning to JOB/DEV/39/Rev.1, … he agreed with the proponents"); empty when it names none."""
    after = _PAPERS_AFTER.match(text, phrase_end)
    if after:
        return tuple(symbol_key(match.group()) for match in _SYMBOL.finditer(after.group("symbols")))
    before = list(_SYMBOL.finditer(text, 0, phrase_start))
    return (symbol_key(before[-1].group()),) if before else ()


@lru_cache(maxsize=512)
def heading_proponents(agenda_item: str | None, papers: tuple[str, ...] = ()) -> tuple[tuple[str, str | None], ...]:
    """(Member or group, group it spoke for) that the heading names as proponents: "Proposal from China,
    Cuba and the African Group" -> China, Cuba, African Group; "revised submission by Benin, on behalf of
    the LDC Group" -> Benin for the LDC Group. Empty when the heading names none (or names an organisation,
    "Proposal by the Committee on Regional Trade Agreements"). An item whose heading lists several papers
    by different proponents (sub-headings printed together: "… Communication from China and Pakistan
    (JOB/DEV/39/Rev.1); … Communication from Argentina, Brazil and Paraguay (JOB/DEV/41)") answers for
    the `papers` named (symbols), and for none when the reference names none: guessing would credit a
    Member with backing a paper it never mentioned."""
    heading = agenda_item or ""
    matches = list(_PROPONENTS.finditer(heading))
    if not matches:
        return ()
    parts = [(match, heading[match.end() : matches[number + 1].start() if number + 1 < len(matches) else len(heading)])
             for number, match in enumerate(matches)]
    wanted = {symbol_key(paper) for paper in papers}
    chosen = [match for match, after in parts if wanted & {symbol_key(found.group()) for found in _SYMBOL.finditer(after)}]
    if not chosen:
        lists = {_names(match) for match in matches}
        if len(lists) > 1:
            return ()
        chosen = [matches[-1]]
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
