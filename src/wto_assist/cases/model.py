"""A coercion case as a delegation records it: the fields, their sharing levels, and the YAML that
creates or edits one (validated with errors that name the field).

    id?: lt-dairy-2021          # optional on `case new`: letters, digits and hyphens; else one is made
    title: text                 # required
    delegation?: Member         # whose case file this is (the brief speaks for it)
    imposing_member: Member     # required
    affected_members?: [Member, ...]
    sectors?: [text, ...]
    measure_type: key           # required; data/coercion-measures.tsv (`wto-assist case types`)
    measure: text               # required: what the measure is, in a sentence
    products?: [{name, hs?}, ...]  (or plain text names)
    provisions?: [provision, ...]  # "Article XI of the GATT 1994", "GATT1994:XXI"
    dates?: {first_reported?, in_force?, lifted?}   # YYYY-MM-DD
    status?: reported | raised | in-dispute | lifted | resolved | closed   (default reported)
    notes?: text
    sharing?: {default?: level, FIELD: level, links?: level}   # level: internal | like-minded | public

A field's level says how far it may travel: `internal` never leaves the delegation, `like-minded` goes
into bundles for like-minded Members, `public` into any bundle. A field without a level is internal.
"""

from __future__ import annotations

import csv
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources

from ..errors import WtoAssistError
from ..draft.brief import BriefError, _Reader

LEVELS = ("internal", "like-minded", "public")
STATUSES = ("reported", "raised", "in-dispute", "lifted", "resolved", "closed")
LINK_ROLES = ("raised", "reply", "statement", "tpr-question", "dispute", "other")
# Fields a sharing level applies to (id and measure type's taxonomy travel with any shared field).
SHARED_FIELDS = ("title", "delegation", "imposing_member", "affected_members", "sectors", "measure_type", "measure",
                 "products", "provisions", "dates", "status", "notes", "links")
DATE_FIELDS = ("first_reported", "in_force", "lifted")
CASE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")


class CaseError(WtoAssistError, ValueError):
    """Bad case input or an unknown case; the message names the file, field or id."""


@dataclass(frozen=True)
class MeasureType:
    key: str
    label: str
    description: str
    words: tuple[str, ...]
    provisions: tuple[str, ...]


@lru_cache(maxsize=1)
def measure_types() -> dict[str, MeasureType]:
    """The taxonomy the project keeps (data/coercion-measures.tsv, with its sources in the header)."""
    text = resources.files("wto_assist").joinpath("data/coercion-measures.tsv").read_text(encoding="utf-8")
    rows = csv.reader((line for line in text.splitlines() if line and not line.startswith("#")), delimiter="\t")
    result = {}
    for key, label, description, words, provisions in rows:
        result[key] = MeasureType(key, label, description, tuple(w for w in words.split("|") if w),
                                  tuple(p for p in provisions.split("|") if p))
    return result


@dataclass
class Product:
    name: str
    hs: str | None = None


@dataclass
class Case:
    title: str
    imposing_member: str
    measure_type: str
    measure: str
    delegation: str | None = None
    affected_members: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    provisions: list[str] = field(default_factory=list)
    dates: dict = field(default_factory=dict)
    status: str = "reported"
    notes: str | None = None
    sharing: dict = field(default_factory=dict)  # every field of SHARED_FIELDS -> level
    id: str | None = None

    def to_json(self) -> dict:
        return asdict(self)

    def level(self, name: str) -> str:
        return self.sharing.get(name, "internal")

    def members(self) -> list[str]:
        """The Members the case is about: the imposing Member first, then those affected."""
        return list(dict.fromkeys([self.imposing_member, *self.affected_members]))

    def shared(self, level: str) -> dict:
        """The fields that may travel at `level` (internal fields never do, public ones always)."""
        floor = LEVELS.index(level)
        data = self.to_json()
        kept = {name: data[name] for name in SHARED_FIELDS if name != "links" and LEVELS.index(self.level(name)) >= floor}
        return {"id": self.id, **kept, "sharing": {name: self.level(name) for name in SHARED_FIELDS
                                                   if LEVELS.index(self.level(name)) >= floor}}


def case_from_json(data: dict) -> Case:
    """A case saved by `to_json` (or a shared copy, whose left-out fields take their empty defaults)."""
    values = {key: value for key, value in data.items() if key in Case.__dataclass_fields__}
    values["products"] = [Product(**item) for item in values.get("products") or []]
    for required in ("title", "imposing_member", "measure_type", "measure"):
        values.setdefault(required, "")
    return Case(**values)


def _level(reader: _Reader, name: str) -> str:
    value = reader.text(name)
    if value not in LEVELS:
        raise reader.fail(name, f"{value!r} must be one of {', '.join(LEVELS)}")
    return value


def _products(reader: _Reader) -> list[Product]:
    raw = reader.data.get("products")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise reader.fail("products", "must be a list of {name, hs} or of product names")
    result = []
    for index, item in enumerate(raw):
        if isinstance(item, (str, int)) and not isinstance(item, bool):
            item = {"name": str(item)}
        if not isinstance(item, dict):
            raise reader.fail(f"products[{index}]", "must be a product name or {name, hs}")
        entry = _Reader(reader.source, item, f"products[{index}].")
        entry.check_fields({"name", "hs"})
        hs = entry.text("hs")
        if hs is not None and not re.fullmatch(r"\d{2,10}(\.\d{1,4})*", hs):
            raise entry.fail("hs", f"{hs!r} is not an HS code (2 to 10 digits, e.g. 0401 or 0401.10)")
        result.append(Product(entry.text("name", required=True), hs))
    return result


def parse_case(data: object, source: str = "case") -> Case:
    """Validate a case mapping (from YAML or JSON); raises CaseError naming the field."""
    if not isinstance(data, dict):
        raise CaseError(f"{source}: a case is a mapping of fields (title, imposing_member, measure_type, measure...)")
    try:
        return _parse(_Reader(source, data))
    except BriefError as error:
        raise CaseError(str(error)) from None


def _parse(top: _Reader) -> Case:
    top.check_fields({"id", *SHARED_FIELDS, "sharing"} - {"links"})
    case_id = top.text("id")
    if case_id is not None and not CASE_ID.match(case_id):
        raise top.fail("id", f"{case_id!r} must be 3-64 lower-case letters, digits or hyphens")
    measure_type = top.text("measure_type", required=True)
    if measure_type not in measure_types():
        raise top.fail("measure_type", f"{measure_type!r} must be one of {', '.join(measure_types())}")
    affected = []
    for index, name in enumerate(top.texts("affected_members")):
        affected.append(_Reader(top.source, {f"affected_members[{index}]": name}).member(f"affected_members[{index}]"))
    provisions = top.provisions("provisions")
    dates = top.mapping("dates")
    dates.check_fields(set(DATE_FIELDS))
    status = top.text("status") or "reported"
    if status not in STATUSES:
        raise top.fail("status", f"{status!r} must be one of {', '.join(STATUSES)}")
    sharing = top.mapping("sharing")
    sharing.check_fields({"default", *SHARED_FIELDS})
    default = _level(sharing, "default") if sharing.data.get("default") is not None else "internal"
    levels = {name: (_level(sharing, name) if sharing.data.get(name) is not None else default) for name in SHARED_FIELDS}
    return Case(
        id=case_id,
        title=top.text("title", required=True),
        delegation=top.member("delegation"),
        imposing_member=top.member("imposing_member", required=True),
        affected_members=affected,
        sectors=top.texts("sectors"),
        measure_type=measure_type,
        measure=top.text("measure", required=True),
        products=_products(top),
        provisions=provisions,
        dates={name: value for name in DATE_FIELDS if (value := dates.iso_date(name))},
        status=status,
        notes=top.text("notes"),
        sharing=levels,
    )
