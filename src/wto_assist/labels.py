"""What internal keys read as to a delegate: a document family, a search mode, a provision key, where a
dispute's stage came from. The pages (and the CLI where it prints prose) show these words; forms keep the
keys as their values, so links and the JSON twins are unchanged."""

from __future__ import annotations

import re

# A document family as a page names one document of it.
_FAMILIES = {
    "minutes": "Minutes of a meeting",
    "dispute-summary": "Dispute summary (WTO)",
    "tpr-secretariat-report": "TPR Secretariat report",
    "tpr-government-report": "TPR government report",
    "tpr-minutes": "TPR minutes",
    "panel-report": "Panel report",
    "appellate-body-report": "Appellate Body report",
    "request-for-consultations": "Request for consultations",
    "panel-request": "Panel request",
    "communication": "Communication",
    "third-party-submission": "Third-party submission",
    "other": "Other document",
}

# Search modes (search.MODES) as a delegate chooses between them.
_MODES = {
    "bm25": "Exact words",
    "dense": "Similar meaning",
    "hybrid": "Words and meaning",
}


# Kinds of statement a draft or a case brief makes (draft templates, cases/brief.py).
_KINDS = {
    "committee-statement": "Statement in a committee",
    "tpr-statement": "Statement at a Trade Policy Review",
    "tpr-questions": "Questions at a Trade Policy Review",
    "joint-statement": "Joint statement",
    "third-party-submission": "Third-party submission",
}


def kind_label(kind: str) -> str:
    """"committee-statement" -> "Statement in a committee"."""
    return _KINDS.get(kind, kind.replace("-", " ").capitalize())


def family_label(family: str | None) -> str:
    """"dispute-summary" -> "Dispute summary (WTO)"; an unknown family with its hyphens as spaces."""
    if not family:
        return ""
    return _FAMILIES.get(family, family.replace("-", " ").capitalize())


def mode_label(mode: str) -> str:
    """"bm25" -> "Exact words"."""
    return _MODES.get(mode, mode)


def provision_label(key: str) -> str:
    """GATT1994:XXI -> "Article XXI of the GATT 1994", as the CLI's `precedent` and the drafts write it."""
    from .draft.compose import provision_label as written

    return written(key)


# A provision key inside a sentence: "GATT1994:XXI(b)(iii) invoked by …", "TRIPS:73 (security exceptions)".
_KEY_IN_TEXT = re.compile(r"\b([A-Z][A-Z0-9]*):([IVXL]+(?:bis)?|\d+(?:\.\d+)*)((?::[\w.]+)*(?:\([a-z0-9]+\))*)")


def provisions_in_words(text: str | None) -> str:
    """A library sentence with its provision keys as a lawyer reads them ("GATT1994:XXI invoked by Russia" ->
    "Article XXI of the GATT 1994 invoked by Russia"); the JSON keeps the keys, the pages show these words.
    Text that only looks like a key (no such agreement) is left as it is."""
    from .enrich.provisions import agreement

    def worded(match: re.Match) -> str:
        return provision_label(match.group(0)) if agreement(match.group(1)) else match.group(0)

    return _KEY_IN_TEXT.sub(worded, text or "")


def stage_source_label(source: str | None) -> str:
    """Where a dispute's current stage was read: "WTO status code ST5" -> "the WTO's record of the dispute's
    status"; "summary" -> "the WTO's summary of the dispute"."""
    if source and source.startswith("WTO status code"):
        return "the WTO's record of the dispute's status"
    if source == "summary":
        return "the WTO's summary of the dispute"
    return ""


def status_label(status: str | None) -> str:
    """A registry status as published, without the WTO's internal codes ("ST5#2019_04_26" -> the stage)."""
    from .registry.status import stages_by_code

    if not status:
        return ""
    codes = re.findall(r"\b(ST\d+)\b", status)
    if codes:
        return stages_by_code().get(codes[-1], "")
    return status


# What a sample document (corpora/) carries wherever it is shown: it was written for wto-assist.
SAMPLE_LABEL = "illustrative sample, not an official WTO document"
