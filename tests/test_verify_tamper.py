"""Verification that cannot be fooled: drafts the tool produced, tampered with python-docx in ways a
reader would not notice (or would, but verify used not to), must fail `verify --final`; the same
drafts edited as WTO drafters do (editing conventions, quotation styles, run layout) must pass.

Every edit works on the text a reader sees, whatever the runs are (the helpers split and join runs
at character offsets), so the suite does not depend on the template's run layout.
"""

import copy
import json
import re

import docx
import pytest
from click.testing import CliRunner
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml.ns import qn
from lxml import etree

from wto_assist import members
from wto_assist.cli import main
from wto_assist.draft import draft_document
from wto_assist.draft.brief import parse_brief
from wto_assist.draft.docx_text import CUSTOM_PROPERTIES
from wto_assist.draft.faithful import check
from wto_assist.draft.quotations import spans
from wto_assist.draft.verify import CHECKS, RELEASE_PROPERTY, failed, verify_docx
from wto_assist.store import Store

from .conftest import REPO
from .test_draft import sample  # noqa: F401  (the sample corpus, ingested, with its registry and index)

EXAMPLES = REPO / "examples"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _label(db, symbol, phrase):
    """The current label of the paragraph of `symbol` that contains `phrase` (labels may be renumbered)."""
    with Store(db, create=False) as store:
        return next(p["paragraph"] for p in store.paragraphs(symbol) if phrase in p["text"])


@pytest.fixture(scope="module")
def drafts(sample):
    """Drafts written by `draft` over the sample corpus: name -> (path, accept)."""
    import yaml

    db, index_dir, folder = sample
    agenda = _label(db, "WT/COMTD/M/990", "The agenda was adopted as amended.")
    ldc = _label(db, "WT/COMTD/M/990", "Members that had not yet done so")
    briefs = {
        "committee": yaml.safe_load((EXAMPLES / "committee-statement.yaml").read_text()),
        "submission": yaml.safe_load((EXAMPLES / "third-party-submission.yaml").read_text()),
        "joint": {
            "kind": "joint-statement", "release": "restricted",
            "delegation": {"member": "Fiji", "co_sponsors": ["Samoa"]},
            "meeting": {"body": "Committee on Trade and Development", "date": "2026-12-10"},
            "points": ["Least-developed countries need full duty-free and quota-free market access."],
            "support": [{"citation": f"WT/COMTD/M/990, para. {ldc}",
                         "quote": "Members that had not yet done so should provide DFQF access for all products from all LDCs"},
                        {"citation": f"WT/COMTD/M/990, para. {agenda}", "quote": "The agenda was adopted as amended."}],
        },
    }
    made = {}
    for name, brief in briefs.items():
        result = draft_document(parse_brief(brief, name), db, index_dir, folder / f"{name}.docx", final=True)
        made[name] = (result.out, result.draft.accept)
    return db, made


# --- editing what a reader sees, whatever the runs ----------------------------------------------------

def _texts(paragraph):
    """(w:t element, start, end) in reading order (deleted text is not read)."""
    found, position = [], 0
    for element in paragraph.iter(qn("w:t")):
        text = element.text or ""
        found.append((element, position, position + len(text)))
        position += len(text)
    return found


def _text(paragraph):
    return "".join(element.text or "" for element in paragraph.iter(qn("w:t")))


def _split(paragraph, offset):
    """Make a run boundary at `offset`; return the run that starts there (None at the end)."""
    for element, start, end in _texts(paragraph):
        if start < offset < end:
            run = element.getparent()
            tail = copy.deepcopy(run)
            children = list(run)
            index = children.index(element)
            for child in children[index + 1 :]:
                run.remove(child)
            tail_children = list(tail)
            for child in tail_children[:index]:
                if child.tag != qn("w:rPr"):
                    tail.remove(child)
            tail_element = tail_children[index]
            tail_element.text = element.text[offset - start :]
            element.text = element.text[: offset - start]
            for text_element in (element, tail_element):
                text_element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            run.addnext(tail)
            return tail
        if start == offset and end > start:
            return element.getparent()
    return None


def _run(text, properties=None, template=None):
    run = etree.Element(qn("w:r"))
    if template is not None and template.find(qn("w:rPr")) is not None:
        run.append(copy.deepcopy(template.find(qn("w:rPr"))))
    rpr = run.find(qn("w:rPr"))
    if rpr is None:
        rpr = etree.SubElement(run, qn("w:rPr"))
    for child in list(rpr):
        if child.tag == qn("w:shd"):
            rpr.remove(child)
    if properties:
        properties(rpr)
    element = etree.SubElement(run, qn("w:t"))
    element.text = text
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return run


def splice(paragraph, old, new_runs):
    """Replace the first `old` in the visible text by runs [(text, properties function or None)]."""
    text = _text(paragraph)
    start = text.index(old)
    end = start + len(old)
    after = _split(paragraph, end)
    first = _split(paragraph, start)
    anchor_text = next((e for e, s, t in _texts(paragraph) if t == start and t > s), None)
    for element, s, t in _texts(paragraph):
        if start <= s and t <= end and t > s:
            run = element.getparent()
            run.remove(element)
            if not [c for c in run if c.tag != qn("w:rPr")]:
                run.getparent().remove(run)
    template = anchor_text.getparent() if anchor_text is not None else (first if first is not None else after)
    built = [_run(piece, properties, template) for piece, properties in new_runs]
    if anchor_text is not None:
        anchor = anchor_text.getparent()
        for run in built:
            anchor.addnext(run)
            anchor = run
    elif after is not None:
        for run in built:
            after.addprevious(run)
    else:
        for run in built:
            paragraph.append(run)
    return built


def replace(paragraph, old, new):
    splice(paragraph, old, [(new, None)])


def body(document, phrase):
    return next(p for p in document.element.body.iter(qn("w:p")) if phrase in _text(p))


def _property(tag, value=None):
    def apply(rpr):
        element = etree.SubElement(rpr, qn(tag))
        if value is not None:
            element.set(qn("w:val"), value)
    return apply


def _parts(document, name):
    return next(part for part in document.part.package.iter_parts() if str(part.partname) == name)


class Footnotes:
    """The footnotes part as XML, written back on save (python-docx keeps it as a plain part)."""

    def __init__(self, document):
        relationship = next(r for r in document.part.rels.values() if r.reltype == RELATIONSHIP_TYPE.FOOTNOTES)
        self.part = relationship.target_part
        self.root = etree.fromstring(self.part.blob)

    def note(self, identifier):
        return next(n for n in self.root.iter(qn("w:footnote")) if n.get(qn("w:id")) == identifier)

    def paragraph(self, identifier):
        return next(self.note(identifier).iter(qn("w:p")))

    def save(self):
        self.part._blob = etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _footnote_edit(identifier, edit):
    def apply(document):
        notes = Footnotes(document)
        edit(notes.paragraph(identifier))
        notes.save()
    return apply


def _remove_reference(paragraph, identifier):
    for reference in list(paragraph.iter(qn("w:footnoteReference"))):
        if reference.get(qn("w:id")) == identifier:
            reference.getparent().getparent().remove(reference.getparent())


def _set_release(value):
    def apply(document):
        part = _parts(document, CUSTOM_PROPERTIES)
        root = etree.fromstring(part.blob)
        for prop in root:
            if prop.get("name") == RELEASE_PROPERTY:
                next(iter(prop)).text = value
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return apply


def _drop_properties(document):
    package = document.part.package
    for key, relationship in list(package.rels.items()):
        if relationship.reltype == RELATIONSHIP_TYPE.CUSTOM_PROPERTIES:
            del package.rels[key]


def _hide_marking(document):
    paragraph = body(document, "RESTRICTED")
    splice(paragraph, "RESTRICTED", [("RESTRICTED", _property("w:vanish"))])


def _delete_marking(document):
    replace(body(document, "RESTRICTED"), "RESTRICTED", "")


def _hidden_style(document):
    style = document.styles.add_style("Quiet", WD_STYLE_TYPE.CHARACTER)
    style.font.hidden = True
    splice(body(document, VIET_NAM), "imposed ", [("imposed ", None), ("not ", lambda rpr: etree.SubElement(rpr, qn("w:rStyle")).set(qn("w:val"), "Quiet"))])


def _tracked_change(document):
    """The record's word deleted as a tracked change, another inserted: the reader sees the insertion."""
    paragraph = body(document, VIET_NAM)
    (run,) = splice(paragraph, "import", [("import", None)])
    deleted = etree.Element(qn("w:del"), {qn("w:id"): "901", qn("w:author"): "x"})
    run.addprevious(deleted)
    deleted.append(run)
    run.find(qn("w:t")).tag = qn("w:delText")
    inserted = etree.Element(qn("w:ins"), {qn("w:id"): "902", qn("w:author"): "x"})
    deleted.addnext(inserted)
    inserted.append(_run("export", None, run))


def _deleted_revision(document):
    paragraph = body(document, VIET_NAM)
    (run,) = splice(paragraph, "imposed ", [("imposed ", None)])
    deleted = etree.Element(qn("w:del"), {qn("w:id"): "903", qn("w:author"): "x"})
    hidden = _run("never ", None, run)
    hidden.find(qn("w:t")).tag = qn("w:delText")
    deleted.append(hidden)
    run.addnext(deleted)


def _swap_footnotes(document):
    notes = Footnotes(document)
    first, second = notes.note("1"), notes.note("2")
    first.set(qn("w:id"), "2"), second.set(qn("w:id"), "1")
    notes.save()


def _quote_in_footnote(words):
    def apply(document):
        notes = Footnotes(document)
        paragraph = notes.paragraph("1")
        paragraph.append(_run(f" Viet Nam “{words}”."))
        notes.save()
    return apply


def _inline_citation(old, new):
    def apply(document):
        paragraph = body(document, VIET_NAM)
        _remove_reference(paragraph, "1")
        replace(paragraph, "Members.”", "Members.” (WT/COMTD/M/990, para. 7).")
        if old:
            replace(paragraph, old, new)
    return apply


def _relayout(document):
    """Every character of the quotation's paragraph in a run of its own."""
    paragraph = body(document, VIET_NAM)
    text = _text(paragraph)
    for offset in range(len(text) - 1, 0, -1):
        _split(paragraph, offset)


def _in_body(phrase, old, new):
    return lambda document: replace(body(document, phrase), old, new)


def _in_body_runs(phrase, old, runs):
    return lambda document: splice(body(document, phrase), old, runs)


def _both(*edits):
    def apply(document):
        for edit in edits:
            edit(document)
    return apply


def _emphasis(document):
    """Emphasis added: some quoted words in italics and bold, said so after the closing mark."""
    paragraph = body(document, VIET_NAM)
    splice(paragraph, "without notification", [("without notification", lambda rpr: (etree.SubElement(rpr, qn("w:b")), etree.SubElement(rpr, qn("w:i"))))])
    replace(paragraph, "Members.”", "Members.” (emphasis added)")


VIET_NAM = "concern about import restrictions"
FIJI = "small, vulnerable economies"
NECESSARY = "The Panel recalls that a measure"
FINDS = "For these reasons, the Panel finds"
DFQF = "Members that had not yet done so"
AGENDA = "The agenda was adopted as amended."

# name -> (draft, edit, the check that must fail)
TAMPERS = {
    "changed word": ("committee", _in_body(VIET_NAM, "import restrictions", "export restrictions"), "quote-text"),
    "quotation starts inside a word (port restrictions)": ("committee", _in_body(VIET_NAM, "“concern about import", "“port"), "word-boundary"),
    "opening mark moved inside a word": ("committee", _in_body(VIET_NAM, "“concern about import", "concern about im“port"), "word-boundary"),
    "quotation ends inside a word (Member from Members)": ("committee", _in_body(VIET_NAM, "Members.”", "Member”s."), "word-boundary"),
    "consistent quoted from inconsistent": ("submission", _in_body(FINDS, "“For these reasons, the Panel finds that the import ban is inconsistent", "the import ban is “consistent"), "word-boundary"),
    "negation deleted": ("submission", _in_body(FINDS, "is not justified", "is justified"), "quote-text"),
    "negation inserted": ("committee", _in_body(VIET_NAM, "which had halted", "which had not halted"), "quote-text"),
    "ellipsis drops not": ("submission", _in_body(FINDS, "is not justified", "is … justified"), "ellipsis-negation"),
    "ellipsis drops without": ("committee", _in_body(VIET_NAM, "imposed without notification", "imposed ... notification"), "ellipsis-negation"),
    "bracketed ellipsis drops not": ("joint", _in_body(DFQF, "had not yet done so", "had […] yet done so"), "ellipsis-negation"),
    "ellipsis joins two paragraphs": ("joint", _in_body(AGENDA, "“The agenda was adopted", "“The Chairperson said that the draft agenda … was adopted"), "ellipsis-span"),
    "ellipsis stitches another paragraph": ("committee", _in_body(VIET_NAM, "which had halted exports of processed fruit from several developing country Members.”", "… called for their prompt notification.”"), "quote-text"),
    "bracketed insertion": ("committee", _in_body(VIET_NAM, "import restrictions", "import [tariff] restrictions"), "bracket"),
    "changed word behind [sic]": ("committee", _in_body(VIET_NAM, "import restrictions", "export [sic] restrictions"), "quote-text"),
    "bracket changes a letter": ("committee", _in_body(VIET_NAM, "“concern", "“[I]oncern"), "quote-text"),
    "case changed without brackets": ("committee", _in_body(VIET_NAM, "“concern", "“Concern"), "quote-text"),
    "look-alike letter (Cyrillic a)": ("committee", _in_body(VIET_NAM, "halted", "h\u0430lted"), "quote-text"),
    "sentence added inside the quotation": ("committee", _in_body(VIET_NAM, "Members.”", "Members. Korea must withdraw the ban.”"), "quote-text"),
    "straight quotes, changed word": ("committee", _both(_in_body(VIET_NAM, "“", "\""), _in_body(VIET_NAM, "”", "\""), _in_body(VIET_NAM, "import", "export")), "quote-text"),
    "single quotes, changed word": ("committee", _both(_in_body(VIET_NAM, "“", "‘"), _in_body(VIET_NAM, "”", "’"), _in_body(VIET_NAM, "import", "export")), "quote-text"),
    "guillemets, changed word": ("committee", _both(_in_body(VIET_NAM, "“", "« "), _in_body(VIET_NAM, "”", " »"), _in_body(VIET_NAM, "import", "export")), "quote-text"),
    "full stop between quotation and reference, changed word": ("committee", _in_body(VIET_NAM, "import restrictions imposed without notification under Article XI of the GATT 1994, which had halted exports of processed fruit from several developing country Members.”", "export restrictions imposed without notification under Article XI of the GATT 1994, which had halted exports of processed fruit from several developing country Members”."), "quote-text"),
    "(emphasis added) before the reference, changed word": ("committee", _in_body(VIET_NAM, "import restrictions imposed without notification under Article XI of the GATT 1994, which had halted exports of processed fruit from several developing country Members.”", "export restrictions imposed without notification under Article XI of the GATT 1994, which had halted exports of processed fruit from several developing country Members.” (emphasis added)"), "quote-text"),
    "reference at the end of the sentence, changed word": ("committee", _in_body(VIET_NAM, "import restrictions imposed without notification under Article XI of the GATT 1994, which had halted exports of processed fruit from several developing country Members.”", "export restrictions imposed without notification under Article XI of the GATT 1994, which had halted exports of processed fruit from several developing country Members”, a concern Viet Nam shares."), "quote-text"),
    "quotation in a footnote, changed word": ("committee", _quote_in_footnote("expressed concern about export restrictions"), "quote-text"),
    "inline citation without footnote, changed word": ("committee", _inline_citation("import", "export"), "quote-text"),
    "footnote cites another paragraph": ("committee", _footnote_edit("1", lambda p: replace(p, "para. 7.", "para. 8.")), "quote-text"),
    "footnote cites a paragraph that does not exist": ("committee", _footnote_edit("1", lambda p: replace(p, "para. 7.", "para. 99.")), "source-missing"),
    "footnote cites a document outside the corpus": ("committee", _footnote_edit("1", lambda p: replace(p, "WT/COMTD/M/990", "WT/COMTD/M/991")), "external"),
    "footnotes swapped": ("committee", _swap_footnotes, "quote-text"),
    "footnote emptied": ("committee", _footnote_edit("1", lambda p: replace(p, _text(p).strip(), "")), "no-citation"),
    "footnote reference removed": ("committee", lambda d: _remove_reference(body(d, VIET_NAM), "1"), "no-citation"),
    "report title unknown in the footnote": ("submission", _footnote_edit("1", lambda p: replace(p, "Exampleland – Processed Fruit", "Otherland – Apples")), "no-citation"),
    "report quotation changed": ("submission", _in_body(NECESSARY, "less trade-restrictive", "more trade-restrictive"), "quote-text"),
    "speaker changed in the lead-in": ("committee", _in_body(VIET_NAM, "Viet Nam expressed “", "Thailand expressed “"), "speaker"),
    "joint speaker changed in the lead-in": ("committee", _in_body(FIJI, "Fiji and Samoa", "Fiji and Tonga"), "speaker"),
    "meeting date changed in the footnote": ("committee", _footnote_edit("1", lambda p: replace(p, "20 November 2026", "21 November 2026")), "meeting-date"),
    "meeting date changed in the lead-in": ("committee", _in_body(VIET_NAM, "held on 20 November 2026", "held on 2 November 2026"), "meeting-date"),
    "body changed in the footnote": ("committee", _footnote_edit("1", lambda p: replace(p, "Committee on Trade and Development", "Council for Trade in Goods")), "meeting-body"),
    "hidden run inside the quotation": ("committee", _in_body_runs(VIET_NAM, "imposed ", [("imposed ", None), ("not ", _property("w:vanish"))]), "hidden-text"),
    "white text inside the quotation": ("committee", _in_body_runs(VIET_NAM, "imposed ", [("imposed ", None), ("not ", _property("w:color", "FFFFFF"))]), "hidden-text"),
    "1-point text inside the quotation": ("committee", _in_body_runs(VIET_NAM, "imposed ", [("imposed ", None), ("not ", _property("w:sz", "2"))]), "hidden-text"),
    "yellow text on yellow highlight": ("committee", _in_body_runs(VIET_NAM, "imposed ", [("imposed ", None), ("not ", lambda rpr: (_property("w:color", "FFFF00")(rpr), _property("w:highlight", "yellow")(rpr)))]), "hidden-text"),
    "text squeezed to 10% width": ("committee", _in_body_runs(VIET_NAM, "imposed ", [("imposed ", None), ("not ", _property("w:w", "10"))]), "hidden-text"),
    "hidden character style inside the quotation": ("committee", _hidden_style, "hidden-text"),
    "deleted revision inside the quotation": ("committee", _deleted_revision, "hidden-text"),
    "hidden text next to the quotation": ("committee", _in_body_runs(VIET_NAM, "Members.”", [("Members.”", None), (" (not the view of Viet Nam)", _property("w:vanish"))]), "hidden-text"),
    "hidden text in the footnote": ("committee", _footnote_edit("1", lambda p: splice(p, "para. 7.", [("para. 7.", None), (" Withdrawn.", _property("w:vanish"))])), "hidden-text"),
    "record's word hidden, another shown": ("committee", _in_body_runs(VIET_NAM, "import", [("import", _property("w:vanish")), ("export", None)]), "quote-text"),
    "tracked change replaces a word": ("committee", _tracked_change, "quote-text"),
    "release property says public": ("committee", _set_release("public"), "restricted-source"),
    "release property removed": ("committee", _drop_properties, "restricted-source"),
    "RESTRICTED marking hidden": ("committee", _hide_marking, "restricted-source"),
    "RESTRICTED marking deleted": ("committee", _delete_marking, "restricted-source"),
}

FAITHFUL = {
    "as drafted (statement)": ("committee", None),
    "as drafted (submission)": ("submission", None),
    "as drafted (joint statement)": ("joint", None),
    "[C]oncern": ("committee", _in_body(VIET_NAM, "“concern", "“[C]oncern")),
    "[f]or": ("submission", _in_body(FINDS, "“For these", "“[f]or these")),
    "[sic]": ("committee", _in_body(VIET_NAM, "import restrictions", "import [sic] restrictions")),
    "(emphasis added), words in bold italics": ("committee", _emphasis),
    "(emphasis original)": ("submission", _in_body(FINDS, "Article XX(b).”", "Article XX(b).” (emphasis original)")),
    "(footnote omitted)": ("submission", _in_body(NECESSARY, "objective pursued.”", "objective pursued.” (footnote omitted)")),
    "full stop after the closing mark": ("committee", _in_body(VIET_NAM, "Members.”", "Members”.")),
    "reference at the end of the sentence": ("committee", _in_body(VIET_NAM, "Members.”", "Members”, a concern Viet Nam shares.")),
    "another Member's measure named in the lead-in": ("committee", _in_body(VIET_NAM, "As recorded in the minutes", "On Korea’s import ban, as recorded in the minutes")),
    "single quotation marks": ("committee", _both(_in_body(VIET_NAM, "“", "‘"), _in_body(VIET_NAM, "”", "’"))),
    "guillemets": ("committee", _both(_in_body(VIET_NAM, "“", "« "), _in_body(VIET_NAM, "”", " »"))),
    "straight quotation marks": ("committee", _both(_in_body(VIET_NAM, "“", "\""), _in_body(VIET_NAM, "”", "\""))),
    "faithful ellipsis": ("committee", _in_body(VIET_NAM, "notification under Article XI of the GATT 1994, which", "notification … which")),
    "faithful bracketed ellipsis keeping the negation": ("joint", _in_body(DFQF, "that had not yet done so should", "that had not […] should")),
    "non-breaking spaces": ("committee", _in_body(VIET_NAM, "import restrictions", "import\u00a0restrictions")),
    "every character in its own run": ("committee", _relayout),
    "inline citation instead of the footnote": ("committee", _inline_citation(None, None)),
    "quotation in a footnote": ("committee", _quote_in_footnote("expressed concern about import restrictions")),
}


def _apply(drafts, tmp_path, name, draft, edit):
    db, made = drafts
    source, accept = made[draft]
    document = docx.Document(str(source))
    if edit is not None:
        edit(document)
    out = tmp_path / (re.sub(r"\W+", "-", name).strip("-") + ".docx")
    document.save(str(out))
    return db, out, accept


@pytest.mark.parametrize("name", list(TAMPERS))
def test_every_tampered_draft_fails_verify_final(drafts, tmp_path, name):
    draft, edit, expected = TAMPERS[name]
    db, out, accept = _apply(drafts, tmp_path, name, draft, edit)
    checks = verify_docx(out, db)
    assert failed(checks, final=True, accept=accept), [(c.status, c.check, c.detail) for c in checks]
    assert expected in {c.check for c in failed(checks, final=True, accept=accept)}, [(c.status, c.check, c.detail) for c in checks]


@pytest.mark.parametrize("name", list(FAITHFUL))
def test_every_faithful_draft_passes_verify_final(drafts, tmp_path, name):
    draft, edit = FAITHFUL[name]
    db, out, accept = _apply(drafts, tmp_path, name, draft, edit)
    checks = verify_docx(out, db)
    assert not failed(checks, final=True, accept=accept), [(c.status, c.check, c.detail, c.quote) for c in checks]
    assert sum(c.status == "verified" for c in checks) >= 1


def test_tamper_suite_counts(capsys):
    kinds = {check for _, _, check in TAMPERS.values()}
    assert len(TAMPERS) >= 30 and kinds <= set(CHECKS)
    with capsys.disabled():
        print(f"\ntamper suite: {len(TAMPERS)} kinds of tampering (all fail verify --final), "
              f"{len(FAITHFUL)} faithful drafts (all pass), {len(kinds)} distinct checks exercised")


def test_verify_json_names_the_failed_check_and_exits_1(drafts, tmp_path):
    draft, edit, _ = TAMPERS["speaker changed in the lead-in"]
    db, out, _ = _apply(drafts, tmp_path, "json", draft, edit)
    result = CliRunner().invoke(main, ["verify", str(out), "--final", "--json", "--db", str(db)])
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert [(row["check"], row["failed"]) for row in rows] == [("speaker", True), ("", False)]


def test_draft_records_release_sources_and_delegation_in_document_properties(drafts):
    db, made = drafts
    document = docx.Document(str(made["committee"][0]))
    root = etree.fromstring(_parts(document, CUSTOM_PROPERTIES).blob)
    properties = {prop.get("name"): "".join(prop.itertext()) for prop in root}
    assert properties[RELEASE_PROPERTY] == "restricted"
    cited = [source["citation"] for source in json.loads(properties["wto-assist sources"])]
    assert cited == [f"WT/COMTD/M/990, para. {_label(db, 'WT/COMTD/M/990', phrase)}" for phrase in (VIET_NAM, FIJI)]
    core = document.core_properties
    assert core.author == "Viet Nam" and core.created.year >= 2024 and "python-docx" not in (core.comments or "")


@pytest.mark.parametrize("paragraph, quote, expected", [
    ("The measure is inconsistent with Article XI:1.", "consistent with Article XI:1", "word-boundary"),
    ("It concerned import restrictions.", "port restrictions", "word-boundary"),
    ("Exports from developing country Members.", "developing country Member", "word-boundary"),
    ("A. B. C. D. E.", "A. … E.", "ellipsis-span"),
    ("We do not agree.", "We do … agree.", "ellipsis-negation"),
    ("The ban is un-justified.", "The ban is … justified.", "ellipsis-negation"),
    ("Members expressed concern.", "Members [strongly] expressed concern.", "bracket"),
])
def test_faithful_check_names_the_failure(paragraph, quote, expected):
    assert check(paragraph, quote).check == expected


def test_apostrophes_never_open_or_close_a_quotation():
    text = "The Member’s view, in the Members’ words, was ‘not acceptable’; the LDCs' 'simple rules' and «règles»."
    assert [span.words for span in spans(text)] == ["not acceptable", "simple rules", "règles"]


def _real_statement(store, out, edit=None):
    """A statement quoting three Members' sentences on DFQF market access from the real CTD minutes
    (found by their words, not by paragraph number), written with the renderer's footnotes and properties."""
    from types import SimpleNamespace

    from wto_assist.draft import citation_style
    from wto_assist.draft.render import add_footnotes, write_properties

    chosen = []
    for paragraph in store.paragraphs_with_phrase("duty-free and quota-free", "minutes"):
        actor = members.lookup(paragraph["speaker"]) if paragraph["speaker"] else None
        sentence = next((s for s in re.split(r"(?<=\.)\s+(?=[A-Z])", paragraph["text"])
                         if "duty-free and quota-free" in s and not re.search(r"[\"“”]", s) and s.endswith(".")), None)
        if actor is not None and actor.kind == "member" and sentence and not paragraph["restricted"] and len(chosen) < 3:
            chosen.append((paragraph, sentence, actor))
    document = docx.Document()
    document.add_paragraph("Statement by Norway")
    for number, (paragraph, sentence, actor) in enumerate(chosen, 1):
        lead = (f"As recorded in the minutes of the meeting of the {paragraph['body']} held on "
                f"{citation_style.long_date(paragraph['date'])}, {members.display_name(actor.name)} said that ")
        text = f"{lead}“{sentence}”"
        text = edit(text, paragraph, actor) if edit and number == 2 else text
        document.add_paragraph(f"{text}⟦fn:{number}⟧")
    add_footnotes(document, [citation_style.footnote(p, p["paragraph"]) for p, _, _ in chosen])
    write_properties(document, SimpleNamespace(release="public", quotes=[]), "Norway")
    document.save(str(out))
    return chosen


def _other_member(actor):
    return "Switzerland" if actor.name != "Switzerland" else "Norway"


@pytest.mark.parametrize("edit, expected", [
    (None, None),
    (lambda text, p, a: re.sub(r"“(\w)", "“", text, count=1), "word-boundary"),
    (lambda text, p, a: text.replace(" said that “", " said that “not ", 1), "quote-text"),
    (lambda text, p, a: text.replace(members.display_name(a.name), _other_member(a), 1), "speaker"),
    (lambda text, p, a: re.sub(r"held on \d{1,2}", "held on 29", text, count=1), "meeting-date"),
])
def test_real_ctd_quotations_verify_and_tampering_fails(ctd_db, tmp_path, edit, expected):
    with Store(ctd_db, create=False) as store:
        chosen = _real_statement(store, tmp_path / "real.docx", edit)
    assert len(chosen) == 3
    checks = verify_docx(tmp_path / "real.docx", ctd_db)
    if expected is None:
        assert [c.status for c in checks] == ["verified"] * 3, [(c.check, c.detail) for c in checks]
    else:
        assert [c.check for c in failed(checks, final=True)] == [expected], [(c.check, c.detail) for c in checks]


def test_a_changed_word_is_shown_beside_the_record_and_the_right_citation_is_named(tmp_path):
    """verify explains a mismatch: the differing words side by side and, where the quoted words are in
    another paragraph of the record, that citation."""
    from wto_assist.draft.verify import _citations_holding, _difference, _differing_words, _found_elsewhere
    from wto_assist.ingest import ingest_paths
    from wto_assist.store import Store

    from .conftest import CORPUS

    db = tmp_path / "corpus.sqlite"
    ingest_paths([CORPUS], db)
    record = ["The representative of Viet Nam expressed concern about import restrictions imposed without notification."]
    differs = _differing_words(record, "concern about export restrictions imposed")
    assert differs == ("export", "import") and _difference(differs) == "; the draft has “export” where the record has “import”"
    with Store(db, create=False) as store:
        found_in = _citations_holding(store, "import restrictions imposed without notification under Article XI")
        (viet_nam,) = [p for p in store.paragraphs("WT/COMTD/M/990") if "Viet Nam expressed concern" in p["text"]]
    assert found_in == [viet_nam["citation"]] and _found_elsewhere(found_in) == f"; these words are in {viet_nam['citation']}"
