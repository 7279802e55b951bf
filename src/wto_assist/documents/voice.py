"""Whose words a block of minutes is: the minutes' own voice (third person, past tense, "The representative
of X said") or a speaker's own words reproduced in them (first person, an address to the Chair, the present
tense, a quotation). The counting of paragraphs (segment.py) keeps a statement read out inside the
paragraph that introduces it, and needs to know where the minutes speak again."""

from __future__ import annotations

import re

# Inside a statement read out, only the minutes' own voice ends it: a speaker, the Chair, a decision.
MINUTES_RESUME = re.compile(
    r"^\W*(?:The\s+(?:[Rr]epresentatives?|Chair\w*|Committee|Secretariat|Director|Executive|Deputy|Vice)\b[^.]{0,150}?"
    r"\b(?:said|recalled|noted|stated|thanked|welcomed|invited|took\s+note|agreed|adopted|asked|added|explained|introduced)\b"
    r"|It\s+was\s+(?:so\s+)?(?:agreed|decided)|There\s+being|(?:He|She)\s+(?:said|added|went|recalled|noted|stated|concluded)\b)"
)


def closes_statement(text: str) -> bool:
    stripped = text.rstrip()
    return stripped.endswith(("”", '"', "”.", '".')) and text.count('"') % 2 == 1 or stripped.endswith("”")


INTRODUCES_STATEMENT = re.compile(r"\b(?:statement|following|as follows|read out|re-?produced|below)\b[^.]*:\s*$", re.IGNORECASE)


def introduces_statement(text: str) -> bool:
    """The paragraph ends by announcing a speaker's own words ("… made the following statement:", "… said as
    follows:"), not a list ("… instructed the Committee to do the following:")."""
    last = re.split(r"(?<=[a-z]{2}\.)\s+(?=[A-Z])", text.rstrip())[-1]
    return bool(INTRODUCES_STATEMENT.search(last) and (SPEECH_VERB.search(last) or re.search(r"\b(?:statement|presentation|re-?produced)\b", last, re.I)))


# A statement reproduced in the minutes in its own words (first person, an address to the Chair) is
# printed as indented text inside the numbered paragraph that introduces it, not as paragraphs of its own.
ADDRESS = re.compile(r"^\s*[\"“]|^\s*(?:Mr\.?|Madam)\s+Chair|^\s*(?:Thank you|Chairman,|Chair,)")
FIRST_PERSON = re.compile(
    r"\b(?:we|We|our|Our|us|my|My|I\s+(?:am|have|had|would|wish|will|shall|should|think|believe|want|hope|can|must|also|do|was))\b"
)
# ... unless the block reports speech in the third person, as minutes do.
REPORTED = re.compile(r"^\W*(?:He|She|His|Her|They|Their|It|The\s+(?:[Rr]epresentatives?|Chair\w*|Committee|Secretariat|Director)"
                       r"|Mr\.?|Ms\.?|Mrs\.?|Dr\.?|Ambassador|Deputy|In\s+(?:response|reply|conclusion)|There\s+being)\b")


def direct_speech(text: str) -> bool:
    """Text in its author's own words: an address, the first person, or the present tense (minutes
    report in the past tense; a presentation or a statement reproduced speaks in the present)."""
    if ADDRESS.match(text):
        return True
    if REPORTED.match(text):
        return False
    if FIRST_PERSON.search(text):
        return True
    return present_tense(text)


# "The afore-mentioned points were proposals …": the minutes speak about the list, so it has ended.
REFERS_BACK = re.compile(r"^\W*(?:(?:The|These|Those)\s+(?:afore-?mentioned|above-?mentioned|above|foregoing)\b"
                          r"|(?:That|This)\s+was\s+the\s+(?:solution|proposal|outcome|summary|text|result)\b|(?:Those|These)\s+were\s+the\b)", re.IGNORECASE)
REPRODUCED_BELOW = re.compile(r"\b(?:re-?produced\s+below|(?:made|delivered|gave|read(?:\s+out)?)\s+the\s+following\s+(?:statement|presentation)\b[^.:]*)\s*:\s*$",
                               re.IGNORECASE)
NEW_SPEAKER = re.compile(r"^\W*(?:The\s+(?:Chair\w*|[Rr]epresentatives?\s+of|Director|Deputy|Secretariat|meeting)\b|There\s+being|(?:Mr|Ms|Mrs|Dr)\.?\s)")


def closes_quotation(text: str) -> bool:
    """The block ends a quotation: its closing mark, before a footnote call ("…soon.”[^1]"), a closing
    bracket or a symbol in brackets ("” (WT/COMTD/W/1)")."""
    stripped = re.sub(r"(?:\s*\[\^\d+\]|\s*\([^()]{0,40}\))+\s*$", "", text.rstrip()).rstrip(".;,) ")
    return stripped.endswith(("\"", "”"))


def minutes_speak(text: str) -> bool:
    """The minutes give the floor or report a speaker ("The representative of India said …", "He added …")."""
    return bool(NEW_SPEAKER.match(text) or MINUTES_RESUME.match(text) or REPORTED.match(text))


# The minutes report a speaker ("The representative of X said", "He added"): only then can the
# paragraphs that follow be that speaker's statement in its own words. An annexed paper's narrative
# in the past tense introduces no one.
SPEECH_VERB = re.compile(r"\b(?:said|stated|added|noted|recalled|explained|continued|declared|read\s+out|made\s+the\s+following"
                          r"|emphasi[sz]ed|stressed|underlined|informed|highlighted|pointed\s+out|went\s+on)\b")


def reports_speech(text: str) -> bool:
    return not direct_speech(text) and bool(SPEECH_VERB.search(text))


def present_tense(text: str) -> bool:
    present = len(PRESENT.findall(text))
    return present >= 2 and present > 2 * len(PAST.findall(text))


PRESENT = re.compile(r"\b(?:is|are|has|have|does|remains?|represents?|relates?|aims?|includes?|needs?|seems?|continues?)\b")
PAST = re.compile(r"\b(?:was|were|had|did|said|noted|stated|added|recalled|stressed|would|could)\b")


def opens_quote(text: str, inside: bool) -> bool:
    """Whether a statement quoted in full (curly quotation marks) is still open after this block."""
    balance = text.count("“") - text.count("”")
    if inside:
        return balance >= 0 and not text.rstrip().endswith("”")
    return balance > 0
