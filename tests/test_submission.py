"""Third-party submissions against the real dispute registry (../shared): the proceedings as of the
submission's date, and the furniture a lawyer expects (executive summary, exhibits, abbreviations
used, dated table of cases, the European Communities before December 2009)."""

import copy

import docx
import pytest
import yaml

from wto_assist.draft.brief import BriefError, parse_brief
from wto_assist.draft.citation_style import plain, request_entry
from wto_assist.draft.compose import DraftError, compose
from wto_assist.draft.render import default_template, read_footnotes, render
from wto_assist.registry import load_registry
from wto_assist.registry.query import find_disputes
from wto_assist.store import Store

from .conftest import REPO

EXAMPLE = yaml.safe_load((REPO / "examples" / "ds512-third-party-submission.yaml").read_text())


@pytest.fixture(scope="module")
def registry_db(shared, tmp_path_factory):
    db = tmp_path_factory.mktemp("registry") / "corpus.sqlite"
    load_registry(shared / "data" / "disputes-ds1-624.jsonl", db)
    return db


def _brief(**changes):
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    return parse_brief(data, "test brief")


def _render(composed, tmp_path, name):
    out = tmp_path / f"{name}.docx"
    render(composed, default_template("third-party-submission"), out)
    return docx.Document(str(out))


def _cover(document):
    texts = [p.text for p in document.paragraphs]
    start = texts.index("BEFORE THE WORLD TRADE ORGANIZATION")
    return [text for text in texts[start:texts.index("TABLE OF CONTENTS")] if text]


def test_a_panel_submission_dated_after_the_adoption_is_refused(registry_db):
    with pytest.raises(DraftError) as refused:
        compose(_brief(date="2026-12-01"), registry_db, None)
    message = str(refused.value)
    assert "DS512: the panel report was adopted on 26 April 2019" in message
    assert "dated 1 December 2026" in message and "accept: [closed-proceedings]" in message and "\n" not in message
    with pytest.raises(DraftError, match="adopted on 26 April 2019"):
        compose(_brief(date="2019-05-02", proceedings="appellate"), registry_db, None)


def test_closed_proceedings_can_be_accepted_explicitly(registry_db):
    composed = compose(_brief(date="2026-12-01", accept=["unverified", "closed-proceedings"]), registry_db, None)
    assert any("DS512: the panel report was adopted on 26 April 2019; the brief accepts closed proceedings" in w for w in composed.warnings)
    assert "closed-proceedings" in composed.accept


def test_a_later_proceeding_is_named_on_the_cover_and_checked_against_the_registry(registry_db, tmp_path):
    composed = compose(_brief(date="2026-12-01", proceedings="compliance"), registry_db, None)
    assert "proceedings: DS512: the registry records no compliance proceedings under Article 21.5 of the DSU by 1 December 2026" in composed.warnings
    assert _cover(_render(composed, tmp_path, "compliance")) == [
        "BEFORE THE WORLD TRADE ORGANIZATION", "COMPLIANCE PANEL PROCEEDINGS (ARTICLE 21.5 OF THE DSU)",
        "RUSSIA – MEASURES CONCERNING TRAFFIC IN TRANSIT", "RECOURSE TO ARTICLE 21.5 OF THE DSU BY UKRAINE", "(DS512)",
        "THIRD PARTY WRITTEN SUBMISSION OF AUSTRALIA", "Geneva, 1 December 2026"]
    assert "compliance proceedings under Article 21.5 of the DSU" in composed.context["title"]


def test_a_submission_dated_before_the_panel_was_established_gets_a_warning(registry_db):
    composed = compose(_brief(date="2017-01-10"), registry_db, None)
    assert "proceedings: DS512: the submission is dated 10 January 2017, before the DSB established the panel on 21 March 2017" in composed.warnings
    # A panel-stage submission within the proceedings has no such warning.
    assert not [w for w in compose(_brief(), registry_db, None).warnings if w.startswith("proceedings:")]


def test_an_appeal_the_registry_does_not_record_gets_a_warning(registry_db):
    composed = compose(_brief(date="2019-04-15", proceedings="appellate"), registry_db, None)
    assert "proceedings: DS512: the registry records no appeal by 15 April 2019" in composed.warnings


def test_submission_furniture(registry_db, tmp_path):
    issues = copy.deepcopy(EXAMPLE["issues"])
    issues[0]["support"].append({"citation": "WT/DS2/R, para. 6.40", "external": True, "use": "reference", "point": 1})
    issues[0]["support"].append({"citation": "WT/DS27/AB/R, para. 190", "external": True, "use": "reference", "point": 1})
    brief = _brief(issues=issues, exhibits=[{"title": "Decree of the President of the Russian Federation No. 1 of 1 January 2016", "short_title": "Decree No. 1"},
                                            {"title": "Map of transit routes"}])
    composed = compose(brief, registry_db, None)
    document = _render(composed, tmp_path, "furniture")
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    headings = [text for style, text in paragraphs if style.startswith("Heading")]
    assert headings[:2] == ["EXECUTIVE SUMMARY", "I. INTRODUCTION"]
    summary = paragraphs[[t for _, t in paragraphs].index("EXECUTIVE SUMMARY", 10) + 1 :][:2]
    assert [style for style, _ in summary] == ["Normal", "Normal"]  # not numbered with the submission's paragraphs
    assert [text for _, text in summary] == EXAMPLE["executive_summary"]
    # Bold headings, as in the house style: no run un-bolds the bold heading styles.
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            assert paragraph.style.font.bold and all(run.bold is not False for run in paragraph.runs), paragraph.text
    cases, abbreviations, exhibits = document.tables
    rows = [[cell.text for cell in row.cells] for row in cases.rows[1:]]
    assert ["EC – Bananas III", "Appellate Body Report, EC – Regime for the Importation, Sale and Distribution of Bananas, WT/DS27/AB/R,"
            " circulated 9 September 1997, adopted 25 September 1997"] in rows
    assert ["US – Gasoline", "Panel Report, US – Standards for Reformulated and Conventional Gasoline, WT/DS2/R, circulated 29 January 1996,"
            " adopted 20 May 1996, as modified by Appellate Body Report WT/DS2/AB/R"] in rows
    assert [[cell.text for cell in row.cells] for row in exhibits.rows] == [
        ["Exhibit No.", "Description", "Short title"],
        ["AUS-1", "Decree of the President of the Russian Federation No. 1 of 1 January 2016", "Decree No. 1"],
        ["AUS-2", "Map of transit routes", ""]]
    # Abbreviations only for the terms the submission uses: GATT 1994 is used, the DSU and the TBT Agreement are not.
    used = [row.cells[0].text for row in abbreviations.rows[1:]]
    assert "GATT 1994" in used and "Panel" in used and "para./paras." in used
    assert "DSU" not in used and "TBT Agreement" not in used
    assert "See Panel Report, US – Gasoline, para. 6.40." in read_footnotes(document).values()


def test_the_dsu_is_abbreviated_once_the_submission_cites_it(registry_db):
    issues = copy.deepcopy(EXAMPLE["issues"])
    issues[0]["points"][0] += " Article 11 of the DSU requires an objective assessment."
    rows = compose(_brief(issues=issues), registry_db, None).context["abbreviations"]
    assert {"abbreviation": "DSU", "meaning": "Understanding on Rules and Procedures Governing the Settlement of Disputes"} in rows


def test_a_report_circulated_after_the_submission_is_reported(registry_db):
    issues = copy.deepcopy(EXAMPLE["issues"])
    issues[0]["support"][0]["citation"] = "WT/DS512/R, para. 7.102"
    composed = compose(_brief(issues=issues), registry_db, None)
    assert "WT/DS512/R was circulated on 5 April 2019, after the submission's date (7 November 2017)" in composed.warnings


def test_the_european_communities_are_named_as_such_before_december_2009(registry_db):
    with Store(registry_db, create=False) as store:
        disputes = find_disputes(store, member="European Union", role="complainant")
    before = next(d for d in disputes if d["consultations_requested"] and d["consultations_requested"] < "2009-12-01")
    after = next(d for d in disputes if d["consultations_requested"] and d["consultations_requested"] >= "2009-12-01")
    assert plain(request_entry(before)["citation"]).startswith("Request for Consultations by the European Communities, ")
    assert plain(request_entry(after)["citation"]).startswith("Request for Consultations by the European Union, ")


@pytest.mark.parametrize("change, message", [
    ({"exhibit_prefix": "aus"}, "exhibit_prefix: 'aus' must be 2 to 5 capital letters"),
    ({"exhibits": [{"short_title": "x"}]}, "exhibits[0].title: is required"),
    ({"accept": ["closed"]}, "accept[0]: 'closed' must be unverified, restricted or closed-proceedings"),
])
def test_brief_errors_for_the_new_fields(change, message):
    with pytest.raises(BriefError, match=message.replace("[", r"\[").replace("]", r"\]").replace(".", r"\.")):
        _brief(**change)
    with pytest.raises(BriefError, match="executive_summary: is for third-party submissions only"):
        parse_brief({"kind": "committee-statement", "delegation": {"member": "Kenya"}, "executive_summary": ["x"],
                     "meeting": {"body": "CTD", "date": "2026-12-10"}, "points": ["x"]}, "test brief")
