"""Honest attribution: minutes are the Secretariat's third-person record of what a delegation said.

A quotation from minutes is introduced as what the record says, in a sentence whose reporting verb is
the minutes' own ("As recorded in the minutes of the meeting of the Committee on Trade and Development
held on 16 July 2013, Bangladesh, on behalf of the LDC Group, stressed that “…”"; "…, Cuba emphasised
“the importance of …”"), and the quoted words are the Member's reported words, without the
Secretariat's "The representative of X said that" frame. A pronoun that opens the reported words ("his
delegation", "she") goes into the lead-in as "its delegation", "it", so that the quotation stands on
its own. When the cited paragraph is the Chair's or the Secretariat's account of what a Member said,
the lead-in says so. Reports are introduced by their authors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import members
from .citation_style import joined, long_date, member_as_of, member_in_prose

# Reporting verbs of WTO minutes, in the past tense the Secretariat uses.
_VERBS = (
    "said|stated|noted|stressed|emphasized|emphasised|recalled|considered|believed|added|expressed|welcomed|urged|"
    "called|highlighted|underlined|underscored|pointed out|observed|indicated|reiterated|suggested|proposed|requested|"
    "asked|agreed|supported|shared|recognized|recognised|explained|hoped|regretted|felt|reported|announced|"
    "maintained|argued|acknowledged|invited|informed|questioned|encouraged|appreciated|drew|referred|reminded|sought|"
    "recommended|insisted|concluded|commended|raised|presented|introduced|described|outlined|looked forward|remarked|"
    "went on to say|went on to note|thanked|wondered|cautioned|warned|reaffirmed|affirmed|confirmed|clarified|brought|wished|"
    "congratulated|underscored|doubted|feared|queried|objected|opposed|endorsed|favoured|favored|preferred"
)
# Verbs after which a whole sentence may follow a colon ("Mexico said: “The first track …”").
SPEECH_VERBS = frozenset(
    "said stated noted added explained stressed emphasized emphasised observed recalled indicated argued remarked "
    "reiterated underlined highlighted maintained concluded reported pointed out".split(" ")
) | {"pointed out"}
_ADVERBS = r"(?:(?:also|further|again|strongly|fully|then|once\s+again|therefore|however|nevertheless|furthermore|moreover|finally)\s+)"
# Who speaks: a delegation, a representative, the Chair, the Secretariat, or a pronoun standing for one.
_WHO_START = r"(?:The|A|He|She|His|Her|Its|Their|Speaking|Mr\.|Ms\.|Mrs\.)"
_WHO_AND_VERB = (rf"(?P<who>{_WHO_START}\b[^“”\".;:]{{0,200}}?)"
                 rf"\s+(?P<verb>{_ADVERBS}?(?:{_VERBS}))\b(?P<that>,?\s+that)?\s+")
_FRAME = re.compile(rf"^{_WHO_AND_VERB}", re.S)
# The frame after an opening phrase: "Regarding the GSP-plus arrangement, the representative of the EC said …".
_FRAME_AFTER_INTRO = re.compile(rf"^[^“”\".;:]{{2,160}}?,\s+{_WHO_AND_VERB}", re.S | re.I)
# A designation of someone who speaks in a meeting (so "The report noted that" is not a speaker's frame).
_SPEAKER_WORDS = re.compile(
    r"\b(?:representatives?|delegations?|delegates?|spokes\w+|Chair\w*|Vice-Chair\w*|Secretariat|Director|Minister|"
    r"Ambassador|observer|Group|he|she|his|her|its|their|Mr\.|Ms\.|Mrs\.)\b", re.I)
# A pronoun opening the reported words: it goes into the lead-in so that the quotation stands alone.
_OPENING_PRONOUN = re.compile(
    r"^(?P<pronoun>his|her|its|their|he|she|they)(?P<noun>\s+(?:own\s+)?(?:delegation|country|Government|government|"
    r"authorities|Group|group|Members?|constituency|capital)(?:'s|’s)?)?\s+(?=\S)", re.I)
# The Chair's or the Secretariat's account of what a Member said: "the representative of Cuba had stressed".
_REPORTED_SPEECH = re.compile(rf"\b(?:had\s+)?{_ADVERBS}?(?:{_VERBS})\b")


@dataclass(frozen=True)
class Reported:
    verb: str | None  # "stressed", "expressed" ...; None when the sentence has no speaker frame (the
    #                   lead-in then takes the paragraph's verb: "Mexico said: “…”")
    words: str  # the verbatim words to quote
    clause: bool  # True when the words follow "that" (the lead-in ends "… stressed that")
    joint_speakers: tuple[str, ...] = ()  # "The representatives of Fiji and Samoa": every Member named
    subject: str = ""  # words the lead-in carries before the quotation ("its delegation", "it")
    pronoun: str = ""  # the pronoun the record used, when `subject` replaced it ("his delegation")


def _is_speaker(who: str) -> bool:
    return bool(_SPEAKER_WORDS.search(who) or members.find_all(who))


def _frame(sentence: str) -> re.Match | None:
    for pattern in (_FRAME, _FRAME_AFTER_INTRO):
        found = pattern.match(sentence)
        if found is not None and _is_speaker(found.group("who")):
            return found
    return None


def _lift_pronoun(words: str) -> tuple[str, str, str]:
    """("his delegation supported …") -> ("supported …", "his delegation", "delegation"): the pronoun
    phrase leaves the quotation; the lead-in writes it for the speaker it names."""
    found = _OPENING_PRONOUN.match(words)
    if found is None or len(words[found.end():].split()) < 3:
        return words, "", ""
    return words[found.end():], found.group(0).strip(), (found.group("noun") or "").strip()


def reported_words(sentence: str) -> Reported:
    """Split "The representative of X stressed that Y" into the verb and Y (verbatim)."""
    sentence = sentence.strip()
    frame = _frame(sentence)
    if frame is None:
        return Reported(None, sentence, False)
    rest = sentence[frame.end():].strip()
    who = frame.group("who")
    joint = ()
    if re.match(r"The\s+representatives\s+of\b", who):
        joint = tuple(actor.name for actor, _, _ in members.find_all(re.split(r"\bon\s+behalf\b", who)[0]))
    if len(rest.split()) < 3:
        return Reported(None, sentence, False)
    words, pronoun, noun = _lift_pronoun(rest)
    verb = re.sub(r"\s+", " ", frame.group("verb"))
    return Reported(verb, words, bool(frame.group("that")), joint, noun, pronoun)


def frame_speakers(sentence: str) -> list[str]:
    """The Members and groups a sentence's frame names as speaking ("The representative of Cuba said")."""
    frame = _frame(sentence.strip())
    if frame is None:
        return []
    return [actor.name for actor, _, _ in members.find_all(re.split(r"\bon\s+behalf\b", frame.group("who"))[0])]


def frame_verb(paragraph_text: str, sentences: list[str]) -> str | None:
    """The reporting verb of the paragraph's own frame ("The representative of Mexico said that …")."""
    for sentence in sentences or [paragraph_text]:
        frame = _frame(sentence.strip())
        if frame is not None:
            return re.sub(r"\s+", " ", frame.group("verb"))
    return None


def named_in_account(words: str, speaker: str | None) -> list[str]:
    """Members and groups the quoted words report as speaking ("the representative of Cuba had said"),
    other than the paragraph's own speaker: the Chair's or the Secretariat's account of a statement."""
    named = []
    for actor, start, end in members.find_all(words):
        if actor.name == (members.canonical(speaker or "") or speaker):
            continue
        if _REPORTED_SPEECH.search(words[end:end + 80]) and actor.name not in named:
            named.append(actor.name)
    return named


def speaker_phrase(speaker: str | None, on_behalf_of: str | None, when: str | None = None) -> str | None:
    if not speaker:
        return None
    actor = members.lookup(speaker)
    if actor is None:  # the Chair, the Secretariat, an organisation: as the record names them
        who = speaker if speaker.lower().startswith("the ") else f"the {speaker}"
    elif actor.kind == "group":
        who = f"the {members.display_name(speaker)}"
    else:
        who = member_in_prose(speaker, when)
    if on_behalf_of:
        group = members.lookup(on_behalf_of)
        name = member_as_of(on_behalf_of, when)
        who += f", on behalf of the {name}," if group is not None and group.kind == "group" else f", on behalf of {member_in_prose(on_behalf_of, when)},"
    return who


_PERSONS = ("chair", "secretariat", "person")


def _subject_words(reported: Reported, plural: bool, person: bool) -> str:
    """"its delegation", "it", "their Group": the pronoun of the record, written for the speaker named."""
    if not reported.pronoun:
        return ""
    if person:  # the Chair or an official speaks for herself: the record's pronoun stays right
        return reported.pronoun
    opening = reported.pronoun.split()[0].lower()
    if opening in ("he", "she", "they") or reported.subject.lower().startswith("country"):  # "his country had" -> "it had"
        return "they" if plural else "it"
    return ("their" if plural else "its") + (f" {reported.subject}" if reported.subject else "")


def lead_in(source: dict, reported: Reported, case: str | None = None, paragraph_verb: str | None = None) -> list[tuple[str, bool]]:
    """The words before the opening quotation mark, as (text, italic) runs: a sentence with a finite
    reporting verb and the speaker the record names."""
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
    when = source.get("date")
    meeting = f" of the meeting of the {source['body']} held on {long_date(when)}" if source.get("body") and when else ""
    record = f"As recorded in the minutes{meeting}"
    plural = len(reported.joint_speakers) > 1
    if plural:
        who = joined([member_in_prose(name, when) for name in reported.joint_speakers])
    else:
        who = speaker_phrase(source.get("speaker"), source.get("on_behalf_of"), when)
    if who is None:
        return [(f"The minutes{meeting} record: ", False)]
    person = (source.get("speaker_kind") or "") in _PERSONS
    if person and reported.verb:
        about = named_in_account(reported.words, source.get("speaker"))
        if about:  # the Chair's or the Secretariat's account of what a Member said
            who = f"{who}, giving an account of the statement{'s' if len(about) > 1 else ''} of {joined([member_in_prose(a, when) for a in about])},"
    verb = reported.verb
    if verb is None:
        if paragraph_verb in SPEECH_VERBS:
            return [(f"{record}, {who} {paragraph_verb}: ", False)]
        return [(f"{record}, the statement of {who} included the following: ", False)]
    subject = _subject_words(reported, plural, person)
    subject = f"{subject} " if subject else ""
    if reported.clause:
        return [(f"{record}, {who} {verb} that {subject}", False)]
    return [(f"{record}, {who} {verb} {subject}", False)]
