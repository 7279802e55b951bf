import json

import pytest
from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.enrich.pipeline import build_pipeline, entities
from wto_assist.registry import load_registry
from wto_assist.store import Store

TABLE = '''ds,title,complainant,consultation_requested,curr_stat,cited,maker_pr
DS990,Exampleland — Measures Concerning Processed Fruit,EXAMPLELANDIA,3 JANUARY 2026,IN CONSULTATIONS,"['GATT 1994: Art. XI:1, XX(b)', 'Sanitary and Phytosanitary Measures (SPS): Art. 2.2']",0
DSX,Broken row,CHILE,1 JANUARY 2026,IN CONSULTATIONS,"[]",0
DS991,Bad date,CHILE,31 FEBRUARY 2026,IN CONSULTATIONS,"[]",0
DS992,Unknown agreement,CHILE,1 MARCH 2026,IN CONSULTATIONS,"['Widgets Agreement: Art. 1']",0
'''


def test_pipeline_marks_members_groups_provisions_disputes_and_documents():
    nlp = build_pipeline({"US — Gasoline": ["DS2", "DS4"]})
    doc = nlp(
        "The representative of the Republic of Korea, on behalf of the LDC Group, recalled US – Gasoline, "
        "DS512 (WT/DS512/R, para. 7.82) and Article XXI(b)(iii) of the GATT 1994. Hong Kong, China agreed; so did us."
    )
    found = {(e.kind, e.key) for e in entities(doc)}
    assert {
        ("member", "Korea, Republic of"), ("group", "LDC Group"), ("dispute", "DS2"), ("dispute", "DS4"),
        ("dispute", "DS512"), ("document", "WT/DS512/R"), ("provision", "GATT1994:XXI(b)(iii)"), ("member", "Hong Kong, China"),
    } <= found
    assert ("member", "China") not in found  # the longest name wins
    assert not any(e.text == "us" for e in entities(doc))  # a pronoun is not the United States


def test_ingest_enriches_and_registry_reports_bad_rows_by_line(sample_db, tmp_path):
    with Store(sample_db, create=False) as store:
        assert store.entity_keys("WT/COMTD/M/990", 7, ("provision",)) == ["GATT1994:XI"]
        assert set(store.entity_keys("WT/COMTD/M/990", 3, ("member", "group"))) == {"Bangladesh", "LDC Group"}
    table = tmp_path / "disputes.csv"
    table.write_text(TABLE, encoding="utf-8")
    report = load_registry(table, sample_db)
    assert report.loaded == 2  # DS990, and DS992 without its unreadable fragment
    assert [line for line, _ in report.bad_rows] == [3, 4]
    assert "DSX" in report.bad_rows[0][1] and "31 FEBRUARY 2026" in report.bad_rows[1][1]
    assert report.unreadable == [(5, "DS992: unknown agreement 'Widgets Agreement'")]
    rows = json.loads(CliRunner().invoke(main, ["disputes", "--provision", "GATT1994:XX", "--db", str(sample_db), "--json"]).stdout)
    assert [(r["ds"], r["provisions"]) for r in rows] == [("DS990", ["GATT1994:XI:1", "GATT1994:XX(b)", "SPS:2.2"])]
    bad = CliRunner().invoke(main, ["disputes", "--provision", "Article 99", "--db", str(sample_db)])
    assert bad.exit_code == 1 and "is not a provision key" in bad.output


@pytest.mark.parametrize("sentence, wanted", [
    # support someone else is reported to have given is not the speaker's
    ("He observed that a number of Members had indicated support for the communication from Canada, which his delegation opposed.", set()),
    ("He noted that many delegations had voiced support for the proposal by the LDC Group, but his delegation could not join the consensus.", set()),
    ("She recalled that the African Group had reaffirmed support for the submission by Benin.", set()),
    ("The representative of India also indicated support for the intervention by Hong Kong, China.", {"Hong Kong, China"}),
    # "as for" opens another matter; "as well as for" goes on with the list
    ("He supported the proposal by Brazil, as for the comments made by Japan, his delegation had doubts.", {"Brazil"}),
    ("He expressed support for the proposal by Brazil, as well as for the interventions by Japan and Chile.", {"Brazil", "Japan", "Chile"}),
])
def test_whose_support_a_sentence_reports(sentence, wanted):
    from wto_assist.enrich.relations import RelationFinder

    nlp = build_pipeline({})
    found = RelationFinder(nlp.vocab)(nlp(sentence), sentence, "India", "member", None)
    assert {relation.supported for relation in found if relation.supporter == "India"} == wanted
