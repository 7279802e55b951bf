"""Retrieval metrics over a query file in the format of dev-queries.jsonl.

A result is relevant when its paragraph text contains the query's `relevant_passage`, both folded
(lower case, punctuation and spacing folded). Every paragraph of the index is checked, so recall
counts all relevant paragraphs, not only those retrieved.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import WtoAssistError
from .quality import fold_text
from .search import Searcher


class QueryFileError(WtoAssistError):
    """A malformed query file; the message names the line."""


@dataclass
class Query:
    id: str
    query: str
    relevant_passage: str


def load_queries(path: Path, answerable: bool = True) -> list[Query]:
    """Known-item queries; with answerable=False, the queries whose relevant_passage is null instead
    (questions the corpus does not answer, used to calibrate the weak-match notice)."""
    queries = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if (row["relevant_passage"] is not None) != answerable:
                continue
            queries.append(Query(str(row["id"]), row["query"], row["relevant_passage"]))
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            raise QueryFileError(f"{path}, line {number}: not a query object with id, query, relevant_passage ({error})") from error
    if not queries:
        raise QueryFileError(f"{path}: no queries")
    return queries


def relevant_rows(searcher: Searcher, queries: list[Query]) -> list[set[int]]:
    """For each query, every index row whose paragraph contains its passage."""
    texts = [fold_text(searcher.store.paragraph_by_position(r["symbol"], r["seq"])["text"]) for r in searcher.rows]
    return [{i for i, text in enumerate(texts) if fold_text(q.relevant_passage) in text} for q in queries]


def ranking(scores: np.ndarray, depth: int = 100) -> list[int]:
    return [int(i) for i in np.argsort(-scores, kind="stable")[:depth] if np.isfinite(scores[i])]


def metrics(queries: list[Query], rankings: list[list[int]], relevant: list[set[int]]) -> dict:
    """MRR@10, Recall@10, Recall@100, nDCG@10 and the first relevant rank of each query."""
    totals = {"MRR@10": 0.0, "Recall@10": 0.0, "Recall@100": 0.0, "nDCG@10": 0.0}
    ranks = {}
    for query, order, wanted in zip(queries, rankings, relevant):
        hits = [rank for rank, row in enumerate(order, 1) if row in wanted]
        ranks[query.id] = hits[0] if hits else None
        if not wanted:
            continue
        if hits and hits[0] <= 10:
            totals["MRR@10"] += 1 / hits[0]
        totals["Recall@10"] += sum(1 for rank in hits if rank <= 10) / len(wanted)
        totals["Recall@100"] += len(hits) / len(wanted)
        dcg = sum(1 / math.log2(rank + 1) for rank in hits if rank <= 10)
        ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(len(wanted), 10) + 1))
        totals["nDCG@10"] += dcg / ideal
    result = {name: round(value / len(queries), 4) for name, value in totals.items()}
    result["queries"] = len(queries)
    result["without_relevant_paragraph"] = sum(1 for wanted in relevant if not wanted)
    result["first_relevant_rank"] = ranks
    return result


def evaluate(searcher: Searcher, queries: list[Query], modes: list[str]) -> dict[str, dict]:
    """Per mode: the metrics above over the hits as the search returns them (one per citation)."""
    relevant = relevant_rows(searcher, queries)
    return {
        mode: metrics(queries, [searcher.ranked_rows(q.query, mode)[:100] for q in queries], relevant)
        for mode in modes
    }


def scores_by_mode(results: dict[str, dict]) -> list[dict]:
    """`evaluate`'s metrics as results.ModeScores records (names a program can use, ranks as a list)."""
    return [{"mode": mode, "mrr_at_10": scores["MRR@10"], "recall_at_10": scores["Recall@10"],
             "recall_at_100": scores["Recall@100"], "ndcg_at_10": scores["nDCG@10"], "queries": scores["queries"],
             "without_relevant_paragraph": scores["without_relevant_paragraph"],
             "first_relevant_rank": [{"query": query, "rank": rank} for query, rank in scores["first_relevant_rank"].items()]}
            for mode, scores in results.items()]


class StandardBM25:
    """The textbook baseline the issue measures against: Snowball (Porter 2) English stemming, the
    Lucene English stop words, BM25 k1 1.2, b 0.75 (bm25s), over the same paragraph texts, no glossary."""

    def __init__(self, texts: list[str]):
        import bm25s
        import snowballstemmer
        from bm25s.stopwords import STOPWORDS_EN

        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}  # each distinct word stemmed once: stemming every occurrence was most of a build
        self._stopwords = frozenset(STOPWORDS_EN)
        self.retriever = bm25s.BM25(k1=1.2, b=0.75)
        self.retriever.index([self.tokens(text) or ["<empty>"] for text in texts], show_progress=False)
        self.rows = len(texts)

    def tokens(self, text: str) -> list[str]:
        stems, stemmer = self._stems, self._stemmer
        return [stems.get(word) or stems.setdefault(word, stemmer.stemWord(word))
                for word in re.findall(r"\w+", text.lower()) if word not in self._stopwords]

    def scores(self, query: str) -> np.ndarray:
        """BM25 scores; rows sharing no term with the query get -inf (they are not hits)."""
        wanted = [token for token in self.tokens(query) if token in self.retriever.vocab_dict]
        if not wanted:
            return np.full(self.rows, -np.inf)
        scores = self.retriever.get_scores(wanted)
        return np.where(scores > 0, scores, -np.inf)
