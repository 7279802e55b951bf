"""Who backed whom: support, association, shared views or concerns and agreement between delegations.

Minutes record coalitions in a few fixed forms: "The representative of Kenya supported the statement by
Egypt on behalf of the African Group", "his delegation associated itself with the statements made by
India and Brazil", "she shared the concerns expressed by the delegation of Canada", "He agreed with the
representative of Switzerland that…". A spaCy Matcher finds the verb of support; the supported
delegations are the Members and groups (the enrich stage's spans) that follow it through the words of
such a phrase ("the statement made by the representative of", "the proposals of"), up to the first
word that belongs to the substance ("that", "to", "regarding"…). The supporter is the delegation the
sentence opens with, else the paragraph's speaker. Negated forms ("could not support", "did not
agree with") are not relations. Measured against hand labels in benchmarks/bench_relations.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product
from importlib import resources

from .. import members
from ..documents.speakers import identify
from .sponsors import CO_SPONSORS, THE_PROPOSAL, Papers, heading_proponents, joint_authors, named_papers, stated_proponents

RELATIONS = ("support", "association", "shared view", "shared concern", "agreement")
# Words a support phrase may pass through between its verb and the delegations it names.
_PHRASE_WORDS = frozenset(
    """the a an statement statements proposal proposals made by of from delegation delegations delegation's
    representative representatives representative's delivered presented view views comment comments concern
    concerns expressed position positions remark remarks request requests suggestion suggestions intervention
    interventions submitted put forward earlier just approach idea ideas point points raised in particular
    particularly especially and , 's ’s distinguished previous itself himself herself themselves his her its
    their with fully entirely completely strongly wholeheartedly also as well paper papers communication
    initiative plea analysis query caution sentiments observations opinion opinions what had has been said
    stated was were others other many most some several all both number gist thrust general main last first
    second ambassador government governments submission submissions proposed mentioned recalled outlined
    interest questions question co-sponsors delegate delegates spokesperson group on behalf speaking
    thoughts perspective observation appreciation line adopted two three four five positive caveat among
    provided suggested taken issues brought elements contained overall purpose attitude offered same
    those appeals respective mild common extensively course action chairman chair chairperson secretariat
    colleagues hinted at speaker speakers including namely notably preliminary initial recent similar valid valuable
    useful excellent detailed thoughtful concrete substantive recommendation recommendations content notion application
    document documents firmly being spearheaded introduced posed voiced articulated tabled circulated sponsored
    co-sponsored proponent proponents sponsors authors co - observer status systemic
    co-sponsor sponsor disappointment regret frustration amongst inter alia shared""".split()
)
_SPONSOR_WORDS = frozenset("co-sponsors co-sponsor sponsors proponents proponents' authors".split())
# A group named by its members' status owns a position here: "the concerns of LDCs", "the LDC position".
_POSITION_NOUNS = frozenset("position positions concerns concern views view proposal proposals request requests interests".split())
_GROUP_ADJECTIVES = {"ldc": "LDC Group", "lldc": "LLDC Group", "sve": "SVEs"}
# "India joined Brazil and the US in thanking the Members": a courtesy, no position backed.
_COURTESY = re.compile(r"\s*in\s+(?:thanking|congratulating|paying\s+tribute|expressing\s+(?:\w+\s+)?(?:thanks|gratitude|condolences|sympathy))\b", re.IGNORECASE)
# After "that"/"which", these open a relative clause of the support phrase, not the substance.
_RELATIVE_AUXILIARIES = frozenset("had has have was were".split())
_NEGATION = frozenset("not n't never unable nor cannot couldn't didn't wouldn't doesn't".split())
# Every form the PhraseMatcher knows holds one of these: a paragraph without any has no relation.
_CUE_STEMS = ("support", "associat", "shar", "agree", "concur", "endors", "echo", "second", "join")
# Not after "St." ("St. Kitts and Nevis"), "Mr." or "No.": abbreviations in the minutes, no sentence end.
_SENTENCE_END = re.compile(r"(?<=[.;])(?<!\bSt\.)(?<!\bMr\.)(?<!\bNo\.)\s+(?=[A-Z\"“(])")
_CONCERN = re.compile(r"\bconcerns?\b|\bcaution\b|\bsurprise\b", re.IGNORECASE)
# What one shares with another delegation; "the share of LDCs in world trade" is no relation.
_SHARED_THINGS = re.compile(r"\b(?:views?|concerns?|position|positions|opinions?|comments|observations|thoughts|perspective|approach"
                            r"|interests?|caution|sentiments?|surprise|assessment|ideas?|points?|remarks|appreciation|disappointment|regret|frustration)\b", re.IGNORECASE)
# The noun "support" is the supporter's own after these words ("expressed support for", "his delegation's
# support to", "gave his support to"); "noted the overwhelming support for" reports others' support.
_VERB_BEFORE = frozenset("to could would will can may shall should might did do does must cannot".split())
_OWN_SUPPORT = frozenset("expressed expressing gave give giving reiterated extended lent indicated voiced conveyed reaffirmed restated his her its "
                         "their delegation's delegation’s full strong".split())
# A group named by its members' status ("least-developed countries", "LDCs") is a subject, not a delegation.
_GENERIC_GROUP = re.compile(r"^(?:the\s+)?(?:least[- ]developed|developing|LDCs?\b|LLDCs?\b)(?!\s+Group\b)", re.IGNORECASE)
# "Supporting India's comments, the representative of Mexico said…": the subject follows the comma.
_PARTICIPLE = re.compile(r"^(?:Supporting|Agreeing|Echoing|Endorsing|Sharing|Associating|Joining|Concurring)\b[^,]*,\s*")
_SUBJECT_VERB = re.compile(r"\s*(?:,\s*(?:speaking\s+)?on\s+behalf\s+of\s+[^,]+,\s*)?\s*(?:also\s+|fully\s+|strongly\s+|therefore\s+)?"
                           r"(?:supported|agreed|associated|shared|endorsed|echoed|concurred|seconded|joined|expressed|said|indicated|stated|could|would|wished)\b")


@dataclass(frozen=True)
class Relation:
    supporter: str
    supporter_on_behalf_of: str | None
    supported: str
    supported_on_behalf_of: str | None
    relation: str
    evidence: str  # the clause from the supporter's verb to the last delegation it names
    resolved_from: str | None = None  # citation of the supported turn whose capacity (or identity) was read


@lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """"Moroccan" -> Morocco, "Swiss" -> Switzerland (data/demonyms.tsv): "supported the Moroccan proposal"."""
    table = {}
    for line in resources.files("wto_assist").joinpath("data/demonyms.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            adjective, name = line.split("\t")
            table[adjective.lower()] = name
    return table


class RelationFinder:
    """Built once per pipeline: a PhraseMatcher for the verbs of support, applied to enriched docs."""

    def __init__(self, vocab):
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        # One-token phrases matched on the lower-case form: a hash look-up per token, several times
        # faster than a token-pattern Matcher with a set of forms (bench_relations.py).
        self.matcher = PhraseMatcher(vocab, attr="LOWER")
        forms = {
            "support": ["support", "supports", "supported", "supporting", "endorse", "endorses", "endorsed", "endorsing",
                        "echo", "echoes", "echoed", "echoing", "seconded"],
            "association": ["associate", "associates", "associated", "associating", "join", "joins", "joined", "joining"],
            "shared": ["share", "shares", "shared", "sharing"],
            "agreement": ["agree", "agrees", "agreed", "agreeing", "concur", "concurs", "concurred", "concurring"],
        }
        for relation, words in forms.items():
            self.matcher.add(relation, [Doc(vocab, words=[word]) for word in words])

    def __call__(self, doc, text: str, speaker: str | None, speaker_kind: str | None, on_behalf_of: str | None) -> list[Relation]:
        """Relations in one paragraph: its doc from the enrich pipeline, its text (doc.text rebuilt costs
        more than the matching) and its speaker."""
        folded = text.lower()
        if not any(stem in folded for stem in _CUE_STEMS):
            return []  # a substring test is far cheaper than a regular expression; the matcher below decides
        matches = sorted(self.matcher(doc), key=lambda match: match[1])
        if not matches:
            return []
        actors = [span for span in doc.spans["wto"] if span.label_ in ("MEMBER", "GROUP", "OBSERVER")]
        cue_offsets = [doc[token_start].idx for _, token_start, _ in matches]
        found: list[Relation] = []
        for start, end in sentences(text):
            if not any(start <= offset < end for offset in cue_offsets):
                continue  # finding the speaker of a sentence without a verb of support is wasted work
            sentence = text[start:end]
            participle = _PARTICIPLE.match(sentence)
            subject = sentence[participle.end() :] if participle else sentence
            supporters = sentence_supporters(subject) or (
                [(speaker, on_behalf_of)] if speaker_kind in ("member", "group") else []
            )
            if not supporters:
                # "The Chairman said that the proposal made by the United States, supported by Malaysia, …": the
                # passive names both parties, whoever speaks
                for match_id, token_start, token_end in matches:
                    if start <= doc[token_start].idx < end and token_end < len(doc) and doc[token_end].lower_ == "by":
                        found += _reversed(doc, text, token_start, token_end, end, actors, None, doc.vocab.strings[match_id])
                continue
            # The participle's phrase ends at its comma, where the sentence's subject begins.
            limit = start + participle.end() - 1 if participle else end
            for match_id, token_start, token_end in matches:
                token = doc[token_start]
                if not start <= token.idx < end or _negated(doc, token_start):
                    continue
                cue = doc.vocab.strings[match_id]
                passive = token_end < len(doc) and doc[token_end].lower_ == "by"
                if passive or (token.lower_ == "support" and doc[token_start - 1].lower_ == "the"):
                    found += _reversed(doc, text, token_start, token_end, end, actors, supporters[0], cue)
                    continue
                if token.lower_ == "support":
                    owner = _OWN_SUPPORT & {t.lower_ for t in doc[max(0, token_start - 3) : token_start]}
                    if "their" in owner and len(supporters) < 2:
                        continue  # "thanked those delegations that had expressed their support": theirs, not the speaker's
                    if not owner and not _VERB_BEFORE & {t.lower_ for t in doc[max(0, token_start - 2) : token_start]}:
                        continue  # the noun, someone else's support
                    if owner and _support_of_others(doc, start, token_start, actors, supporters):
                        continue  # "a number of Members had indicated support for …": theirs, reported by the speaker
                phrase_end = limit if token.idx < limit else end
                targets = _targets(doc, token_end, phrase_end, actors)
                if targets and cue == "association" and _COURTESY.match(text, targets[-1][2]):
                    continue
                if not targets:
                    found += _anaphora(text, token.idx, phrase_end, supporters, cue, actors)
                named = {target[0] for target in targets}
                for (name, behalf, last), supporter in product(targets, supporters):
                    if supporter[0] in named:
                        continue  # "the issues put forward by Kenya, Tanzania and Uganda", said by Kenya: its own joint paper
                    relation = cue
                    if cue == "shared":
                        if not _SHARED_THINGS.search(text[token.idx : last + 40]):
                            continue
                        relation = "shared concern" if _CONCERN.search(text[token.idx : last]) else "shared view"
                    evidence = text[token.idx : last].strip()
                    found.append(Relation(supporter[0], supporter[1], name, behalf, relation, evidence[:300]))
        return _unique(found)


# "associated itself with that statement", "supported the previous speaker": the supported delegation is
# the speaker of an earlier turn, found when the whole meeting is read (resolve_references).
PREVIOUS_SPEAKER = "(the previous speaker)"
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}


def previous_speakers(count: int) -> str:
    """The marker of "the previous N speakers", resolved to the N latest other speakers of the item."""
    return "(the two previous speakers)" if count == 2 else f"(the {count} previous speakers)"


PREVIOUS_TWO = previous_speakers(2)
_ANAPHOR_ONE = re.compile(r"^\w+\W+(?:[\w’'-]+\W+){0,5}?(?:(?:that|the latter|the preceding|the last)\s+(?:statement|intervention)"
                          r"|the statement just (?:made|delivered)|the (?:previous|preceding|last) speaker\b(?!s))", re.IGNORECASE)
_ANAPHOR_MANY = re.compile(r"^\w+\W+(?:[\w’'-]+\W+){0,8}?(?:these (?P<these>two|three) delegations|the (?P<before>two|three|four|five) (?:previous|preceding) speakers"
                           r"|the (?:previous|preceding|last) (?P<after>two|three|four|five) speakers|(?P<both>both) (?:previous|preceding) speakers)", re.IGNORECASE)

# "supported the proposal", naming no one: the proposal the agenda item discusses, whose proponents the
# heading names (sponsors.py); not "the proposal by the Chairman", "the proposals made".
ANAPHOR_PROPOSAL = re.compile(r"^\w+\W+(?:fully\s+|strongly\s+|also\s+)?(?:for\s+)?(?:the|this|that)\s+(?:revised\s+|joint\s+)?"
                               r"(?:proposals?|submissions?|communications?)\b(?!\s+(?:by|of|from|made|submitted|presented|put|tabled|to|that|for|on|in|regarding|concerning)\b)",
                               re.IGNORECASE)


def _anaphora(text: str, cue_start: int, phrase_end: int, supporters, cue: str, actors) -> list[Relation]:
    """"That statement" names the delegation last named before it in the paragraph ("the statement made by
    Morocco deserved to be noted, and his delegation associated itself with that statement"), else the
    previous speaker, found later by resolve_references."""
    window = text[cue_start : min(phrase_end, cue_start + 120)]
    many = _ANAPHOR_MANY.match(window)
    marker = (previous_speakers(_COUNTS[next(word for word in many.groups() if word).lower()]) if many
              else PREVIOUS_SPEAKER if _ANAPHOR_ONE.match(window) else None)
    own = {name for name, _ in supporters}
    named = [span.kb_id_ for span in actors if span.end_char <= cue_start and span.kb_id_ not in own and span.label_ == "MEMBER"]
    if marker is None and cue in ("support", "association") and ANAPHOR_PROPOSAL.match(window):
        # the proposal of the delegation named last in the sentence ("the proposal by Switzerland was
        # constructive, and he fully supported the proposal"), else the one the agenda item discusses
        sentence_start = max((end for _, end in _boundaries(text, cue_start)), default=0)
        in_sentence = [span.kb_id_ for span in actors if sentence_start <= span.start_char and span.end_char <= cue_start
                       and span.kb_id_ not in own and span.label_ == "MEMBER"]
        evidence = window[: ANAPHOR_PROPOSAL.match(window).end()].strip()
        supported = in_sentence[-1] if in_sentence else THE_PROPOSAL
        return [Relation(name, behalf, supported, None, "support", evidence) for name, behalf in supporters]
    if marker is None or cue == "shared":
        return []
    match = many or _ANAPHOR_ONE.match(window)
    relation = {"association": "association", "agreement": "agreement"}.get(cue, "support")
    evidence = window[: match.end()].strip()
    if marker == PREVIOUS_SPEAKER and named and "speaker" not in evidence:
        return [Relation(name, behalf, named[-1], None, relation, evidence) for name, behalf in supporters]
    return [Relation(name, behalf, marker, None, relation, evidence) for name, behalf in supporters]


def _boundaries(text: str, before: int) -> list[tuple[int, int]]:
    """(start, end) of the sentence boundaries in `text` before offset `before`."""
    return [match.span() for match in _SENTENCE_END.finditer(text, 0, before)]


def _reversed(doc, text: str, token_start: int, token_end: int, sentence_end: int, actors, subject, cue) -> list[Relation]:
    """"The representative of India, supported by the representative of Pakistan, said…" and "with the
    support of the EC, India": the delegations after the verb back the sentence's subject. Only right
    after the subject (a comma before the verb) or in "with the support of"; elsewhere the passive's
    subject is some other statement and no relation is drawn."""
    before = doc[token_start - 1].lower_ if token_start else ""
    with_support = doc[token_start].lower_ == "support" and token_start >= 2 and doc[token_start - 2].lower_ == "with"
    if before not in (",", "and") and not with_support:
        return []
    # The delegation named right before the verb ("the wording suggested by the EC and supported by China")
    # is the one backed; else the sentence's subject.
    named = [span for span in actors if token_start - 3 <= span.end <= token_start and span.label_ in ("MEMBER", "GROUP")]
    if named and not with_support:
        subject = (named[-1].kb_id_, None)
    elif before == "and" or subject is None:
        return []
    relations = []
    for name, behalf, last in _targets(doc, token_end, sentence_end, actors):
        if name != subject[0]:
            evidence = text[doc[token_start].idx : last].strip()
            relations.append(Relation(name, behalf, subject[0], subject[1], "support" if cue != "agreement" else cue, evidence[:300]))
    return relations


def sentences(text: str, boundary: re.Pattern = _SENTENCE_END) -> list[tuple[int, int]]:
    """(start, end) of each sentence; `boundary` matches the space between two sentences."""
    bounds, start = [], 0
    for match in boundary.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    return bounds


def sentence_supporters(sentence: str) -> list[tuple[str, str | None]]:
    """The delegations a sentence opens with: "The representatives of Jordan, Cyprus and Qatar…",
    "Egypt fully supported…"; none when it opens with someone else (the Chair, an organisation)."""
    turn = identify(sentence)
    if turn is not None:
        if turn.kind not in ("member", "group"):
            return []
        return [(turn.name, turn.on_behalf_of)] + [(name, turn.on_behalf_of) for name in turn.co_speakers]
    found = members.match_at(sentence.lstrip(), 0)
    if found and _SUBJECT_VERB.match(sentence.lstrip(), found[1]):
        return [(found[0].name, None)]
    return []


_OTHERS_AS_SUBJECT = frozenset("members delegations countries others many several some number".split())


def _support_of_others(doc, sentence_start: int, index: int, actors, supporters) -> bool:
    """Whether the clause holding the noun "support" at token `index` has someone other than the speaker
    as its subject: "He observed that a number of Members had indicated support for …", "She recalled that
    the African Group had reaffirmed its support for …" (the speaker reports it, and may not share it)."""
    first = index
    while first > 0 and doc[first - 1].idx >= sentence_start and doc[first - 1].lower_ not in ("that", ",", ";", "while", "whereas"):
        first -= 1
    own = {name for supporter in supporters for name in supporter if name}  # the speaker and the group it speaks for
    if any(token.lower_ in _OTHERS_AS_SUBJECT for token in doc[first:index]):
        return True
    return any(first <= span.start < index and span.kb_id_ not in own for span in actors)


def _negated(doc, index: int) -> bool:
    if index >= 5 and doc[index - 5].lower_ == "not" and doc[index - 2].lower_ == "position":
        return True  # "was not in a position to support"
    return any(doc[i].lower_ in _NEGATION for i in range(max(0, index - 4), index))


def _targets(doc, first: int, sentence_end: int, actors) -> list[tuple[str, str | None, int]]:
    """(delegation, group it spoke for, end offset) named by the support phrase starting at token `first`."""
    by_start = {span.start: span for span in actors}
    # a document's symbol is part of the phrase: "the proposal contained in document WT/COMTD/W/208, as well as …"
    documents = {span.start: span.end for span in doc.spans["wto"] if span.label_ == "DOCUMENT"}
    adjectives = demonyms()
    targets: list[list] = []
    index = first
    while index < len(doc) and doc[index].idx < sentence_end and index - first < 45:
        span = by_start.get(index)
        token = doc[index]
        if span is not None:
            if targets and _follows_on_behalf(doc, index) and span.label_ == "GROUP":
                targets[-1][1] = span.kb_id_  # "Egypt on behalf of the African Group": Egypt spoke for the Group
            elif (not _GENERIC_GROUP.match(span.text) or _owns_position(doc, span)) and not (span.end < len(doc) and doc[span.end].lower_ == "round"):
                targets.append([span.kb_id_, None, span.end_char])
            index = span.end
            continue
        if index in documents:
            index = documents[index]
            continue
        word = token.lower_.replace("\u2011", "-")  # "co‑sponsor" with a non-breaking hyphen
        spoken_for = _organisation_spoken_for(doc, index) if targets and word == "on" else None
        if spoken_for:
            targets[-1][1], index = spoken_for  # "St. Kitts and Nevis on behalf of the OECS": a Member speaking for it
            continue
        if word == "for" and index + 1 < len(doc) and doc[index + 1].lower_ == "observer":
            index += 1  # "the application for observer status by"
            continue
        if word in _SPONSOR_WORDS and not any(target[0] == CO_SPONSORS for target in targets):
            targets.append([CO_SPONSORS, None, token.idx + len(token.text)])  # named by resolve_references
        if word in ("that", "which") and index + 1 < len(doc) and doc[index + 1].lower_ in _RELATIVE_AUXILIARIES:
            index += 2  # "the proposal that had been made by", "the concerns which were voiced by": the phrase goes on
            continue
        if word == "to" and index > first and index + 1 < len(doc) and doc[index + 1].lower_ in ("that", "those"):
            index += 2  # "a similar concern to that raised by Barbados"
            continue
        if word in _GROUP_ADJECTIVES and index + 1 < len(doc) and doc[index + 1].lower_ in _POSITION_NOUNS:
            targets.append([_GROUP_ADJECTIVES[word], None, token.idx + len(token.text)])  # "the LDC position"
        elif word in adjectives:
            targets.append([adjectives[word], None, token.idx + len(token.text)])
        elif word not in _PHRASE_WORDS and not (word in ("for", "to") and index == first and doc[first - 1].lower_ == "support") \
                and not (word == "for" and [t.lower_ for t in doc[max(0, index - 3) : index]] == ["as", "well", "as"]):
            break  # the phrase goes on over "…, as well as for the interventions by"
        index += 1
    return [tuple(target) for target in targets]


# Organisations of Members that a Member may speak for, which the enrich stage does not mark as groups.
_ORGANISATIONS = {"oecs": "OECS", "organisation of eastern caribbean states": "OECS", "organization of eastern caribbean states": "OECS",
                  "laia": "LAIA", "latin american integration association": "LAIA"}


def _organisation_spoken_for(doc, index: int) -> tuple[str, int] | None:
    """(organisation, token after it) for "on behalf of the OECS" starting at token `index`, else None."""
    words = [token.lower_ for token in doc[index : index + 9]]
    if words[:3] != ["on", "behalf", "of"]:
        return None
    start = 4 if len(words) > 3 and words[3] == "the" else 3
    for length in (5, 1):
        name = " ".join(words[start : start + length])
        if name in _ORGANISATIONS:
            return _ORGANISATIONS[name], index + start + length
    return None


def _owns_position(doc, span) -> bool:
    """Whether a group named by its members' status ("LDCs") is the owner of what is backed: "the concerns
    of LDCs", "the LDCs' position", not the subject of it ("market access for LDCs")."""
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    if after in _POSITION_NOUNS or (after in ("'", "'s", "’s", "’") and span.end + 1 < len(doc) and doc[span.end + 1].lower_ in _POSITION_NOUNS):
        return True
    return span.start >= 2 and doc[span.start - 1].lower_ == "of" and doc[span.start - 2].lower_ in _POSITION_NOUNS


def _follows_on_behalf(doc, index: int) -> bool:
    before = " ".join(token.lower_ for token in doc[max(0, index - 4) : index])
    return "behalf of" in before


def _unique(relations: list[Relation]) -> list[Relation]:
    seen, result = set(), []
    for relation in relations:
        key = (relation.supporter, relation.supported, relation.relation)
        if key not in seen:
            seen.add(key)
            result.append(relation)
    return result


@dataclass(frozen=True)
class Turn:
    """A paragraph as a turn of the meeting (Store.paragraph_contexts)."""

    paragraph_id: int
    symbol: str
    label: str
    agenda_item: str | None
    speaker: str | None
    speaker_kind: str | None
    on_behalf_of: str | None
    continues: bool = False  # the paragraph continues the previous turn (its speaker was inherited)

    @property
    def group(self) -> str | None:
        """The negotiating group the turn spoke for, in its one canonical form; None for a list of Members."""
        for name in (self.on_behalf_of or "").split("; "):
            actor = members.lookup(name) if name else None
            if actor is not None and actor.kind == "group":
                return actor.name
        return None

    @property
    def citation(self) -> str:
        return f"{self.symbol}, para. {self.label}"


def resolve_references(found: dict[int, list[Relation]], turns: list[Turn], texts: dict[int, str] | None = None) -> dict[int, list[Relation]]:
    """Read each relation against the turns before it: "the intervention by Benin" is Benin's latest turn
    in the same agenda item (else in the meeting), and when Benin spoke there on behalf of a group, the
    supporter backed that group's position (supported_on_behalf_of). "That statement" and "the previous
    speaker" become the speaker of the latest turn by another delegation in the agenda item; "the
    co-sponsors" and an unnamed "the proposal" become the proponents the agenda heading names (the
    co-sponsors also those an earlier paragraph of the item listed with their paper); with `texts`
    (paragraph id -> text), the proponents a paragraph of the item names in its words ("the proponents …
    – Brazil, China, India and the US –", "the proposal by Brazil, India and the US") come before the
    joint authors. Unresolved, they are dropped. Turns must be in document order; a relation's own
    paragraph counts as before it only for the supporter's own capacity and the proponents it names."""
    resolved: dict[int, list[Relation]] = {}
    earlier: list[Turn] = []
    meeting: list[Turn] = []  # every paragraph of the meeting so far, the Chairman's too
    authors: dict[tuple, list[str]] = {}  # (symbol, agenda item) -> the latest list of joint authors
    for turn in turns:
        if earlier and earlier[-1].symbol != turn.symbol:
            earlier = []
        if meeting and meeting[-1].symbol != turn.symbol:
            meeting = []
        meeting.append(turn)
        if turn.paragraph_id in found:
            item = (turn.symbol, turn.agenda_item)
            stated = _stated_in_item(meeting, texts) if texts and any(
                relation.supported in (CO_SPONSORS, THE_PROPOSAL) for relation in found[turn.paragraph_id]) else None
            text = texts.get(turn.paragraph_id, "") if texts else ""
            resolved[turn.paragraph_id] = _unique([new for relation in found[turn.paragraph_id]
                                                   for new in _resolve(relation, turn, earlier, authors.get(item), stated,
                                                                       _papers(relation, text))])
            if len(found[turn.paragraph_id]) >= 2:
                authors[item] = joint_authors(found[turn.paragraph_id]) or authors.get(item)
        if turn.speaker_kind in ("member", "group"):
            earlier.append(turn)
    return resolved


def _stated_in_item(meeting: list[Turn], texts: dict[int, str]) -> list[str] | None:
    """The proponents the latest paragraph of the current agenda item names in its words (the current
    paragraph first), or None."""
    item = meeting[-1].agenda_item
    for turn in reversed(meeting):
        if turn.agenda_item != item:
            break
        names = stated_proponents(texts.get(turn.paragraph_id, ""))
        if names:
            return names
    return None


# "the other proponents", "the other co-sponsors": a proponent backing the rest of them.
_OTHER = re.compile(r"\bother\b", re.IGNORECASE)
_PREVIOUS_COUNT = {PREVIOUS_SPEAKER: 1, **{previous_speakers(count): count for count in (2, 3, 4, 5)}}


def _papers(relation: Relation, text: str) -> Papers:
    """The papers (symbols) whose proponents "the proponents"/"the proposal" of `relation` means."""
    if relation.supported not in (CO_SPONSORS, THE_PROPOSAL) or not text:
        return Papers()
    start = text.find(relation.evidence[:60])
    return named_papers(text, start, start + len(relation.evidence)) if start >= 0 else Papers()


def _resolve(relation: Relation, turn: Turn, earlier: list[Turn], authors: list[str] | None = None,
             stated: list[str] | None = None, papers: Papers = Papers()) -> list[Relation]:
    if relation.supported in (CO_SPONSORS, THE_PROPOSAL):
        proponents = list(heading_proponents(turn.agenda_item, papers))
        if not proponents and stated:
            proponents = [(name, None) for name in stated]
        if not proponents and relation.supported == CO_SPONSORS:
            proponents = [(name, None) for name in authors or ()]
        if relation.supporter in {name for name, _ in proponents} and not _OTHER.search(relation.evidence):
            return []  # a proponent speaking of its own proposal ("China and the US had joined as co-sponsors")
        return [new for name, group in proponents if name != relation.supporter
                for new in _resolve(Relation(relation.supporter, relation.supporter_on_behalf_of, name, group,
                                             relation.relation, relation.evidence), turn, earlier)]
    in_item = [t for t in reversed(earlier) if t.agenda_item == turn.agenda_item]
    if relation.supported in _PREVIOUS_COUNT:
        wanted = _PREVIOUS_COUNT[relation.supported]
        speakers: list[Turn] = []
        for previous in in_item:
            if previous.speaker != relation.supporter and previous.speaker not in [t.speaker for t in speakers]:
                speakers.append(previous)
            if len(speakers) == wanted:
                break
        if len(speakers) < wanted:
            return []
        return [Relation(relation.supporter, relation.supporter_on_behalf_of, t.speaker, t.group, relation.relation,
                         relation.evidence, t.citation) for t in speakers]
    actor = members.lookup(relation.supported)
    if relation.supported_on_behalf_of or actor is None or actor.kind == "group":
        return [relation]
    in_meeting = [t for t in reversed(earlier) if t.agenda_item != turn.agenda_item]
    for previous in in_item + in_meeting:
        if previous.speaker == relation.supported:
            return [Relation(relation.supporter, relation.supporter_on_behalf_of, relation.supported, previous.group,
                             relation.relation, relation.evidence, previous.citation)]
    return [relation]
