"""The Draft page: a brief as a form, validation errors beside their fields, a preview of the
retrieved language to tick, and the DOCX download. Drafting itself is the draft package's."""

from __future__ import annotations

import re
import uuid

from starlette.background import BackgroundTask
from starlette.responses import FileResponse

from ..draft import DraftError, DraftRejected, draft_document
from ..draft.brief import BriefError, parse_brief
from ..draft.compose import compose
from ..errors import WtoAssistError
from ..results import DraftPreview
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


_LABELS = {
    "member": "Delegation", "on_behalf_of": "On behalf of", "co_sponsors": "Co-sponsors", "body": "Body", "date": "Date",
    "agenda_item": "Agenda item", "points": "Points", "queries": "Supporting language", "citations": "Quoted paragraphs",
    "member_under_review": "Member under review", "dispute": "Dispute", "issues": "Legal issues", "kind": "Template",
    "release": "Release", "title": "Title",
}
# The brief's own words for what the form calls something else.
_PLAIN = [(r"add `accept: \[restricted\]` to the brief", "tick “Quote documents that are still RESTRICTED”"),
          (r"set external: true, with its quote, to cite a document outside the corpus", "only documents in the corpus can be quoted here")]


def _line_of(path: str, form: dict) -> str:
    """ "support[3]" -> "line 2" of the field it came from (queries come first, then citations)."""
    index = re.search(r"\[(\d+)\]", path)
    if not index:
        return ""
    number = int(index.group(1))
    if path.startswith("support"):
        queries = len(_lines(form.get("queries", "")))
        number = number - queries if number >= queries else number
    return f", line {number + 1}"


def _located(message: str, form: dict) -> tuple[str, str, str]:
    """A brief error in the form's words: the field it belongs to ("form" when none), the line of that field
    (", line 2" or "") and the problem without brief paths."""
    path, _, problem = message.removeprefix("form: ").partition(": ")
    for pattern, replacement in _PLAIN:
        problem = re.sub(pattern, replacement, problem)
    for pattern, name in _FIELD_OF:
        if re.match(pattern, path):
            return name, _line_of(path, form), problem
    return "form", "", problem or message


def form_error(error: WtoAssistError, form: dict) -> WtoAssistError:
    """A library error about the brief as the JSON twin answers it: named by the form field that holds it."""
    field, line, problem = _located(str(error), form)
    return WtoAssistError(f"{field}{line}: {problem}" if field != "form" else problem, field=None if field == "form" else field,
                          status=error.status)


def _keep_values(keep: list[str]) -> list[tuple[int, str]]:
    """(passage number, key) of each ticked passage as the form posts it ("N" or "N:key"; the key may be
    empty); anything else is no passage."""
    values = []
    for value in keep:
        number, _, key = value.partition(":")
        if number.isdecimal() and len(number) <= 4:
            values.append((int(number), key))
    return values


def _ticked(keep: list[str]) -> set[int]:
    """The passages ticked."""
    return {number for number, _ in _keep_values(keep)}


def _changed_since_preview(composed, keep: list[str]) -> bool:
    """Whether a ticked passage's key no longer names passage N: the corpus or the index changed between the
    preview and the download, and the same numbers now mean other words."""
    from ..results import passage_key

    quotes = composed.quotes
    return any(key and (number >= len(quotes) or passage_key(quotes[number].citation, quotes[number].text) != key)
               for number, key in _keep_values(keep))


def _kept(values: dict, keep: list[str]) -> set[int] | None:
    """The passages ticked in a preview the user has seen (`previewed`); None before: all of them."""
    return _ticked(keep) if values.get("previewed") else None


def draft_preview(state, values: dict, keep: list[str]) -> DraftPreview:
    """The Draft page's preview and /api/draft's answer: the form as a brief, through draft.preview.preview_draft
    (what `wto-assist draft BRIEF --preview` prints). Brief errors are raised as the library raises them."""
    from ..draft.preview import preview_draft

    form = draft_form(values)
    brief = parse_brief(brief_from_form(form), "form")
    with state.lock:
        return preview_draft(brief, state.corpus, state.data_dir / "drafts", _kept(values, keep),
                             allow_restricted=form["allow_restricted"])


def preview_or_render(request, state, values: dict, keep: list[str], page):
    """Preview: draft_preview above, the passages ticked. Download: the ticked passages through draft_document,
    as the preview drafted them (draft.preview.final_brief), the path `wto-assist draft --final` takes."""
    from ..draft.preview import final_brief

    form = draft_form(values)
    allow_restricted = form["allow_restricted"]

    def failure(error: Exception, status: int = 400):
        field, line, problem = _located(str(error), form)
        message = f"{_LABELS.get(field, field)}{line}: {problem}" if field != "form" else problem
        return page(request, "draft.html", status, form=form, errors={field: message}, preview=None)

    if values.get("action", "preview") != "download":
        try:
            preview = draft_preview(state, values, keep)
        except (BriefError, DraftError, SearchError) as error:
            return failure(error)
        return page(request, "draft.html", form=form, errors={}, preview=preview)
    try:
        brief = parse_brief(brief_from_form(form), "form")
        out = state.data_dir / "drafts" / f"{brief.kind}-{uuid.uuid4().hex[:8]}.docx"
        with state.lock:
            composed = compose(brief, state.corpus, allow_restricted=allow_restricted)
        if _changed_since_preview(composed, keep):
            fresh = {name: value for name, value in values.items() if name != "previewed"}  # every passage found, ticked
            return page(request, "draft.html", 409, form=form, preview=draft_preview(state, fresh, []),
                        errors={"form": "The passages found have changed since the preview (the corpus or its index was "
                                        "updated): read them again below and tick what to keep."})
        with state.lock:
            final = final_brief(brief, composed, _ticked(keep))
            draft_document(final, state.corpus, state.index_dir, out, final=True, allow_restricted=allow_restricted)
    except DraftRejected as error:
        failing = "; ".join(f"{c.citation}: {c.status}" for c in error.checks if c.status != "verified")
        return page(request, "draft.html", 500, form=form, errors={"form": f"The draft was not written: {failing}"}, preview=None)
    except (BriefError, DraftError, SearchError) as error:
        return failure(error)
    return FileResponse(out, filename=f"{brief.kind}.docx", background=BackgroundTask(out.unlink, missing_ok=True),
                        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
