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


@lru_cache(maxsize=512)
def heading_proponents(agenda_item: str | None) -> tuple[tuple[str, str | None], ...]:
    """(Member or group, group it spoke for) that the heading names as proponents: "Proposal from China,
    Cuba and the African Group" -> China, Cuba, African Group; "revised submission by Benin, on behalf of
    the LDC Group" -> Benin for the LDC Group. Empty when the heading names none (or names an organisation,
    "Proposal by the Committee on Regional Trade Agreements")."""
    matches = list(_PROPONENTS.finditer(agenda_item or ""))
    if not matches:
        return ()
    names = matches[-1].group("names")
    behalf = re.search(r"\bon\s+behalf\s+of\s+(.+)$", names, re.IGNORECASE)
    group = None
    if behalf:
        found = members.find_all(behalf.group(1))
        group = found[0][0].name if found and found[0][0].kind == "group" else None
        names = names[: behalf.start()]
    return tuple((actor.name, group) for actor, _, _ in members.find_all(names))


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
