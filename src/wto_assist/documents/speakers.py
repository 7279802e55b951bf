"""Who is speaking in a paragraph of minutes, normalised to the WTO's own names.

"The representative of Benin, on behalf of the LDC Group, said..." gives speaker Benin (a Member)
speaking on behalf of the LDC Group. Paragraphs opening "He added...", "Her delegation..." continue
the previous turn under the same agenda item and inherit its speaker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import members
from .model import Paragraph

_REPRESENTATIVE = re.compile(
    r"^(?:The|A|An|One|Another)\s+(?:representatives?|delegates?|delegations?|spokesperson|observer)\s+(?:of|from|for)\s+",
    re.IGNORECASE,
)
_CHAIR = re.compile(
    r"^(?:[Tt]he\s+)?(?:(?:[Oo]utgoing|[Ii]ncoming|[Nn]ew|Vice[- ])\s*)?(?P<role>(?i:Chair(?:man|person|woman)?|Vice-Chair(?:man|person)?))\b"
    r"(?:\s+of\s+the\s+(?P<of>[A-Z][\w\-]*(?:\s+(?:on|of|for|and|the|[A-Z][\w\-]*))*))?"
    # Any verb may follow ("The Chairman encouraged", "clarified", "went on"); "Mr. Chairman," inside a
    # quoted statement is a vocative and never reaches here (see _VOCATIVE).
    r"(?=\s*,|\s+(?!of\b|and\b|or\b|to\b|for\b)[a-z]+\b)"
)
_SECRETARIAT = re.compile(
    r"^(?:The|A)\s+(?P<who>(?:Deputy[\s-]+)?Director[\s-]+General|Secretariat|representative\s+of\s+the\s+Secretariat"
    r"|(?:representative|Director|member)\s+of\s+the\s+[A-Z][\w\s,-]*?(?:Division|Institute|Secretariat|ITTC)"
    r"|Director\s+of\s+the\s+[A-Z][\w\s,-]*?(?:Division|Institute))\b",
    re.IGNORECASE,
)
# Heads of other organisations: "The Executive Director of the ITC said", "The Deputy Secretary-General
# of the Economic Cooperation Organisation (ECO), said".
_OFFICIAL = re.compile(
    r"^(?:The|A)\s+(?:Deputy\s+|Executive[\s-]+|Assistant\s+)?(?:Director|Secretary)(?:[\s-]+General)?,?\s+of\s+(?:the\s+)?"
    r"(?P<org>[A-Z][\w&()\-]*(?:\s+(?:of|for|on|and|the|[A-Z(][\w&()\-]*))*)"
)
_PERSON = re.compile(
    r"^(?:DDG\s+)?(?:Mr|Ms|Mrs|Miss|Dr|Prof|H\.\s?E\.|Ambassador)\.?\s+(?P<name>[A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){0,3})"
)
# "Mr. Chairman, India is a co-sponsor…": an address inside a quoted statement, never a speaker.
_VOCATIVE = re.compile(
    r"^(?:(?:Mr|Madam|Madame|Mme|Mister)\.?\s+(?:Vice-)?(?:Chair(?:man|person|woman)?|President)|Excellenc|Distinguished|Dear\s+colleagues)\b"
)
_COMMITTEE = re.compile(r"^(?:The\s+)?(?P<who>Committee|Sub-Committee|Council|Members)\b(?!\s+on\b)")
_CONTINUATION = re.compile(
    r"^(?:He|She|They|His|Her|Their|In\s+(?:his|her|their)\b|The\s+(?:delegate|delegation|speaker|representative)\b(?!\s+(?:of|from|for)\b)"
    r"|Moreover|Furthermore|Finally|Lastly|In\s+addition|In\s+conclusion|Turning\s+to|Referring\s+to|With\s+(?:regard|respect)\s+to"
    r"|As\s+regards|Regarding|Concerning|Also|Further(?:more)?|Additionally|Nonetheless|However|First(?:ly)?|Second(?:ly)?|Third(?:ly)?)\b"
)
_ON_BEHALF = re.compile(r"on\s+behalf\s+of\s+", re.IGNORECASE)
_CLAUSE_END = re.compile(
    r"\s(?:said|stated|noted|expressed|welcomed|thanked|recalled|indicated|emphasized|emphasised|stressed|supported|"
    r"believed|considered|asked|reiterated|underlined|highlighted|requested|proposed|informed|presented|made|"
    r"introduced|referred|shared|agreed|observed|wished)\b|[.;:]"
)
_ORGANISATION = re.compile(r"(?:the\s+)?(?P<name>[A-Z][\w&'’().\-]*(?:\s+(?:of|for|and|on|de|du|the|[A-Z][\w&'’().\-]*))*)")


@dataclass
class Turn:
    name: str
    kind: str
    on_behalf_of: str | None = None
    co_speakers: list[str] = field(default_factory=list)


# Damaged paragraph numbers left in the text by old conversions ("13; The", "Al. The") and
# introductory adverbials before the speaker ("In conclusion, the representative of Senegal").
_LEAD_IN = re.compile(r"^(?:(?:\d{1,3}|Al|[Il]{1,3})\s*[.,;:)]\s+|(?:In\s+conclusion|In\s+closing|Finally|Lastly),\s+(?=the\s+representative))")


def identify(text: str) -> Turn | None:
    """The speaker a paragraph opens with, or None when it names nobody."""
    text = text.lstrip(" \t\"“")
    lead_in = _LEAD_IN.match(text)
    if lead_in:
        text = text[lead_in.end() :]
        text = text[:1].upper() + text[1:]
    match = _REPRESENTATIVE.match(text)
    if match:
        return _representative(text, match.end())
    match = _SECRETARIAT.match(text)
    if match:
        who = re.sub(r"^(?:representative|member)\s+of\s+the\s+", "", match.group("who"), flags=re.I)
        return Turn(_title(who), "secretariat")
    match = _OFFICIAL.match(text)
    if match:
        return Turn(match.group("org"), "organization")
    match = _CHAIR.match(text)
    if match:
        name = "Chairperson" + (f" of the {match.group('of').strip()}" if match.group("of") else "")
        if "vice" in match.group(0).lower():
            name = "Vice-" + name
        return Turn(name, "chair")
    if text.startswith("The "):
        found = members.match_at(text, 4)
        if found and re.match(r"\s+(?:representative|delegate|delegation|said|stated|noted)\b", text[found[1] :]):
            actor, _ = found
            return _with_behalf(Turn(actor.name, actor.kind), text)
    if _VOCATIVE.match(text):
        return None
    match = _PERSON.match(text)
    if match:
        rest = text[match.end() :]
        of_member = re.match(r"\s+(?:of|from)\s+", rest)
        if of_member:
            found = members.match_at(rest, of_member.end())
            if found:
                return _with_behalf(Turn(found[0].name, found[0].kind), text)
        return Turn(match.group("name").rstrip(",."), "person")
    match = _COMMITTEE.match(text)
    if match:
        return Turn(match.group("who"), "committee")
    return None


def _representative(text: str, position: int) -> Turn:
    found = members.match_at(text, position)
    if not found:
        organisation = _ORGANISATION.match(text, position)
        name = organisation.group("name") if organisation else text[position : position + 40]
        name = re.split(r"\s+(?:said|stated|noted|made|welcomed|thanked|informed|presented|referred)\b|,", name)[0]
        kind = "secretariat" if re.search(r"Secretariat|Division|ITTC|Institute for Training", name) else "organization"
        return Turn(name.strip(), kind)
    actor, end = found
    turn = Turn(actor.name, actor.kind)
    # "The representatives of Guatemala and Chile": further Members joined by "and" or commas.
    while True:
        joiner = re.match(r"\s*(?:,\s*(?:and\s+)?|\s+and\s+)", text[end:])
        if not joiner:
            break
        more = members.match_at(text, end + joiner.end())
        if not more:
            break
        turn.co_speakers.append(more[0].name)
        end = more[1]
    return _with_behalf(turn, text)


def _last_actor(text: str) -> str | None:
    found = members.find_all(text)
    return found[-1][0].name if found else None


def _with_behalf(turn: Turn, text: str) -> Turn:
    """Fill `on_behalf_of` from the opening sentence ("speaking on behalf of the African Group")."""
    opening = text[:400]
    # "On behalf of" belongs to the delegation named last before it: in "…supported the statement by the
    # representative of Argentina, on behalf of the Informal Group", the group is Argentina's.
    own = {turn.name, *turn.co_speakers}
    match = next((m for m in _ON_BEHALF.finditer(opening) if _last_actor(opening[: m.start()]) in own), None)
    if not match:
        return turn
    clause = opening[match.end() :]
    end = _CLAUSE_END.search(clause)
    clause = clause[: end.start()] if end else clause[:200]
    names = []
    for actor, _, _ in members.find_all(clause):
        if actor.name != turn.name and actor.name not in names:
            names.append(actor.name)
    if names:
        turn.on_behalf_of = "; ".join(names)
    return turn


def _title(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text[:1].upper() + text[1:]


# The record of a decision, never part of a delegation's turn.
_DECISION = re.compile(
    r"^(?:It\s+was\s+(?:so\s+)?(?:agreed|decided)|The\s+agenda\s+was\s+adopted"
    # "The Committee took note …", not "The Committee on Trade and Development should be …" in a Member's list
    r"|(?:The\s+)?(?:Committee|Sub-Committee|Council)\b(?:\s+on\s+[A-Z][\w\s,&-]{0,60}?)?\s+(?:took|agreed|decided|adopted|approved|"
    r"noted|elected|was\s+(?:so\s+)?(?:agreed|informed)|(?:would|will)\s+revert|reverted|invited|endorsed|concluded))"
)


def _continues(paragraph: Paragraph) -> bool:
    """A paragraph naming nobody that goes on with the previous turn.

    Text the source did not mark as a paragraph belongs to the turn above it ("He went on to say…", the full text of
    a statement quoted in the minutes, an address such as "Mr. Chairman, …"), unless it records a
    decision; a numbered paragraph continues only when it opens as a continuation does ("He added").
    """
    text = paragraph.text.lstrip(" \t\"“")
    if _DECISION.match(text):
        return False
    return not paragraph.marked or bool(_CONTINUATION.match(text) or _VOCATIVE.match(text))


def attribute(paragraphs: list[Paragraph]) -> None:
    """Set speaker fields in place; continuations inherit within one agenda item."""
    previous: Turn | None = None
    agenda = None
    for paragraph in paragraphs:
        if paragraph.agenda_item != agenda:
            previous, agenda = None, paragraph.agenda_item
        turn = identify(paragraph.text)
        inherited = False
        if turn is None and previous is not None and _continues(paragraph):
            turn, inherited = previous, True
        if turn is None:
            if paragraph.marked:
                previous = None
            continue
        paragraph.speaker = turn.name
        paragraph.speaker_kind = turn.kind
        paragraph.on_behalf_of = turn.on_behalf_of
        paragraph.co_speakers = list(turn.co_speakers)
        paragraph.speaker_inherited = inherited
        previous = turn
