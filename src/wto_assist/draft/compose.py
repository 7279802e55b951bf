"""From a brief to a template context: retrieve supporting language, pick verbatim quotes, number
paragraphs and attach citations (as footnote markers that render.py turns into Word footnotes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..documents.model import Citation
from ..documents.symbols import SymbolError, normalise_symbol
from ..enrich.provisions import agreement
from ..index.analysis import tokens
from ..search import Filters, Searcher
from ..store import Store
from .brief import CITATION, Brief, Support

FOOTNOTE_MARK = "⟦fn:{}⟧"


class DraftError(Exception):
    """A draft that cannot be produced as asked; the message names the brief field or the source."""


@dataclass
class Quote:
    text: str  # verbatim words of the cited paragraph
    citation: str
    symbol: str
    speaker: str | None
    on_behalf_of: str | None
    date: str | None
    body: str | None
    family: str
    restricted: bool
    use: str  # quote | paraphrase


@dataclass
class Segment:
    text: str
    highlight: bool = False  # retrieved language the drafter must review


@dataclass
class Draft:
    kind: str
    context: dict
    footnotes: list[str]  # footnote n (from 1) -> its text
    quotes: list[Quote]
    warnings: list[str] = field(default_factory=list)


def _fold_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")).strip()


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+(?=[A-Z“\"(])", text) if s.strip()]


_ATTRIBUTION = re.compile(r"^.{0,160}?\b(?:said|stated|noted|stressed|emphasized|emphasised|recalled|considered|believed|added)\s+that\s+", re.S)


def choose_passage(text: str, query: str | None) -> str:
    """The sentence that best matches the query (first sentence without one), minus "X said that"."""
    sentences = _sentences(text) or [text]
    if query:
        wanted = set(tokens(query))
        sentence = max(sentences, key=lambda s: (len(wanted & set(tokens(s))), -sentences.index(s)))
    else:
        sentence = sentences[0]
    attribution = _ATTRIBUTION.match(sentence)
    passage = sentence[attribution.end() :] if attribution and len(sentence) - attribution.end() > 40 else sentence
    return passage.strip().rstrip(";")


def is_restricted_source(paragraph: dict) -> bool:
    return bool(paragraph["restricted"]) or paragraph["symbol"].startswith("JOB/")


class Composer:
    def __init__(self, brief: Brief, db_path: Path, index_dir: Path | None, allow_restricted: bool = False, model: str | None = None):
        self.brief = brief
        self.store = Store(db_path, create=False)
        self.index_dir = index_dir
        self.model = model
        self.allow_restricted = allow_restricted
        self._searcher: Searcher | None = None
        self.footnotes: list[str] = []
        self.quotes: list[Quote] = []
        self.warnings: list[str] = []

    def close(self) -> None:
        self.store.close()
        if self._searcher is not None:
            self._searcher.close()

    # --- sources ------------------------------------------------------------------------------

    def _searcher_or_fail(self, support: Support) -> Searcher:
        if self._searcher is None:
            from ..index.build import IndexMissing

            try:
                self._searcher = Searcher(self.index_dir, self.store.path, model=self.model)
            except IndexMissing as error:
                raise DraftError(f"{support.field}.query needs a search index: {error}") from error
        return self._searcher

    def _paragraphs(self, support: Support) -> list[tuple[dict, str | None]]:
        if support.citation:
            match = CITATION.match(support.citation)
            try:
                symbol = normalise_symbol(match["symbol"])
            except SymbolError as error:
                raise DraftError(f"{support.field}.citation: {error}") from error
            found = self.store.paragraphs(symbol, match["paragraph"])
            if not found:
                raise DraftError(f"{support.field}.citation: {symbol}, para. {match['paragraph']} is not in the corpus")
            return [(found[0], None)]
        searcher = self._searcher_or_fail(support)
        filters = Filters(**{key: value for key, value in support.filters.items() if value})
        results = searcher.search(support.query, k=support.k, filters=filters)
        if not results:
            self.warnings.append(f"{support.field}.query: no paragraph found for {support.query!r}")
        return [(result, support.query) for result in results]

    def resolve(self, supports: list[Support]) -> list[Quote]:
        quotes = []
        for support in supports:
            for paragraph, query in self._paragraphs(support):
                if support.quote:
                    if _fold_spaces(support.quote) not in _fold_spaces(paragraph["text"]):
                        raise DraftError(f"{support.field}.quote: these words are not in {paragraph['citation']}")
                    passage = support.quote
                else:
                    passage = choose_passage(paragraph["text"], query)
                if is_restricted_source(paragraph) and self.brief.release == "public":
                    message = f"{paragraph['citation']} is RESTRICTED (or a JOB document) and the brief is for public release"
                    if not self.allow_restricted:
                        raise DraftError(f"{support.field}: {message}; pass --allow-restricted to quote it anyway")
                    self.warnings.append(f"WARNING: {message}: quoted because --allow-restricted was given")
                quotes.append(
                    Quote(passage, paragraph["citation"], paragraph["symbol"], paragraph["speaker"], paragraph["on_behalf_of"],
                          paragraph["date"], paragraph["body"], paragraph["family"], is_restricted_source(paragraph), support.use)
                )
        self.quotes += quotes
        return quotes

    # --- paragraphs ---------------------------------------------------------------------------

    def footnote(self, text: str) -> str:
        self.footnotes.append(text)
        return FOOTNOTE_MARK.format(len(self.footnotes))

    def quote_paragraph(self, quote: Quote) -> list[Segment]:
        mark = self.footnote(f"{quote.citation}.")
        lead = _lead_in(quote)
        if quote.use == "paraphrase":
            return [
                Segment(f"[Paraphrase for review – not to be used as a quotation. {lead}: “"),
                Segment(quote.text, highlight=True),
                Segment(f"”{mark}]"),
            ]
        return [Segment(f"{lead}, “"), Segment(quote.text, highlight=True), Segment(f"”{mark}")]

    def citation_note(self, citation: str) -> str:
        """A footnote for a citation given in the brief; missing sources are flagged, not dropped."""
        match = CITATION.match(citation)
        try:
            symbol = normalise_symbol(match["symbol"])
        except SymbolError as error:
            raise DraftError(f"citation {citation!r}: {error}") from error
        if not self.store.paragraphs(symbol, match["paragraph"]):
            self.warnings.append(f"{symbol}, para. {match['paragraph']} is not in the corpus: its citation cannot be verified")
        return self.footnote(f"{Citation(symbol, match['paragraph'])}.")


def _lead_in(quote: Quote) -> str:
    """"As Benin, on behalf of the LDC Group, stated in the Committee on ... at the meeting of 1 May 2026"."""
    if quote.family == "panel-report":
        return f"As the panel found in {quote.symbol}"
    if quote.family == "appellate-body-report":
        return f"As the Appellate Body found in {quote.symbol}"
    if quote.family not in ("minutes", "tpr-minutes") or not quote.speaker:
        return f"As stated in {quote.symbol}"
    who = quote.speaker
    if quote.on_behalf_of:
        group = quote.on_behalf_of
        who += f", on behalf of the {group}," if "Group" in group else f", on behalf of {group},"
    where = f" in the {quote.body}" if quote.body else ""
    when = f" at the meeting of {_long_date(quote.date)}" if quote.date else ""
    return f"As {who} stated{where}{when}"


def _long_date(iso: str | None) -> str:
    if not iso:
        return ""
    value = date.fromisoformat(iso)
    return f"{value.day} {value.strftime('%B')} {value.year}"


def provision_label(key: str) -> str:
    """GATT1994:XX(b) -> "Article XX(b) of the GATT 1994"; ENABLING:2(c) -> "paragraph 2(c) of the Enabling Clause"."""
    agreement_key, _, reference = key.partition(":")
    found = agreement(agreement_key)
    name = short_name(agreement_key) if found else agreement_key
    if not reference:
        return f"the {name}"
    if agreement_key == "ENABLING":
        return f"paragraph {reference} of the {name}"
    return f"Article {reference} of the {name}"


def short_name(agreement_key: str) -> str:
    return agreement(agreement_key).short


def _delegation_line(brief: Brief) -> str:
    if brief.kind == "joint-statement":
        names = [brief.member, *brief.co_sponsors]
        return "Joint statement by " + (", ".join(names[:-1]) + " and " + names[-1])
    line = f"Statement by the delegation of {brief.member}"
    if brief.on_behalf_of:
        line += f" on behalf of the {brief.on_behalf_of}" if "Group" in brief.on_behalf_of else f" on behalf of {brief.on_behalf_of}"
    return line


def compose(brief: Brief, db_path: Path, index_dir: Path | None, allow_restricted: bool = False, model: str | None = None) -> Draft:
    composer = Composer(brief, db_path, index_dir, allow_restricted, model)
    try:
        if brief.kind == "third-party-submission":
            context = _third_party_submission(brief, composer)
        else:
            context = _statement(brief, composer)
    finally:
        composer.close()
    marking = "RESTRICTED" if brief.release == "restricted" else "For public release"
    context.update(marking=marking, review_note="DRAFT – highlighted passages are quoted from the WTO record and must be reviewed before use")
    return Draft(brief.kind, context, composer.footnotes, composer.quotes, composer.warnings)


def _statement(brief: Brief, composer: Composer) -> dict:
    header = [_delegation_line(brief)]
    if brief.body:
        header.append(f"{brief.body} – meeting of {_long_date(brief.meeting_date)}")
    if brief.agenda_item:
        header.append(f"Agenda item: {brief.agenda_item}")
    if brief.kind == "tpr-statement":
        header.append(f"Trade Policy Review of {brief.member_under_review}")
    measure = brief.measure
    if measure["description"] or measure["imposing_member"]:
        concern = measure["description"] or "measure"
        if measure["imposing_member"]:
            concern += f" maintained by {measure['imposing_member']}"
        if measure["products"]:
            concern += f" (products: {', '.join(measure['products'])}"
            concern += f"; HS {', '.join(measure['hs_codes'])})" if measure["hs_codes"] else ")"
        header.append(f"Measure of concern: {concern}")
    sections = []
    paragraphs = [[Segment(point)] for point in brief.points]
    for provision in measure["provisions"]:
        paragraphs.append([Segment(f"{brief.member} invites the Members concerned to explain how the measure is consistent with {provision_label(provision)}.")])
    if paragraphs:
        sections.append({"heading": "", "paragraphs": paragraphs})
    quotes = composer.resolve(brief.support)
    if quotes:
        sections.append({"heading": "Language from the record", "paragraphs": [composer.quote_paragraph(q) for q in quotes]})
    if brief.kind == "tpr-statement" and brief.questions:
        by_section: dict[str, list] = {}
        for question in brief.questions:
            mark = composer.citation_note(question.citation) if question.citation else ""
            by_section.setdefault(question.section, []).append([Segment(question.question + mark)])
        for section, questions in by_section.items():
            sections.append({"heading": f"Advance written questions – {section}", "paragraphs": questions})
    title = brief.title or {
        "committee-statement": "Statement",
        "tpr-statement": f"Trade Policy Review: {brief.member_under_review}",
        "joint-statement": "Joint Statement",
    }[brief.kind]
    return {"title": title, "header_lines": header, "sections": sections, "co_sponsors": [brief.member, *brief.co_sponsors]}


def _third_party_submission(brief: Brief, composer: Composer) -> dict:
    number = int(brief.dispute[2:])
    dispute = next(iter(composer.store.disputes(numbers=[number])), None)
    if dispute is None:
        composer.warnings.append(f"{brief.dispute} is not in the dispute registry: short title and table of cases are incomplete")
    short_title = (dispute or {}).get("short_title") or (dispute or {}).get("title") or "[Short title]"
    when = _long_date(brief.date or date.today().isoformat())
    sections = [{"heading": "1. Introduction", "paragraphs": [[Segment(point)] for point in brief.points]}]
    quotes = composer.resolve(brief.support)
    if quotes:
        sections[0]["paragraphs"] += [composer.quote_paragraph(q) for q in quotes]
    for position, issue in enumerate(brief.issues, 1):
        heading = issue.heading or provision_label(issue.provision)[0].upper() + provision_label(issue.provision)[1:]
        paragraphs = [[Segment(point)] for point in issue.points]
        paragraphs += [composer.quote_paragraph(q) for q in composer.resolve(issue.support)]
        sections.append({"heading": f"2.{position} {heading}", "paragraphs": paragraphs})
    if brief.conclusion:
        sections.append({"heading": "3. Conclusion", "paragraphs": [[Segment(brief.conclusion)]]})
    cited = {number} | {
        int(match) for quote in composer.quotes for match in re.findall(r"\bDS(\d{1,4})\b", quote.symbol + " " + quote.text)
    }
    disputes = {d["number"]: d for d in composer.store.disputes(numbers=sorted(cited))}
    cases = []
    for case in sorted(cited):
        row = disputes.get(case)
        if row:
            cases.append({"short_title": row["short_title"] or row["title"], "citation": f"{row['title']} (DS{case}), request for consultations by {row['complainant']} of {_long_date(row['consultations_requested'])}"})
        else:
            cases.append({"short_title": f"DS{case}", "citation": f"DS{case} (not in the dispute registry)"})
    used = sorted({key.split(":")[0] for key in [i.provision for i in brief.issues] + brief.measure["provisions"]})
    abbreviations = [{"abbreviation": short_name(key), "meaning": agreement(key).title} for key in used if agreement(key)]
    abbreviations += [{"abbreviation": "DSU", "meaning": agreement("DSU").title}] if "DSU" not in used else []
    abbreviations.append({"abbreviation": "Panel", "meaning": f"the panel in {short_title} ({brief.dispute})"})
    return {
        "title": f"{short_title} ({brief.dispute})",
        "cover_lines": [f"{short_title} ({brief.dispute})", f"Third Party Written Submission of {brief.member}", when],
        "header_lines": [],
        "toc": [section["heading"] for section in sections],
        "cases": cases,
        "abbreviations": sorted(abbreviations, key=lambda row: row["abbreviation"].lower()),
        "sections": sections,
        "co_sponsors": [],
    }
