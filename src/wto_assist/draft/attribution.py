"""Honest attribution: minutes are the Secretariat's third-person record of what a delegation said.

A quotation from minutes is introduced as what the record says ("As recorded in the minutes of the
meeting of the Committee on Trade and Development held on 16 July 2013, Bangladesh, on behalf of the
LDC Group, stressed that “…”"), and the quoted words are the Member's reported words, without the
Secretariat's "The representative of X said that" frame. Reports are introduced by their authors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import members
from .citation_style import joined, long_date

# Reporting verbs of WTO minutes, in the past tense the Secretariat uses.
_VERBS = (
    "said|stated|noted|stressed|emphasized|emphasised|recalled|considered|believed|added|expressed|welcomed|urged|"
    "called|highlighted|underlined|underscored|pointed out|observed|indicated|reiterated|suggested|proposed|requested|"
    "asked|agreed|supported|shared|recognized|recognised|explained|hoped|regretted|felt|reported|announced|"
    "maintained|argued|acknowledged|invited|informed|questioned|encouraged|appreciated|drew|referred|reminded|sought|"
    "recommended|insisted|concluded|commended|raised|presented|introduced|described|outlined|looked forward"
)
# The speaker designation before the verb: "The representative of X (speaking on behalf of Y)", "He", "Her delegation".
_FRAME = re.compile(
    rf"^(?P<who>(?:The|A|He|She|His|Her|Its|Their|This|That|In|Speaking|Mr\.|Ms\.|Mrs\.)\b[^“”\".;:]{{0,200}}?)"
    rf"\s+(?P<verb>(?:(?:also|further|again|strongly|fully|then|once\s+again)\s+)?(?:{_VERBS}))\b(?P<that>\s+that)?\s+",
    re.S,
)


@dataclass(frozen=True)
class Reported:
    verb: str | None  # "stressed", "expressed" ...; None when the sentence has no speaker frame
    words: str  # the verbatim words to quote
    clause: bool  # True when the words follow "that" (the lead-in ends "… stressed that")
    joint_speakers: tuple[str, ...] = ()  # "The representatives of Fiji and Samoa": every Member named


def reported_words(sentence: str) -> Reported:
    """Split "The representative of X stressed that Y" into the verb and Y (verbatim)."""
    frame = _FRAME.match(sentence)
    if frame is None:
        return Reported(None, sentence.strip(), False)
    rest = sentence[frame.end():].strip()
    who = frame.group("who")
    joint = ()
    if re.match(r"The\s+representatives\s+of\b", who):
        joint = tuple(actor.name for actor, _, _ in members.find_all(re.split(r"\bon\s+behalf\b", who)[0]))
    if frame.group("that"):
        if len(rest) < 20:
            return Reported(None, sentence.strip(), False)
        return Reported(frame.group("verb"), rest, True, joint)
    # No "that": the verb opens the quotation, so nothing is paraphrased ("… Viet Nam “expressed concern …”").
    return Reported(frame.group("verb"), sentence[frame.start("verb"):].strip(), False, joint)


def speaker_phrase(speaker: str | None, on_behalf_of: str | None) -> str | None:
    if not speaker:
        return None
    actor = members.lookup(speaker)
    if actor is None:  # the Chair, the Secretariat, an organisation: as the record names them
        who = speaker if speaker.lower().startswith("the ") else f"the {speaker}"
    else:
        who = members.display_name(speaker)
        who = f"the {who}" if actor.kind == "group" else who
    if on_behalf_of:
        group = members.lookup(on_behalf_of)
        name = members.display_name(on_behalf_of)
        who += f", on behalf of the {name}," if group is not None and group.kind == "group" else f", on behalf of {name},"
    return who


def lead_in(source: dict, reported: Reported, case: str | None = None) -> list[tuple[str, bool]]:
    """The words before the opening quotation mark, as (text, italic) runs."""
    family = source.get("family")
    if family in ("panel-report", "appellate-body-report"):
        author = "the Appellate Body" if family == "appellate-body-report" else "the panel"
        if case:
            return [(f"As {author} in ", False), (case, True), (" found, ", False)]
        return [(f"As {author} found in {source['symbol']}, ", False)]
    if family == "dispute-summary":
        return [("As the WTO's summary of the dispute records, ", False)]
    if family not in ("minutes", "tpr-minutes"):
        return [(f"As stated in {source['symbol']}, ", False)]
    record = "As recorded in the minutes"
    if source.get("body") and source.get("date"):
        record += f" of the meeting of the {source['body']} held on {long_date(source['date'])}"
    if len(reported.joint_speakers) > 1:
        who = joined([members.display_name(name) for name in reported.joint_speakers])
    else:
        who = speaker_phrase(source.get("speaker"), source.get("on_behalf_of"))
    if who is None:
        return [(f"{record}, ", False)]
    if reported.verb is None:
        return [(f"{record}, in the statement of {who.rstrip(',')}: ", False)]
    if reported.clause:
        return [(f"{record}, {who} {reported.verb} that ", False)]
    return [(f"{record}, {who} ", False)]
