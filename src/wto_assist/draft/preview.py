"""The assembled statement before it is downloaded, as a reader of the DOCX will see it.

The preview is not a second rendering that could drift from the file: the draft is written through
`draft_document` (template, quotations, footnotes, properties, verification) into a temporary file,
read back with the reader verify uses (docx_text.py), and the file is removed. What the page shows is
the DOCX's own visible text, its footnotes numbered as Word numbers them, its author and creation date,
and each quotation's verification.
"""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from pathlib import Path

from ..corpus import Corpus
from ..results import (CoalitionLine, DraftPreview, DraftStatement, FootnoteCall, MarkedSpan, PreviewPassage, QuotationCheck,
                       StatementFootnote, StatementParagraph)
from .brief import Brief, Support
from .compose import Draft, compose
from .docx_text import Block, joined, read_visible

LIKE_MINDED = 8  # delegations listed as having stood with this one or the same cause


def preview_draft(brief: Brief, corpus: Corpus, folder: Path | None = None, kept: set[int] | None = None,
                  template: Path | None = None, allow_restricted: bool = False) -> DraftPreview:
    """What `draft --preview` prints and the Draft page shows: the passages the brief's support finds (withheld
    ones with the reason), and the statement drafted from the passages `kept` (indexes into the passages
    found; None: all of them) as its DOCX reads. Nothing is kept on disk: the DOCX is drafted under `folder`
    (a temporary folder when None) and removed."""
    composed = compose(brief, corpus, allow_restricted=allow_restricted)
    chosen = set(range(len(composed.quotes))) if kept is None else set(kept)
    passages = [PreviewPassage(q.citation, q.text, q.restricted, None, n in chosen) for n, q in enumerate(composed.quotes)]
    passages += [PreviewPassage(q.citation, q.text, True, q.withheld, False) for q in composed.withheld]
    warnings = [w for w in composed.warnings if " not quoted: " not in w]  # withheld passages are listed with their reason
    final = final_brief(brief, composed, chosen)
    if folder is None:
        with tempfile.TemporaryDirectory(prefix="wto-assist-preview-") as temporary:
            statement = preview_statement(final, corpus, Path(temporary), template, allow_restricted)
    else:
        statement = preview_statement(final, corpus, folder, template, allow_restricted)
    return DraftPreview(passages, warnings, like_minded(corpus, brief), statement)


def final_brief(brief: Brief, composed: Draft, chosen: set[int]) -> Brief:
    """The brief a statement is drafted from once its passages are chosen (the page's download, as
    `wto-assist draft --final` drafts it): each query gives way to the passages kept, as citations with their
    exact words, so that retrieval does not run again; a citation the brief gives stays as written, or goes
    when its passage is not kept."""
    found: dict[str, list[tuple[bool, object]]] = {}
    for number, quote in enumerate(composed.quotes):
        found.setdefault(quote.field, []).append((number in chosen, quote))

    def settled(supports: list[Support]) -> list[Support]:
        result = []
        for support in supports:
            passages = found.get(support.field, [])
            if support.query is None:
                result += [support] if any(kept for kept, _ in passages) else []
                continue
            result += [dataclasses.replace(support, query=None, citation=quote.citation, quote=quote.text, filters={})
                       for kept, quote in passages if kept]
        return result

    return dataclasses.replace(brief, support=settled(brief.support),
                               issues=[dataclasses.replace(issue, support=settled(issue.support)) for issue in brief.issues])


def like_minded(corpus: Corpus, brief: Brief) -> list[CoalitionLine]:
    """Delegations that backed this one (or the group it speaks for) or the same cause in the record: the
    co-sponsors a joint statement might ask, the like-minded of a committee statement (issue 20)."""
    from ..coalitions import co_sponsor_suggestions

    if not brief.member:
        return []
    topic = brief.agenda_item or brief.measure.get("description")
    lines = co_sponsor_suggestions(corpus, brief.member, brief.on_behalf_of, brief.not_to_suggest, LIKE_MINDED,
                                   topic=topic, searcher=corpus.searcher_if_built() if topic else None)
    return [CoalitionLine.from_record(dataclasses.asdict(line)) for line in lines]


def preview_statement(brief: Brief, corpus: Corpus, folder: Path, template: Path | None = None,
                      allow_restricted: bool = False) -> DraftStatement:
    """Draft `brief` into a temporary file under `folder`, read it back, remove it. Each quotation's check
    says whether a final draft refuses it."""
    import docx

    from . import draft_document
    from .verify import failed

    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f".preview-{uuid.uuid4().hex[:12]}.docx"
    try:
        result = draft_document(brief, corpus, None, out, template, final=False, allow_restricted=allow_restricted)
        document = docx.Document(str(out))
    finally:
        out.unlink(missing_ok=True)
    visible = read_visible(document)
    numbers: dict[str, int] = {}  # footnote id -> the number Word shows, in order of first reference
    paragraphs = [_paragraph(block, numbers) for block in visible.body if block.text.strip()]
    footnotes = [StatementFootnote(number, joined(visible.footnotes.get(identifier, [])).text.strip())
                 for identifier, number in numbers.items()]
    core = document.core_properties
    created = core.created.isoformat() if core.created else ""
    checks = QuotationCheck.judged(result.checks, failed(result.checks, final=True, accept=result.draft.accept))
    return DraftStatement(paragraphs, footnotes, core.author or "", created, checks)


def _paragraph(block: Block, numbers: dict[str, int]) -> StatementParagraph:
    notes = [FootnoteCall(numbers.setdefault(identifier, len(numbers) + 1), offset) for offset, identifier in block.references]
    return StatementParagraph(block.text, notes, [MarkedSpan(start, end) for start, end in block.marked])
