"""Draft stage: a brief becomes a DOCX whose every quotation is cited and verified against the store.

`draft_document` is the one path the CLI and the web app both take: compose, render to a hidden file
beside the output, verify it, and only then put it under the requested name. With `final`, a draft
that fails verification is never written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zipfile import BadZipFile

from docx.opc.exceptions import PackageNotFoundError
from jinja2 import TemplateError

from .. import members
from ..corpus import Corpus
from ..exports import atomic_write
from .brief import Brief
from .compose import Draft, DraftError, compose
from .render import default_template, write_docx
from .verify import Check, failed, verify_docx


class DraftRejected(DraftError):
    """`final` was asked and some quotation failed verification; nothing was written."""

    def __init__(self, message: str, checks: list[Check]):
        super().__init__(message)
        self.checks = checks


@dataclass
class DraftResult:
    draft: Draft
    checks: list[Check]
    out: Path
    co_sponsor_suggestions: list = field(default_factory=list)  # coalitions.Line, when the brief asks


def _check_output(out: Path, db_path: Path) -> None:
    if out.is_dir():
        raise DraftError(f"{out}: is a folder; give a file name such as statement.docx")
    if out.suffix.lower() != ".docx":
        raise DraftError(f"{out}: the draft is a Word document; give a name ending in .docx")
    if out.exists() and db_path.exists() and out.resolve() == Path(db_path).resolve():
        raise DraftError(f"{out}: is the corpus database; choose another output file")


def draft_document(brief: Brief, db: Corpus | Path, index_dir: Path | None, out: Path, template: Path | None = None,
                   final: bool = False, allow_restricted: bool = False, model: str | None = None) -> DraftResult:
    """`db` is an open Corpus (the CLI's and the web app's, index folder and model included) or a database
    path with `index_dir` and `model`: composing, verifying and co-sponsors then share one store and Searcher."""
    with Corpus.borrowed(db, index_dir, model) as corpus:
        return _draft(brief, corpus, Path(out), template, final, allow_restricted)


def _draft(brief: Brief, corpus: Corpus, out: Path, template: Path | None, final: bool, allow_restricted: bool) -> DraftResult:
    _check_output(out, corpus.db_path)
    template = Path(template) if template else default_template(brief.kind)
    if not template.is_file():
        raise DraftError(f"template: not found: {template} (give another template, or set WTO_ASSIST_TEMPLATES to the folder of templates)", field="template")
    composed = compose(brief, corpus, allow_restricted=allow_restricted)
    checks: list[Check] = []

    def write_verified(hidden: str) -> None:  # the hidden file beside `out` takes its name only once verified
        try:
            write_docx(composed, template, Path(hidden), delegation=members.display_name(brief.member))
        except (TemplateError, BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
            raise DraftError(f"{template}: not a usable DOCX template ({type(error).__name__}: {str(error)[:120]})") from error
        checks.extend(verify_docx(hidden, corpus))
        failing = failed(checks, final=final, accept=composed.accept)
        if final and failing:
            raise DraftRejected(f"not written: {len(failing)} of {len(checks)} quotations fail verification (see above)", checks)

    atomic_write(out, write_verified)
    suggestions = []
    if brief.suggest_co_sponsors:
        from ..coalitions import co_sponsor_suggestions

        topic = brief.agenda_item or brief.measure.get("description")
        # With the brief's subject, Members who stood for the same cause count too (issue 20); without an
        # index, suggestions come from relations alone.
        searcher = corpus.searcher_if_built() if topic else None
        suggestions = co_sponsor_suggestions(corpus, brief.member, brief.on_behalf_of, brief.not_to_suggest,
                                             brief.suggest_co_sponsors, topic=topic, searcher=searcher)
    return DraftResult(composed, checks, out, suggestions)


__all__ = ["Brief", "DraftError", "DraftRejected", "DraftResult", "draft_document"]
