"""A case's dated timeline: reported, in force, raised where and by whom, replies, back on the agenda,
dispute steps, evidence received, copies shared by other delegations. Oldest first; undated last."""

from __future__ import annotations

from ..store import Store
from .model import Case

_DATES = {"first_reported": "first reported", "in_force": "measure in force", "lifted": "measure lifted"}


def _who(paragraph: dict | None) -> str:
    if not paragraph or not paragraph.get("speaker"):
        return ""
    behalf = f" on behalf of {paragraph['on_behalf_of']}" if paragraph.get("on_behalf_of") else ""
    return f" by {paragraph['speaker']}{behalf}"


def _where(paragraph: dict | None) -> str:
    return f" in the {paragraph['body']}" if paragraph and paragraph.get("body") else ""


def timeline(store: Store, case: Case, links: list[dict], evidence: list[dict], versions: list[dict]) -> list[dict]:
    events = [{"date": case.dates[key], "event": label, "citation": None} for key, label in _DATES.items() if case.dates.get(key)]
    raised_in: set[str] = set()
    for link in sorted(links, key=lambda item: item["date"] or "9999"):
        paragraph = link.get("paragraph")
        if link["target"].startswith("DS") and "#" not in link["target"]:
            events += _dispute_steps(store, link)
            continue
        body = (paragraph or {}).get("body") or ""
        if link["role"] == "raised":
            label = "back on the agenda" if body and body in raised_in else "raised"
            raised_in.add(body)
        else:
            label = {"reply": "reply", "statement": "statement", "tpr-question": "TPR question"}.get(link["role"], link["role"])
        gone = "" if link["present"] else " (paragraph not in the corpus here)"
        events.append({"date": link["date"], "event": f"{label}{_where(paragraph)}{_who(paragraph)}{gone}",
                       "citation": link["current_citation"]})
    for item in evidence:
        source = f", shared by {item['shared_by']}" if item.get("shared_by") else ""
        events.append({"date": item["added_at"][:10], "event": f"evidence added: {item['name']} ({item['added_by']}{source})",
                       "citation": None})
    for version in versions:
        if version["origin"] != "local":
            events.append({"date": (version["shared_at"] or "")[:10], "event": f"copy shared by {version['shared_by']}",
                           "citation": None})
    return sorted(events, key=lambda event: (event["date"] or "9999", event["event"]))


def _dispute_steps(store: Store, link: dict) -> list[dict]:
    number = int(link["target"][2:])
    steps = [{"date": row["date"], "event": f"{link['target']}: {row['event']}", "citation": link["target"]}
             for row in store.connection.execute("SELECT date, event FROM dispute_events WHERE number = ? ORDER BY date", (number,))]
    if not steps:
        steps = [{"date": link["date"], "event": f"dispute {link['citation']}", "citation": link["target"]}]
    return steps
