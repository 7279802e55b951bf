"""The brief: what a drafter asks for, as YAML or JSON, validated with errors that name the field.

    kind: committee-statement | tpr-statement | joint-statement | third-party-submission
    release: public | restricted          # public drafts may not quote RESTRICTED or JOB documents
    delegation: {member, on_behalf_of?, co_sponsors?: [...], suggest_co_sponsors?: N}
                                          # joint-statement: list N Members who backed the delegation
                                          # (or its group) in the record, as co-sponsors to consider
    meeting: {body, date (YYYY-MM-DD), agenda_item?}          # not for third-party submissions
    title?: text
    measure?: {imposing_member?, description?, products?: [...], hs_codes?: [...], dispute?: DS###, provisions?: [...]}
    points: [text, ...]                   # the delegation's own points, in order
    support?: [{query, k?, use?, filters?, point?} | {citation, quote?, use?, point?, external?}]
                                          # language from the record; `point: N` places the quotation
                                          # right after point N instead of after all points;
                                          # use: quote | paraphrase | reference ("See …" footnote on point N);
                                          # `external: true` cites a document not in the corpus
                                          # (a `quote` is then required and verify reports it UNVERIFIED)
    accept?: [unverified, restricted, closed-proceedings]
                                          # what `draft --final` may let through, said explicitly;
                                          # closed-proceedings: a submission dated after the proceedings closed
    member_under_review?: Member          # tpr-statement
    questions?: [{section, question, citation?}]                        # tpr-statement; citation = reference line
    dispute?: DS###                       # third-party-submission
    proceedings?: panel | appellate | compliance | arbitration          # third-party-submission (default panel)
    issues?: [{provision, heading?, points: [...], support?: [...]}]     # third-party-submission
    conclusion?: text                     # third-party-submission
    date?: YYYY-MM-DD                     # the submission's date (third-party submissions: checked
                                          # against the dispute's proceedings in the registry)
    executive_summary?: [text, ...]       # third-party-submission (default: the first point of each issue)
    exhibits?: [{title, short_title?}]    # third-party-submission: numbered AUS-1, AUS-2 … (exhibit_prefix)
    exhibit_prefix?: text                 # default: the Member's code as the WTO uses it (AUS, EU, USA …)

Every value is untrusted text: it is validated here and rendered literally.
"""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import WtoAssistError
from .. import members
from ..documents.symbols import SymbolError, dispute_number
from ..enrich.provisions import ProvisionError, normalise_key

PROCEEDINGS = ("panel", "appellate", "compliance", "arbitration")
ACCEPTS = ("unverified", "restricted", "closed-proceedings")
KINDS = ("committee-statement", "tpr-statement", "joint-statement", "third-party-submission")
# "WT/COMTD/M/101, para. 12"; the WTO's summary of a dispute is cited as "DS512 summary, para. [5]".
CITATION = re.compile(r"^\s*(?P<symbol>DS\s?\d{1,4}\s+summary|\S+),\s*paras?\.\s*(?P<paragraph>\[?[\w.]+\]?)\s*$", re.I)


class BriefError(WtoAssistError, ValueError):
    """A brief that cannot be drafted; the message names the file and field."""


@dataclass
class Support:
    field: str  # where it came from in the brief, for error messages
    query: str | None = None
    citation: str | None = None
    quote: str | None = None
    k: int = 1
    use: str = "quote"  # quote | paraphrase
    filters: dict = field(default_factory=dict)
    point: int | None = None  # 1-based point the quotation supports
    external: bool = False  # cites a document that is not in the corpus


@dataclass
class Issue:
    provision: str
    heading: str | None
    points: list[str]
    support: list[Support]


@dataclass
class Exhibit:
    title: str
    short_title: str | None = None


@dataclass
class Question:
    section: str
    question: str
    citation: str | None


@dataclass
class Brief:
    kind: str
    release: str
    member: str
    on_behalf_of: str | None
    co_sponsors: list[str]
    body: str | None
    meeting_date: str | None
    agenda_item: str | None
    title: str | None
    measure: dict
    points: list[str]
    support: list[Support]
    member_under_review: str | None = None
    questions: list[Question] = field(default_factory=list)
    dispute: str | None = None
    issues: list[Issue] = field(default_factory=list)
    conclusion: str | None = None
    date: str | None = None
    accept: tuple[str, ...] = ()  # unverified | restricted | closed-proceedings
    proceedings: str = "panel"
    suggest_co_sponsors: int = 0  # joint-statement: how many co-sponsor suggestions to list
    executive_summary: list[str] = field(default_factory=list)  # third-party-submission
    exhibits: list[Exhibit] = field(default_factory=list)  # third-party-submission
    exhibit_prefix: str | None = None

    @property
    def not_to_suggest(self) -> list[str]:
        """Members never offered as co-sponsors or like-minded delegations: those already co-sponsoring, and
        the Member whose measure the statement is about (the record shows it backing its own measure)."""
        imposing = self.measure.get("imposing_member")
        return [*self.co_sponsors, *([imposing] if imposing else []), *([self.member_under_review] if self.member_under_review else [])]


class _Reader:
    """Typed access to a mapping, raising BriefError("file: field: problem")."""

    def __init__(self, source: str, data: dict, prefix: str = ""):
        self.source, self.data, self.prefix = source, data, prefix

    def fail(self, name: str, problem: str) -> BriefError:
        return BriefError(f"{self.source}: {self.prefix}{name}: {problem}")

    def check_fields(self, allowed: set[str]) -> None:
        for name in self.data:
            if name not in allowed:
                raise self.fail(name, f"unknown field (expected one of: {', '.join(sorted(allowed))})")

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise self.fail(name, "is required")
            return None
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise self.fail(name, "must be text")
        return _checked(self, name, str(value))

    def texts(self, name: str, required: bool = False) -> list[str]:
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is required (a list)")
            return []
        if not isinstance(value, list):
            raise self.fail(name, "must be a list")
        result = []
        for index, item in enumerate(value):
            if not isinstance(item, (str, int, float)) or isinstance(item, bool) or not str(item).strip():
                raise self.fail(f"{name}[{index}]", "must be non-empty text")
            result.append(_checked(self, f"{name}[{index}]", str(item)))
        if required and not result:
            raise self.fail(name, "must not be empty")
        return result

    def mapping(self, name: str, required: bool = False) -> "_Reader":
        value = self.data.get(name)
        if value is None:
            if required:
                raise self.fail(name, "is required")
            value = {}
        if not isinstance(value, dict):
            raise self.fail(name, "must be a mapping of fields")
        return _Reader(self.source, value, f"{self.prefix}{name}.")

    def items(self, name: str) -> list["_Reader"]:
        value = self.data.get(name) or []
        if not isinstance(value, list):
            raise self.fail(name, "must be a list")
        readers = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail(f"{name}[{index}]", "must be a mapping of fields")
            readers.append(_Reader(self.source, item, f"{self.prefix}{name}[{index}]."))
        return readers

    def provisions(self, name: str) -> list[str]:
        """A list of provisions as canonical keys ("Article XI of the GATT 1994" -> "GATT1994:XI")."""
        result = []
        for index, text in enumerate(self.texts(name)):
            try:
                result.append(normalise_key(text))
            except ProvisionError as error:
                raise self.fail(f"{name}[{index}]", str(error)) from None
        return result

    def member(self, name: str, required: bool = False, groups: bool = False) -> str | None:
        value = self.text(name, required)
        if value is None:
            return None
        actor = members.known(value, groups)
        if actor is None:
            raise self.fail(name, members.unknown(value, groups))
        return actor.name

    def iso_date(self, name: str, required: bool = False) -> str | None:
        value = self.data.get(name)
        if isinstance(value, date):
            return value.isoformat()
        text = self.text(name, required)
        if text is None:
            return None
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise self.fail(name, f"{text!r} is not a date YYYY-MM-DD") from None


MAX_BRIEF_BYTES = 1_000_000
MAX_FIELD_CHARS = 20_000
_BAD_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _clean(text: str) -> str:
    # The footnote markers of the renderer must never come from a brief.
    return text.replace("⟦", "[").replace("⟧", "]").strip()


def _checked(reader: "_Reader", name: str, text: str) -> str:
    """Untrusted text: refused when too long or holding control characters or lone surrogates."""
    if len(text) > MAX_FIELD_CHARS:
        raise reader.fail(name, f"is {len(text):,} characters long (at most {MAX_FIELD_CHARS:,})")
    bad = _BAD_CHARACTERS.search(text)
    if bad:
        raise reader.fail(name, f"contains a control character or an invalid one (U+{ord(bad.group(0)):04X}) at position {bad.start() + 1}")
    return _clean(text)


def _flag(reader: _Reader, name: str) -> bool:
    value = reader.data.get(name, False)
    if not isinstance(value, bool):
        raise reader.fail(name, "must be true or false")
    return value


def _support(reader: _Reader, name: str, points: int) -> list[Support]:
    result = []
    for item in reader.items(name):
        item.check_fields({"query", "citation", "quote", "k", "use", "filters", "point", "external"})
        query, citation = item.text("query"), item.text("citation")
        if bool(query) == bool(citation):
            raise item.fail("query", "give either a query or a citation")
        if citation and not CITATION.match(citation):
            raise item.fail("citation", f"{citation!r} is not a citation like 'WT/COMTD/M/101, para. 12'")
        use = item.text("use") or "quote"
        if use not in ("quote", "paraphrase", "reference"):
            raise item.fail("use", f"{use!r} must be quote, paraphrase or reference")
        external = _flag(item, "external")
        if external and not citation:
            raise item.fail("citation", "an external source needs its citation")
        if external and use != "reference" and not item.text("quote"):
            raise item.fail("quote", "quoting an external source needs its exact words (or use: reference to cite it without quoting)")
        point = item.data.get("point")
        if point is not None and (not isinstance(point, int) or isinstance(point, bool) or not 1 <= point <= points):
            raise item.fail("point", f"must be the number of one of the {points} points (1 to {points})")
        if use == "reference" and (not citation or point is None):
            raise item.fail("use", "a reference cites a paragraph (citation) for one point (point: N)")
        k = item.data.get("k", 1)
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 10:
            raise item.fail("k", "must be a whole number from 1 to 10")
        filters = item.mapping("filters")
        filters.check_fields({"body", "family", "speaker", "symbol", "date_from", "date_to", "member", "provision", "dispute"})
        result.append(
            Support(
                field=item.prefix.rstrip("."),
                query=query,
                citation=citation,
                quote=item.text("quote"),
                k=k,
                use=use,
                filters={key: filters.text(key) for key in filters.data},
                point=point,
                external=external,
            )
        )
    return result


def parse_brief(data: object, source: str = "brief") -> Brief:
    if not isinstance(data, dict):
        raise BriefError(f"{source}: a brief is a mapping of fields (kind, delegation, points...)")
    top = _Reader(source, data)
    top.check_fields(
        {"kind", "release", "delegation", "meeting", "title", "measure", "points", "support", "member_under_review",
         "questions", "dispute", "issues", "conclusion", "date", "accept", "proceedings", "executive_summary", "exhibits",
         "exhibit_prefix"}
    )
    kind = top.text("kind", required=True)
    if kind not in KINDS:
        raise top.fail("kind", f"{kind!r} must be one of {', '.join(KINDS)}")
    release = top.text("release") or "public"
    if release not in ("public", "restricted"):
        raise top.fail("release", f"{release!r} must be public or restricted")
    delegation = top.mapping("delegation", required=True)
    delegation.check_fields({"member", "on_behalf_of", "co_sponsors", "suggest_co_sponsors"})
    member = delegation.member("member", required=True)
    co_sponsors = []
    for index, name in enumerate(delegation.texts("co_sponsors")):
        actor = members.known(name, groups=False)
        if actor is None:
            raise delegation.fail(f"co_sponsors[{index}]", members.unknown(name, groups=False))
        co_sponsors.append(actor.name)
    if kind == "joint-statement" and not co_sponsors:
        raise delegation.fail("co_sponsors", "a joint statement needs at least one co-sponsor")
    suggest = delegation.data.get("suggest_co_sponsors", 0)
    if suggest and (kind != "joint-statement" or isinstance(suggest, bool) or not isinstance(suggest, int) or not 1 <= suggest <= 20):
        raise delegation.fail("suggest_co_sponsors", "a number from 1 to 20, for joint statements only")
    meeting = top.mapping("meeting", required=kind != "third-party-submission")
    meeting.check_fields({"body", "date", "agenda_item"})
    measure = top.mapping("measure")
    measure.check_fields({"imposing_member", "description", "products", "hs_codes", "dispute", "provisions"})
    provisions = measure.provisions("provisions")
    accept = top.texts("accept")
    for index, value in enumerate(accept):
        if value not in ACCEPTS:
            raise top.fail(f"accept[{index}]", f"{value!r} must be unverified, restricted or closed-proceedings")
    proceedings = top.text("proceedings") or "panel"
    if proceedings not in PROCEEDINGS:
        raise top.fail("proceedings", f"{proceedings!r} must be one of {', '.join(PROCEEDINGS)}")
    points = top.texts("points", required=kind not in ("tpr-statement",))
    brief = Brief(
        kind=kind,
        release=release,
        member=member,
        on_behalf_of=delegation.member("on_behalf_of", groups=True),
        co_sponsors=co_sponsors,
        suggest_co_sponsors=suggest or 0,
        body=meeting.text("body", required=kind != "third-party-submission"),
        meeting_date=meeting.iso_date("date", required=kind != "third-party-submission"),
        agenda_item=meeting.text("agenda_item"),
        title=top.text("title"),
        measure={
            "imposing_member": measure.member("imposing_member"),
            "description": measure.text("description"),
            "products": measure.texts("products"),
            "hs_codes": measure.texts("hs_codes"),
            "dispute": _dispute(measure, "dispute"),
            "provisions": provisions,
        },
        points=points,
        support=_support(top, "support", len(points)),
        member_under_review=top.member("member_under_review", required=kind == "tpr-statement"),
        dispute=_dispute(top, "dispute", required=kind == "third-party-submission"),
        conclusion=top.text("conclusion"),
        date=top.iso_date("date"),
        accept=tuple(accept),
        proceedings=proceedings,
    )
    for item in top.items("questions"):
        item.check_fields({"section", "question", "citation"})
        citation = item.text("citation")
        if citation and not CITATION.match(citation):
            raise item.fail("citation", f"{citation!r} is not a citation like 'WT/TPR/S/478, para. 2.14'")
        brief.questions.append(Question(item.text("section", required=True), item.text("question", required=True), citation))
    if kind == "tpr-statement" and not (brief.points or brief.questions):
        raise top.fail("questions", "a TPR statement needs points or questions")
    for item in top.items("issues"):
        item.check_fields({"provision", "heading", "points", "support"})
        try:
            provision = normalise_key(item.text("provision", required=True))
        except ProvisionError as error:
            raise item.fail("provision", str(error)) from None
        issue_points = item.texts("points", required=True)
        brief.issues.append(Issue(provision, item.text("heading"), issue_points, _support(item, "support", len(issue_points))))
    brief.executive_summary = top.texts("executive_summary")
    for item in top.items("exhibits"):
        item.check_fields({"title", "short_title"})
        brief.exhibits.append(Exhibit(item.text("title", required=True), item.text("short_title")))
    brief.exhibit_prefix = top.text("exhibit_prefix")
    if brief.exhibit_prefix and not re.fullmatch(r"[A-Z]{2,5}", brief.exhibit_prefix):
        raise top.fail("exhibit_prefix", f"{brief.exhibit_prefix!r} must be 2 to 5 capital letters, as in AUS-1")
    if kind != "third-party-submission":
        for name in ("executive_summary", "exhibits", "exhibit_prefix"):
            if top.data.get(name):
                raise top.fail(name, "is for third-party submissions only")
    if kind == "third-party-submission" and not brief.issues:
        raise top.fail("issues", "a third-party submission needs at least one legal issue")
    return brief


def _dispute(reader: _Reader, name: str, required: bool = False) -> str | None:
    value = reader.text(name, required)
    if value is None:
        return None
    try:
        return f"DS{dispute_number(value)}"
    except SymbolError as error:
        raise reader.fail(name, str(error)) from None


def load_brief(path: Path) -> Brief:
    path = Path(path)
    return parse_brief(read_data_file(path, "brief", MAX_BRIEF_BYTES, "a brief is a page or two of YAML", BriefError), str(path))


def read_data_file(path: Path, what: str, max_bytes: int, size_hint: str, failure: type[Exception]) -> object:
    """A YAML (or, by its suffix, JSON) file written by a user, read safely; `failure` is the error to raise, naming the file."""
    path = Path(path)
    try:
        if path.is_dir():
            raise failure(f"{path}: is a folder, not a {what}")
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO would block, /dev/zero never ends
            raise failure(f"{path}: not a regular file; give the {what} as a file")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # bounded whatever the file claims
        if len(data) > max_bytes:
            raise failure(f"{path}: larger than {max_bytes // 1000} kB; {size_hint}")
        raw = data.decode("utf-8")
    except OSError as error:
        raise failure(f"{path}: cannot read ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise failure(f"{path}: not UTF-8 text (byte {error.start + 1}); save the {what} as UTF-8") from error
    import yaml

    try:
        return json.loads(raw) if path.suffix.lower() == ".json" else yaml.load(raw, Loader=_no_alias_loader())  # noqa: S506 - a SafeLoader
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise failure(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'} ({first_line})") from error
    except RecursionError as error:
        raise failure(f"{path}: nested too deeply to be a {what}") from error


def _no_alias_loader():
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        """YAML without anchors and aliases: a brief never needs them, and they can expand without bound."""

        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed in a brief", event.start_mark)
            return super().compose_node(parent, index)

    return NoAliasLoader
