"""Run 11 of issue 24 (docs/scale.md): cheaper steps of a search page, each with the behaviour it must keep.
Blocks of a filter's rows read as words; index arrays memory-mapped as plain arrays; the query parsed once;
highlighting by patterns that open with a character; typed results converted by field once per class."""

from __future__ import annotations

import numpy as np
import pytest

from wto_assist import query_parse
from wto_assist.highlight import QueryWords
from wto_assist.index.analysis import normalise_groups, numbered_groups
from wto_assist.index.lexical import BLOCK_ROWS
from wto_assist.index.mapped import mapped
from wto_assist.index.sublinear import blocks_holding

@pytest.mark.parametrize("rows", [0, 1, 7, 8, 9, 63, 64, 1001])
def test_blocks_holding_a_marked_row_agree_with_a_reduction_over_every_row(rows):
    rng = np.random.default_rng(rows)
    for share in (0.0, 0.02, 0.5, 1.0):
        marked = rng.random(rows) < share
        expected = np.logical_or.reduceat(marked, np.arange(0, rows, BLOCK_ROWS)) if rows else np.zeros(0, dtype=bool)
        assert blocks_holding(marked).tolist() == expected.tolist()

@pytest.mark.parametrize("block_rows", [1, 2, 3, 4, 8, 16])
def test_blocks_holding_any_block_size(monkeypatch, block_rows):
    from wto_assist.index import sublinear

    monkeypatch.setattr(sublinear, "BLOCK_ROWS", block_rows)
    marked = np.random.default_rng(block_rows).random(1001) < 0.05
    expected = np.logical_or.reduceat(marked, np.arange(0, marked.size, block_rows))
    assert sublinear.blocks_holding(marked).tolist() == expected.tolist()


def test_a_mapped_array_is_a_plain_array_over_the_file(tmp_path):
    np.save(tmp_path / "rows.npy", np.arange(10, dtype=np.int32))
    array = mapped(tmp_path / "rows.npy")
    assert type(array) is np.ndarray and not array.flags.writeable  # read-only: the index is never written through it
    assert array[[2, 5]].tolist() == [2, 5] and type(array[1:3]) is np.ndarray

def test_a_parsed_query_is_each_callers_own():
    first = query_parse.parse("what did India say on LDCs in 2005")
    first.concepts.clear()
    first.speakers.add("Brazil")
    again = query_parse.parse("what did India say on LDCs in 2005")
    assert again.speakers == {"India"} and [concept.label for concept in again.concepts] == ["LDCs", "india", "2005"]
    assert again.period == ("2005-01-01", "2005-12-31") and again is not first

def test_highlighting_marks_acronyms_as_written_and_expansions_in_any_case():
    text = ("XRTA and RTAs; Regional Trade Agreements, regional-trade agreement and rta. S&D, S&Ds and XS&D; "
            "Least Developed Countries, least-developed, countries and unleast developed countries.")
    marked = lambda query: [text[start:end] for start, end in QueryWords(query).spans(text)]  # noqa: E731
    assert marked("RTA") == ["RTAs", "Regional Trade Agreements", "regional-trade agreement", "rta"]  # not XRTA; "rta" as a word
    assert marked("S&D") == ["S&D", "S&Ds"]
    assert marked("LDC") == ["Least Developed Countries", "least-developed, countries"]  # not inside "unleast"

def test_one_query_words_for_many_paragraphs_marks_each_as_a_fresh_one_would(ctd_db):
    from wto_assist.store import Store

    with Store(ctd_db) as store:
        texts = [row["text"] for row in store.connection.execute("SELECT text FROM paragraphs ORDER BY rowid LIMIT 400")]
    kept = QueryWords("LDC proposals on technical assistance by the G-90")  # as the web app keeps one per query
    marked = 0
    for text in texts + texts[::-1]:  # the second time every word has been met before
        spans = kept.spans(text)
        assert spans == QueryWords("LDC proposals on technical assistance by the G-90").spans(text)
        marked += len(spans)
    assert marked > 100


def test_numbered_groups_are_found_after_the_same_characters_as_before():
    text = "G-90, g90 and the Group of 90; WT/COMTD/G/90, AG-90, G-90-1, xG20 and (G-33)."
    assert [text[start:end] for start, end, _ in numbered_groups(text)] == ["G-90", "g90", "Group of 90", "G-33"]
    assert normalise_groups(text) == "G90, G90 and the G90; WT/COMTD/G/90, AG-90, G-90-1, xG20 and (G33)."

def test_typed_results_convert_nested_records_and_keep_plain_values():
    from wto_assist.results import CitedDocument, DocumentView, Footnote

    record = {"document": None, "paragraphs": [], "disputes_cited": ["DS512"],
              "footnotes": [{"number": 1, "text": "See WT/COMTD/W/90.", "paragraph_seq": None}],
              "documents_cited": [{"symbol": "WT/COMTD/W/90", "in_corpus": False}]}
    view = DocumentView.from_record(record)
    assert view.footnotes == [Footnote(1, "See WT/COMTD/W/90.", None)] and view.documents_cited == [CitedDocument("WT/COMTD/W/90", False)]
    assert view.document is None and view.paragraphs == [] and view.disputes_cited == ["DS512"]
    assert view.to_json()["footnotes"][0] == {"number": 1, "text": "See WT/COMTD/W/90.", "paragraph_seq": None}
    with pytest.raises(KeyError):  # a field the library stops providing is an error, not a missing key
        DocumentView.from_record({key: value for key, value in record.items() if key != "footnotes"})
