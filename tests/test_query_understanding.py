"""Query understanding without an index: procedural lines, group names, periods, speakers, highlighting, spelling."""

import numpy as np

from wto_assist import relevance
from wto_assist.highlight import QueryWords
from wto_assist.index.analysis import tokens
from wto_assist.index.procedural import is_procedural
from wto_assist.query_parse import describe_period, parse
from wto_assist.spelling import Speller, corrected, edit_distance, unknown_words


def test_procedural_lines_are_the_committees_formulas_only():
    for text in ("It was so agreed.", "The Committee took note of the statements made.", "The agenda was adopted as amended.",
                 "The Chairman invited Ecuador to introduce its proposal contained in document WT/COMTD/W/204.",
                 "The meeting was adjourned.", "The Chairperson thanked the representative of Morocco for his statement. It was so agreed."):
        assert is_procedural(text), text
    for text in ("The Committee adopted the TA Plan for 2014 and 2015.",
                 "The Committee took note of the statements. The representative of India said that the GSP scheme excluded rice.",
                 "The representative of Egypt said that the Committee took note of too little.",
                 "The Chairman said that the points raised demonstrated the need for informal consultations."):
        assert not is_procedural(text), text


def test_numbered_groups_are_one_term_and_never_a_symbol_number():
    assert tokens("G-90") == tokens("G90") == tokens("Group of 90") == ["g90"]
    assert not set(tokens("G-90 proposals")) & set(tokens("document WT/COMTD/W/90"))
    assert "ldc" in tokens("LDC Group") and "ldc" in tokens("least-developed countries") and "ldc" in tokens("the LDCs")


def test_a_period_in_the_query_becomes_a_date_preference():
    cases = {
        "technical assistance in 2005": ("2005-01-01", "2005-12-31"),
        "DFQF since 2010": ("2010-01-01", "9999-12-31"),
        "e-commerce between 1998 and 2001": ("1998-01-01", "2001-12-31"),
        "GSP schemes before 2000": ("0000-01-01", "1999-12-31"),
        "the 2003 technical assistance plan": ("2002-01-01", "2004-12-31"),  # a plan is discussed the year before
    }
    for query, period in cases.items():
        parsed = parse(query)
        assert parsed.period == period and parsed.text == query, (query, parsed)  # the year stays a word too
    assert parse("market access for LDCs").period is None
    assert [describe_period(parse(q).period) for q in ("in 2005", "since 2010", "before 2000", "2003 plan")] == [
        "of 2005", "from 2010 on", "up to 1999", "of 2002–2004"]
    assert parse("technical assistance in 2005").period_explicit and not parse("the 2003 technical assistance plan").period_explicit


def test_questions_about_speakers_weigh_the_speaker_layer():
    assert parse("who supported the proposal on small economies").speaker_question
    assert parse("Which delegations raised concerns about the GCC notification?").speaker_question
    parsed = parse("what did India say about dual notifications")
    assert parsed.speakers == {"India"} and "say" not in parsed.text.split() and "India" in parsed.text
    assert parse("Egypt's position on observer status").speakers == {"Egypt"}
    # A query that opens with a Member asks for its statement; Members named further on are not speakers.
    assert parse("EC says the Committee has gone as far as it can with Brazil").speakers == {"European Union"}
    assert parse("Kenya backs Côte d'Ivoire on commodities").speakers == {"Kenya"}
    assert parse("support for Morocco's proposals").speakers == set()
    assert not parse("proposals on small economies").speaker_question


def test_concepts_are_what_the_user_typed():
    assert [(c.label, c.term) for c in parse("LDC market access").concepts] == [("LDC", "ldc"), ("market", "market"), ("access", "access")]
    assert [c.term for c in parse("least-developed countries in the G-90").concepts] == ["ldc", "g90"]
    assert parse("Committee took note").procedure and not parse("market access").procedure


def test_adjust_demotes_procedure_unless_asked_and_prefers_the_period():
    facts = relevance.RowFacts(np.array([True, False, False]), np.array(["2005-03-01", "2005-03-01", "2010-01-01"]),
                               np.array([False, True, False]), [set(), {"India"}, set()])
    scores = np.array([10.0, 6.0, 6.0])
    plain = relevance.adjust(scores, parse("annual report"), facts)
    assert plain[0] == 10.0 * relevance.PROCEDURAL_WEIGHT and plain[1] == plain[2] == 6.0
    assert relevance.adjust(scores, parse("annual report took note"), facts)[0] == 10.0
    dated = relevance.adjust(scores, parse("annual report in 2005"), facts)
    assert dated[1] > dated[2]
    spoken = relevance.adjust(scores, parse("what did India say about the annual report"), facts)
    assert spoken[1] > spoken[2]
    assert relevance.adjust(np.array([-np.inf, 1.0, 1.0]), parse("annual report"), facts)[0] == -np.inf


def test_counts_by_the_users_words_and_the_weak_match_flag():
    presence = np.array([[True, True, False, False], [True, False, False, False]])  # two concepts over four rows
    matched = np.array([True, True, True, False])  # row 2 matched an expansion word only; row 3 is a similar hit
    words = relevance.word_match([0, 1, 2, 3], presence, set(), matched)
    assert (words.all_words, words.some_words, words.similar) == (1, 2, 1) and not words.weak
    assert words.sentence() == "1 paragraph contains all your words; 2 more contain some; 1 more shares no word but is close in meaning"
    weak = relevance.word_match([1, 0], presence, set(), matched)
    assert weak.weak and weak.coverage < relevance.WEAK_COVERAGE
    assert not relevance.word_match([1, 0], presence, {1}, matched).weak  # a cited paragraph answers by definition


def test_a_member_in_the_query_is_held_by_its_own_paragraphs():
    class Lexical:  # the word "ec" is written in row 0 only; rows 1 and 2 are the European Union's statements
        def term_rows(self, term):
            return np.array([term == "ec", False, False, term == "gsp"])

    def actor_rows(name):
        return np.array([False, name == "European Union", name == "European Union", False])

    parsed = parse("EC: GSP")
    plain = relevance.concept_presence(Lexical(), parsed, 4)
    held = relevance.concept_presence(Lexical(), parsed, 4, actor_rows)
    assert [c.label for c in parsed.concepts] == ["EC", "GSP"]
    assert plain[0].tolist() == [True, False, False, False] and held[0].tolist() == [True, True, True, False]
    assert held[1].tolist() == plain[1].tolist() == [False, False, False, True]  # not a Member: its own rows only


def test_highlighting_marks_only_words_that_matched_the_query_itself():
    text = ("The LDC Group and other least-developed countries (LDCs), developing and developed Members, "
            "the G-90 (WT/COMTD/W/90) and the Development Division.")
    marked = lambda query: [text[start:end] for start, end in QueryWords(query).spans(text)]  # noqa: E731
    assert marked("LDC") == ["LDC", "least-developed countries", "LDCs"]
    assert marked("least developed countries") == ["LDC", "least-developed countries", "LDCs"]
    assert marked("G90 proposals") == ["G-90"]
    assert marked("W/90") == ["90"]  # the symbol's number, not the 90 of G-90
    assert marked("the") == [] and not QueryWords("")


def test_spelling_suggestions_come_from_the_corpus_vocabulary():
    speller = Speller(["DFQF market access for LDCs.", "Bangladesh and DFQF.", "Bangladesh said so.", "Guatemala, Guatemala"])
    assert speller.suggest("DFQD") == "DFQF"
    assert speller.suggest("Bangaldesh") == "Bangladesh"
    assert speller.suggest("Guatamala") == "Guatemala"
    assert speller.suggest("COVID") is None  # two edits from anything in a five-letter word: no guess
    assert edit_distance("bangaldesh", "bangladesh", 2) == 1 and edit_distance("abc", "xyz", 1) == 2
    known = {"market", "access"}
    assert unknown_words("DFQD market access", lambda word: word.lower() in known) == ["DFQD"]
    assert corrected("DFQD market access", {"DFQD": "DFQF"}) == "DFQF market access"
