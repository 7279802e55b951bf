"""BM25 over paragraphs (bm25s), stored as the library's .npy/.json files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .analysis import tokens

K1, B = 0.75, 0.75  # k1 0.75 beat 0.6, 0.9, 1.2 and 1.5 on the dev and tuning queries (docs/notes-search.md)


def build(texts: list[str], folder: Path) -> None:
    import bm25s

    retriever = bm25s.BM25(k1=K1, b=B)
    retriever.index([tokens(text) or ["<empty>"] for text in texts], show_progress=False)
    retriever.save(str(folder), show_progress=False)


class LexicalIndex:
    def __init__(self, folder: Path):
        import bm25s

        self.retriever = bm25s.BM25.load(str(folder), show_progress=False)
        self.vocabulary = self.retriever.vocab_dict

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every indexed paragraph (zeros when no query term is in the vocabulary)."""
        query_tokens = [token for token in tokens(query) if token in self.vocabulary]
        if not query_tokens:
            return np.zeros(self.retriever.scores["num_docs"], dtype=np.float32)
        return self.retriever.get_scores(query_tokens).astype(np.float32)

    def term_rows(self, term: str) -> np.ndarray:
        """True for every indexed paragraph containing the (analysed) term."""
        if term not in self.vocabulary:
            return np.zeros(self.retriever.scores["num_docs"], dtype=bool)
        return self.retriever.get_scores([term]) > 0
