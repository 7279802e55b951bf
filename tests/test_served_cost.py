"""Run 12 of issue 24 (docs/scale.md): a search page's CPU at the scale of an archive. A Member's frequency in the
index is counted once per Searcher."""

from __future__ import annotations

import numpy as np


def test_a_members_frequency_is_counted_once_per_index_and_as_before(ctd_searcher, monkeypatch):
    """The counts by the user's words need, for a word naming a Member, the rows holding it or where the Member
    speaks or is named: kept per (word, Member) for the Searcher's index (at the scale of an archive, forced here),
    equal to counting the rows afresh."""
    import wto_assist.search as search

    monkeypatch.setattr(search, "SUBLINEAR_FROM_ROWS", 0)
    monkeypatch.setattr(search, "SUBLINEAR_FROM_POSTINGS", 0)
    searcher = ctd_searcher
    query = "India duty-free tariff preference scheme for LDCs"
    first = searcher.run(query, "bm25")
    kept = dict(searcher._member_frequencies)
    assert ("india", "India") in kept
    afresh = int(np.count_nonzero(searcher.lexical.term_rows("india") | searcher._member_rows("India")))
    assert kept[("india", "India")] == afresh > 0
    again = searcher.run(query, "bm25")
    assert again.words == first.words and again.total == first.total
