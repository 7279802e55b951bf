"""Query -> filtered, ranked paragraphs with citations: the API the CLI, server and drafting use.

Modes: "bm25" (WTO-aware lexical), "dense" (MiniLM windows in FAISS) and "hybrid" (score fusion);
DEFAULT_MODE is the best by measurement on queries written blind (see docs/search.md); without a dense
index, bm25. The bm25 path never imports torch; the other modes encode the query with the ONNX export of
the model, so they start fast too.

A hit matches the query's words or passes SIMILAR_THRESHOLD on the embedding ("similar, not
matching"); nothing else is returned, so a query that means nothing returns nothing and adding a
filter can only remove hits. Paragraphs sharing one citation count once. A document symbol or
citation typed in the query opens that paragraph (or the document's first) as the first hit.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import members, query_parse, ranking, relevance, spelling
from .documents.citations import find_citations
from .enrich.provisions import is_within
from .index.build import FORMAT_VERSION, IndexMissing, IndexOutdated, current_version, hold_version
from .index.analysis import stem_ahead, tokens
from .index.columns import Columns
from .index.hitlist import HitList, once_per_citation
from .index.mapped import fault_in
from .index.pruned import PrunedHits
from .index.sublinear import QueryPostings, SublinearHits, about, rows_holding
from .index.segments import open_lexical
from .corpus import ThreadStores
from .filters import (Filters, SearchError, actor_names, date_bound, date_range, dispute_symbol,  # noqa: F401 - re-exported
                      field_error, member_name, provision_key, suggestion)
from .store import Store
from .wording import counted

MODES = ("bm25", "dense", "hybrid")
STALE_NOTICE = "the index is older than"  # how the notice that documents are not searchable yet begins
DEFAULT_MODE = "hybrid"  # best on both query sets written blind (198 queries) and pooled over all 276 (docs/search.md, "Ranking, by measurement")
HYBRID_DENSE_WEIGHT = 0.2  # share of the normalised dense score: best pooled over 276 queries; 0.5 lowers every set (docs/search.md)
CANDIDATES = 200  # depth of the dense ranking whose scores enter hybrid fusion
# Cosine of a paragraph's best window above which it is "similar" to the query without sharing its
# words: above every off-topic and nonsense query measured (docs/search.md).
SIMILAR_THRESHOLD = 0.45
# From this many rows, and a query with at least this many postings, bm25 reads only the documents a page
# reaches and counts beyond a threshold are estimates (index/sublinear.py); below, every row is scored.
SUBLINEAR_FROM_ROWS = 100_000
SUBLINEAR_FROM_POSTINGS = 100_000
STEMS_AHEAD = 50_000  # the corpus's most frequent words stemmed when the web app warms up (Searcher.warm)
# "--speaker Chair" and its variants name a role, not a delegation.
SPEAKER_ROLES = {
    "chair": "chair", "chairman": "chair", "chairperson": "chair", "chairwoman": "chair", "vice-chair": "chair",
    "vice-chairman": "chair", "vice-chairperson": "chair", "secretariat": "secretariat",
}


@dataclass(frozen=True)
class Weights:
    """The ranking's weights, each chosen by measurement (docs/search.md); benchmarks/bench_index.py
    measures every variant by giving a Searcher other weights."""

    meeting: float = ranking.MEETING_WEIGHT
    member: float = ranking.MEMBER_WEIGHT
    procedural: float = relevance.PROCEDURAL_WEIGHT
    period: float = relevance.PERIOD_WEIGHT
    speaker: float = relevance.SPEAKER_WEIGHT
    delegation: float = relevance.DELEGATION_WEIGHT
    dense: float = HYBRID_DENSE_WEIGHT


@dataclass
class ResultPage:
    """One page of hits: `total` counts every hit after the filters (one per citation)."""

    total: int
    records: list[dict]
    page: int
    pages: int
    notices: list[str] = field(default_factory=list)  # what the user should know about this result set
    words: relevance.WordMatch | None = None  # hits by how many of the user's words they hold; weak-match flag
    suggestions: dict[str, str] = field(default_factory=dict)  # unknown word -> the corpus word it may mean
    suggested_query: str | None = None  # the query with those words replaced
    estimated: bool = False  # `total` (and the word counts) estimated from a sample of the documents: "about"

    def said_total(self, unit: str = "hit") -> str:
        """The count as a user reads it: "12 hits", "about 48,000 hits"."""
        return ("about " if self.estimated else "") + counted(self.total, unit)


def _one_per_citation(order: HitList, opened: set[int], citation_ids: np.ndarray) -> np.ndarray:
    """The hits for counting, one row per citation, the first-ranked hit first (its coverage decides the
    weak-match notice): counts need no full sort of the hits, and no Python loop over them."""
    first = next((row for row in order if row not in opened), None)
    if first is None:
        return np.fromiter(opened, dtype=np.int64, count=len(opened))
    citations = np.asarray(citation_ids)
    # A paragraph opened by its citation is counted once, as the opened row (not again by a row of it).
    rest = once_per_citation(order.hit_rows(), citations, opened)
    rest = rest[citations[rest] != citations[first]]
    return np.concatenate([np.fromiter(opened, dtype=np.int64, count=len(opened)), [first], rest]).astype(np.int64)


class Searcher:
    """Loads the live index and the corpus store once; answers many queries."""

    def __init__(self, index_dir: Path, db_path: Path, model: str | None = None, stores: ThreadStores | None = None):
        for attempt in range(3):  # a build may switch CURRENT and remove the old version in between
            self.version = current_version(Path(index_dir))
            hold = None
            try:
                hold = hold_version(self.version)  # the version stays until close()
                self.manifest = json.loads((self.version / "manifest.json").read_text(encoding="utf-8"))
                self._hold = hold
                break
            except FileNotFoundError:
                if hold is not None:
                    hold.close()
                if attempt == 2:
                    raise IndexMissing(f"the index in {index_dir} changed while opening it; try again") from None
        if self.manifest.get("format") != FORMAT_VERSION:
            self._hold.close()
            raise IndexOutdated(f"the index in {index_dir} has format {self.manifest.get('format')}, this wto-assist reads "
                                f"format {FORMAT_VERSION}: build the index again (the index command, or Index now on the Corpus page)",
                                self.version, self.manifest.get("format"), FORMAT_VERSION)
        # Precomputed columns (index/columns.py), memory-mapped: a cold start reads no per-row JSON.
        self.columns = Columns(self.version / "columns")
        self.row_count = self.columns.row_count
        self._rows = None
        self.lexical = open_lexical(self.version)  # one segment, or a full build + the documents added since
        # One connection per thread: the web app's requests read at once, and a connection shared between
        # threads can deadlock (SQLite's mutex held while the SQL function wto_today waits for the GIL).
        # A Corpus (corpus.py) lends its own connections; otherwise the Searcher opens and closes its own.
        self._owns_stores = stores is None
        self._stores = stores if stores is not None else ThreadStores(Path(db_path))
        self.store  # noqa: B018 - opened now, so that a missing database is an error of the constructor
        self.model = model or self.manifest.get("model")
        self._dense = None
        self._encoder_loaded = False  # the query encoder answered once (see _encoder_available)
        self.stale_skipped = 0
        self._document_ids = self.columns.array("document_ids")
        self._document_starts = np.asarray(self.columns.array("document_starts"), dtype=np.int64)
        self._document_sizes = np.diff(self._document_starts)
        # the rows a page may list, before any filter: not heading-like, not of a document removed since
        self._listable = ~self.columns.hidden()
        # Unnumbered text cites its numbered paragraph: one citation, one hit.
        self._citation_ids = self.columns.array("citation_ids")
        self._speller: spelling.Speller | None = None
        self._coverage: tuple | None = None  # (store state, coverage.coverage()): see _held
        self._member_frequencies: dict[tuple[str, str], int] = {}  # see _member_frequency
        self.weights = Weights()

    @property
    def rows(self) -> list[dict]:
        """Every index row as a dict (evaluation and tests read these; queries use the columns)."""
        if self._rows is None:
            self._rows = json.loads((self.version / "rows.json").read_text(encoding="utf-8"))
            if (self.version / "delta").is_dir():  # rows of an incremental build: the base's, then the delta's
                self._rows += json.loads((self.version / "delta" / "rows.json").read_text(encoding="utf-8"))
        return self._rows

    def _facts(self, hits: np.ndarray, parsed) -> relevance.RowFacts:
        """What relevance.adjust reads, for the hit rows only (the columns, never a per-row scan)."""
        # The kind's code per row, compared on the few kinds named: no string per hit (a query reads tens of thousands).
        member_kind = np.asarray(self.columns.vocabulary["speaker_kinds"], dtype=object) == "member"
        dates = np.asarray(self.columns.array("dates"))[hits]
        speaking = (self.columns.rows_with("actors", parsed.speakers, hits) if parsed.speakers
                    else np.zeros(hits.size, dtype=bool))
        return relevance.RowFacts(np.asarray(self.columns.array("procedural"))[hits], dates,
                                  member_kind[np.asarray(self.columns.array("speaker_kinds"))[hits]], speaking)

    def _make_speller(self) -> spelling.Speller:
        """From the word forms the index build counted (index/segments.py), else from the store's texts."""
        from .index.segments import word_forms

        forms = word_forms(self.version)
        if forms is None:
            return spelling.Speller(text for _, text in self.store.paragraph_texts())
        return spelling.Speller(forms=forms)

    @property
    def dense(self):
        if self._dense is None:
            if not self.manifest.get("dense"):
                raise field_error("mode", "this index was built without dense vectors (BM25 only); use the bm25 mode")
            from .index.onnx_encoder import query_encoder
            from .index.segments import open_dense

            self._dense = open_dense(self.version, query_encoder(self.model), self.columns)
        return self._dense

    def _encoder_available(self, notices: list[str]) -> bool:
        """Whether the query encoder loads; when it does not, the default mode answers with BM25 and says why
        (a named --mode dense or hybrid still fails with the missing model's message)."""
        from .index.dense import ModelError

        if self._encoder_loaded:
            return True
        try:
            self.dense.scores("warm-up", self.row_count)
        except ModelError as error:
            notices.append(f"searched by words only (BM25): the embedding model is not available ({error})")
            return False
        self._encoder_loaded = True
        return True

    def warm(self, for_pages: bool = False) -> None:
        """Load the query encoder now (the web app and `serve` call this at start, not on the first query) and map
        the index's pages into this process; `for_pages` (the web app, which highlights the paragraphs it shows):
        also stem the corpus's most frequent words. A worker's first pages would otherwise fault the pages in one by
        one and stem their paragraphs' words (docs/scale.md, run 12).
        A missing model is not an error here: the default mode answers with BM25 and says so; a query that asks
        for dense or hybrid says what is missing."""
        fault_in([*self.lexical.mapped_arrays(), *self.columns.mapped_arrays()])
        if for_pages:
            self._speller = self._speller or self._make_speller()
            stem_ahead(form for form, _ in self._speller.count.most_common(STEMS_AHEAD))
        if self.manifest.get("dense"):
            self._encoder_available([])

    # --- filters ------------------------------------------------------------------------------

    def mask(self, filters: Filters, notices: list[str] | None = None) -> np.ndarray | None:
        """Boolean mask of rows passing the filters, or None when there are none."""
        mask = np.ones(self.row_count, dtype=bool)
        active = False
        filters.check()  # a bad value is an error naming its parameter (filters.py)
        if filters.family:
            mask &= self.columns.family_mask(filters.family)
            active = True
        if filters.body:
            mask &= self.columns.body_mask(filters.body.lower())
            active = True
        if filters.symbol:
            prefix = re.sub(r"\s+", "", filters.symbol).upper()
            mask &= self.columns.symbol_prefix_mask(prefix)
            active = True
        if filters.speaker:
            mask &= self._speaker_mask(filters.speaker)
            active = True
        if filters.member:
            name = member_name(filters.member)
            mask &= self.columns.mask_with("mentions", [name], self.columns.mask_with("actors", [name]))
            active = True
        if filters.provision:
            key = provision_key(filters.provision)
            within = [cited for cited in self.columns.keys("provisions") if is_within(cited, key)]
            mask &= self.columns.mask_with("provisions", within)
            active = True
        if filters.dispute:
            number = dispute_symbol(filters.dispute)
            if notices is not None and self.store.dispute_count() == 0:
                notices.append(f"dispute: the dispute registry is not loaded (load the WTO dispute table first), so only "
                               f"paragraphs that cite {number} or belong to its documents are found, not its summary")
            mask &= self.columns.mask_with("disputes", [number])
            active = True
        start, end = date_range(filters.date_from, filters.date_to)
        if start or end:
            mask &= self.columns.date_mask(start, end)
            active = True
        if filters.restricted is not None:
            mask &= self.columns.array("restricted") == filters.restricted
            active = True
        return mask if active else None

    def _speaker_mask(self, wanted: str) -> np.ndarray:
        """A role (Chair, Secretariat), a Member or group by any variant, or a speaker named in the corpus."""
        role = SPEAKER_ROLES.get(re.sub(r"^the\s+", "", wanted.strip().lower()))
        if role:
            return self.columns.speaker_kind_mask(role)
        actor = members.lookup(wanted)
        name = (actor.name if actor else wanted.strip()).lower()
        mask = self.columns.mask_with("actors", [speaker for speaker in self.columns.keys("actors") if speaker.lower() == name])
        if actor is None and not mask.any():
            speakers = list(self.columns.keys("actors"))
            raise field_error("speaker", f"no Member, group or speaker called {wanted!r} in this corpus"
                              + suggestion(wanted, actor_names() + speakers + ["Chair", "Secretariat"]))
        return mask

    # --- ranking ------------------------------------------------------------------------------

    def scores(self, query: str, mode: str, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(hit rows, their scores, True per row where it matches the query's words). Only hits are scored
        further (meeting context, Members named): the cost follows the hits, not the corpus."""
        if mode not in MODES:
            raise field_error("mode", f"unknown mode {mode!r} (one of: {', '.join(MODES)})")
        weights = self.weights
        parsed = query_parse.parse(query)
        lexical = self.lexical.scores(parsed.text or query)
        matched = lexical > 0
        if mode == "bm25":
            hits = np.flatnonzero(matched)
            scores = lexical[hits]
        else:
            allowed = np.nonzero(mask)[0] if mask is not None else None
            semantic = self.dense.scores(query, self.row_count, allowed, depth=CANDIDATES, floor=SIMILAR_THRESHOLD)
            hits = np.flatnonzero(matched | (semantic >= SIMILAR_THRESHOLD))
            everywhere = np.ones(hits.size, dtype=bool)
            scores = semantic[hits] if mode == "dense" else fuse(lexical[hits], semantic[hits], everywhere, weights.dense)
        scores = self._rescored(hits, scores, query, parsed, mode)
        keep = self._listable[hits]
        if mask is not None:
            keep &= mask[hits]
        return hits[keep], scores[keep], matched

    def _rescored(self, hits: np.ndarray, scores: np.ndarray, query: str, parsed, mode: str) -> np.ndarray:
        """The ranking's adjustments of the hits' scores. The meeting context reads every hit of a document:
        `hits` holds whole documents' hits (all hits, or those of the documents index/pruned.py takes)."""
        weights = self.weights
        if mode != "dense" and hits.size:
            scores = ranking.meeting_context(scores, self._document_ids[hits], weights.meeting, document_sizes=self._document_sizes)
            named = ranking.named_members(query)
            if named:
                scores = ranking.boost_involved(scores, self._member_rows_at(named, hits), weights.member)
        if hits.size:
            scores = relevance.adjust(scores, parsed, self._facts(hits, parsed), weights.procedural, weights.period,
                                      weights.speaker, weights.delegation)
        return scores

    def _pruned(self, query: str, mask: np.ndarray | None, opened: list[int], by_row: bool = True):
        """The bm25 ranking rescoring only the documents its pages reach (index/pruned.py): the same rows,
        order, scores and count as rescoring every hit. At the scale of an archive, only those documents
        are read at all (index/sublinear.py), and a large count is an estimate."""
        weights = self.weights
        parsed = query_parse.parse(query)
        if self.row_count >= SUBLINEAR_FROM_ROWS:
            postings = QueryPostings(self.lexical.term_parts(parsed.text or query), self._document_starts)
            if postings.postings >= SUBLINEAR_FROM_POSTINGS:
                return self._sublinear(query, parsed, postings, mask, opened, by_row)
        lexical = self.lexical.scores(parsed.text or query)
        matched = lexical > 0
        shown = matched & self._listable
        if mask is not None:
            shown &= mask
        ceiling = self._ceiling(query, parsed, mask)

        def rescore(rows: np.ndarray) -> np.ndarray:
            return self._rescored(rows, lexical[rows], query, parsed, "bm25")

        order = PrunedHits(opened, lexical, shown, rescore, ceiling, weights.meeting, self.columns.array("document_starts"),
                           self._document_ids, self._citation_ids, self.columns.citation_count, self.columns.order())
        return order, matched

    def _ceiling(self, query: str, parsed, mask: np.ndarray | None = None) -> np.ndarray:
        """Per document, the most the ranking's adjustments can multiply the score of a hit it may list (a row
        `mask` keeps) by (index/pruned.py): the factors of a period, a speaker or a Member the query names count
        only in the documents where such a row earns them (at the scale of an archive most documents hold none,
        and are never read)."""
        weights = self.weights
        in_period = speaking = True
        if parsed.period:
            first, last = (int(day.replace("-", "")) for day in parsed.period)
            dates = np.asarray(self.columns.array("dates"))
            inside = (dates != 0) & (dates >= first) & (dates <= last)
            in_period = self._documents_holding(inside & mask if mask is not None else inside)
        if parsed.speakers:
            speaking = self._documents_of_rows(self.columns.rows_of("actors", parsed.speakers), mask)
        ceiling = relevance.max_factor(parsed, weights.procedural, weights.period, weights.speaker, weights.delegation,
                                       in_period, speaking)
        named = ranking.named_members(query)
        if named:
            involved = self._documents_of_rows(np.r_[self.columns.rows_of("actors", named), self.columns.rows_of("mentions", named)], mask)
            ceiling = ceiling * np.where(involved, max(1.0, 1 + weights.member), 1.0)
        return np.broadcast_to(np.asarray(ceiling, dtype=np.float64), (self._document_sizes.size,))

    def _documents_holding(self, rows: np.ndarray) -> np.ndarray:
        """Per document, whether any of its rows is marked."""
        starts = self._document_starts
        return np.logical_or.reduceat(np.r_[rows, False], starts[:-1]) & (starts[1:] > starts[:-1])

    def _documents_of_rows(self, rows: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Per document, whether it holds one of these rows (one `mask` keeps)."""
        rows = np.asarray(rows, dtype=np.int64)
        if mask is not None:
            rows = rows[mask[rows]]
        held = np.zeros(self._document_sizes.size, dtype=bool)
        held[np.asarray(self._document_ids[rows], dtype=np.int64)] = True
        return held

    def _sublinear(self, query: str, parsed, postings: QueryPostings, mask: np.ndarray | None, opened: list[int], by_row: bool):
        # one mask of the rows a page may list: a lookup per row read, not two (a query reads many rows twice)
        shown = self._listable if mask is None else mask & self._listable

        def listed(rows: np.ndarray) -> np.ndarray:
            return shown[rows]

        eligible = self._documents_holding(mask) if mask is not None else None  # documents holding a row that passes the filters

        def rescore(rows: np.ndarray, bm25: np.ndarray) -> np.ndarray:
            return self._rescored(rows, bm25, query, parsed, "bm25")

        order = SublinearHits(opened, postings, listed, eligible, mask if by_row else None, rescore, self._ceiling(query, parsed, mask), self.weights.meeting,
                              self._document_starts, self._document_ids, self._citation_ids, self.columns.citation_count,
                              self.columns.order())
        return order, _RowMatches(order)

    def ranked_rows(self, query: str, mode: str | None = None, filters: Filters | None = None):
        """Index rows in the order run() pages through them (evaluation reads this), sorted as far as read."""
        return self._ranked(query, mode, filters, [])[0]

    def _ranked(self, query: str, mode: str | None, filters: Filters | None, notices: list[str]):
        """(rows best first, one per citation; lexical-match flags; rows opened by a citation)."""
        if not query or not query.strip():
            raise SearchError("empty query")
        if mode is None:
            mode = DEFAULT_MODE if self.manifest.get("dense") else "bm25"  # a --no-dense index can only do BM25
            if mode != "bm25" and not self._encoder_available(notices):
                mode = "bm25"
        mask = self.mask(filters or Filters(), notices)
        opened, rest = self._cited_rows(query, notices)
        if rest.strip() and mode == "bm25" and self.weights.meeting >= 0:
            filters = filters or Filters()
            by_row = bool(filters.speaker or filters.member or filters.provision or filters.dispute)  # the others keep whole documents
            order, matched = self._pruned(rest, mask, opened, by_row)
            return order, matched, set(opened)
        if rest.strip():
            hits, scores, matched = self.scores(rest, mode, mask)
        else:
            hits, scores, matched = np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(self.row_count, dtype=bool)
        order = HitList(opened, hits, scores, self._citation_ids, self.columns.citation_count, self.columns.order())
        return order, matched, set(opened)

    def _cited_rows(self, query: str, notices: list[str]) -> tuple[list[int], str]:
        """Rows a symbol or citation in the query names, and the query without it."""
        opened: list[int] = []
        rest = query
        for found in reversed(find_citations(query)):
            rest = rest[: found.start] + " " + rest[found.end :]
            rows = [i for i in self.columns.document_rows(found.symbol)
                    if found.paragraph is None or self.columns.row(i)["label"] == found.paragraph]
            if not rows:
                where = f"{found.symbol}, para. {found.paragraph}" if found.paragraph else found.symbol
                notices.append(f"{where} is not in the corpus")
                continue
            opened = [int(rows[0])] + opened
        return opened, rest

    def _records(self, rows, order: HitList, matched: np.ndarray, opened: set[int], first_rank: int, limit: int) -> list[dict]:
        results = []
        for row_number in rows:
            if len(results) >= limit:
                break
            row = self.columns.row(row_number)
            paragraph = self.store.paragraph_by_position(row["symbol"], row["seq"])
            if paragraph is None or paragraph.pop("text_sha") != row["text_sha"]:
                # The store changed since the index was built: never cite a paragraph that moved.
                self.stale_skipped += 1
                continue
            score = order.score(row_number)
            paragraph["score"] = round(float(score), 6) if np.isfinite(score) else None
            paragraph["match"] = "citation" if row_number in opened else "words" if matched[row_number] else "similar"
            paragraph["rank"] = first_rank + len(results)
            results.append(paragraph)
        return results

    def run(self, query: str, mode: str | None = None, filters: Filters | None = None, page: int = 1, size: int = 10) -> ResultPage:
        """One page of hits with the total; a page past the last is an error that names the last page."""
        if size < 1:
            raise field_error("k", "the number of results per page must be at least 1")
        if page < 1:
            raise SearchError(f"page {page} does not exist: pages start at 1")
        notices: list[str] = []
        order, matched, opened = self._ranked(query, mode, filters, notices)
        notices += self._coverage_notices(filters) + self._staleness_notices()
        total, estimated = len(order), getattr(order, "estimated", False)
        pages = max(1, -(-total // size))
        start = (page - 1) * size
        records = []
        if page <= pages or estimated:  # past an estimated last page, hits may still follow (the estimate can fall short)
            records = self._records(order.from_position(start), order, matched, opened, start + 1, size)
        if estimated:
            # The page after this one exists or not: the estimate gives way to what the ranking knows.
            if next(iter(order.from_position(start + size)), None) is not None:
                pages = max(pages, page + 1)
            else:  # every hit is ranked by now: the count is exact
                total, estimated = len(order[:]), False
                pages = max(1, -(-total // size))
        if page > pages:
            raise SearchError(f"page {page} is past the last page of results ({pages:,}; {counted(total, 'hit')})")
        result = ResultPage(total, records, page, pages, notices, estimated=estimated)
        self._explain(query, order, opened, matched, result)
        return result

    def _staleness_notices(self) -> list[str]:
        """Documents ingested after this index was built are not searchable yet: say so; each front end adds
        how to index them (the CLI's command, the Corpus page's "Index now")."""
        from .index_health import built_at

        built = built_at(self.manifest)
        if built is None:
            return []
        newer = self.store.documents_ingested_since(built)
        if not newer:
            return []
        return [f"{STALE_NOTICE} {counted(newer, 'document')} ingested since it was built: they are not searched yet"]

    def _held(self) -> dict:
        """coverage.coverage() of the store, recomputed only when the store changed: it reads every document,
        which at 100x cost more than the query (docs/scale.md)."""
        from .coverage import coverage

        state = tuple(self.store.connection.execute(
            "SELECT (SELECT COUNT(*) FROM documents), (SELECT MAX(ingested_at) FROM documents), (SELECT MAX(rowid) FROM paragraphs),"
            " (SELECT COUNT(*) FROM disputes), (SELECT MAX(rowid) FROM dispute_events)").fetchone())
        cached = self._coverage
        if cached is None or cached[0] != state:
            cached = self._coverage = (state, coverage(self.store))  # read through the Searcher's own connection
        return cached[1]

    def _coverage_notices(self, filters: Filters | None) -> list[str]:
        """A body, series or period the filters name and the corpus does not hold: said, with the fetch
        command that would add it (coverage.py), so an empty answer is not taken for "nothing was said"."""
        if filters is None or not (filters.body or filters.symbol or filters.date_from or filters.date_to):
            return []
        from .coverage import gaps_for

        gaps = gaps_for(self.store, body=filters.body, series=filters.symbol, date_from=filters.date_from, date_to=filters.date_to,
                        held=self._held())
        return [gap["message"] + (f" To add it: {gap['fetch']}" if gap.get("fetch") else "") for gap in gaps]

    def _explain(self, query: str, order: HitList, opened: set[int], matched: np.ndarray, result: ResultPage) -> None:
        """Counts by the user's words, the weak-match notice and spelling suggestions (relevance.py, spelling.py)."""
        rest = query
        for found in reversed(find_citations(query)):
            rest = rest[: found.start] + " " + rest[found.end :]
        parsed = query_parse.parse(rest)
        if isinstance(order, SublinearHits):
            result.words = self._counted_words(order, parsed, opened)
        else:
            self._words(order, parsed, opened, matched, result)
        if result.words.weak:
            result.notices.append("no paragraph clearly answers this; closest matches:")
        if parsed.period and result.total:
            result.notices.append(f"meetings {query_parse.describe_period(parsed.period)} rank higher "
                                  f"(\"{parsed.period_phrase}\"); the from and to dates keep only those")
        unknown = spelling.unknown_words(rest, lambda word: any(t in self.lexical.vocabulary for t in tokens(word)))
        if unknown:
            self._speller = self._speller or self._make_speller()
            fixes = {word: fix for word in unknown if (fix := self._speller.suggest(word)) and fix.lower() != word.lower()}
            result.suggestions = fixes
            if fixes:
                result.suggested_query = spelling.corrected(query, fixes)
                result.notices.append("no paragraph uses " + ", ".join(f"\"{w}\"" for w in fixes)
                                      + f": did you mean {' '.join(fixes.values())}?")

    def _member_rows(self, name: str) -> np.ndarray:
        """Rows where a Member speaks or is named."""
        return self.columns.mask_with("mentions", [name], self.columns.mask_with("actors", [name]))

    def _member_rows_at(self, names, rows: np.ndarray) -> np.ndarray:
        """Per row of `rows`, whether one of the Members speaks or is named there."""
        return self.columns.rows_with("mentions", names, rows) | self.columns.rows_with("actors", names, rows)

    def _words(self, order, parsed, opened: set[int], matched: np.ndarray, result: ResultPage) -> None:
        """The counts by the user's words over every hit."""
        presence = relevance.concept_presence(self.lexical, parsed, self.row_count, self._member_rows)
        # `matched` is the ranking's own lexical match (the query's words): not scored a second time.
        result.words = relevance.word_match(_one_per_citation(order, opened, self._citation_ids), presence, opened, matched)

    def _counted_words(self, order: SublinearHits, parsed, opened: set[int]) -> relevance.WordMatch:
        """The counts by the user's words over the hits the count read (all, or a sample: then estimates),
        each concept looked up in its own postings at those rows instead of a mask of every row."""
        concepts = parsed.concepts
        parts = [self.lexical.analysed_parts(concept.term) for concept in concepts]
        member_of = {number: actor.name for number, concept in enumerate(concepts) if (actor := members.lookup(concept.label)) is not None}

        def holding(number: int, rows: np.ndarray) -> np.ndarray:
            held = rows_holding(parts[number], rows, self._document_starts, self._document_ids)
            if number in member_of:
                held |= self._member_rows_at([member_of[number]], rows)
            return held

        frequencies = np.asarray([self._member_frequency(concept.term, member_of[number])
                                  if number in member_of else sum(int(part.rows.size) for part in parts[number])
                                  for number, concept in enumerate(concepts)], dtype=np.float64)
        first = next((row for row in order if row not in opened), None)
        ranked, scale = order.counted_hits()
        if first is not None and scale == 1.0:  # the first hit stands for its citation, as word_match counts it
            citations = np.asarray(self._citation_ids[ranked])
            ranked = np.r_[first, ranked[citations != self._citation_ids[first]]].astype(np.int64)
        return relevance.counted_word_match(first, ranked, scale, holding, frequencies, self.row_count, opened, about)

    def _member_frequency(self, term: str, name: str) -> int:
        """Rows holding a Member's word or where the Member speaks or is named: three masks of every row at the
        scale of an archive (1.6 ms a query naming a Member at 100x), the same for every query of this index."""
        key = (term, name)
        if key not in self._member_frequencies:
            self._member_frequencies[key] = int(np.count_nonzero(self.lexical.term_rows(term) | self._member_rows(name)))
        return self._member_frequencies[key]

    def search(self, query: str, mode: str | None = None, k: int = 10, filters: Filters | None = None) -> list[dict]:
        """The first k hits (drafting and precedent use this; the CLI and the web app use run())."""
        return self.run(query, mode, filters, 1, k).records

    @property
    def store(self) -> Store:
        """This thread's connection to the corpus store."""
        return self._stores.get()

    def close(self) -> None:
        if self._owns_stores:
            self._stores.close()
        self._hold.close()


class _RowMatches:
    """`matched[row]` where no mask of every row was made (index/sublinear.py): the row's own postings say."""

    def __init__(self, order: SublinearHits):
        self._order = order

    def __getitem__(self, row: int) -> bool:
        return self._order.matches(int(row))


def fuse(bm25: np.ndarray, dense: np.ndarray, hits: np.ndarray, weight: float = HYBRID_DENSE_WEIGHT) -> np.ndarray:
    """Linear fusion over the hits: (1 - weight) × BM25/max(BM25) + weight × min-max(dense).

    A hit missing from one ranking (no shared word, or beyond the dense search depth) gets that
    ranking's floor (0); rows that are not hits get -inf.
    """
    result = np.full(bm25.shape, -np.inf, dtype=np.float32)
    if not hits.any():
        return result
    lexical = bm25[hits] / max(float(bm25[hits].max()), 1e-9)
    semantic = dense[hits]
    present = semantic > -1
    low = float(semantic[present].min()) if present.any() else 0.0
    high = float(semantic[present].max()) if present.any() else 1.0
    semantic = np.where(present, (semantic - low) / max(high - low, 1e-9), 0.0)
    result[hits] = (1 - weight) * lexical + weight * semantic
    return result
