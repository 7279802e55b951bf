"""Prose around quotations, over the real CTD minutes (../shared): every lead-in is a sentence with a
finite reporting verb of the minutes and a named speaker, and every quotation stands on its own."""

import re
from collections import Counter

import docx
import pytest
import yaml
from click.testing import CliRunner

from wto_assist import members
from wto_assist.cli import main
from wto_assist.draft.attribution import lead_in, reported_words
from wto_assist.draft.brief import parse_brief
from wto_assist.draft.compose import compose
from wto_assist.draft.passages import needs_context, sentences
from wto_assist.draft.render import default_template, render
from wto_assist.draft.verify import verify_docx
from wto_assist.store import Store

# Queries written for this test, not the ones the selection rules were tried on (see docs/drafting.md and docs/measurements.md).
QUERIES = [
    ("Kenya", "commodities dependence"),
    ("Norway", "GSP scheme for least-developed countries"),
    ("Switzerland", "technical assistance"),
    ("Japan", "electronic commerce"),
    ("LDC Group", "preferential rules of origin"),
    ("African Group", "aid for trade"),
    ("Pakistan", "special and differential treatment"),
    ("Canada", "duty-free access"),
    (None, "small and vulnerable economies"),
    (None, "transparency mechanism for preferential trade arrangements"),
]
FUNCTION_WORDS = {"and", "of", "on", "the", "in", "for", "to", "a", "an", "was", "were", "had", "is", "that", "who", "with"}
NEEDS_CONTEXT = ("These", "This", "It", "However", "Those", "They", "He", "She", "Such", "His", "Her", "Its", "Their")


def _brief(support, **extra):
    return parse_brief({
        "kind": "committee-statement", "release": "public", "delegation": {"member": "Kenya"},
        "meeting": {"body": "Committee on Trade and Development", "date": "2026-12-10"},
        "points": ["Kenya thanks the Chairperson."], "support": support, **extra}, "test brief")


@pytest.fixture(scope="module")
def reporting_verbs(ctd_db):
    """The words the minutes put right after a speaker's designation ("The representative of Cuba
    stressed …"), at least five times: a lexicon of the minutes' own finite reporting verbs."""
    counts = Counter()
    with Store(ctd_db, create=False) as store:
        texts = [row[0] for row in store.connection.execute("SELECT text FROM paragraphs")]
    designation = re.compile(r"\bThe representatives? of (?:the )?[A-Z][^,.;:]*?(?:,\s+(?:speaking\s+)?on behalf of [^,]+,)?\s+"
                             r"(?:also\s+|further\s+|then\s+)?([a-z]+)\b")
    for text in texts:
        counts.update(word for word in designation.findall(text) if word not in FUNCTION_WORDS)
    verbs = {word for word, count in counts.items() if count >= 5}
    assert {"said", "stressed", "noted", "expressed", "welcomed"} <= verbs
    return verbs


def _speaker_names(paragraph):
    names = set()
    for name in filter(None, [paragraph["speaker"], paragraph["on_behalf_of"]]):
        names.add(members.display_name(name))
        if members.canonical(name) == "European Union":
            names.add("European Communities")
    return names


def _lead_verb(lead, paragraph):
    """The first word after the speaker's designation (and any ", on behalf of …," and adverb)."""
    after_meeting = re.split(r"held on \d{1,2} \w+ \d{4}, ", lead, maxsplit=1)[-1]
    after_meeting = re.sub(r"^giving an account .*?, ", "", after_meeting)
    name = min((n for n in _speaker_names(paragraph) if n in after_meeting), key=after_meeting.index)
    rest = after_meeting[after_meeting.index(name) + len(name):]
    rest = re.sub(r"^,\s+on behalf of [^,]+,", "", rest).strip()
    rest = re.sub(r"^(?:also|further|again|then|strongly|fully)\s+", "", rest)
    return re.match(r"[a-z]+", rest).group(0) if re.match(r"[a-z]+", rest) else rest[:20]


def test_query_picked_quotations_read_as_prose_and_verify(ctd_db, ctd_index, reporting_verbs, tmp_path):
    support = [{"query": query, "k": 2, **({"filters": {"speaker": speaker}} if speaker else {})} for speaker, query in QUERIES]
    brief = _brief(support)
    composed = compose(brief, ctd_db, ctd_index)
    quotes = [q for q in composed.quotes if q.family == "minutes"]
    assert len(quotes) >= 15, [w for w in composed.warnings]
    with Store(ctd_db, create=False) as store:
        for quote in quotes:
            lead = "".join(text for text, _ in quote.lead)
            paragraph = store.paragraphs(quote.symbol, quote.paragraph)[0]
            assert "statement of" not in lead.lower(), lead  # never "In the statement of Mexico:"
            assert _speaker_names(paragraph) and any(n in lead for n in _speaker_names(paragraph)), (lead, paragraph["speaker"])
            assert _lead_verb(lead, paragraph) in reporting_verbs, (lead, quote.text)
            first = re.match(r"\W*(\w+)", quote.text).group(1)
            assert first not in NEEDS_CONTEXT and first.capitalize() not in NEEDS_CONTEXT, quote.text
            assert re.search(r"[.?!][\"”’)]*$", quote.text), quote.text  # ends where the record's sentence ends
            assert quote.review is None, (quote.citation, quote.review)
            # The paragraph's procedural lines are never what a query picks.
            assert not re.search(r"\b(?:invited|took note|so agreed)\b", quote.text), quote.text
    out = tmp_path / "prose.docx"
    render(composed, default_template(brief.kind), out)
    checks = verify_docx(out, ctd_db)
    assert len(checks) == len(composed.quotes) and {c.status for c in checks} == {"verified"}


def _paragraph_with(store, phrase):
    row = store.connection.execute(
        "SELECT d.symbol, p.label FROM paragraphs p JOIN documents d ON d.id = p.document_id WHERE p.text LIKE ? ORDER BY d.symbol, p.seq",
        (f"%{phrase}%",)).fetchone()
    assert row, phrase
    return row[0], row[1]


def test_a_quotation_needing_its_previous_paragraph_is_flagged_in_the_draft(ctd_db, tmp_path):
    with Store(ctd_db, create=False) as store:
        rows = store.connection.execute(
            "SELECT d.symbol, p.label, p.text FROM paragraphs p JOIN documents d ON d.id = p.document_id "
            "WHERE p.numbered = 1 AND (p.text LIKE 'These %' OR p.text LIKE 'However, %') ORDER BY d.symbol, p.seq LIMIT 1").fetchall()
    symbol, label, text = rows[0]
    brief = _brief([{"citation": f"{symbol}, para. {label}", "quote": sentences(text)[0]}], accept=["restricted"])
    composed = compose(brief, ctd_db, None)
    quote = composed.quotes[0]
    assert quote.review and "refers to what the record said before" in quote.review
    assert any(f"{quote.citation}: review the quotation" in warning for warning in composed.warnings)
    out = tmp_path / "flagged.docx"
    render(composed, default_template(brief.kind), out)
    body = [p.text for p in docx.Document(str(out)).paragraphs]
    assert any("[For review: starts with the word " in line for line in body)
    # The CLI report says so too, and the quotation still verifies.
    path = tmp_path / "flagged.yaml"
    path.write_text(yaml.safe_dump({"kind": "committee-statement", "release": "public", "accept": ["restricted"],
                                    "delegation": {"member": "Kenya"}, "points": ["x"],
                                    "meeting": {"body": "Committee on Trade and Development", "date": "2026-12-10"},
                                    "support": [{"citation": f"{symbol}, para. {label}", "quote": sentences(text)[0]}]}))
    result = CliRunner().invoke(main, ["draft", str(path), "-o", str(tmp_path / "cli.docx"), "--db", str(ctd_db)])
    assert result.exit_code == 0, result.output
    assert "review the quotation: starts with the word " in result.output and "VERIFIED" in result.output


def test_the_chairs_account_of_a_members_statement_says_so(ctd_db):
    with Store(ctd_db, create=False) as store:
        symbol, label = _paragraph_with(store, "the representative of Mauritania had raised a point")
        paragraph = store.paragraphs(symbol, label)[0]
    assert paragraph["speaker_kind"] == "chair"
    brief = _brief([{"citation": f"{symbol}, para. {label}",
                     "quote": "the representative of Mauritania had raised a point regarding increased information by the Government of Canada in LDC capitals."}],
                   accept=["restricted"])
    lead = "".join(text for text, _ in compose(brief, ctd_db, None).quotes[0].lead)
    assert lead.endswith(", the Chairperson, giving an account of the statement of Mauritania, said that "), lead


def test_the_european_communities_are_named_as_such_before_december_2009(ctd_db, ctd_index):
    brief = _brief([{"query": "GSP scheme", "k": 2, "filters": {"speaker": "European Union", "date_to": "2009-11-30"}},
                    {"query": "GSP scheme", "k": 1, "filters": {"speaker": "European Union", "date_from": "2010"}}])
    quotes = compose(brief, ctd_db, ctd_index).quotes
    leads = ["".join(text for text, _ in q.lead) for q in quotes]
    assert len(leads) == 3
    assert all(", the European Communities " in lead for lead in leads[:2]), leads
    assert ", the European Union " in leads[2] and "European Communities" not in leads[2], leads[2]


@pytest.mark.parametrize("sentence, verb, words, subject", [
    ("The representative of Cuba stressed the importance of special and differential treatment.", "stressed",
     "the importance of special and differential treatment.", ""),
    ("The representative of China said that her delegation was aware of the work involved.", "said",
     "was aware of the work involved.", "delegation"),
    ("Regarding the GSP-plus arrangement, the representative of the EC said the GSP-plus should not obscure the core GSP.", "said",
     "the GSP-plus should not obscure the core GSP.", ""),
    ("He said that in view of the increasing importance of electronic commerce, it presented great opportunities.", "said",
     "in view of the increasing importance of electronic commerce, it presented great opportunities.", ""),
])
def test_the_reporting_frame_leaves_the_quotation(sentence, verb, words, subject):
    reported = reported_words(sentence)
    assert (reported.verb, reported.words, reported.subject) == (verb, words, subject)


@pytest.mark.parametrize("sentence, speaker, kind, lead", [
    ("The representative of Australia said that his country had been providing DFQF market access since 2003.", "Australia", "member",
     "Australia said that it "),
    ("The representative of China said that her delegation was aware of the work involved.", "China", "member",
     "China said that its delegation "),
    ("The representatives of Fiji and Samoa said that they wished to see prompt notification.", "Fiji", "member",
     "Fiji and Samoa said that they "),
    ("The Chairperson said that she hoped the Committee would conclude its work.", "Chairperson", "chair",
     "the Chairperson said that she "),
])
def test_the_pronoun_of_the_record_is_written_for_the_speaker_named(sentence, speaker, kind, lead):
    source = {"family": "minutes", "body": "Committee on Trade and Development", "date": "2013-07-17",
              "speaker": speaker, "speaker_kind": kind, "on_behalf_of": None}
    written = "".join(text for text, _ in lead_in(source, reported_words(sentence)))
    assert written == "As recorded in the minutes of the meeting of the Committee on Trade and Development held on 17 July 2013, " + lead


def test_a_report_or_a_document_noting_something_is_not_a_speakers_frame():
    assert reported_words("The report noted that exports of LDCs had grown.").verb is None


def test_sentences_and_context():
    text = ("The representative of Mexico said that the WTO, i.e. its Members, had to act. These included: "
            "tariffs. However, Mr. Smith agreed.")
    assert sentences(text) == ["The representative of Mexico said that the WTO, i.e. its Members, had to act.",
                               "These included: tariffs.", "However, Mr. Smith agreed."]
    assert needs_context("These included: tariffs.") and needs_context("However, Mr. Smith agreed.")
    assert needs_context("the WTO had to act.") is None
