"""Precedent for a provision: registry disputes citing it and corpus paragraphs citing it."""

from __future__ import annotations

from pathlib import Path

from .index.build import IndexMissing
from .search import Filters, Searcher
from .store import Store


def find_precedent(key: str, db_path: Path, index_dir: Path, query: str | None = None, k: int = 20, model: str | None = None) -> dict:
    """{"provision", "disputes", "paragraphs"}; sub-provisions roll up to `key`.

    With a query, paragraphs are ranked by search within those citing the provision; without one, or
    when no index exists yet, they come newest meeting first.
    """
    with Store(db_path, create=False) as store:
        disputes = store.disputes(provision=key)
        paragraphs = [dict(p, rank=rank, score=None) for rank, p in enumerate(store.paragraphs_citing(key)[:k], 1)]
    if query:
        try:
            searcher = Searcher(index_dir, db_path, model=model)
        except IndexMissing:
            searcher = None
        if searcher is not None:
            try:
                paragraphs = searcher.search(query, k=k, filters=Filters(provision=key))
            finally:
                searcher.close()
    return {"provision": key, "disputes": disputes, "paragraphs": paragraphs}
