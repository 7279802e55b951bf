"""Enrich stage: mark Members, groups, provisions, disputes and documents cited in each paragraph, and
who backed whom (support relations) and the trade concerns raised about a Member's measure.

Runs at the end of every ingest for the documents just ingested, and as `wto-assist enrich` over the
whole corpus (needed after loading a dispute registry, so that short titles such as "US – Gasoline"
resolve to dispute numbers).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path

from ..store import Store


@dataclass
class EnrichReport:
    paragraphs: int
    entities: int
    seconds: float
    relations: int = 0


def enrich_store(db_path: Store | Path, symbols: list[str] | None = None) -> EnrichReport:
    """`db_path`: an open Store (left open; ingest passes its own) or a database path."""
    from .pipeline import build_pipeline, entities
    from .concerns import find_concerns
    from .relations import RelationFinder, Turn, resolve_references
    from .stance import turn_stances
    from ..corpus import store_of

    started = time.perf_counter()
    with store_of(db_path) as store:
        rows = store.paragraph_texts(symbols)
        nlp = build_pipeline(store.short_titles())
        find_relations = RelationFinder(nlp.vocab)
        turns = store.paragraph_turns(symbols)
        found, backed, raised, texts = {}, {}, {}, {}
        for (paragraph_id, text), doc in zip(rows, nlp.pipe((text for _, text in rows), batch_size=256)):
            symbol, *turn = turns[paragraph_id]
            found[paragraph_id] = entities(doc)
            backed[paragraph_id] = find_relations(doc, text, *turn)
            raised[paragraph_id] = find_concerns(text, symbol, *turn)
            texts[paragraph_id] = text
        contexts = [Turn(*row) for row in store.paragraph_contexts(symbols)]
        backed = resolve_references(backed, contexts, texts)
        stances = turn_stances(contexts, texts, backed)
        # A report cites most reports in its footnotes: what a paragraph's footnotes cite, the paragraph
        # cites (kept with offsets -1, as the words are not in the paragraph's own text).
        notes = store.footnote_texts(symbols)
        for paragraph_id, doc in zip(notes, nlp.pipe(notes.values(), batch_size=256)):
            found.setdefault(paragraph_id, []).extend(replace(e, start=-1, end=-1) for e in entities(doc))
        store.replace_entities(found)
        store.replace_findings("relations", backed)
        store.replace_findings("concerns", raised)
        store.replace_findings("stances", stances)
        store.mark_enriched(symbols)
    return EnrichReport(len(rows), sum(len(items) for items in found.values()), time.perf_counter() - started,
                        sum(len(items) for items in backed.values()))
