"""Query -> filtered, ranked paragraphs with citations: the API the CLI, server and drafting use.

Modes: "bm25" (WTO-aware lexical), "dense" (MiniLM windows in FAISS) and "hybrid" (score fusion);
DEFAULT_MODE is the best by measurement on the dev queries (see README). The bm25 path never
imports torch, so it starts fast.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import members
from .documents.symbols import FAMILIES, SymbolError, dispute_number
from .enrich.provisions import ProvisionError, is_within, normalise_key
from .index.build import IndexMissing, current_version, hold_version
from .index.lexical import LexicalIndex
from .store import Store

MODES = ("bm25", "dense", "hybrid")
DEFAULT_MODE = "hybrid"
HYBRID_DENSE_WEIGHT = 0.2  # share of the normalised dense score in hybrid mode, chosen on the dev queries (README)
CANDIDATES = 200  # depth of each ranking that hybrid fusion re-scores


class SearchError(Exception):
    """A query or filter that cannot be run; the message names the option."""


@dataclass
class Filters:
    body: str | None = None
    family: str | None = None
    speaker: str | None = None
    symbol: str | None = None  # prefix, e.g. WT/COMTD/M/
    date_from: str | None = None
    date_to: str | None = None
    restricted: bool | None = None
    member: str | None = None  # Member or group named anywhere in the paragraph
    provision: str | None = None  # provision key; sub-provisions roll up (GATT1994:XXI finds XXI(b)(iii))
    dispute: str | None = None  # "DS512" or "512"


def _iso_bound(value: str | None, option: str, end: bool) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD; widen partial dates to the whole year or month."""
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise SearchError(f"{option}: {value!r} is not a date (use YYYY, YYYY-MM or YYYY-MM-DD)")
    if len(value) == 4:
        return value + ("-12-31" if end else "-01-01")
    if len(value) == 7:
        return value + ("-31" if end else "-01")
    return value


class Searcher:
    """Loads the live index and the corpus store once; answers many queries."""

    def __init__(self, index_dir: Path, db_path: Path, model: str | None = None):
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
        self.rows = json.loads((self.version / "rows.json").read_text(encoding="utf-8"))
        self.lexical = LexicalIndex(self.version / "bm25")
        self.store = Store(db_path, create=False)
        self.model = model or self.manifest.get("model")
        self._dense = None
        self.stale_skipped = 0
        self._symbols = np.array([row["symbol"] for row in self.rows])
        self._dates = np.array([row["date"] or "" for row in self.rows])
        self._families = np.array([row["family"] for row in self.rows])
        self._bodies = np.array([(row["body"] or "").lower() for row in self.rows])
        self._restricted = np.array([row["restricted"] for row in self.rows], dtype=bool)

    @property
    def dense(self):
        if self._dense is None:
            if not self.manifest.get("dense"):
                raise SearchError("this index was built without dense vectors (--no-dense); use --mode bm25")
            from .index.dense import DenseIndex, Encoder

            self._dense = DenseIndex(self.version / "dense", Encoder(self.model))
        return self._dense

    # --- filters ------------------------------------------------------------------------------

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Boolean mask of rows passing the filters, or None when there are none."""
        mask = np.ones(len(self.rows), dtype=bool)
        active = False
        if filters.family:
            if filters.family not in FAMILIES:
                raise SearchError(f"--type: unknown document family {filters.family!r} (one of: {', '.join(FAMILIES)})")
            mask &= self._families == filters.family
            active = True
        if filters.body:
            needle = filters.body.lower()
            mask &= np.array([needle in body for body in self._bodies])
            active = True
        if filters.symbol:
            prefix = re.sub(r"\s+", "", filters.symbol).upper()
            mask &= np.array([symbol.upper().startswith(prefix) for symbol in self._symbols])
            active = True
        if filters.speaker:
            actor = members.lookup(filters.speaker)
            wanted = actor.name if actor else filters.speaker
            mask &= np.array([any(name.lower() == wanted.lower() for name in row["actors"]) for row in self.rows])
            active = True
        if filters.member:
            actor = members.lookup(filters.member)
            if actor is None:
                raise SearchError(f"--member: {filters.member!r} is not a WTO Member, observer or group known to wto-assist")
            mask &= np.array([actor.name in row.get("mentions", []) or actor.name in row["actors"] for row in self.rows])
            active = True
        if filters.provision:
            try:
                key = normalise_key(filters.provision)
            except ProvisionError as error:
                raise SearchError(f"--provision: {error}") from error
            mask &= np.array([any(is_within(cited, key) for cited in row.get("provisions", [])) for row in self.rows])
            active = True
        if filters.dispute:
            try:
                number = f"DS{dispute_number(filters.dispute)}"
            except SymbolError as error:
                raise SearchError(f"--dispute: {error}") from error
            mask &= np.array([number in row.get("disputes", []) for row in self.rows])
            active = True
        start = _iso_bound(filters.date_from, "--from", end=False)
        end = _iso_bound(filters.date_to, "--to", end=True)
        if start:
            mask &= (self._dates != "") & (self._dates >= start)
            active = True
        if end:
            mask &= (self._dates != "") & (self._dates <= end)
            active = True
        if filters.restricted is not None:
            mask &= self._restricted == filters.restricted
            active = True
        return mask if active else None

    # --- ranking ------------------------------------------------------------------------------

    def scores(self, query: str, mode: str, mask: np.ndarray | None) -> np.ndarray:
        """A score per row; rows outside the mask or not retrieved get -inf."""
        if mode not in MODES:
            raise SearchError(f"--mode: unknown mode {mode!r} (one of: {', '.join(MODES)})")
        allowed = np.nonzero(mask)[0] if mask is not None else None
        if mode == "bm25":
            scores = self.lexical.scores(query)
            scores = np.where(scores > 0, scores, -np.inf)
        elif mode == "dense":
            scores = self.dense.scores(query, len(self.rows), allowed)
            scores = np.where(scores > -1, scores, -np.inf)
        else:
            scores = fuse(self.lexical.scores(query), self.dense.scores(query, len(self.rows), allowed), mask)
        if mask is not None:
            scores = np.where(mask, scores, -np.inf)
        return scores

    def _ranked(self, query: str, mode: str | None, filters: Filters | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows with a finite score, best first, and the score vector."""
        if not query or not query.strip():
            raise SearchError("empty query")
        if mode is None:
            mode = DEFAULT_MODE if self.manifest.get("dense") else "bm25"  # a --no-dense index can only do BM25
        scores = self.scores(query, mode, self.mask(filters or Filters()))
        order = np.argsort(-scores, kind="stable")
        return order[: int(np.isfinite(scores).sum())], scores

    def _records(self, rows, scores: np.ndarray, first_rank: int, limit: int) -> list[dict]:
        results = []
        for row_number in rows:
            if len(results) >= limit:
                break
            row = self.rows[row_number]
            paragraph = self.store.paragraph_by_position(row["symbol"], row["seq"])
            if paragraph is None or paragraph.pop("text_sha") != row["text_sha"]:
                # The store changed since the index was built: never cite a paragraph that moved.
                self.stale_skipped += 1
                continue
            paragraph["score"] = round(float(scores[row_number]), 6)
            paragraph["rank"] = first_rank + len(results)
            results.append(paragraph)
        return results

    def search(self, query: str, mode: str | None = None, k: int = 10, filters: Filters | None = None) -> list[dict]:
        if k < 1:
            raise SearchError("--k must be at least 1")
        order, scores = self._ranked(query, mode, filters)
        return self._records(order, scores, 1, k)

    def search_page(self, query: str, mode: str | None, filters: Filters | None, page: int, size: int, limit: int) -> tuple[int, list[dict]]:
        """(number of hits up to `limit`, the records of one page): only the page is read from the store."""
        order, scores = self._ranked(query, mode, filters)
        total = min(len(order), limit)
        start = (page - 1) * size
        return total, self._records(order[start:total], scores, start + 1, size)

    def close(self) -> None:
        self.store.close()
        self._hold.close()


def fuse(bm25: np.ndarray, dense: np.ndarray, mask: np.ndarray | None, weight: float = HYBRID_DENSE_WEIGHT) -> np.ndarray:
    """Linear fusion of max-normalised BM25 and min-max-normalised dense scores over the candidates.

    Candidates are the top CANDIDATES of each ranking (within the filter); a candidate missing from
    one ranking gets that ranking's floor (0).
    """
    if mask is not None:
        bm25 = np.where(mask, bm25, 0.0)
        dense = np.where(mask, dense, -1.0)
    candidates = np.zeros(bm25.shape, dtype=bool)
    for scores in (bm25, dense):
        top = np.argpartition(-scores, min(CANDIDATES, scores.size - 1))[:CANDIDATES]
        candidates[top] = True
    candidates &= (bm25 > 0) | (dense > -1)
    result = np.full(bm25.shape, -np.inf, dtype=np.float32)
    if not candidates.any():
        return result
    lexical = bm25[candidates] / max(float(bm25[candidates].max()), 1e-9)
    semantic = dense[candidates]
    present = semantic > -1
    low = float(semantic[present].min()) if present.any() else 0.0
    high = float(semantic[present].max()) if present.any() else 1.0
    semantic = np.where(present, (semantic - low) / max(high - low, 1e-9), 0.0)
    result[candidates] = (1 - weight) * lexical + weight * semantic
    return result
