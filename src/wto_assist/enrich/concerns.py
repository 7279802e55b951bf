"""Trade concerns raised about a Member's measure, read from minutes at enrichment.

The form is the one Goods Council, SPS and TBT minutes use: "The representative of Australia raised
a concern regarding China's anti-dumping duties on imports of barley (HS 1003)…", "…expressed concern
about the import ban on beef maintained by Indonesia (G/SPS/N/IDN/123)". A concern needs a delegation
raising it, a verb of concern, a measure word (ban, duties, requirement…) and the Member whose measure
it is (possessive, "maintained/imposed/applied by", "of", or an adjective such as "Chinese"). A
sentence that backs someone else's concern ("shared the concern raised by Australia") is a support
relation (enrich/relations.py), not a new concern.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from .. import members
from ..documents.symbols import SYMBOL_IN_TEXT
from .relations import demonyms, sentence_supporters, sentences

# "Concerned" only as a state ("was deeply concerned"): "the second question concerned the issue" is no concern.
_CUE = re.compile(r"\b(?:concerns?|(?:was|were|is|are|remained|deeply|very|particularly)\s+concerned|worries|worried|worry)\b", re.IGNORECASE)
_BACKING = re.compile(r"\b(?:support\w*|shar\w+|associat\w+|echo\w*|endors\w+|join\w*)\b[^.;]{0,40}\bconcerns?\b", re.IGNORECASE)
_MEASURE = re.compile(
    r"\b(?:bans?|restrictions?|measures?|requirements?|regulations?|tariffs?|quotas?|duty|duties|licensing|licences?|prohibitions?"
    r"|suspensions?|standards?|procedures?|decrees?|laws?|surcharges?|levies|levy|certification|labelling|labeling|subsid(?:y|ies)"
    r"|controls?|limits?|embargo|safeguards?|anti-dumping|countervailing)\b",
    re.IGNORECASE,
)
# One of these is in every word _MEASURE matches (lower case).
_MEASURE_STEMS = ("ban", "restriction", "measure", "requirement", "regulation", "tariff", "quota", "dut", "licen", "prohibition",
                  "suspension", "standard", "procedure", "decree", "law", "surcharge", "lev", "certification", "label", "subsid",
                  "control", "limit", "embargo", "safeguard", "anti-dumping", "countervailing")
# A Member's adjective within three words of a measure word: "the Indonesian labelling requirements".
_ADJECTIVE_MEASURE = re.compile(r"\b([A-Z][a-z]+)\s+(?:[\w-]+\s+){0,2}?(?=(?i:" + _MEASURE.pattern + "))")
_OBJECT = re.compile(r"\b(?:about|regarding|over|concerning|on|with\s+respect\s+to|in\s+relation\s+to|relating\s+to|with)\s+", re.IGNORECASE)
_OWNER_VERB = re.compile(r"\b(?:maintained|imposed|applied|introduced|adopted|implemented|notified|taken)\s+by\s+(?:the\s+)?$", re.IGNORECASE)
_PRODUCTS = re.compile(r"\b(?:imports?|exports?|trade)\s+(?:of|in)\s+(?P<products>[a-z][\w -]{2,60}?)(?=\s*(?:\(|,|;|\.|from|into|to|by|$))", re.IGNORECASE)
_HS = re.compile(r"\bHS\s*(?:codes?|headings?|subheadings?|chapters?)?\s*(\d{2,8}(?:\.\d{1,4})?(?:\s*(?:,|and)\s*\d{2,8}(?:\.\d{1,4})?)*)", re.IGNORECASE)


@dataclass(frozen=True)
class Concern:
    concern_id: str  # stable across re-ingestion: derived from the document, Members and words
    raised_by: str
    raised_on_behalf_of: str | None
    target: str
    measure: str
    products: str | None
    hs_codes: str | None
    notifications: str | None
    evidence: str


def find_concerns(text: str, symbol: str, speaker: str | None, speaker_kind: str | None, on_behalf_of: str | None) -> list[Concern]:
    if ("oncern" not in text and "orr" not in text) or not _CUE.search(text):
        return []  # the substring test first: a regular expression over every paragraph costs more than the rest
    folded = text.lower()
    if not any(stem in folded for stem in _MEASURE_STEMS):
        return []  # each sentence is held to _MEASURE below; this only skips paragraphs that cannot match
    found = []
    for start, end in sentences(text):
        sentence = text[start:end]
        cue = _CUE.search(sentence)
        if cue is None or _BACKING.search(sentence) or not _MEASURE.search(sentence):
            continue
        if _owner(sentence, cue.end(), None) is None:
            continue  # cheap test first: most sentences of concern name no Member's measure
        raisers = sentence_supporters(sentence) or ([(speaker, on_behalf_of)] if speaker_kind in ("member", "group") else [])
        if not raisers:
            continue
        raiser, behalf = raisers[0]
        target = _owner(sentence, cue.end(), raiser)
        if target is None:
            continue
        measure = _measure(sentence, cue.end())
        products = _PRODUCTS.search(sentence)
        hs_codes = ", ".join(match.group(1) for match in _HS.finditer(sentence)) or None
        notifications = ", ".join(dict.fromkeys(m.group(0).rstrip(".") for m in SYMBOL_IN_TEXT.finditer(sentence))) or None
        key = f"{symbol}|{raiser}|{target}|{measure.lower()}"
        found.append(Concern(hashlib.sha1(key.encode("utf-8")).hexdigest()[:12], raiser, behalf, target, measure,
                             products.group("products").strip() if products else None, hs_codes, notifications, sentence[:400]))
    return found


def _owner(sentence: str, after: int, raiser: str | None) -> str | None:
    """The Member whose measure it is, named after the verb of concern."""
    tail = sentence[after:]
    for actor, start, end in members.find_all(tail):
        if actor.name == raiser or actor.kind != "member":
            continue
        # "China's duties", "the ban maintained by Indonesia", "the measures of India"; never "the concerns
        # expressed by India", which names who else raised it.
        if re.match(r"['’]s?\b", tail[end:]) or _OWNER_VERB.search(tail[:start]) or re.search(r"\b(?:measures?|bans?|restrictions?|requirements?|regulations?)\s+(?:of|in)\s+(?:the\s+)?$", tail[:start]):
            return actor.name
    adjectives = demonyms()
    for match in _ADJECTIVE_MEASURE.finditer(tail):
        name = adjectives.get(match.group(1).lower())
        if name and name != raiser:  # "the Chinese import ban", "the Indonesian labelling requirements"
            return name
    return None


def _measure(sentence: str, after: int) -> str:
    """The words naming the measure: from the object of the verb of concern to the end of its clause."""
    tail = sentence[after:]
    start = _OBJECT.search(tail)
    words = tail[start.end() :] if start and start.start() < 30 else tail
    words = re.split(r"[;:]|,\s+(?:which|and|but|as|while|noting|recalling)\b|\.\s", words)[0]
    return re.sub(r"\s+", " ", words).strip(" .,–-")[:200]
