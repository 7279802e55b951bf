"""Coalitions: who raised a topic or stood with a Member, and who backed them, each line with citations.

For a topic, the hits of a search are the paragraphs that raise it; the delegations speaking in them
(and the groups they spoke for) raised it, and the support relations recorded in the same discussions
(same meeting, same agenda item) that back one of them are the backing. For a Member, the relations
alone: who backed it (or a Member speaking for it) and whom it backed. Negotiating-group memberships
come from `load-groups`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import members
from .exports import write_csv
from .search import Searcher, SearchError, date_bound
from .store import Store

TOPIC_HITS = 200  # hits of the topic search read as "raising" it


@dataclass
class Line:
    member: str
    role: str  # raised | backed | backed by | was backed by
    count: int
    first: str  # citation of the earliest meeting
    first_date: str | None
    last: str
    last_date: str | None
    groups: list[str] = field(default_factory=list)
    whom: list[str] = field(default_factory=list)  # for backing lines: whom they backed
    citations: list[str] = field(default_factory=list)


@dataclass
class Coalition:
    subject: str  # the query or the Member
    lines: list[Line]
    notices: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"subject": self.subject, "lines": [asdict(line) for line in self.lines], "notices": self.notices}


def _lines(evidence: dict[tuple[str, str], list[dict]], groups_of: dict[str, list[str]]) -> list[Line]:
    """(member, role) -> evidence rows with symbol, paragraph, date (and whom) -> lines, most evidence first."""
    lines = []
    for (member, role), rows in evidence.items():
        rows = sorted({(r["date"] or "", r["citation"]): r for r in rows}.values(), key=lambda r: (r["date"] or "", r["citation"]))
        whom = sorted({r["whom"] for r in rows if r.get("whom")})
        lines.append(Line(member, role, len(rows), rows[0]["citation"], rows[0]["date"], rows[-1]["citation"], rows[-1]["date"],
                          groups_of.get(member, []), whom, [r["citation"] for r in rows]))
    return sorted(lines, key=lambda line: (line.role != "raised", -line.count, line.member))


def topic_coalition(searcher: Searcher, query: str, hits: int = TOPIC_HITS) -> Coalition:
    """Who raised a topic and who backed them, read through an open Searcher (the CLI's or the web app's)."""
    page = searcher.run(query, mode="bm25", size=hits)
    evidence: dict[tuple[str, str], list[dict]] = {}
    discussions = set()
    for record in page.records:
        if record["speaker_kind"] not in ("member", "group"):
            continue
        discussions.add((record["symbol"], record["agenda_item"]))
        for raiser in [record["speaker"], *(record["on_behalf_of"] or "").split("; ")]:
            if raiser:
                evidence.setdefault((raiser, "raised"), []).append(record)
    raisers = {member for member, _ in evidence}
    groups_of = searcher.store.groups_of()
    for relation in searcher.store.relations_in(sorted(discussions)):
        backed = {relation["supported"], relation["supported_on_behalf_of"]} & raisers
        if backed and relation["supporter"] not in backed:
            whom = relation["supported"] + (f" for the {relation['supported_on_behalf_of']}" if relation["supported_on_behalf_of"] else "")
            evidence.setdefault((relation["supporter"], "backed"), []).append({**relation, "whom": whom})
    notices = [] if groups_of else ["group memberships are not loaded (run `wto-assist load-groups FILE`)"]
    if not page.records:
        notices.append(f"no paragraph matches {query!r}")
    return Coalition(query, _lines(evidence, groups_of), notices + page.notices)


def member_coalition(db_path: Path, member: str) -> Coalition:
    actor = members.lookup(member)
    if actor is None:
        raise SearchError(f"--member: {member!r} is not a WTO Member, observer or group known to wto-assist")
    evidence: dict[tuple[str, str], list[dict]] = {}
    with Store(db_path, create=False) as store:
        groups_of = store.groups_of()
        for relation in store.relations(member=actor.name):
            if actor.name in (relation["supported"], relation["supported_on_behalf_of"]):
                evidence.setdefault((relation["supporter"], "backed it"), []).append({**relation, "whom": relation["supported"]})
            if actor.name in (relation["supporter"], relation["supporter_on_behalf_of"]):
                evidence.setdefault((relation["supported"], "it backed"), []).append({**relation, "whom": relation["supporter"]})
    notices = [] if groups_of else ["group memberships are not loaded (run `wto-assist load-groups FILE`)"]
    return Coalition(actor.name, _lines(evidence, groups_of), notices)


def co_sponsor_suggestions(db_path: Path, member: str, on_behalf_of: str | None, exclude: list[str], limit: int) -> list[Line]:
    """Members who backed the delegation (or the group it speaks for) in the record, most often and most
    recently first: the co-sponsors a joint statement might ask. Each with its citations."""
    merged: dict[str, Line] = {}
    for subject in filter(None, [member, on_behalf_of]):
        for line in member_coalition(db_path, subject).lines:
            if line.role != "backed it" or line.member in (member, on_behalf_of, *exclude):
                continue
            known = merged.get(line.member)
            if known is None:
                merged[line.member] = line
            else:  # backed both the Member and its group: one line with all the evidence
                citations = sorted(set(known.citations) | set(line.citations))
                merged[line.member] = Line(line.member, "backed it", len(citations), known.first, known.first_date, line.last,
                                           max(known.last_date or "", line.last_date or "") or None, line.groups,
                                           sorted(set(known.whom) | set(line.whom)), citations)
    ranked = sorted(merged.values(), key=lambda line: (-line.count, -int((line.last_date or "0000")[:4]), line.member))
    return ranked[:limit]


def list_relations(db_path: Path, member: str | None = None, symbol_prefix: str = "", date_from: str | None = None,
                   date_to: str | None = None) -> list[dict]:
    """Support relations, oldest first, each with symbol, paragraph, citation, supporter,
    supporter_on_behalf_of, supported, supported_on_behalf_of, relation and evidence."""
    name = None
    if member:
        actor = members.lookup(member)
        if actor is None:
            raise SearchError(f"--member: {member!r} is not a WTO Member, observer or group known to wto-assist")
        name = actor.name
    start, end = date_bound(date_from, "--from", end=False), date_bound(date_to, "--to", end=True)
    with Store(db_path, create=False) as store:
        return store.relations(name, symbol_prefix.replace(" ", "").upper(), start, end)


def write_coalition_csv(result: Coalition, path: Path) -> None:
    write_csv(path, ["subject", "role", "member", "paragraphs", "first", "first_date", "last", "last_date", "groups", "whom", "citations"],
              [[result.subject, line.role, line.member, line.count, line.first, line.first_date, line.last, line.last_date,
                "; ".join(line.groups), "; ".join(line.whom), "; ".join(line.citations)] for line in result.lines])
