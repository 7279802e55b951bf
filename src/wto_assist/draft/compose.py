"""From a brief to a template context: retrieve supporting language, pick verbatim quotes, place them
with the point they support, and attach WTO-style citations as footnote markers that render.py turns
into Word footnotes.

A public draft never quotes a document that is still RESTRICTED (derestriction is decided in
documents/restriction.py and applied by the store): a passage found by a query is withheld, with the
reason, and an explicit citation of one is an error unless the brief accepts restricted sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import WtoAssistError
from .. import members
from ..documents.symbols import SymbolError, dispute_of, normalise_symbol, parse_symbol
from ..config import today
from ..enrich.provisions import agreement, agreement_keys
from ..registry.query import find_disputes
from ..search import Filters, Searcher
from ..corpus import Corpus
from . import citation_style, passages
from .attribution import lead_in, reported_words
from .brief import CITATION, Brief, Support
from .proceedings import PROCEEDINGS_LINE, PROCEEDINGS_NAME, check_proceedings

FOOTNOTE_MARK = "⟦fn:{}⟧"
TOC_MARK = "⟦toc⟧"  # render.py puts a Word table-of-contents field here

Runs = citation_style.Runs


class DraftError(WtoAssistError):
    """A draft that cannot be produced as asked; the message names the brief field or the source."""


@dataclass
class Quote:
    text: str  # verbatim words of the cited paragraph
    citation: str  # machine form: "WT/COMTD/M/89, para. 12"
    symbol: str
    paragraph: str
    family: str | None
    restricted: bool
    restriction: str  # why it is (or is not) restricted
    use: str  # quote | paraphrase
    lead: Runs  # the words before the opening quotation mark
    note: Runs  # the footnote, in WTO style
    external: bool = False  # not in the corpus: rendered, reported UNVERIFIED by verify
    point: int | None = None  # 1-based point it supports
    field: str = ""  # the brief field it came from
    withheld: str | None = None  # why it is not used in this draft
    review: str | None = None  # why the drafter must read it against the record (shown in the draft)


@dataclass
class Segment:
    text: str
    highlight: bool = False  # retrieved language the drafter must review
    italic: bool = False


@dataclass
class Draft:
    kind: str
    context: dict
    footnotes: list[Runs]  # footnote n (from 1) -> its runs
    quotes: list[Quote]
    warnings: list[str] = field(default_factory=list)
    withheld: list[Quote] = field(default_factory=list)  # found, but not usable in this release
    accept: tuple[str, ...] = ()
    release: str = "public"


def _fold_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("“", '"').replace("”", '"').replace("’", "'").replace("‘", "'")).strip()


def is_restricted_source(paragraph: dict) -> bool:
    return bool(paragraph["restricted"]) or paragraph["symbol"].startswith("JOB/")


def name(member: str) -> str:
    """A Member as a delegate writes it in prose ("Korea", not "Korea, Republic of")."""
    return members.display_name(member)


class Composer:
    """Reads the corpus it is given (corpus.py); opens nothing of its own."""

    def __init__(self, brief: Brief, corpus: Corpus, allow_restricted: bool = False):
        self.brief = brief
        self.corpus = corpus
        self.store = corpus.store
        self.accept = set(brief.accept) | ({"restricted"} if allow_restricted else set())
        self.footnotes: list[Runs] = []
        self.quotes: list[Quote] = []
        self.withheld: list[Quote] = []
        self._sample_checked: set[str] = set()  # documents already checked for being an illustrative sample
        self.warnings: list[str] = []
        self._disputes: dict[int, dict | None] = {}

    def dispute(self, number: int | None) -> dict | None:
        if number is None:
            return None
        if number not in self._disputes:
            self._disputes[number] = next(iter(find_disputes(self.store, numbers=[number])), None)
        return self._disputes[number]

    def dispute_of(self, symbol: str) -> dict | None:
        return self.dispute(dispute_of(symbol))

    # --- sources ------------------------------------------------------------------------------

    def _searcher_or_fail(self, support: Support) -> Searcher:
        from ..index.build import IndexMissing

        try:
            return self.corpus.searcher
        except IndexMissing as error:
            raise DraftError(f"{support.field}.query needs a search index: {error}") from error

    def _cited(self, support: Support) -> tuple[str, str, list[dict]]:
        symbol, label = _pinpoint(support.citation, f"{support.field}.citation")
        # A numbered paragraph and the unnumbered text that follows it share one citation.
        return symbol, label, self.store.paragraphs(symbol, label)

    def _candidates(self, support: Support) -> list[passages.Passage]:
        """The passages one support item quotes: the brief's own words, the cited paragraph's first
        sound sentence, or the best sentences of the search hits (see passages.py)."""
        if support.citation:
            symbol, label, block = self._cited(support)
            if not block:
                raise DraftError(f"{support.field}.citation: {symbol}, para. {label} is not in the corpus"
                                 " (set external: true, with its quote, to cite a document outside the corpus)")
            if support.quote:
                holder = next((p for p in block if _fold_spaces(support.quote) in _fold_spaces(p["text"])), None)
                if holder is None:
                    raise DraftError(f"{support.field}.quote: these words are not in {symbol}, para. {label}")
                return [_given_quote(holder, support.quote)]
            return [passages.best_passage(block[0], None)]
        searcher = self._searcher_or_fail(support)
        filters = Filters(**{key: value for key, value in support.filters.items() if value})
        # Ask for more than k: hits a public draft may not quote, procedural lines and sentences that
        # need their context are set aside, not counted.
        results = searcher.search(support.query, k=support.k * 3 + 15, filters=filters)
        if not results:
            self.warnings.append(f"{support.field}.query: no paragraph found for {support.query!r}")
        ranked = passages.rank(results, support.query)
        usable = [found for found in ranked if not self._withhold_reason(found.paragraph)]
        withheld = [found for found in ranked[: support.k] if self._withhold_reason(found.paragraph)]
        return usable[: support.k] + withheld  # a chosen passage that needs context is flagged in resolve()

    def _withhold_reason(self, paragraph: dict) -> str | None:
        if self.brief.release != "public" or not is_restricted_source(paragraph) or "restricted" in self.accept:
            return None
        if paragraph["symbol"].startswith("JOB/"):
            return "a JOB document (informal, not for public use)"
        until = f" until {citation_style.long_date(paragraph['derestricted_on'])}" if paragraph.get("derestricted_on") else ""
        return f"still RESTRICTED{until} ({paragraph.get('restriction') or 'marked RESTRICTED'})"

    def _quote(self, found: passages.Passage, support: Support) -> Quote:
        paragraph = found.paragraph
        case = citation_style.short_case(self.dispute_of(paragraph["symbol"]), paragraph["symbol"])
        lead = lead_in(paragraph, found.reported, case, found.paragraph_verb)
        return Quote(
            text=found.words, citation=paragraph["citation"], symbol=paragraph["symbol"], paragraph=paragraph["paragraph"],
            family=paragraph["family"], restricted=is_restricted_source(paragraph), restriction=paragraph.get("restriction") or "",
            use=support.use, lead=lead, note=self._note(paragraph), point=support.point, field=support.field,
            review=found.review if paragraph["family"] in ("minutes", "tpr-minutes") else None,
        )

    def _note(self, source: dict) -> Runs:
        return citation_style.footnote(source, source["paragraph"], self.dispute_of(source["symbol"]))

    def _external(self, support: Support) -> Quote:
        symbol, label = _pinpoint(support.citation, f"{support.field}.citation")
        parsed = parse_symbol(symbol)
        kind = citation_style.report_kind(symbol)
        family = {"Panel Report": "panel-report", "Appellate Body Report": "appellate-body-report"}.get(kind, parsed.family)
        source = {"symbol": symbol, "paragraph": label, "family": family, "body": parsed.body, "date": None}
        case = citation_style.short_case(self.dispute_of(symbol), symbol)
        return Quote(
            text=support.quote or "", citation=f"{symbol}, para. {label}", symbol=symbol, paragraph=label,
            family=family, restricted=False, restriction="not in the corpus: status not checked", use=support.use,
            lead=lead_in(source, reported_words(support.quote or ""), case), note=self._note(source), external=True,
            point=support.point, field=support.field,
        )

    def resolve(self, supports: list[Support]) -> list[Quote]:
        quotes = []
        for support in supports:
            if support.external:
                quote = self._external(support)
                self.warnings.append(f"{support.field}: {quote.citation} is cited from outside the corpus; verify will report it UNVERIFIED")
                quotes.append(quote)
                continue
            if support.use == "reference":  # cited, not quoted: only the paragraph must exist
                symbol, label, block = self._cited(support)
                if not block:
                    raise DraftError(f"{support.field}.citation: {symbol}, para. {label} is not in the corpus"
                                     " (set external: true to cite a document outside the corpus)")
                quotes.append(self._quote(passages.passage(block[0], ""), support))
                continue
            for found in self._candidates(support):
                quote = self._quote(found, support)
                reason = self._withhold_reason(found.paragraph)
                if reason is None:
                    if quote.review and quote.use != "reference":
                        self.warnings.append(f"{support.field}: {quote.citation}: review the quotation: {quote.review}")
                    quotes.append(quote)
                    continue
                quote.withheld = reason
                if support.citation:
                    raise DraftError(f"{support.field}: {quote.citation} is {reason} and the draft is for public release;"
                                     " cite a public record, or add `accept: [restricted]` to the brief")
                self.withheld.append(quote)
                self.warnings.append(f"{support.field}: {quote.citation} not quoted: {reason}")
        self._warn_of_samples(quotes)
        self.quotes += quotes
        return quotes

    def _warn_of_samples(self, quotes: list[Quote]) -> None:
        """A quotation from the illustrative sample corpus (corpora/) is said to be one, once per document: the
        sample reads like WTO minutes but is not a WTO document; a delegation's statement should quote the record."""
        for quote in quotes:
            if quote.external or quote.symbol in self._sample_checked:
                continue
            self._sample_checked.add(quote.symbol)
            found = self.store.paragraphs(quote.symbol, quote.paragraph)
            if found and found[0].get("sample"):
                self.warnings.append(f"{quote.symbol} is an illustrative sample, not an official WTO document: "
                                     f"replace {quote.citation} with the record before the draft is used")

    # --- paragraphs ---------------------------------------------------------------------------

    def footnote(self, runs: Runs) -> str:
        self.footnotes.append(runs)
        return FOOTNOTE_MARK.format(len(self.footnotes))

    def quote_segments(self, quote: Quote) -> list[Segment]:
        mark = self.footnote(quote.note)
        lead = [Segment(text, italic=italic) for text, italic in quote.lead]
        if quote.use == "paraphrase":
            return [Segment("[For paraphrase, not to be quoted as it stands: "), *lead,
                    Segment("“"), Segment(quote.text, highlight=True), Segment(f"”{mark}]")]
        # In italics, not highlighted: highlighted text is quoted language to verify, and the note is ours.
        review = [Segment(f" [For review: {quote.review}.]", italic=True)] if quote.review else []
        return [*lead, Segment("“"), Segment(quote.text, highlight=True), Segment(f"”{mark}"), *review]

    def points_with_quotes(self, points: list[str], quotes: list[Quote]) -> list[list[Segment]]:
        """Each point (with its "See …" references as footnotes), then the quotations attached to it;
        unattached quotations come last."""
        paragraphs = []
        for number, point in enumerate(points, 1):
            marks = "".join(self.footnote([("See ", False), *q.note]) for q in quotes if q.point == number and q.use == "reference")
            paragraphs.append([Segment(point + marks)])
            paragraphs += [self.quote_segments(q) for q in quotes if q.point == number and q.use != "reference"]
        paragraphs += [self.quote_segments(q) for q in quotes if q.point is None]
        return paragraphs

    def reference_line(self, citation: str) -> str:
        """"Reference: WT/TPR/S/478, para. 2.14" for a TPR question; a reference not in the corpus is flagged."""
        symbol, label = _pinpoint(citation, f"citation {citation!r}")
        if not self.store.paragraphs(symbol, label):
            self.warnings.append(f"{symbol}, para. {label} is not in the corpus: the reference could not be checked")
        return f"Reference: {symbol}, para. {label}"


def _pinpoint(citation: str, field: str) -> tuple[str, str]:
    """A citation the brief validated -> (normalised symbol, paragraph label)."""
    match = CITATION.match(citation)
    try:
        return normalise_symbol(match["symbol"]), match["paragraph"]
    except SymbolError as error:
        raise DraftError(f"{field}: {error}") from error


def _given_quote(paragraph: dict, quote: str) -> passages.Passage:
    """The brief's own quotation: introduced by the frame of the sentence it comes from, and flagged
    when it starts or stops inside that sentence's reported words."""
    own = reported_words(quote)
    if own.verb:  # the brief quoted the Secretariat's frame too: only the reported words are quoted
        quote = own.words
    found = passages.sentences(paragraph["text"]) or [paragraph["text"]]
    sentence = next((s for s in found if _fold_spaces(quote) in _fold_spaces(s)), None)
    if sentence is None:  # the quotation runs over several sentences: the first one's frame introduces it
        sentence = next((s for s in found if _fold_spaces(s) in _fold_spaces(quote)), found[0])
    holder = passages.passage(paragraph, sentence, None, found)
    words = _fold_spaces(holder.words)
    review = holder.review or passages.needs_context(quote)
    reported = holder.reported
    folded = _fold_spaces(quote)
    if folded in words:
        if not words.startswith(folded):
            review = review or "the quotation begins inside a sentence of the record"
        if not words.endswith(folded) and not folded.endswith(("…", "...", "[…]")):
            review = review or "the quotation stops inside a sentence of the record without an ellipsis"
        reported = replace(reported, words=quote)
    else:  # longer than the sentence's reported words: introduced as a passage of the statement
        reported = replace(reported, verb=None, clause=False, subject="", pronoun="", words=quote)
    return replace(holder, reported=reported, review=review)


def provision_label(key: str) -> str:
    """GATT1994:XX(b) -> "Article XX(b) of the GATT 1994"; ENABLING:2(c) -> "paragraph 2(c) of the Enabling Clause"."""
    agreement_key, _, reference = key.partition(":")
    found = agreement(agreement_key)
    short = found.short if found else agreement_key
    if not reference:
        return f"the {short}"
    if agreement_key == "ENABLING":
        return f"paragraph {reference} of the {short}"
    return f"Article {reference} of the {short}"


def compose(brief: Brief, db: Corpus | Path, index_dir: Path | None = None, allow_restricted: bool = False,
            model: str | None = None) -> Draft:
    """The draft's text and footnotes from `db`: an open Corpus, or a database path (with the index folder
    and model a `query` support needs)."""
    with Corpus.borrowed(db, index_dir, model) as corpus:
        composer = Composer(brief, corpus, allow_restricted)
        if brief.kind == "third-party-submission":
            context = _third_party_submission(brief, composer)
        else:
            context = _statement(brief, composer)
    context.update(
        marking="RESTRICTED" if brief.release == "restricted" else "",
        review_note="Draft – highlighted passages are quoted from the WTO record and must be reviewed before use",
    )
    return Draft(brief.kind, context, composer.footnotes, composer.quotes, composer.warnings, composer.withheld,
                 tuple(sorted(composer.accept)), brief.release)


def _measure_line(brief: Brief) -> str | None:
    measure = brief.measure
    if not (measure["description"] or measure["imposing_member"]):
        return None
    concern = measure["description"] or "measure"
    if measure["imposing_member"]:
        concern += f" maintained by {name(measure['imposing_member'])}"
    if measure["products"]:
        concern += f" (products: {', '.join(measure['products'])}"
        concern += f"; HS {', '.join(measure['hs_codes'])})" if measure["hs_codes"] else ")"
    return f"Measure of concern: {concern}"


def _statement(brief: Brief, composer: Composer) -> dict:
    joint = brief.kind == "joint-statement"
    sponsors = [name(m) for m in [brief.member, *brief.co_sponsors]]
    speaker = name(brief.member)
    if joint:
        header = []
        title = brief.title or f"Joint Statement by {citation_style.joined(sponsors)}"
    else:
        on_behalf = ""
        if brief.on_behalf_of:  # "on behalf of the LDC Group", "on behalf of Qatar"
            article = "the " if members.lookup(brief.on_behalf_of).kind == "group" else ""
            on_behalf = f" on behalf of {article}{name(brief.on_behalf_of)}"
        title = brief.title or ("Statement by " + speaker + on_behalf if brief.kind == "committee-statement" else f"Trade Policy Review: {name(brief.member_under_review)}")
        header = [] if brief.kind == "committee-statement" and not brief.title else [f"Statement by {speaker}{on_behalf}"]
    if brief.body:
        header.append(f"{brief.body}, meeting of {citation_style.long_date(brief.meeting_date)}")
    if brief.agenda_item:
        header.append(f"Agenda item: {brief.agenda_item}")
    measure = _measure_line(brief)
    if measure:
        header.append(measure)
    paragraphs = [] if joint else [[Segment("Thank you, Chair.")]]
    paragraphs += composer.points_with_quotes(brief.points, composer.resolve(brief.support))
    provisions = brief.measure["provisions"]
    if provisions:
        who = "The co-sponsors invite" if joint else ("The Group invites" if brief.on_behalf_of else "We invite")
        target = name(brief.measure["imposing_member"]) if brief.measure["imposing_member"] else "the Member concerned"
        labels = [provision_label(p) for p in provisions]
        paragraphs.append([Segment(f"{who} {target} to explain how the measure is consistent with {citation_style.joined(labels)}.")])
    if not joint:
        paragraphs.append([Segment("Thank you.")] if brief.kind == "committee-statement" else [Segment("We look forward to the replies of the delegation under review. Thank you, Chair.")])
    sections = [{"heading": "", "level": 1, "paragraphs": paragraphs}]
    questions = []
    for number, question in enumerate(brief.questions, 1):
        questions.append({
            "section": question.section,
            "new_section": number == 1 or brief.questions[number - 2].section != question.section,
            "label": f"Question {number}",
            "reference": composer.reference_line(question.citation) if question.citation else "",
            "text": question.question,
        })
    return {"title": title, "header_lines": header, "sections": sections, "questions": questions,
            "questions_heading": f"Advance written questions to {name(brief.member_under_review)}" if questions else ""}


def _third_party_submission(brief: Brief, composer: Composer) -> dict:
    number = int(brief.dispute[2:])
    dispute = composer.dispute(number)
    when = brief.date or today()
    checked = check_proceedings(dispute, brief.proceedings, when, composer.accept)
    if checked.refusal:
        raise DraftError(f"date: {checked.refusal}")
    composer.warnings += [f"proceedings: {warning}" for warning in checked.warnings]
    if dispute is None:
        composer.warnings.append(f"{brief.dispute} is not in the dispute registry: the cover and table of cases lack its title")
        full_title = f"[Title of the dispute] ({brief.dispute})"
        short = f"[Short title] ({brief.dispute})"
    else:
        full_title = citation_style.full_case(dispute)
        short = citation_style.short_case(dispute) or full_title
    summary = brief.executive_summary or [issue.points[0] for issue in brief.issues]
    if not brief.executive_summary:
        composer.warnings.append("executive_summary: not in the brief; drafted from the first point of each legal issue, for review")
    sections = [{"heading": "EXECUTIVE SUMMARY", "level": 1, "unnumbered": True, "paragraphs": [[Segment(text)] for text in summary]}]
    sections.append({"heading": "I. INTRODUCTION", "level": 1,
                     "paragraphs": composer.points_with_quotes(brief.points, composer.resolve(brief.support))})
    sections.append({"heading": "II. LEGAL ISSUES", "level": 1, "paragraphs": []})
    for position, issue in enumerate(brief.issues):
        label = provision_label(issue.provision)
        heading = issue.heading or label[0].upper() + label[1:]
        sections.append({"heading": f"{chr(ord('A') + position)}. {heading}", "level": 2,
                         "paragraphs": composer.points_with_quotes(issue.points, composer.resolve(issue.support))})
    if brief.conclusion:
        sections.append({"heading": "III. CONCLUSION", "level": 1, "paragraphs": [[Segment(brief.conclusion)]]})
    cited_reports = sorted({q.symbol for q in composer.quotes if citation_style.report_kind(q.symbol)})
    cases = [citation_style.case_entry(symbol, composer.dispute_of(symbol), dates=True) for symbol in cited_reports]
    cases.sort(key=lambda case: citation_style.plain(case["short_title"]).lower())
    for symbol in cited_reports:
        circulated = _circulated(composer.dispute_of(symbol), symbol)
        if circulated and circulated > when:
            composer.warnings.append(f"{symbol} was circulated on {citation_style.long_date(circulated)}, after the submission's date ({citation_style.long_date(when)})")
    prefix = brief.exhibit_prefix or citation_style.exhibit_prefix(brief.member)
    exhibits = [{"number": f"{prefix}-{n}", "title": exhibit.title, "short_title": exhibit.short_title or ""}
                for n, exhibit in enumerate(brief.exhibits, 1)]
    member = name(brief.member)
    cover = ["BEFORE THE WORLD TRADE ORGANIZATION", PROCEEDINGS_LINE[brief.proceedings], full_title.upper()]
    if brief.proceedings == "compliance" and dispute and dispute.get("complainants"):
        cover.append("RECOURSE TO ARTICLE 21.5 OF THE DSU BY " + citation_style.joined(
            [citation_style.member_in_prose(m, when) for m in dispute["complainants"]]).upper())
    cover += [f"({brief.dispute})", f"THIRD PARTY WRITTEN SUBMISSION OF {member.upper()}", f"Geneva, {citation_style.long_date(when)}"]
    context = {
        "title": f"{short}: Third Party Written Submission of {member} ({PROCEEDINGS_NAME[brief.proceedings]})",
        "cover_lines": cover,
        "header_lines": [],
        "toc": TOC_MARK,
        "cases": cases,
        "exhibits": exhibits,
        "sections": sections,
        "questions": [],
    }
    context["abbreviations"] = _abbreviations_used(context, composer, short)
    return context


def _circulated(dispute: dict | None, symbol: str) -> str | None:
    found = citation_style.case_events(symbol, dispute) if dispute else {}
    return found["circulated"]["date"] if "circulated" in found else None


# Abbreviations a submission may use besides the agreements' short names (data/agreements.tsv).
_OTHER_ABBREVIATIONS = (
    ("DSB", "Dispute Settlement Body"),
    ("WTO", "World Trade Organization"),
    ("para./paras.", "paragraph/paragraphs"),
)


def _abbreviations_used(context: dict, composer: Composer, short: str) -> list[dict]:
    """The table of abbreviations: only the terms the submission actually uses."""
    text = " ".join(citation_style.plain(segment_runs) for segment_runs in composer.footnotes)
    for section in context["sections"]:
        text += " " + section["heading"] + " " + " ".join(segment.text for paragraph in section["paragraphs"] for segment in paragraph)
    text += " " + " ".join(exhibit["title"] for exhibit in context["exhibits"])
    rows = []
    for key in sorted(agreement_keys()):
        found = agreement(key)
        if found and _uses(text, found.short):
            rows.append({"abbreviation": found.short, "meaning": found.title})
    rows += [{"abbreviation": abbreviation, "meaning": meaning} for abbreviation, meaning in _OTHER_ABBREVIATIONS
             if _uses(text, abbreviation.split("/")[0])]
    if re.search(r"(?<![\w-])Panel(?! Reports?\b)(?![\w-])", text):  # "the Panel", not "Panel Report, …"
        rows.append({"abbreviation": "Panel", "meaning": f"the panel in {short}"})
    unique = {row["abbreviation"]: row for row in rows}
    return sorted(unique.values(), key=lambda row: row["abbreviation"].lower())


def _uses(text: str, term: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text) is not None
