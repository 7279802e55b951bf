"""Panel and Appellate Body reports read faithfully, from a layout-faithful fixture in DOCX and PDF:
paragraph numbers as printed, section headings, footnotes tied to the paragraph that calls them,
running heads and page numbers dropped, tables kept, and the reports a report cites linked."""

import json
import shutil

import pytest

from wto_assist.ingest import ingest_paths
from wto_assist.registry import load_registry
from wto_assist.store import Store

from .conftest import soffice
from .report_fixtures import build_report_docx, build_report_pdf

REGISTRY = [
    {"ds": "DS2", "title": "Standards for Reformulated and Conventional Gasoline", "short_title": "US — Gasoline",
     "complainant": "Venezuela, Bolivarian Republic of", "respondent": "United States", "consultations_requested": "24 January 1995"},
    {"ds": "DS512", "title": "Measures Concerning Traffic in Transit", "short_title": "Russia — Traffic in Transit",
     "complainant": "Ukraine", "respondent": "Russian Federation", "consultations_requested": "14 September 2016"},
]


@pytest.fixture(scope="module", params=["docx", "pdf"])
def report(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"report-{request.param}")
    source = folder / "files"
    source.mkdir()
    built = build_report_docx(folder / "WT_DS990_R.docx")
    if request.param == "pdf":
        built = build_report_pdf(built, soffice())
    shutil.copy(built, source / built.name)
    db = folder / "corpus.sqlite"
    registry = folder / "registry.jsonl"
    registry.write_text("\n".join(json.dumps(row) for row in REGISTRY), encoding="utf-8")
    load_registry(registry, db)
    outcome = ingest_paths([source], db)
    assert not outcome.failed, outcome.failed
    return db


def test_paragraph_numbers_and_section_headings(report):
    with Store(report, create=False) as store:
        paragraphs = store.paragraphs("WT/DS990/R")
    numbered = [(p["paragraph"], p["agenda_item"]) for p in paragraphs if p["numbered"] and not p["paragraph"].startswith("[")]
    assert numbered == [
        ("7.101", "7 FINDINGS – 7.5 Article XX(b) of the GATT 1994"),
        ("7.102", "7 FINDINGS – 7.5.3.2 Whether the import ban is necessary to protect plant health"),
        ("7.103", "7 FINDINGS – 7.5.3.2 Whether the import ban is necessary to protect plant health"),
        ("1.1", "ANNEX A-1"),
    ]
    by_label = {p["paragraph"]: p for p in paragraphs if p["numbered"]}
    assert by_label["7.102"]["text"].startswith("The Panel recalls that the necessity of a measure")
    assert by_label["7.102"]["text"].endswith("The Panel also notes the approach taken in Russia – Traffic in Transit.")
    # The data table is kept, under the paragraph it follows; it is no heading.
    table = next(p for p in paragraphs if not p["numbered"] and "Imports (tonnes)" in p["text"])
    assert table["paragraph"] == "7.102" and "1,250" in table["text"]
    for paragraph in paragraphs:  # running heads, page numbers and footnote calls are not text
        assert "- 2 -" not in paragraph["text"] and "[^" not in paragraph["text"]
        assert not paragraph["text"].startswith("WT/DS990/R")


def test_footnotes_attach_to_the_paragraph_that_calls_them(report):
    with Store(report, create=False) as store:
        document = store.document("WT/DS990/R")
        labels = {p["seq"]: p["paragraph"] for p in store.paragraphs("WT/DS990/R")}
    notes = [(note["number"], note["text"], labels.get(note["paragraph_seq"])) for note in document["footnotes"]]
    assert notes == [
        (1, "Appellate Body Report, US – Gasoline, p. 22.", "7.102"),
        (2, "Panel Report, Russia – Traffic in Transit, para. 7.102.", "7.102"),
        (3, "Exhibit EXL-12 (trade statistics).", "7.103"),
    ]


def test_reports_cited_become_precedent_links(report):
    with Store(report, create=False) as store:
        assert {"DS2", "DS512"} <= set(store.disputes_cited("WT/DS990/R"))
        mentions = {(p["symbol"], p["paragraph"]) for p in store.paragraphs_mentioning("dispute", "DS512")}
        assert ("WT/DS990/R", "7.102") in mentions
