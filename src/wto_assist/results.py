"""Typed results: what the CLI's `--json` prints (and the web app's /api/ answers), one class per kind.

The library hands records around as dicts (the store's rows); a result class names every field a front
end may rely on, with its type, and `to_json()` is the one way it becomes JSON. `from_record` takes a
library record and keeps exactly these fields: a field the library stops providing is a KeyError here,
not a silently missing key in a user's script. scripts/json_schema.py derives the published JSON
Schema (docs/json-schema/) from these classes, and tests/test_json_schema.py checks real `--json`
output against it.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from dataclasses import dataclass


class Result:
    """Shared by every result class: built from a library record, written as JSON."""

    @classmethod
    def from_record(cls, record: dict):
        return cls(**{name: convert(record[name]) for name, convert in _field_converters(cls)})

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


@functools.cache
def _field_converters(cls) -> tuple[tuple[str, typing.Callable], ...]:
    """(name, how a record's value becomes the field's) of each field, worked out once per class: resolving
    the hints per record was an eighth of a search page's CPU, and reading them per value still a few per cent."""
    hints = typing.get_type_hints(cls)
    return tuple((field.name, _converter(hints[field.name])) for field in dataclasses.fields(cls))


@functools.cache
def _converter(hint) -> typing.Callable:
    """How a value of this hint is taken from a record: records nested under a result class's field turned
    into that class (also in a list), anything else as it is; None stays None."""
    for option in _options(hint):
        if isinstance(option, type) and issubclass(option, Result):
            return lambda value: None if value is None else option.from_record(value)
        if typing.get_origin(option) is list:
            (item,) = typing.get_args(option)
            convert_item = _converter(item)
            return lambda value: None if value is None else [convert_item(element) for element in value]
    return _as_it_is


def _as_it_is(value):
    return value


def _options(hint) -> tuple:
    """The types a hint allows: (X, NoneType) for `X | None`, (X,) otherwise."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return typing.get_args(hint)
    return (hint,)


@dataclass
class Paragraph(Result):
    """A paragraph of a document with its pinpoint citation, as `show` prints it."""

    symbol: str
    paragraph: str
    citation: str  # "WT/COMTD/M/101, para. 12"
    uid: str  # stable across re-numbering
    numbered: bool
    seq: int
    date: str | None
    family: str
    body: str | None
    restricted: bool
    restricted_on_circulation: bool
    derestricted_on: str | None
    restriction: str  # the rule behind the status, in words
    agenda_item: str | None
    speaker: str | None
    speaker_kind: str | None
    on_behalf_of: str | None
    speaker_inherited: bool
    text: str
    numbering: str  # how the number was decided (docs/numbering.md)
    numbering_note: str | None
    sample: bool  # from an illustrative sample document (corpora/), not an official WTO document


@dataclass
class Hit(Paragraph):
    """A paragraph found by `search` (and the paragraphs `precedent` lists), with its pinpoint citation."""

    score: float | None  # relative within one query; None where the list is not ranked
    match: str | None  # "words", "similar" (similar, not matching), "citation" (cited in the query); None: not ranked
    rank: int


@dataclass
class Document(Result):
    """A document in the corpus, as `list` shows it."""

    symbol: str
    family: str
    body: str | None
    date: str | None
    restricted: bool
    restricted_on_circulation: bool
    derestricted_on: str | None
    restriction: str
    title: str | None
    source_path: str | None
    encoding: str | None
    paragraphs: int
    sample: bool  # an illustrative sample (corpora/), not an official WTO document


@dataclass
class Dispute(Result):
    """A dispute of the registry: parties by role, current stage, provisions cited."""

    number: int
    ds: str  # "DS512"
    title: str | None
    short_title: str | None
    complainant: str | None
    respondent: str | None
    complainants: list[str]
    respondents: list[str]
    third_parties: list[str]
    roles: list[str]  # the roles of the Member asked about
    consultations_requested: str | None
    status: str | None  # as published in the table loaded
    stage: str | None
    stage_date: str | None
    stage_source: str
    summary: str | None
    source: str | None
    provisions: list[str]
    events: list[dict]
    related: list
    adopted: dict


@dataclass
class Involvement(Result):
    """How a dispute is involved with a provision."""

    how: str
    detail: str
    citation: str | None


@dataclass
class PrecedentEntry(Dispute):
    """A dispute involving a provision, each way it is involved (strongest first) and your notes on it."""

    involvement: list[Involvement]
    notes: list[dict]


@dataclass
class Precedent(Result):
    """`precedent`: the disputes involving a provision, reports, notes, and corpus paragraphs citing it."""

    provision: str
    scope: str
    related: bool
    parallel: list[dict]
    disputes: list[PrecedentEntry]
    unreadable: list[PrecedentEntry]  # disputes whose provisions are partly unreadable in the registry
    reports: list[dict]
    missing_reports: list[dict]
    notes: list[dict]
    paragraphs: list[Hit]


@dataclass
class Relation(Result):
    """Who backed whom in one paragraph, with the words that say so."""

    symbol: str
    paragraph: str
    citation: str
    date: str | None
    supporter: str
    supporter_on_behalf_of: str | None
    supported: str
    supported_on_behalf_of: str | None
    relation: str
    evidence: str
    stance: str | None
    resolved_from: str | None


@dataclass
class CaseEntry(Result):
    """A case of the case file (docs/cases.md), as `case list` shows it."""

    id: str
    title: str
    imposing_member: str
    affected_members: list[str]
    measure_type: str
    status: str
    first_reported: str | None
    versions: int
    sources: list[str]  # the delegations or bundles later versions came from



@dataclass
class Footnote(Result):
    number: int
    text: str
    paragraph_seq: int | None  # the paragraph that calls it, where the reader could tell


@dataclass
class CitedDocument(Result):
    symbol: str
    in_corpus: bool


@dataclass
class DocumentView(Result):
    """A document read in context (the Documents page, /api/documents/SYMBOL): its entry, paragraphs as
    `show` prints them, footnotes, and the documents and disputes it cites."""

    document: Document
    paragraphs: list[Paragraph]
    footnotes: list[Footnote]
    documents_cited: list[CitedDocument]
    disputes_cited: list[str]  # "DS512", in order of first mention


@dataclass
class DisputeFile(Result):
    """One dispute (its page, /api/disputes/DS###): the registry entry, the corpus paragraphs that mention it,
    the documents filed under WT/DS###/ and the WTO summary as dated paragraphs."""

    dispute: Dispute
    mentions: list[Paragraph]
    filings: list[Document]
    summary: list[Paragraph]


@dataclass
class Concern(Result):
    """A concern raised about a Member's measure (`concerns`), with the reply and the meetings it came back to."""

    concern_id: str  # stable across re-ingestion; what `tag-concern` takes
    citation: str
    symbol: str
    paragraph: str
    date: str | None
    body: str | None
    raised_by: str
    raised_on_behalf_of: str | None
    target: str  # the Member whose measure it is
    measure: str
    products: str | None
    hs_codes: str | None
    notifications: str | None
    tags: list[str]
    evidence: str  # the words that raise it
    reply: str | None  # citation of the reply by the Member concerned in the same item
    reply_text: str | None
    came_back: list[str]  # citations of later meetings where the same item came back


@dataclass
class CoalitionLine(Result):
    """One delegation's part in a coalition: its role, how often, first and last meeting, with citations."""

    member: str
    role: str  # proponent | backer | sceptic | opponent | spoke (a topic); backed it | it backed (a Member)
    count: int
    first: str
    first_date: str | None
    last: str
    last_date: str | None
    groups: list[str]
    whom: list[str]
    citations: list[str]


@dataclass
class Coalition(Result):
    """`coalition`: who raised a topic or stood with a Member, and, for both, the Member's part in words."""

    subject: str
    lines: list[CoalitionLine]
    notices: list[str]
    answers: list[str]


@dataclass
class CoveredBody(Result):
    """The documents of one WTO body the corpus holds, with their date range."""

    body: str | None
    documents: int
    paragraphs: int
    first: str | None
    last: str | None
    first_symbol: str | None
    last_symbol: str | None


@dataclass
class CoveredSeries(CoveredBody):
    """The documents of one series of symbols (WT/COMTD/M, WT/DS…/R) the corpus holds."""

    series: str
    family: str


@dataclass
class RegistryCoverage(Result):
    """How far the dispute registry loaded reaches."""

    disputes: int
    last_dispute: str | None
    latest_date: str | None
    sources: list[str]


@dataclass
class Coverage(Result):
    """`coverage`: what the corpus holds, by body and by series, and the dispute registry's reach."""

    documents: int
    paragraphs: int
    bodies: list[CoveredBody]
    series: list[CoveredSeries]
    registry: RegistryCoverage


@dataclass
class QuotationCheck(Result):
    """`verify`: one quotation of a DOCX checked against the paragraph its footnote cites."""

    citation: str
    quote: str | None
    status: str  # verified | mismatch | misattributed | hidden text | source missing | unverified | restricted source | …
    detail: str
    check: str  # the check that failed; empty when none did
    corrected: str  # for a re-numbered paragraph: its citation now
    draft_words: str  # a mismatch explained: the draft's words where they differ from the record's …
    record_words: str  # … and the record's
    found_in: list[str]  # citations of the paragraphs where the quoted words do occur
    failed: bool  # whether it fails the draft under the options given (--final, --accept)

    @classmethod
    def judged(cls, checks: list, failing: list) -> list[QuotationCheck]:
        """draft/verify.py's checks, each marked failed or not (`failing`: what `failed()` returned)."""
        return [cls.from_record(dict(dataclasses.asdict(check), failed=check in failing)) for check in checks]


@dataclass
class NumberingNote(Result):
    """A paragraph number decided by judgement, to check by eye against the official document."""

    citation: str
    note: str
    opening: str


@dataclass
class NumberingCheck(Result):
    """`check-numbering`: how each paragraph number of a document was decided (docs/numbering.md)."""

    symbol: str
    kinds: dict  # printed | counted | within | ordinal -> paragraphs
    notes: list[NumberingNote]
    outdated: bool  # stored under an older rule: ingest the file again


@dataclass
class Product(Result):
    name: str
    hs: str | None


@dataclass
class CaseFields(Result):
    """A case's fields as this delegation sees them (its latest local version, else the latest shared copy)."""

    id: str
    title: str
    imposing_member: str
    affected_members: list[str]
    sectors: list[str]
    measure_type: str
    measure: str
    products: list[Product]
    provisions: list[str]
    dates: dict  # first_reported, in_force, … -> YYYY-MM-DD
    status: str
    delegation: str | None
    notes: str | None
    sharing: dict  # field -> internal | like-minded | public


@dataclass
class CaseVersion(Result):
    version: int
    origin: str  # local | shared
    shared_by: str | None
    shared_at: str | None
    saved_at: str
    content_sha256: str
    provenance: str  # in words: "recorded here on …", "shared by … on …"
    data: dict  # the case as saved (a shared copy holds only the fields shared)


@dataclass
class Evidence(Result):
    """A file attached to a case, kept under $WTO_ASSIST_HOME with its SHA-256."""

    case_id: str
    sha256: str
    name: str
    size: int
    media_type: str
    note: str | None
    added_by: str
    added_at: str
    level: str
    stored_path: str
    ingested_symbol: str | None
    shared_by: str | None


@dataclass
class CaseLink(Result):
    """A paragraph, concern or dispute linked to a case, with the paragraph's citation now."""

    case_id: str
    target: str  # a paragraph's uid, or DS###
    role: str
    citation: str  # as it was when linked
    date: str | None
    concern_id: str | None
    note: str | None
    added_at: str
    shared_by: str | None
    current_citation: str
    present: bool  # False: the paragraph is no longer in the corpus
    paragraph: Paragraph | None


@dataclass
class TimelineEvent(Result):
    date: str | None
    event: str
    citation: str | None


@dataclass
class CaseShown(Result):
    """`case show`: a case's fields, its versions and who shared them, evidence, links and dated timeline."""

    case: CaseFields
    measure_type_label: str
    versions: list[CaseVersion]
    evidence: list[Evidence]
    links: list[CaseLink]
    timeline: list[TimelineEvent]


@dataclass
class Watch(Result):
    """`watch list`: a watch and when it last ran."""

    name: str
    query: str
    member: str | None
    case_id: str | None
    created_at: str
    last_run_at: str | None
    seen: int  # paragraphs reported (or counted as seen) so far


@dataclass
class WatchedParagraph(Result):
    citation: str
    uid: str
    date: str | None
    body: str | None
    speaker: str | None
    text: str


@dataclass
class WatchReport(Result):
    """`watch run`: a watch with the paragraphs that matched since its last run."""

    name: str
    query: str
    member: str | None
    case_id: str | None
    new: list[WatchedParagraph]

@dataclass
class QueryRank(Result):
    query: str  # the query's id in the query file
    rank: int | None  # the rank of its first relevant paragraph in the first 100 hits, None when none is there


@dataclass
class ModeScores(Result):
    """`eval`: one search mode's scores on the query file (evaluate.py says how each is counted)."""

    mode: str  # bm25 | dense | hybrid
    mrr_at_10: float
    recall_at_10: float
    recall_at_100: float
    ndcg_at_10: float
    queries: int
    without_relevant_paragraph: int  # queries whose relevant paragraphs are not in this corpus
    first_relevant_rank: list[QueryRank]


@dataclass
class SuggestedParagraph(WatchedParagraph):
    """A paragraph with what in it matches the case."""

    why: list[str]


@dataclass
class SuggestedConcern(Result):
    citation: str
    concern_id: str  # what `case link` takes
    date: str | None
    body: str | None
    raised_by: str
    measure: str
    reply: str | None
    came_back: list[str]
    text: str
    why: list[str]


@dataclass
class SuggestedDispute(Result):
    citation: str  # "DS512 (Russia — Traffic in Transit)"
    ds: str
    date: str | None  # consultations requested
    why: list[str]


@dataclass
class CaseSuggestions(Result):
    """`case suggest`: paragraphs, concerns and disputes matching a case, each with why; `attached` is how
    many concerns `--attach-concerns` linked (None without it)."""

    case: str
    paragraphs: list[SuggestedParagraph]
    concerns: list[SuggestedConcern]
    disputes: list[SuggestedDispute]
    notices: list[str]  # what could not be proposed, and why (no index, no dispute registry)
    attached: int | None


@dataclass
class PreviewPassage(Result):
    """A passage the brief's support found: kept in the statement, unticked, or withheld with the reason."""

    citation: str
    text: str
    restricted: bool
    withheld: str | None  # why a public draft may not quote it; None: it may be used
    kept: bool  # quoted in the statement below

    @property
    def key(self) -> str:
        """What the page posts back with a ticked passage ("N:key"): the download checks that passage N is still
        this one, so a corpus or index updated since the preview cannot put unseen words into the DOCX."""
        return passage_key(self.citation, self.text)


def passage_key(citation: str, text: str) -> str:
    import hashlib

    return hashlib.sha256(f"{citation}\n{text}".encode("utf-8")).hexdigest()[:16]


@dataclass
class FootnoteCall(Result):
    number: int  # as Word numbers the footnote
    offset: int  # where in the paragraph's text its reference falls


@dataclass
class MarkedSpan(Result):
    start: int  # highlighted for the drafter to review: retrieved language to read against the record
    end: int


@dataclass
class StatementParagraph(Result):
    text: str  # as a reader of the DOCX sees it, footnote numbers left out
    notes: list[FootnoteCall]
    marked: list[MarkedSpan]

    def pieces(self) -> list[tuple[str, str]]:
        """The paragraph as (kind, text) pieces to show: "text", "mark" (highlighted) or "note" (a footnote number)."""
        cuts = sorted({0, len(self.text), *(span.start for span in self.marked), *(span.end for span in self.marked),
                       *(note.offset for note in self.notes)})
        pieces: list[tuple[str, str]] = []
        for start, end in zip(cuts, cuts[1:] + [None]):
            pieces += [("note", str(note.number)) for note in self.notes if note.offset == start]
            if end is not None and start != end:
                marked = any(span.start <= start and end <= span.end for span in self.marked)
                pieces.append(("mark" if marked else "text", self.text[start:end]))
        return pieces


@dataclass
class StatementFootnote(Result):
    number: int
    text: str


@dataclass
class DraftStatement(Result):
    """The whole statement as its DOCX reads, with each quotation's verification."""

    paragraphs: list[StatementParagraph]
    footnotes: list[StatementFootnote]
    author: str  # the DOCX's properties: the delegation …
    created: str  # … and the date it was drafted (ISO 8601, UTC)
    checks: list[QuotationCheck]  # `failed`: whether a final draft (`draft --final`, the page's download) refuses it


@dataclass
class DraftPreview(Result):
    """`draft --preview`: the passages the brief's support found, warnings, delegations that stood with this one
    or the same cause, and the statement as the DOCX would read, before anything is written (the Draft page's preview)."""

    passages: list[PreviewPassage]
    warnings: list[str]
    like_minded: list[CoalitionLine]
    statement: DraftStatement


# The CLI commands whose `--json` output the schema publishes: command -> (result class, a list or one object).
COMMAND_RESULTS: dict[str, tuple[type[Result], bool]] = {
    "search": (Hit, True),
    "list": (Document, True),
    "disputes": (Dispute, True),
    "disputes --provision": (PrecedentEntry, True),
    "precedent": (Precedent, False),
    "relations": (Relation, True),
    "case list": (CaseEntry, True),
    "show": (Paragraph, True),
    "concerns": (Concern, True),
    "coalition": (Coalition, False),
    "coverage": (Coverage, False),
    "verify": (QuotationCheck, True),
    "check-numbering": (NumberingCheck, True),
    "case show": (CaseShown, False),
    "watch list": (Watch, True),
    "watch run": (WatchReport, True),
    "eval": (ModeScores, True),
    "case suggest": (CaseSuggestions, False),
    "draft --preview": (DraftPreview, False),
}


def to_json(result_class: type[Result], records: list[dict] | dict):
    """Library records (a list or one) as the JSON of `result_class`."""
    if isinstance(records, dict):
        return result_class.from_record(records).to_json()
    return [result_class.from_record(record).to_json() for record in records]


# --- JSON Schema (draft 2020-12) of the classes above, published in docs/json-schema/ -------------------

_JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", dict: "object", list: "array"}


def json_schema(command: str) -> dict:
    """The schema of one command's `--json` output: every field required, no other field allowed."""
    result_class, many = COMMAND_RESULTS[command]
    definitions: dict[str, dict] = {}
    root = {"$ref": _define(result_class, definitions)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"wto-assist {command} --json",
        "description": (result_class.__doc__ or "").strip(),
        **({"type": "array", "items": root} if many else root),
        "$defs": dict(sorted(definitions.items())),
    }


def _define(result_class: type[Result], definitions: dict[str, dict]) -> str:
    name = result_class.__name__
    if name not in definitions:
        definitions[name] = {}  # placed first: a class that refers to itself stops here
        hints = typing.get_type_hints(result_class)
        names = [f.name for f in dataclasses.fields(result_class)]
        definitions[name] = {"type": "object", "required": names, "additionalProperties": False,
                             "properties": {field: _schema(hints[field], definitions) for field in names}}
    return f"#/$defs/{name}"


def _schema(hint, definitions: dict[str, dict]) -> dict:
    options = _options(hint)
    if len(options) > 1:
        return {"anyOf": [_schema(option, definitions) for option in options]}
    if hint is type(None):
        return {"type": "null"}
    if isinstance(hint, type) and issubclass(hint, Result):
        return {"$ref": _define(hint, definitions)}
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        return {"type": "array", "items": _schema(item, definitions)}
    return {"type": _JSON_TYPES[hint]}
