"""The Draft page: a brief as a form, validation errors beside their fields, a preview of the
retrieved language to tick, and the DOCX download. Drafting itself is the draft package's."""

from __future__ import annotations

import json
import re
import uuid

from starlette.responses import FileResponse

from ..draft.brief import BriefError, parse_brief
from ..draft.compose import DraftError, compose
from ..draft.render import default_template, render
from ..draft.verify import verify_docx
from ..search import SearchError

FIELDS = (
    "kind", "release", "member", "on_behalf_of", "co_sponsors", "body", "date", "agenda_item", "title",
    "points", "queries", "citations", "member_under_review", "dispute", "issues", "conclusion",
)


def draft_form(values: dict) -> dict:
    return {name: values.get(name, "") for name in FIELDS} | {
        "kind": values.get("kind") or "committee-statement",
        "release": values.get("release") or "public",
        "allow_restricted": values.get("allow_restricted") == "on",  # kept ticked between preview and download
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def brief_from_form(form: dict) -> dict:
    """The form's plain fields -> a brief mapping (the same schema as a YAML brief)."""
    brief = {
        "kind": form["kind"],
        "release": form["release"],
        "delegation": {"member": form["member"] or None, "on_behalf_of": form["on_behalf_of"] or None,
                       "co_sponsors": [m.strip() for m in form["co_sponsors"].split(",") if m.strip()]},
        "title": form["title"] or None,
        "points": _lines(form["points"]),
        "support": [{"query": line, "k": 2} for line in _lines(form["queries"])]
        + [{"citation": line} for line in _lines(form["citations"])],
    }
    if form["kind"] != "third-party-submission":
        brief["meeting"] = {"body": form["body"] or None, "date": form["date"] or None, "agenda_item": form["agenda_item"] or None}
    if form["kind"] == "tpr-statement":
        brief["member_under_review"] = form["member_under_review"] or None
    if form["kind"] == "third-party-submission":
        brief["dispute"] = form["dispute"] or None
        brief["date"] = form["date"] or None
        brief["conclusion"] = form["conclusion"] or None
        issues = []
        for line in _lines(form["issues"]):
            provision, _, point = line.partition("|")
            issues.append({"provision": provision.strip(), "points": [point.strip()] if point.strip() else []})
        brief["issues"] = issues
    return brief


# Brief field paths -> the form field that holds them, for showing an error beside it.
_FIELD_OF = [
    (r"^delegation\.member", "member"), (r"^delegation\.on_behalf_of", "on_behalf_of"), (r"^delegation\.co_sponsors", "co_sponsors"),
    (r"^meeting\.body", "body"), (r"^meeting\.date|^date", "date"), (r"^meeting\.agenda_item", "agenda_item"),
    (r"^points", "points"), (r"^support\[\d+\]\.query", "queries"), (r"^support\[\d+\]\.citation", "citations"),
    (r"^support", "queries"), (r"^member_under_review|^questions", "member_under_review"), (r"^dispute", "dispute"),
    (r"^issues", "issues"), (r"^kind", "kind"), (r"^release", "release"), (r"^title", "title"),
]


def _error_field(message: str) -> tuple[str, str]:
    path, _, problem = message.removeprefix("form: ").partition(": ")
    for pattern, name in _FIELD_OF:
        if re.match(pattern, path):
            return name, f"{path}: {problem}"
    return "form", message


def preview_or_render(request, state, values: dict, keep: list[str], page):
    form = draft_form(values)
    allow_restricted = form["allow_restricted"]
    try:
        brief = parse_brief(brief_from_form(form), "form")
    except BriefError as error:
        field, message = _error_field(str(error))
        return page(request, "draft.html", 400, form=form, errors={field: message}, preview=None)
    action = values.get("action", "preview")
    try:
        with state.lock:
            composed = compose(brief, state.db_path, state.index_dir, allow_restricted=allow_restricted, model=state.model)
    except (DraftError, SearchError) as error:
        field, message = _error_field(str(error))
        return page(request, "draft.html", 400, form=form, errors={field: message}, preview=None)
    if action != "download":
        quotes = [{"citation": q.citation, "text": q.text, "restricted": q.restricted} for q in composed.quotes]
        return page(request, "draft.html", form=form, errors={}, preview={"quotes": quotes, "warnings": composed.warnings})
    # Keep only the ticked passages, as explicit citations with their exact words.
    chosen = [composed.quotes[int(i)] for i in keep if i.isdigit() and int(i) < len(composed.quotes)]
    final = brief_from_form(form)
    final["support"] = [{"citation": q.citation, "quote": q.text, "use": q.use} for q in chosen]
    try:
        brief = parse_brief(final, "form")
        with state.lock:
            composed = compose(brief, state.db_path, state.index_dir, allow_restricted=allow_restricted, model=state.model)
            out = state.data_dir / "drafts" / f"{brief.kind}-{uuid.uuid4().hex[:8]}.docx"
            render(composed, default_template(brief.kind), out)
            failures = [c for c in verify_docx(out, state.db_path) if c.status in ("mismatch", "source missing")]
    except (BriefError, DraftError, SearchError) as error:
        field, message = _error_field(str(error))
        return page(request, "draft.html", 400, form=form, errors={field: message}, preview=None)
    if failures:
        return page(request, "draft.html", 500, form=form, errors={"form": json.dumps([c.citation for c in failures])}, preview=None)
    return FileResponse(out, filename=f"{brief.kind}.docx",
                        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
