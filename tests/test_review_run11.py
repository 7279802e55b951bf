"""Fault round on run 11 of issue 24 (commit 6836f60, cheaper search page steps): each test tries to break one
claim that a step became cheaper with the same behaviour. Expected outputs of highlighting and of numbered groups
are those the version before 6836f60 gave on the same texts (recorded here as outputs, never as code)."""

from __future__ import annotations

import gc
import os
import threading

import numpy as np
import pytest

from wto_assist import query_parse
from wto_assist.filters import Filters
from wto_assist.highlight import QueryWords
from wto_assist.index.analysis import normalise_groups, numbered_groups
from wto_assist.index.lexical import BLOCK_ROWS
from wto_assist.index.mapped import mapped
from wto_assist.index.sublinear import blocks_holding


def _marked(query: str, text: str) -> list[str]:
    return [text[start:end] for start, end in QueryWords(query).spans(text)]


# --- 1. highlighting: two patterns that open with a character, words found again by str.find -----------------

# (query, text, what the version before 6836f60 marked): accents, dotted and dotless i, the long s, ligatures,
# forms opening with "S&", digits, "_" and "&" next to a form, groups next to marked words, the same word in
# other cases, an acronym beside its expansion. Since index format 8 a word holding an accented letter is one
# word ("éLDC", "proposalé", "ﬁproposal"), no longer an ASCII word inside it: those two rows mark fewer.
BEFORE = [
    ("LDC", "İLDC LDC ıLDC éLDC LDCé LDC_ _LDC LDC1 1LDC LDCs LDCS LDCss &LDC LDC& (LDC) LDC's",
     ["LDC", "LDC", "LDC", "LDCs", "LDC", "LDC", "LDC", "LDC"]),  # not in İLDC, ıLDC, éLDC, LDCé
    ("TA", "Technical aſſiſtance, TECHNICAL ASSİSTANCE, technical ASSISTANCE, technıcal assistance, Technical-Assistance,"
           "technical,assistance",
     ["Technical aſſiſtance", "TECHNICAL ASSİSTANCE", "technical ASSISTANCE", "technıcal assistance", "Technical-Assistance",
      "technical,assistance"]),
    ("least-developed countries", "Least-Developed Countries (LDCs); least developed, countries; LEAST DEVELOPED COUNTRY; "
                                  "leastdeveloped countries; least_developed countries",
     ["Least-Developed Countries", "LDCs", "least developed, countries", "LEAST DEVELOPED COUNTRY"]),
    ("S&D", "S&D, S&Ds, XS&D, &S&D, S&D&, S&D_, _S&D, S&DT, s&d, S&D1, S&D.", ["S&D", "S&Ds", "S&D"]),
    ("S&DT", "special and differential treatment (S&DT); Special and Differential; SDT, S&DT's, special and differential treatments",
     ["special and differential treatment", "S&DT", "Special and Differential", "SDT", "S&DT", "special and differential"]),
    ("e-commerce", "e-commerce, E-Commerce, ecommerce, commerce_, commerce1, commerces, Commerce",
     ["commerce", "Commerce", "commerce", "commerces", "Commerce"]),
    ("proposal", "Proposal proposal PROPOSAL proposals Proposals' pRoPoSaL proposal_x x_proposal proposal1 proposalé éproposal ﬁproposal",
     ["Proposal", "proposal", "PROPOSAL", "proposals", "Proposals", "pRoPoSaL", "proposal", "proposal"]),  # not in proposalé, éproposal, ﬁproposal
    ("G-90 proposal", "G-90proposal, G-90-proposal, proposal G-90, (G-90's) g90, Group of 90, GROUP OF 90, G-90-1, WT/COMTD/G/90, 90 proposals",
     ["G-90", "proposal", "proposal", "G-90", "G-90", "g90", "Group of 90", "proposals"]),
    ("G-90 LDC", "the G-90 and LDCs; G90/LDC; LDC-G-90; G-90LDC; LDCG-90", ["G-90", "LDCs", "G90", "LDC", "LDC"]),
    ("2005 notification", "2005, 20051, 2005a, a2005, in 2005. Notifications; notification_2005",
     ["2005", "2005", "Notifications", "notification", "2005"]),
    ("AfT MFN", "AfT, AFT, aid for trade, Aid-for-Trade, MFN, most-favoured-nation, Most Favoured Nation, most-favored-nation treatment",
     ["AfT", "AFT", "aid for trade", "Aid-for-Trade", "MFN", "most-favoured-nation", "Most Favoured Nation", "most-favored-nation"]),
    ("LDC", "", []),
    ("LDC", "   \n ", []),
    ("", "LDC", []),
]


@pytest.mark.parametrize("query, text, expected", BEFORE, ids=[f"{query}:{text[:20]}" for query, text, _ in BEFORE])
def test_highlighting_marks_what_it_marked_before_run_11(query, text, expected):
    assert _marked(query, text) == expected


def test_a_long_paragraph_marks_what_each_of_its_pieces_marks():
    """A paragraph of some 16,000 words (the pieces above, joined): every piece's marks, shifted by its offset;
    nothing found across two pieces, none lost to the word look-up done once per paragraph."""
    for query in ("LDC", "S&DT", "G-90 proposal", "proposal"):
        pieces = [text for _, text, _ in BEFORE if text.strip()] * 120
        joined, expected, offset = "", [], 0
        words = QueryWords(query)
        for piece in pieces:
            expected += [(start + offset, end + offset) for start, end in words.spans(piece)]
            joined += piece + " ; "
            offset = len(joined)
        assert len(joined.split()) > 15_000
        assert QueryWords(query).spans(joined) == expected


def test_a_query_reused_over_paragraphs_marks_as_a_fresh_one():
    """The per-query sets of words met and marked never carry one paragraph's answer into another's."""
    texts = [text for _, text, _ in BEFORE] * 3
    for query in ("proposal", "G-90 LDC", "e-commerce"):
        reused = QueryWords(query)
        assert [reused.spans(text) for text in texts] == [QueryWords(query).spans(text) for text in texts]


def _hypothetical_glossary(monkeypatch, forms: dict):
    """Glossary forms of terms the shipped glossary lacks: where acronyms and expansions overlap, which the shipped
    one never does (no acronym is a case-insensitive prefix or a word of an expansion)."""
    import wto_assist.highlight as highlight

    monkeypatch.setattr(highlight, "glossary_forms", lambda term: forms.get(term, ([], [])))


def test_where_an_acronym_and_an_expansion_start_together_the_longer_is_marked(monkeypatch):
    """One pattern before run 11 took the alternative with the longer pattern text ("A-B-C", the expansion); the
    scan of both patterns takes the longer match: the whole acronym, the better mark (QueryWords._phrase_spans)."""
    _hypothetical_glossary(monkeypatch, {"abcd": (["A-B-C-D"], ["a b c"])})
    assert _marked("abcd", "A-B-C-D") == ["A-B-C-D"]


def test_an_expansion_dropped_for_an_overlap_does_not_hide_the_next_one(monkeypatch):
    """One scan resumes after the acronym "X-A" and finds "c d". Found by this review: two finditer passes merged
    afterwards lost it (the expansion pass found "a b c", overlapping the acronym, and resumed past the start of
    "c d"); QueryWords._phrase_spans now scans both patterns together."""
    _hypothetical_glossary(monkeypatch, {"xabc": (["X-A"], ["a b c", "c d"])})
    assert _marked("xabc", "X-A b c d") == ["X-A", "c d"]


# --- 2. numbered groups: the pattern opens with the G, at index time too -----------------------------------

GROUPS_BEFORE = [  # text, (span, number) found, text as indexed
    ("G-90", [((0, 4), "90")], "G90"), ("(G-90)", [((1, 5), "90")], "(G90)"), (".G-90", [], ".G-90"), ("-G90", [], "-G90"),
    ("/G90", [], "/G90"), ("_G90", [], "_G90"), ("éG90", [], "éG90"), ("ÉG-90", [], "ÉG-90"), ("G-9000", [], "G-9000"),
    ("G-90/", [], "G-90/"), ("G-90-1", [], "G-90-1"), ("G-90-", [((0, 4), "90")], "G90-"), ("G-90.", [((0, 4), "90")], "G90."),
    ("Group of 90", [((0, 11), "90")], "G90"), ("group of 90", [((0, 11), "90")], "G90"), ("GROUP OF 90", [], "GROUP OF 90"),
    ("G 90", [], "G 90"), ("G--90", [], "G--90"), ("G-٩٠", [((0, 4), "٩٠")], "G٩٠"), ("gG90", [], "gG90"),
    ("G-90G-90", [], "G-90G-90"), ("G-90 G-90", [((0, 4), "90"), ((5, 9), "90")], "G90 G90"), ("xGroup of 33", [], "xGroup of 33"),
    (" Group of 33-", [((1, 12), "33")], " G33-"), ("G-33-a", [((0, 4), "33")], "G33-a"), ("G-3_", [], "G-3_"), ("G-33é", [], "G-33é"),
]


@pytest.mark.parametrize("text, found, indexed", GROUPS_BEFORE, ids=[text for text, _, _ in GROUPS_BEFORE])
def test_numbered_groups_are_found_and_indexed_as_before_run_11(text, found, indexed):
    assert [((start, end), term[1:]) for start, end, term in numbered_groups(text)] == found
    assert normalise_groups(text) == indexed


# --- 3. the query parsed once: each caller's own copy --------------------------------------------------------

def test_no_caller_can_change_what_a_later_parse_of_the_same_query_returns():
    query = "what did India say on LDCs and G-90 proposals since 2010"
    fresh = query_parse.parse(query)
    expected = (fresh.text, [(c.label, c.term) for c in fresh.concepts], fresh.period, fresh.period_phrase,
                fresh.period_explicit, fresh.speaker_question, set(fresh.speakers), fresh.procedure)
    spoilt = query_parse.parse(query)
    spoilt.concepts.append(query_parse.Concept("x", "x"))
    spoilt.concepts[0:1] = []
    spoilt.speakers.clear()
    spoilt.text, spoilt.period, spoilt.procedure = "", ("1900-01-01", "1900-12-31"), True
    again = query_parse.parse(query)
    assert (again.text, [(c.label, c.term) for c in again.concepts], again.period, again.period_phrase, again.period_explicit,
            again.speaker_question, again.speakers, again.procedure) == expected
    assert again.concepts is not fresh.concepts and again.speakers is not fresh.speakers
    with pytest.raises(AttributeError):  # a concept itself cannot be changed (frozen): the copy of the list suffices
        again.concepts[0].term = "x"


def test_threads_parsing_one_query_each_get_an_equal_own_copy():
    query = "Bangladesh's position on duty-free quota-free market access in 2005"
    results, errors = [], []

    def work():
        try:
            for _ in range(50):
                parsed = query_parse.parse(query)
                parsed.speakers.add("Nowhere")
                parsed.concepts.clear()
                results.append(query_parse.parse(query))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert {(frozenset(p.speakers), tuple(c.term for c in p.concepts)) for p in results} == \
        {(frozenset({"Bangladesh"}), tuple(c.term for c in results[0].concepts))}
    assert results[0].concepts


# --- 4. typed results: a converter per field ---------------------------------------------------------------

def _paragraph(label: str) -> dict:
    return {"symbol": "WT/COMTD/M/1", "paragraph": label, "citation": f"WT/COMTD/M/1, para. {label}", "uid": f"u{label}",
            "numbered": True, "seq": 1, "date": None, "family": "minutes", "body": "CTD", "restricted": False,
            "restricted_on_circulation": False, "derestricted_on": None, "restriction": "public", "agenda_item": None,
            "speaker": "India", "speaker_kind": "member", "on_behalf_of": None, "speaker_inherited": False, "text": "x",
            "numbering": "printed", "numbering_note": None, "sample": False}


def _dispute(number: int, involvement: list | None = None) -> dict:
    record = {"number": number, "ds": f"DS{number}", "title": None, "short_title": None, "complainant": None, "respondent": None,
              "complainants": ["India"], "respondents": [], "third_parties": [], "roles": [], "consultations_requested": None,
              "status": None, "stage": None, "stage_date": None, "stage_source": "table", "summary": None, "source": None,
              "provisions": ["GATT 1994 Art. I"], "events": [{"date": "2001-01-01", "event": "x"}], "related": [{"ds": "DS1"}, None],
              "adopted": {"panel": None}}
    if involvement is not None:
        record |= {"involvement": involvement, "notes": [{"note": "n"}]}
    return record


def test_nested_records_become_their_classes_in_lists_and_options_and_the_rest_stays_as_it_was():
    from wto_assist import results

    involvement = [{"how": "cited", "detail": "d", "citation": None}]
    precedent = results.Precedent.from_record({
        "provision": "Art. I", "scope": "s", "related": False, "parallel": [{"x": 1}],
        "disputes": [_dispute(1, involvement), _dispute(2, [])], "unreadable": [], "reports": [], "missing_reports": [],
        "notes": [], "paragraphs": [_paragraph("1") | {"score": None, "match": None, "rank": 1}]})
    entry = precedent.disputes[0]
    assert type(entry) is results.PrecedentEntry and type(entry.involvement[0]) is results.Involvement
    assert entry.events == [{"date": "2001-01-01", "event": "x"}] and type(entry.events[0]) is dict
    assert entry.related == [{"ds": "DS1"}, None] and entry.adopted == {"panel": None} and precedent.parallel == [{"x": 1}]
    assert type(precedent.paragraphs[0]) is results.Hit and precedent.paragraphs[0].rank == 1
    assert precedent.to_json()["disputes"][0]["involvement"] == involvement

    link = {"case_id": "c", "target": "u1", "role": "r", "citation": "c", "date": None, "concern_id": None, "note": None,
            "added_at": "t", "shared_by": None, "current_citation": "c", "present": True}
    assert results.CaseLink.from_record(link | {"paragraph": None}).paragraph is None  # X | None: None stays None
    assert type(results.CaseLink.from_record(link | {"paragraph": _paragraph("2")}).paragraph) is results.Paragraph
    coverage = results.Coverage.from_record({"documents": 1, "paragraphs": 2, "bodies": [], "series": [
        {"body": None, "documents": 1, "paragraphs": 2, "first": None, "last": None, "first_symbol": None, "last_symbol": None,
         "series": "WT/COMTD/M", "family": "minutes"}],
        "registry": {"disputes": 0, "last_dispute": None, "latest_date": None, "sources": []}})
    assert type(coverage.series[0]) is results.CoveredSeries and type(coverage.registry) is results.RegistryCoverage
    with pytest.raises(KeyError):  # a nested record missing a field is still an error
        results.Precedent.from_record({**precedent.to_json(), "disputes": [{"number": 1}]})


# --- 5. blocks read as 64-bit words; arrays memory-mapped as plain arrays ------------------------------------

def _blocks(marked) -> list[bool]:
    """Per block of BLOCK_ROWS rows, whether any is marked: the definition, one block at a time."""
    flags = [bool(value) for value in np.asarray(marked).ravel()]
    return [any(flags[start : start + BLOCK_ROWS]) for start in range(0, len(flags), BLOCK_ROWS)]


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 17, 200])
def test_blocks_holding_any_layout_and_type_of_flags(size):
    rng = np.random.default_rng(size)
    flags = rng.random(size * 3) < 0.05
    for marked in (flags[::3], flags[::-3], flags[size:][:size], flags[:size].astype(np.uint8) * 2, flags[:size].astype(np.float32) / 2,
                   list(flags[:size])):
        assert blocks_holding(marked).tolist() == _blocks(marked)
        assert blocks_holding(marked).dtype == bool


def test_blocks_holding_does_not_see_later_changes_of_its_input():
    marked = np.zeros(20, dtype=bool)
    blocks = blocks_holding(marked)
    marked[:] = True
    assert blocks.tolist() == [False, False, False]


def test_blocks_holding_reads_a_read_only_mapped_mask(tmp_path):
    np.save(tmp_path / "mask.npy", np.arange(30) % 9 == 0)
    marked = mapped(tmp_path / "mask.npy")
    assert blocks_holding(marked).tolist() == _blocks(marked) == [True, True, True, True]


def test_a_mapped_array_outlives_every_other_reference_and_stays_read_only(tmp_path):
    np.save(tmp_path / "rows.npy", np.arange(100_000, dtype=np.int64))
    part = mapped(tmp_path / "rows.npy")[10:20]
    gc.collect()  # only the slice holds the mapping now
    assert part.tolist() == list(range(10, 20))
    with pytest.raises(ValueError):
        part[0] = 1
    with pytest.raises(ValueError):
        part.flags.writeable = True  # the mapping is read-only: no way to write the index through it
    os.replace(tmp_path / "rows.npy", tmp_path / "old.npy")  # a build replacing files beside a reader
    np.save(tmp_path / "rows.npy", np.zeros(5, dtype=np.int64))
    assert part.tolist() == list(range(10, 20))


@pytest.mark.parametrize("array", [np.arange(6, dtype=">i8"), np.asfortranarray(np.arange(6).reshape(2, 3)), np.zeros(0, dtype=np.int32),
                                   np.array([True, False, True])], ids=["big-endian", "fortran", "empty", "bool"])
def test_mapped_reads_any_npy_as_saved(tmp_path, array):
    np.save(tmp_path / "a.npy", array)
    read = mapped(tmp_path / "a.npy")
    assert type(read) is np.ndarray and read.dtype == array.dtype and read.tolist() == array.tolist() and not read.flags.writeable


# --- 6. one listed-row mask per query ----------------------------------------------------------------------

def test_filtered_and_unfiltered_queries_in_turn_list_as_rescoring_every_hit(ctd_searcher, monkeypatch):
    """The sublinear path forced on the real minutes, queries with and without a row filter in turn: each lists the
    rows of rescoring every hit, never a heading-like row, and no query changes the listable mask the next one reads."""
    import wto_assist.search as search
    from wto_assist.index import sublinear
    from wto_assist.index.hitlist import HitList

    for name in ("SUBLINEAR_FROM_ROWS", "SUBLINEAR_FROM_POSTINGS"):
        monkeypatch.setattr(search, name, 0)
    monkeypatch.setattr(sublinear, "FULL_SHARE", 1.0)
    searcher = ctd_searcher
    before = np.array(searcher._listable, copy=True)
    assert before.tolist() == (~np.asarray(searcher.columns.hidden())).tolist()
    heading_like = np.asarray(searcher.columns.hidden())
    for query, filters in [("technical assistance for least developed countries", Filters(speaker="European Union")),
                           ("technical assistance for least developed countries", None),
                           ("aid for trade", Filters(member="India")), ("aid for trade", None)]:
        chosen = filters or Filters()
        order = searcher.ranked_rows(query, "bm25", chosen)
        assert isinstance(order, sublinear.SublinearHits)
        hits, scores, _ = searcher.scores(query, "bm25", searcher.mask(chosen))
        reference = HitList([], hits, scores, searcher._citation_ids, searcher.columns.citation_count, searcher.columns.order())
        assert order[:20] == reference[:20], (query, filters)
        listed = np.asarray(order[:60], dtype=np.int64)
        assert not heading_like[listed].any()
        assert np.array_equal(searcher._listable, before)
