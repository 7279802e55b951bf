"""Plain records that flow from ingest to the store. No I/O here."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Citation:
    """A pinpoint a lawyer can paste: "WT/COMTD/M/101, para. 12"."""

    symbol: str
    paragraph: str

    def __str__(self) -> str:
        return f"{self.symbol}, para. {self.paragraph}"


@dataclass
class Paragraph:
    seq: int  # position in the document, from 1
    label: str  # the number a citation uses: "12", "7.82", or "[3]" in a wholly unnumbered document
    numbered: bool  # False for text inside numbered paragraph `label` (a list item, a table row)
    text: str
    agenda_item: str | None = None
    speaker: str | None = None
    speaker_kind: str | None = None  # member | observer | group | chair | secretariat | organization | person | committee
    on_behalf_of: str | None = None
    speaker_inherited: bool = False  # continuation paragraph: speaker carried over from the previous turn
    co_speakers: list[str] = field(default_factory=list)  # other Members in "The representatives of X and Y"
    # How the number was decided (documents/segment.py): printed | counted | ordinal | within
    numbering: str = "printed"
    marked: bool = True  # the source marked this block as a paragraph (a printed number or "&&")
    numbering_note: str | None = None  # a judgement call `check-numbering` reports ("a statement quoted in full")
    date: str | None = None  # its own date, where it differs from the document's (a dispute summary's event)


@dataclass
class Footnote:
    number: int  # as printed
    text: str
    paragraph: int | None = None  # seq of the paragraph that calls it; None when the source lost the markers


@dataclass
class Document:
    symbol: str
    family: str
    body: str | None
    date: str | None  # ISO date: meeting date for minutes, circulation date otherwise
    restricted: bool
    title: str | None
    paragraphs: list[Paragraph]
    footnotes: list[Footnote] = field(default_factory=list)
    circulated: str | None = None
    source_path: str = ""
    sha256: str = ""
    encoding: str = ""
    symbol_source: str = "header"  # header | filename
    derestricted_on: str | None = None  # when a RESTRICTED document became (or becomes) public
    sample: bool = False  # an illustrative sample (corpora/): its source text says ILLUSTRATIVE SAMPLE
    restriction_rule: str = ""  # the rule or fact that decided it (documents/restriction.py)
    source_url: str | None = None  # where `fetch` got the file (its manifest), when it did
    retrieved_at: str | None = None
