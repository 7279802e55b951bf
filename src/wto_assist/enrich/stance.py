"""A Member turn's stance on what it discusses: supports, opposes, has reservations, asks questions, neutral.

Minutes report positions through a small set of reporting verbs and cues: "could not support",
"objected to", "was not in a position to agree", "suggested that the decision be postponed" (opposes);
"had difficulties with", "was not convinced", "reserved its position", a condition ("provided that",
"on the condition that", "without prejudice to"), an amendment asked for ("suggested that the word … be
deleted") (has reservations); "sought clarification", "asked whether" (asks questions); "supported",
"welcomed", "looked forward to", "found the paper very useful", "had no objection" (supports). A turn
with none of them is neutral (a report, thanks, information). The whole turn is read: the paragraph and
those that continue it. Opposition and reservations outweigh the courtesies that usually precede them
("While welcoming the proposal, his delegation had difficulties with…"); between support and questions
the first cue of the turn decides, as the minutes open a turn with what the delegation mainly did. An
objection the speaker reports of others ("urged those opposed to reconsider", "regretted that several
Members could not join the consensus") is not the speaker's. The evidence is the sentence that holds
the deciding cue.

The definitions are the second reader's (tests/data/ctd-heldout-labels.md): support is approval
overall, even with suggestions, so approval stated by what the delegation would do ("could adopt",
"saw no reason not to agree") or by how it judges the text ("was supportive", "in the right direction")
counts, and a turn that states no position but puts a course forward ("suggested choosing two or three
organizations", "the CTD should…") supports that course; reservations include a part the text lacks or
should change ("not included in", "should be reflected", "with the addition of", "one clear omission")
and a discussion to be suspended; a block stated with a modal ("would have difficulty in agreeing to",
"not prepared to grant") opposes; what a request for clarification asks about ("why the OECS was not
included") is no objection. A turn that only backs other delegations stands where they stood when all of
them opposed or had reservations (follow_backed). Tuned on tests/data/ctd-stance-tuning.jsonl (meetings
24-40), in the second round on the second reader's labels of meetings 41-56, in the third on the blind
labels of meetings 61-80; the held-out measure is the third blind set (meetings 81-100) in
benchmarks/bench_relations.py.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from .relations import sentences

STANCES = ("supports", "opposes", "has reservations", "asks questions", "neutral")

_NOT = r"\b(?:(?:could|can|would|will|did|does|do|was|were|is|are)(?:\s+not|n[’']t)|cannot|unable\s+to|not\s+able\s+to)"
# (stance, words one of which a sentence must hold for the pattern to be tried, pattern). Lists are read in
# this order and a cue inside an earlier cue's span is not read again: "had no difficulty with" supports,
# "could not support" opposes, "would prefer that the decision be postponed" is a reservation, not a block.
_CUES = [
    ("supports", ("no ", "support", "accept", "agree", "go along", "join", "position", "reason", "remain", "taken off", "removed", "replaced"),
     r"\b(?:had|has|have|saw|raised)\s+no\s+(?:\w+\s+)?(?:objections?|difficult(?:y|ies)|problems?)\b|\bno\s+problems?\s+with\b"
     r"|\b(?:could|can|would)\s+(?:support|accept|agree|go\s+along|join)|\bwilling\s+to\s+(?:join|accept|support|agree|go\s+along)"
     r"|(?<!not\s)\bin\s+a\s+position\s+to\s+(?:support|accept|agree|join|endorse)"
     # the item kept on the agenda; the span runs over the clause so that "to be removed" in it is not read
     r"|" + _NOT + r"\s+(?:\w+\s+){0,2}?(?:agree|accept)\b[^.;]{0,120}?\b(?:taken\s+off|removed\s+from|replaced\s+by)\b"
     r"|\b(?:saw\s+no|did\s+not\s+see\s+any|did\s+not\s+see\s+a)\s+reason\s+(?:why|for|to)\b[^.;]{0,100}"
     r"|\b(?:wanted|wished|requested|asked\s+for)\s+(?:that\s+)?(?:this|the)\s+(?:present\s+)?(?:sub-?)?item\s+(?:to\s+)?remain\s+on\b"),
    ("has reservations", ("not ", "postpon", "prejudice", "condition", "provided", "as long as", "subject to", "reserv"),
     r"\b(?:did|would|will|could|does)\s+not\s+oppose\b|\bprefer\w*\s+(?:\w+\s+){0,8}?postpon\w*"
     r"|\bwithout\s+prejudice\b|\bon\s+(?:the\s+)?condition\s+that\b|(?<!clause\s)(?<!article\s)(?<!\btm\s)(?<!mechanism\s)(?<!decision\s)(?<!agreement\s)\bprovided\s+that\b|\bprovided\s+(?:further\s+)?\w+\s+(?:was|were)\s+provided\b"
     r"|\bas\s+long\s+as\b|\bsubject\s+to\s+(?:the\s+)?(?:condition|understanding|agreement)|\breserved\s+(?:its|his|her|their)\s+position\b"),
    ("opposes", ("not ", "n't", "n’t", "cannot", "unable", "oppos", "object", "reject", "against", "disagree", "block", "instructions", "postpon",
                 "defer", "later stage", "difficult", "wait", "agenda"),
     rf"{_NOT}\s+(?!only\b|have\s+to\b|need\s+to\b)(?:\w+\s+){{0,2}}?(?:support|accept|agree|endorse|join\s+(?:the\s+|a\s+)?consensus|go\s+along)\b"
     r"|\bnot\s+in\s+a\s+position\s+to\s+(?:support|accept|agree|join|endorse|approve|take\s+a\s+decision|go\s+along)"
     r"|\bopposed?\b|\b(?:its|his|her|their)\s+opposition\s+to\b|\bobject(?:ed|s)?\s+to\b|\brejected\b|\bwas\s+against\b"
     r"|\bnot\s+in\s+favou?r\b|\bdisagreed\b|\bblock(?:ed)?\s+(?:the\s+)?consensus\b|\bno\s+(?:specific\s+)?instructions\b"
     r"|\b(?:be|was|were)\s+(?:postponed|deferred)\b|\bpostpone\s+(?:the\s+|a\s+|its\s+)?(?:consideration|decision|adoption)"
     r"|\b(?:taken\s+up|considered|decided)\s+at\s+a\s+later\s+stage"
     # a block stated with a modal: agreeing now is what the delegation cannot do
     r"|\b(?:would|will)\s+have\s+(?:some\s+|great\s+|serious\s+)?difficult(?:y|ies)\s+(?:in\s+(?:agreeing|accepting|supporting|approving|joining)|with\s+(?:such|this|that|the)\s+(?:an\s+)?(?:approach|proposal|suggestion|request))\b"
     r"|\bnot\s+(?:yet\s+)?prepared\s+to\s+(?:grant|agree|accept|approve|support|join|take)\b"
     r"|\b(?:would|will)\s+have\s+to\s+wait\b"
     # the item under discussion taken off the agenda
     r"|\b(?:be|being)\s+(?:removed|taken\s+off|deleted)\s+from\s+the\s+(?:\w+\s+)?agenda\b"),
    ("has reservations", ("difficult", "not ", "concern", "reserv", "doubt", "misgiving", "eptic", "hesitant", "cautio", "premature", "question",
                          "suggested", "should be", "delet", "replaced", "examine", "enriched", "forgotten", "inconsisten", "problem",
                          "time to", "reflect", "included in", "added in", "incorporated in", "mentioned in", "revised", "omission",
                          "lacking", "balance", "to add", "addition", "reconsideration", "to see", "preferred", "no need", "put aside",
                          "concerns had", "amendment", "concerned", "suspend", "have to be", "need to be",
                          "inconsisten", "left out", "lack of"),
     r"\bdifficult(?:y|ies)\s+(?:with|about|regarding)\b|\bhad\s+(?:some\s+|serious\s+|certain\s+|a\s+number\s+of\s+)?difficult(?:y|ies)\b"
     r"|\bnot\s+in\s+a\s+position\s+to\b|\b(?:had|has|have|expressed|raised)\s+(?:some\s+|serious\s+|certain\s+|strong\s+|a\s+number\s+of\s+|several\s+|a\s+few\s+)?"
     r"(?:concerns?|reservations?|doubts?|misgivings)\b|\bconcerns?\s+(?:still\s+)?remained\b|\breservations?\s+(?:about|on|regarding|with)\b"
     r"|\b(?:was|were|remained)\s+(?:still\s+)?(?:not\s+(?:yet\s+)?(?:convinced|persuaded|certain|sure)|sceptical|skeptical|hesitant|cautious|not\s+ready)\b"
     r"|\bnot\s+(?:yet\s+)?(?:convinced|persuaded)\b|\bnot\s+(?:certain|sure)\s+(?:that|whether|if)\b"
     r"|\bcautioned\b|\bpremature\b|\bquestioned\s+(?:whether|the\s+need|the\s+usefulness|the\s+value)\b"
     r"|\bnot\s+(?:yet\s+)?ready\b|\bcould\s+not\s+see\s+(?:the\s+)?(?:need|value|merit)\b"
     # an amendment asked for before the text is accepted
     r"|\bsuggested\s+(?:that\s+)?(?:the\s+)?(?:word|words|text|title|language|reference|phrase)\b"
     r"|\bshould\s+be\s+(?:deleted|amended|replaced|redrafted|re-?examined)\b|\bbe\s+(?:deleted|replaced\s+by)\b"
     r"|\b(?:proposed|requested)\s+(?:the\s+)?deletion\b|\bre-?examine\s+the\b|\bcould\s+be\s+enriched\b"
     r"|\bhad\s+been\s+forgotten\b|\bdid\s+not\s+provide\s+an\s+adequate\b|\binconsistenc(?:y|ies)\b|\bleft\s+out\b|\black\s+of\s+(?:transparency|clarity|consultation)\b|\bnot\s+the\s+best\b"
     r"|\bdid\s+not\s+recogni[sz]e\b|\b(?:a|slight|some)\s+problems?\s+with\b"
     r"|\bmore\s+time\s+to\s+(?:study|consider|reflect|examine|think)\b|\btime\s+to\s+think\b|\bneed\s+to\s+reflect\b"
     # what the text lacks or should change: an amendment asked for, or a part objected to
     r"|\b(?:be|been|being)\s+(?:included|reflected|added|incorporated|mentioned)\s+in\s+(?:the\s+|a\s+|its\s+)?(?:revised\s+|future\s+|next\s+)?(?:version|paper|document|plan|programme|text|report|draft)"
     r"|\ba\s+revised\s+(?:version\s+of\s+the\s+)?(?:paper|document|text|draft)\b|\bomission\b|\blacking\b|\bimbalances?\b|\black\s+of\s+balance\b"
     r"|\b(?:were|was)\s+not\s+(?:included|reflected|covered|priorities|a\s+priority)\b|\bproposed\s+to\s+add\b|\bwith\s+the\s+addition\s+of\b"
     r"|\b(?:needed|required|deserved)\s+reconsideration\b|\bwould\s+have\s+(?:wished|liked|preferred)\s+to\s+see\b|\bpreferred\s+to\s+(?:have|see)\b"
     r"|\bdid\s+not\s+see\s+(?:the\s+)?(?:rationale|need|reason|logic)\b|\b(?:was|were)\s+not\s+(?:necessary|needed|appropriate|justified)\b"
     r"|\bno\s+need\s+(?:for|to)\b|\bput\s+aside\b"
     r"|\b(?:his|her|its|their)\s+concerns\s+had\s+been\b|\b(?:was|were)\s+not\s+against\b|\bamendments?\s+(?:proposed|were|was|to\s+the)\b"
     r"|\bshould\s+be\s+reflected\b"
     r"|\bnot\s+(?:been\s+)?(?:included|reflected|covered)\s+in\b"
     r"|\bsuspend(?:ed)?\s+(?:its|the)\s+(?:discussion|consideration)|\b(?:would|will)\s+(?:have|need)\s+to\s+be\s+(?:addressed|amended|revised|changed|corrected)\b"
     r"|\breserved\s+(?:the|its)\s+right\b(?!\s+to\s+(?:comment|make\s+(?:further\s+)?comments|revert|come\s+back|return))"
     r"|\bconcerned\s+(?:with|about|by)\s+the\s+(?:changes?|amendments?|proposals?|language|text|approach|methodology|lack\s+of\s+balance|imbalance|inclusion|scope)\b"
     r""),
    ("asks questions", ("sought", "clarif", "explan", "details", "information", "asked", "wonder", "nquir", "queri", "know", "question",
                        "confirmation", "could provide"),
     r"\bsought\s+(?:some\s+)?clarifications?\b|\b(?:asked|requested|sought)\s+(?:\w+\s+){0,3}?(?:clarifications?|explanations?|details)\b"
     r"|\b(?:asked\s+for|sought|requested)\s+(?:more\s+|further\s+|additional\s+)?(?:information|details)\b"
     r"|\basked\s+(?!(?:other\s+|all\s+)?(?:delegations|members)\b)(?:[\w.]+\s+){0,3}?(?:whether|if|what|how|why|when|which|who|about|for\s+a)\b"
     r"|\bwondered\b|\b(?:enquired|inquired|queried)\b|\b(?:would|wished\s+to)\s+(?:like\s+to\s+)?know\b"
     r"|\bhad\s+(?:a\s+|some\s+|two\s+|three\s+|a\s+few\s+|a\s+number\s+of\s+|several\s+)?(?:questions?|queries)\b"
     r"|\b(?:additional|further)\s+questions\b|\b(?:asked\s+for|sought|requested)\s+(?:a\s+)?confirmation\b"
     r"|\bwould\s+be\s+(?:\w+\s+)?(?:useful|helpful)\s+if\s+the\s+\w+\s+could\s+(?:provide|explain|clarify)\b|\bposed\s+(?:a\s+)?questions?\b"
     r"|\basked\s+(?:a\s+|some\s+|two\s+|several\s+|a\s+number\s+of\s+)?(?:questions?|queries)\b"
     r"|\basked\s+the\s+secretariat\s+to\s+(?:provide|inform|explain|clarify|indicate|give)\b"
     r"|\bcurious\s+to\s+know\b|\basked\s+(?:the\s+)?\w+(?:\s+\w+)?\s+(?:delegation\s+)?(?:for|to\s+(?:explain|clarify))\b"),
    ("supports", ("support", "endors", "welcom", "favo", "associat", "agree", "concur", "join", "pleased", "commend", "backed", "backing",
                  "congratulat", "delighted", "urged", "called", "shared", "merit", "forward to", "good", "excellent", "comprehensive",
                  "useful", "helpful", "valuable", "constructive", "interesting", "informative", "appreciation", "thanked", "importance",
                  "the need", "relevance", "urgency", "could adopt", "can adopt", "would adopt", "to adopt", "could approve",
                  "can approve", "would approve", "to approve", "no reason", "no obstacle", "happy", "glad",
                  "appreciated", "high time", "outstanding", "balanced", "important", "vital", "essential", "laudable", "appropriate",
                  "worthwhile", "shared the concern", "full agreement", "right direction", "progress had", "improvement"),
     r"\bsupport(?:ed|s)?\b|\bendorsed?\b|\bwelcomed?\b|\b(?:was|were|is|are|remained|spoke)\s+(?:\w+\s+)?in\s+favou?r\s+of\b|\bfavou?red\b"
     r"|\bfavou?rabl[ey]\b|\bwith\s+favou?r\b|\bassociated\s+(?:itself|himself|herself)\b"
     r"|\bagreed\s+with\b|\bconcurred\b|\bjoined\s+(?:the\s+)?(?:consensus|previous)\b|\bjoin\s+the\s+consensus\b|\bwas\s+pleased\b"
     r"|\bcommended\b|\bbacked\b|\bbacking\b|\bdelighted\b"
     r"|\bassociated\s+(?:\w+\s+){0,2}?with\b|\burged\b|\bcalled\s+(?:on|upon)\b|\bspoke\s+in\s+favour\b"
     r"|\bshared\s+the\s+views?\b|\bagreed\s+that\b|\b(?:was|were)\s+(?:\w+\s+)?merit\b|\bmerit\s+in\b"
     r"|\blooked\s+forward\s+to\s+(?:its|the|an|a)\s+(?:\w+\s+)?(?:adoption|approval|implementation)\b"
     r"|\b(?:a\s+)?good\s+(?:basis|source)\b|\b(?:very|extremely|particularly|most|highly)\s+(?:useful|helpful|valuable)\b"
     r"|\bfound\s+(?:it|the\s+\w+)\s+(?:to\s+be\s+)?(?:\w+\s+)?(?:useful|helpful|valuable)\b|\bwould\s+be\s+useful\s+for\b"
     r"|\b(?:good|excellent|comprehensive|useful|valuable|constructive|interesting|informative)\s+(?:\w+\s+)?(?:paper|document|note|report|proposal|work|basis|contribution|analysis|initiative)\b"
     r"|\bappreciation\s+(?:for|of)\s+the\s+(?:initiative|gesture|notification|proposal|paper|scheme|submission)\b"
     r"|\bthanked\s+(?!the\s+secretariat|the\s+chair)(?:[\w.]+\s+){1,3}?for\s+(?:the\s+|its\s+|their\s+|his\s+|her\s+)?(?:notifying|notification|initiative|proposal|submission|communication|scheme|contribution|gesture)\b"
     r"|\b(?:stressed|underlined|emphasi[sz]ed|highlighted|underscored|reiterated)\s+the\s+(?:importance|need|relevance|urgency)\b"
     # approval stated by what the speaker would do or sees no reason against, or by how it judges the text
     r"|\bsupportive\b|\b(?:could|can|would|was\s+willing\s+to|was\s+ready\s+to)\s+(?:adopt|approve)\b|\bsaw\s+no\s+(?:reason|obstacle)\b"
     r"|\bno\s+obstacle\b|\b(?:was|were)\s+(?:\w+\s+)?(?:happy|glad)\b|\bappreciated\s+(?:the|its|their|his|her|that)\b|\bmerited\b"
     r"|\bhigh\s+time\b|\boutstanding\s+(?:\w+\s+)?(?:attempt|work|paper|document|effort)\b|\b(?:neutral\s+and\s+)?balanced\s+(?:way|overview|manner|treatment|paper|document)\b"
     r"|\b(?:was|were|is)\s+(?:a\s+)?(?:very\s+|extremely\s+|highly\s+|particularly\s+|most\s+|also\s+)?(?:useful|helpful|valuable|laudable|(?:important|vital|essential|appropriate|interesting)(?!\s+(?:to|that|for|in|as)\b))\b"
     r"|\b(?:would|could)\s+be\s+(?:very\s+|most\s+|extremely\s+)?(?:useful|helpful|valuable|worthwhile)\b"
     r"|\bshared\s+the\s+concerns?\s+(?:expressed|raised|voiced)\b|\bin\s+full\s+agreement\b|\blooked\s+forward\s+to\s+working\b"
     r"|\bin\s+the\s+right\s+direction\b|\bprogress\s+had\s+been\s+made\b|\b(?:substantial|significant|considerable)\s+improvement\b"),
]
# A course of action put forward: support for it when the turn states no position otherwise.
_PROPOSES = re.compile(r"\b(?:suggest(?:ed|ion)|propos(?:ed|al)|should|could|would|wished\s+to|might)\b")
# Matched on the lower-cased text: several times faster than IGNORECASE over the corpus (bench_relations.py).
_PATTERNS = [(stance, gate, re.compile(pattern)) for stance, gate, pattern in _CUES]
_OUTWEIGHS = ("opposes", "has reservations")
# The lists read first are those that can outweigh; a turn that opposes or has reservations is decided
# without the support and question cues. Each gate word is looked for once per phase, for all its lists.
_PHASES = []
for _lists in ((0, 1, 2, 3), (4, 5)):
    _words: dict[str, list[int]] = {}
    for _number in _lists:
        for _word in _PATTERNS[_number][1]:
            _words.setdefault(_word, []).append(_number)
    # A gate word holding a shorter one that opens the same lists finds no other sentence: one find less per turn.
    _PHASES.append(tuple((word, numbers) for word, numbers in _words.items()
                         if not any(other != word and other in word and set(numbers) <= set(lists)
                                    for other, lists in _words.items())))
# "Support" that is someone else's, or a subject rather than a position: "technical support", "support measures".
_NOT_A_POSITION = re.compile(r"(?:technical|financial|trade|budgetary|domestic|income|price|export|order\s+to)\s+$")
# An objection reported of others earlier in its sentence: "urged those opposed", "regretted that several
# Members could not join the consensus", "was surprised by the reservations that had been expressed".
_OTHERS = re.compile(r"\b(?:those|others|several\s+members|some\s+members|some\s+delegations|delegations\s+that(?!\s+(?:he|she)\s+represented)|members\s+that(?!\s+(?:he|she)\s+represented)"
                     r"|surprised|puzzled|bewildered)\b")
_OTHERS_WORDS = ("those", "others", "members", "delegations", "surprised", "puzzled", "bewildered")
# A request for clarification earlier in the sentence: what follows in it is asked about, not objected to.
_QUESTION = re.compile(r"\b(?:clarification|explanation)\s+(?:as\s+to|on|of|about|regarding|why|whether|how)\b")
# What a support cue backs when it is only a step of procedure: an informal meeting or consultations.
_PROCEDURE = re.compile(r"[^.;]{0,90}?\b(?:informal\b[\w\s,-]{0,30}?\b(?:meeting|consultations?)|consultations?\s+to\s+explore)\b")
# A cue the speaker negates: "which was not very useful", "did not wish it to be postponed".
_NEGATED = re.compile(r"\bnot\s+(?:\w+\s+){0,3}$")
# Not after "U.S." or "Mr.": the minutes' abbreviations are no sentence end.
_SENTENCE_END = re.compile(r"(?<=[.;])(?<!\.[A-Z]\.)(?<!\bMr\.)(?<!\bNo\.)(?<!\bSt\.)\s+(?=[A-Z\"“(])")


@dataclass(frozen=True)
class Stance:
    member: str
    on_behalf_of: str | None
    stance: str
    cue: str | None
    evidence: str


def turn_stances(paragraphs: list[tuple], texts: dict[int, str], relations: dict[int, list] | None = None) -> dict[int, list[Stance]]:
    """The stance of each turn, given to every paragraph of it (member_turns). `paragraphs`: relations.Turn
    records in document order; `texts`: paragraph id -> text; `relations` (paragraph id ->
    relations.Relation), when given: a turn whose position is its backing of other delegations ("associated
    her delegation with the interventions by the US, Canada and the EC") takes the stance of the turns it
    backed (follow_backed)."""
    found: dict[int, list[Stance]] = {paragraph.paragraph_id: [] for paragraph in paragraphs if paragraph.paragraph_id in texts}
    for own, joined in member_turns(paragraphs, texts):
        stance, span = classify(joined)
        evidence = _evidence(joined, span) if span else _sentence_at(joined, 0)[1][:300]
        record = Stance(own[0].speaker, own[0].on_behalf_of, stance, joined[span[0] : span[1]] if span else None, evidence.strip())
        for t in own:
            found[t.paragraph_id] = [record]
    return follow_backed(found, paragraphs, relations) if relations else found


def member_turns(paragraphs: list, texts: dict[int, str]):
    """(the turn's paragraphs by its speaker, their joined text) for each Member or group turn: a turn is a
    Member's paragraph and the paragraphs that continue it ("He went on to say…"), where the minutes often
    state the position. Also what benchmarks/bench_stance_classifier.py reads."""
    turn: list = []

    def closed():
        if turn and turn[0].speaker_kind in ("member", "group") and turn[0].speaker:
            own = [t for t in turn if t.speaker == turn[0].speaker]
            yield own, " ".join(texts[t.paragraph_id] for t in own)

    for paragraph in paragraphs:
        if paragraph.paragraph_id not in texts:
            continue
        # A paragraph with no speaker inside a turn (a clause the text lost its marker for) does not end it:
        # the next one that continues the speaker's turn still belongs to it.
        continues = (turn and paragraph.symbol == turn[-1].symbol
                     and ((paragraph.continues and paragraph.speaker == turn[0].speaker)
                          or (paragraph.speaker is None and paragraph.speaker_kind is None and turn[0].speaker_kind in ("member", "group"))))
        if not continues:
            yield from closed()
            turn = []
        turn.append(paragraph)
    yield from closed()


def follow_backed(found: dict[int, list[Stance]], paragraphs: list, relations: dict[int, list]) -> dict[int, list[Stance]]:
    """A turn whose deciding cue backs other delegations' statements stands where they stood: when every
    backed delegation's latest turn in the same agenda item opposes or has reservations, so does the turn
    ("supported the interventions by the US, Canada, the EC and Australia" after they objected). Read in
    document order, so that a chain of such turns follows its first."""
    latest: dict[tuple, str] = {}  # (symbol, agenda item, Member) -> stance of its latest turn
    replaced: dict[int, Stance] = {}  # id() of a turn's record -> the record it becomes
    for paragraph in paragraphs:
        records = found.get(paragraph.paragraph_id)
        if not records:
            continue
        record = replaced.get(id(records[0]), records[0])
        if id(records[0]) not in replaced and record.stance == "supports" and paragraph.paragraph_id in relations:
            item = (paragraph.symbol, paragraph.agenda_item)
            backed = [latest.get((*item, relation.supported)) for relation in relations[paragraph.paragraph_id]
                      if relation.supporter == record.member and relation.evidence[:60] in record.evidence]
            if backed and all(stance in _OUTWEIGHS for stance in backed):
                stance = "opposes" if "opposes" in backed else "has reservations"
                record = Stance(record.member, record.on_behalf_of, stance, record.cue, record.evidence)
            replaced[id(records[0])] = record
        found[paragraph.paragraph_id] = [record]
        latest[(paragraph.symbol, paragraph.agenda_item, record.member)] = record.stance
    return found


def classify(text: str) -> tuple[str, tuple[int, int] | None]:
    """(stance, the deciding cue's span in `text`) for one turn's text."""
    folded = text.lower()
    if len(folded) != len(text):  # a character whose lower case is longer would shift every offset
        folded = text
    bounds = sentences(text, _SENTENCE_END)
    starts = [start for start, _ in bounds]
    first: dict[str, tuple[int, int]] = {}
    taken: dict[int, list[tuple[int, int]]] = {}  # per sentence, spans of earlier cues: "could not support" is not also "support"
    for phase in _PHASES:
        for sentence, numbers in sorted(_candidates(folded, bounds, starts, phase).items()):
            start, end = bounds[sentence]
            spans = taken.setdefault(sentence, [])
            for number in sorted(numbers):
                stance, _, pattern = _PATTERNS[number]
                for match in pattern.finditer(folded, start, end):
                    if any(s <= match.start() < e for s, e in spans):
                        continue
                    spans.append(match.span())
                    earlier = stance not in first or match.start() < first[stance][0]
                    if earlier and _speakers_own(stance, match, folded, start):
                        first[stance] = match.span()
        for stance in _OUTWEIGHS:  # the support and question cues of the second phase cannot change this
            if stance in first:
                return stance, first[stance]
    if first:
        stance, span = min(first.items(), key=lambda item: item[1][0])
        return stance, span
    # No reporting verb of a position, but the turn says what should be done: the delegation backs the
    # course it proposes ("suggested choosing two or three organizations", "the CTD should continue to…").
    weak = _PROPOSES.search(folded)
    if weak:
        return "supports", weak.span()
    return "neutral", None


def _candidates(folded: str, bounds, starts, phase) -> dict[int, set[int]]:
    """Sentence -> the lists of cues (of this phase) to try on it: those whose gate words it holds. Found
    with str.find, many times faster than a regular expression that opens with a word boundary."""
    wanted: dict[int, set[int]] = {}
    for word, numbers in phase:
        at = folded.find(word)
        while at != -1:
            sentence = bisect_right(starts, at) - 1
            wanted.setdefault(sentence, set()).update(numbers)
            at = folded.find(word, max(at + 1, bounds[sentence][1]))  # the next sentence holding the word
    return wanted


def _speakers_own(stance: str, match, folded: str, sentence_start: int) -> bool:
    """Whether a cue states the speaker's own position: not "technical support", not one it negates ("was
    not very useful"), not an objection it reports of others."""
    before = folded[max(sentence_start, match.start() - 30) : match.start()]
    if stance == "supports" and _NOT_A_POSITION.search(before):
        return False
    if stance == "supports" and _PROCEDURE.match(folded, match.end()):
        return False  # backing a step of procedure ("the Chairman's initiative to hold an informal meeting"), not the matter
    if "not" in before and "not" not in match.group() and _NEGATED.search(before):
        return False
    if stance in _OUTWEIGHS:
        earlier = folded[sentence_start : match.start()]
        if any(word in earlier for word in _OTHERS_WORDS) and _OTHERS.search(earlier):
            return False
        if _QUESTION.search(earlier):
            return False  # what is asked about: "requested clarification as to why the OECS was not included"
    return True


def _evidence(text: str, span: tuple[int, int]) -> str:
    """The sentence holding the cue, cut to 300 characters around the cue when longer."""
    start_of_sentence, sentence = _sentence_at(text, span[0])
    if len(sentence) <= 300:
        return sentence
    start = max(0, span[0] - start_of_sentence - 120)
    return sentence[start : start + 300].strip()


def _sentence_at(text: str, offset: int) -> tuple[int, str]:
    """(start, sentence) of the sentence holding `offset`."""
    start = 0
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.start() >= offset:
            return start, text[start : boundary.start()]
        start = boundary.end()
    return start, text[start:]
