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


def _error_field(message: str, form: dict) -> tuple[str, str]:
    """A brief error in the form's words: the field it belongs to and a message without brief paths."""
    path, _, problem = message.removeprefix("form: ").partition(": ")
    for pattern, replacement in _PLAIN:
        problem = re.sub(pattern, replacement, problem)
    for pattern, name in _FIELD_OF:
        if re.match(pattern, path):
            return name, f"{_LABELS.get(name, name)}{_line_of(path, form)}: {problem}"
    return "form", problem or message


def _like_minded(state, brief) -> list:
    """Delegations that backed this one (or the group it speaks for) or the same cause in the record: the
    co-sponsors a joint statement might ask, the like-minded of a committee statement (issue 20)."""
    from ..coalitions import co_sponsor_suggestions

    if not brief.member:
        return []
    topic = brief.agenda_item or brief.measure.get("description")
    with state.lock:
        return co_sponsor_suggestions(state.corpus, brief.member, brief.on_behalf_of, brief.co_sponsors, 8,
                                      topic=topic, searcher=state.searcher if topic else None)


def _final_brief(form: dict, composed, kept: list[str] | None) -> dict:
    """The brief the download is drafted from: the passages kept (all found, before the user has ticked any)
    as explicit citations with their exact words, the path `wto-assist draft --final` takes."""
    if kept is None:
        chosen = list(composed.quotes)
    else:
        chosen = [composed.quotes[int(i)] for i in kept if i.isdecimal() and len(i) <= 4 and int(i) < len(composed.quotes)]
    final = brief_from_form(form)
    final["support"] = [{"citation": q.citation, "quote": q.text, "use": q.use} for q in chosen]
    return final


def preview_or_render(request, state, values: dict, keep: list[str], page):
    """Preview: the language compose() finds (withheld passages shown unticked with the reason) and the whole
    statement as its DOCX will read (draft/preview.py), with the passages ticked. Download: the ticked
    passages through draft_document, the path `wto-assist draft --final` takes."""
    from ..draft.preview import preview_statement

    form = draft_form(values)
    allow_restricted = form["allow_restricted"]
    kept = keep if values.get("previewed") else None  # the ticks of a preview the user has seen

    def failure(error: Exception, status: int = 400):
        field, message = _error_field(str(error), form)
        return page(request, "draft.html", status, form=form, errors={field: message}, preview=None)

    try:
        brief = parse_brief(brief_from_form(form), "form")
        with state.lock:
            composed = compose(brief, state.corpus, allow_restricted=allow_restricted)
    except (BriefError, DraftError, SearchError) as error:
        return failure(error)
    if values.get("action", "preview") != "download":
        ticked = set(range(len(composed.quotes))) if kept is None else {int(i) for i in kept if i.isdecimal() and len(i) <= 4}
        quotes = [{"citation": q.citation, "text": q.text, "restricted": q.restricted, "withheld": None, "kept": n in ticked}
                  for n, q in enumerate(composed.quotes)]
        quotes += [{"citation": q.citation, "text": q.text, "restricted": True, "withheld": q.withheld, "kept": False}
                   for q in composed.withheld]
        warnings = [w for w in composed.warnings if " not quoted: " not in w]  # withheld passages are listed with their reason
        try:
            final = parse_brief(_final_brief(form, composed, kept), "form")
            with state.lock:
                statement = preview_statement(final, state.corpus, state.data_dir / "drafts", allow_restricted=allow_restricted)
        except (BriefError, DraftError, SearchError) as error:
            return failure(error)
        return page(request, "draft.html", form=form, errors={},
                    preview={"quotes": quotes, "warnings": warnings, "like_minded": _like_minded(state, brief), "statement": statement})
    out = state.data_dir / "drafts" / f"{brief.kind}-{uuid.uuid4().hex[:8]}.docx"
    try:
        brief = parse_brief(_final_brief(form, composed, keep), "form")
        with state.lock:
            draft_document(brief, state.corpus, state.index_dir, out, final=True, allow_restricted=allow_restricted)
    except DraftRejected as error:
        failing = "; ".join(f"{c.citation}: {c.status}" for c in error.checks if c.status != "verified")
        return page(request, "draft.html", 500, form=form, errors={"form": f"The draft was not written: {failing}"}, preview=None)
    except (BriefError, DraftError, SearchError) as error:
        return failure(error)
    return FileResponse(out, filename=f"{brief.kind}.docx", background=BackgroundTask(out.unlink, missing_ok=True),
                        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
