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
import types
import typing
from dataclasses import dataclass


class Result:
    """Shared by every result class: built from a library record, written as JSON."""

    @classmethod
    def from_record(cls, record: dict):
        hints = typing.get_type_hints(cls)
        return cls(**{f.name: _typed(hints[f.name], record[f.name]) for f in dataclasses.fields(cls)})

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def _typed(hint, value):
    """`value` with records nested under a result class's field turned into that class."""
    if value is None:
        return None
    for option in _options(hint):
        if isinstance(option, type) and issubclass(option, Result):
            return option.from_record(value)
        if typing.get_origin(option) is list:
            (item,) = typing.get_args(option)
            return [_typed(item, element) for element in value]
    return value


def _options(hint) -> tuple:
    """The types a hint allows: (X, NoneType) for `X | None`, (X,) otherwise."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return typing.get_args(hint)
    return (hint,)


@dataclass
class Hit(Result):
    """A paragraph found by `search` (and the paragraphs `precedent` lists), with its pinpoint citation."""

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


# The CLI commands whose `--json` output the schema publishes: command -> (result class, a list or one object).
COMMAND_RESULTS: dict[str, tuple[type[Result], bool]] = {
    "search": (Hit, True),
    "list": (Document, True),
    "disputes": (Dispute, True),
    "disputes --provision": (PrecedentEntry, True),
    "precedent": (Precedent, False),
    "relations": (Relation, True),
    "case list": (CaseEntry, True),
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
