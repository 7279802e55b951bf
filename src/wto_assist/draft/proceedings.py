"""Which proceedings of a dispute a third-party submission can be filed in, as of its date.

The registry's events (the WTO's summary of the dispute, read by registry/status.py) say when the
panel was established, when its report was circulated, appealed and adopted, and whether compliance
(Article 21.5 of the DSU) or arbitration proceedings followed. A submission in panel or appellate
proceedings dated after the reports were adopted (or after the dispute was settled, withdrawn or the
panel's authority lapsed) is refused unless the brief names a later proceeding or accepts closed
proceedings explicitly (`accept: [closed-proceedings]`); one dated before the panel was established,
or in an appeal or compliance proceeding the registry does not record, gets a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .citation_style import long_date

PROCEEDINGS_LINE = {
    "panel": "PANEL PROCEEDINGS",
    "appellate": "APPELLATE REVIEW PROCEEDINGS",
    "compliance": "COMPLIANCE PANEL PROCEEDINGS (ARTICLE 21.5 OF THE DSU)",
    "arbitration": "ARBITRATION PROCEEDINGS",
}
PROCEEDINGS_NAME = {
    "panel": "panel proceedings",
    "appellate": "appellate review proceedings",
    "compliance": "compliance proceedings under Article 21.5 of the DSU",
    "arbitration": "arbitration proceedings",
}
_ADOPTED = ("Panel report adopted", "Appellate Body and panel reports adopted")
_ENDED = ("Settled", "terminated", "withdrawn", "Withdrawn", "lapsed", "Mutually agreed solution")


@dataclass
class ProceedingsCheck:
    refusal: str | None = None  # why the brief cannot be drafted as it stands
    warnings: list[str] = field(default_factory=list)


def _first(events: list[dict], *kinds: str, after: str = "") -> dict | None:
    found = [event for event in events if event["event"] in kinds and event["date"] > after]
    return min(found, key=lambda event: event["date"]) if found else None


def _later_proceedings(events: list[dict], kind: str, adopted: str) -> list[dict]:
    """Events of compliance or arbitration proceedings: after the first adoption, or naming them."""
    if kind == "arbitration":
        return [e for e in events if "arbitrat" in e["sentence"].lower() or e["event"] == "Arbitration decision circulated"]
    return [e for e in events if ("compliance" in e["sentence"].lower() or "21.5" in e["sentence"]) or (adopted and e["date"] > adopted and e["event"].startswith("Panel"))]


def check_proceedings(dispute: dict | None, proceedings: str, when: str, accept: set[str] | frozenset[str] = frozenset()) -> ProceedingsCheck:
    """Check the brief's proceedings against the registry as of `when` (ISO date of the submission)."""
    result = ProceedingsCheck()
    if dispute is None:
        result.warnings.append("the dispute is not in the registry: its proceedings could not be checked against the date")
        return result
    ds = f"DS{dispute['number']}"
    events = sorted(dispute.get("events") or [], key=lambda event: event["date"])
    dated = long_date(when)
    adopted = _first(events, *_ADOPTED)
    established = _first(events, "Panel established")
    closed_by = None
    stage, stage_date = dispute.get("stage") or "", dispute.get("stage_date") or ""
    if stage_date and stage_date <= when and any(word in stage for word in _ENDED):
        closed_by = f"the dispute was closed on {long_date(stage_date)} ({stage})"
    if proceedings in ("panel", "appellate") and adopted and adopted["date"] < when:
        what = "the Appellate Body and panel reports were" if adopted["event"].startswith("Appellate") else "the panel report was"
        closed_by = closed_by or f"{what} adopted on {long_date(adopted['date'])}"
    if closed_by and "closed-proceedings" not in accept:
        result.refusal = (f"{ds}: {closed_by}, so a submission dated {dated} cannot be filed in its "
                          f"{PROCEEDINGS_NAME[proceedings]}; name a later proceeding (proceedings: compliance or arbitration)"
                          " or add `accept: [closed-proceedings]` to the brief")
        return result
    if closed_by:
        result.warnings.append(f"{ds}: {closed_by}; the brief accepts closed proceedings")
    if proceedings == "panel":
        if established is None:
            result.warnings.append(f"{ds}: the registry records no panel established by {dated}")
        elif when < established["date"]:
            result.warnings.append(f"{ds}: the submission is dated {dated}, before the DSB established the panel on {long_date(established['date'])}")
        circulated = _first(events, "Panel report circulated")
        if circulated and circulated["date"] < when and not closed_by:
            result.warnings.append(f"{ds}: the panel report was circulated on {long_date(circulated['date'])}: the panel proceedings are over")
    elif proceedings == "appellate":
        appeal = _first(events, "Panel report appealed")
        if appeal is None or appeal["date"] > when:
            result.warnings.append(f"{ds}: the registry records no appeal by {dated}")
    else:
        later = [e for e in _later_proceedings(events, proceedings, adopted["date"] if adopted else "") if e["date"] <= when]
        if adopted is None or adopted["date"] > when:
            result.warnings.append(f"{ds}: no report had been adopted by {dated}, so there are no {PROCEEDINGS_NAME[proceedings]} to take part in yet")
        elif not later:
            result.warnings.append(f"{ds}: the registry records no {PROCEEDINGS_NAME[proceedings]} by {dated}")
    return result
