"""Coalitions: who stood for a topic, who backed them, who had doubts and who was against, with citations.

For a topic, the hits of a search are the paragraphs that discuss it. Each Member turn among them has a
stance (enrich/stance.py): those that support are the proponents, those with reservations or questions
the sceptics, those that oppose the opponents; the support relations recorded in the same discussions
(same meeting, same agenda item) that back a proponent, or the group a proponent spoke for, are the
backers. Turns without a stance only spoke. A group appears only where the record names it: a Member
spoke on its behalf, or a delegation backed its position. For a Member, the relations alone: who backed
it (or a Member speaking for it) and whom it backed. With both, the combination in plain words.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import members
from .corpus import Corpus
from .exports import write_csv
from .filters import date_range, field_error, member_name
from .search import Searcher

TOPIC_HITS = 200  # hits of the topic search read as "raising" it


@dataclass
class Line:
    member: str
    role: str  # proponent | backer | sceptic | opponent | spoke (topics); backed it | it backed (Members)
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
    answers: list[str] = field(default_factory=list)  # topic and Member: the combination in plain words

    def as_json(self) -> dict:
        return {"subject": self.subject, "lines": [asdict(line) for line in self.lines], "notices": self.notices,
                "answers": self.answers}


TOPIC_ROLES = ("proponent", "backer", "sceptic", "opponent", "spoke")
# Measured in benchmarks/bench_relations.py on meetings never used to write the stance cues (WT/COMTD/M/101-109):
# two readers labelling blind agreed with each other on 0.88 of 425 turns, the cues with either on about half.
STANCE_CAVEAT = ("proponent, sceptic and opponent are read from the minutes' reporting verbs and are often wrong "
                 "(about half of the turns of meetings not used to write the rules); read each citation's evidence before relying on a role")
_ROLE_OF_STANCE = {"supports": "proponent", "has reservations": "sceptic", "asks questions": "sceptic", "opposes": "opponent",
                   "neutral": "spoke"}


def _lines(evidence: dict[tuple[str, str], list[dict]], roles=TOPIC_ROLES) -> list[Line]:
    """(member, role) -> evidence rows with citation, date, the group named (and whom) -> lines, most evidence
    first within each role. A line's groups are those its own rows name, never mere memberships."""
    lines = []
    for (member, role), rows in evidence.items():
        rows = sorted({(r["date"] or "", r["citation"]): r for r in rows}.values(), key=lambda r: (r["date"] or "", r["citation"]))
        whom = sorted({r["whom"] for r in rows if r.get("whom")})
        groups = sorted({r["group"] for r in rows if r.get("group") and r["group"] != member})
        lines.append(Line(member, role, len(rows), rows[0]["citation"], rows[0]["date"], rows[-1]["citation"], rows[-1]["date"],
                          groups, whom, [r["citation"] for r in rows]))
    order = {role: index for index, role in enumerate(roles)}
    return sorted(lines, key=lambda line: (order.get(line.role, len(order)), -line.count, line.member))


def _group(name: str | None) -> str | None:
    """A negotiating group in its one canonical form; None for a Member or a list of Members."""
    for part in (name or "").split("; "):
        actor = members.lookup(part) if part else None
        if actor is not None and actor.kind == "group":
            return actor.name
    return None


def _whom(relation: dict) -> str:
    group = relation["supported_on_behalf_of"]
    return relation["supported"] + (f" for the {group}" if group and _group(group) else "")


def topic_evidence(searcher: Searcher, query: str, hits: int = TOPIC_HITS) -> tuple[dict[tuple[str, str], list[dict]], list[str]]:
    """(member, role) -> evidence rows for a topic, and the search's notices."""
    page = searcher.run(query, mode="bm25", size=hits)
    turns = [r for r in page.records if r["speaker_kind"] in ("member", "group")]
    stances = searcher.store.stances([(r["symbol"], r["seq"]) for r in turns])
    evidence: dict[tuple[str, str], list[dict]] = {}
    proponents, discussions = set(), set()
    for record in turns:
        discussions.add((record["symbol"], record["agenda_item"]))
        found = [s for s in stances.get((record["symbol"], record["seq"]), []) if s["member"] == record["speaker"]]
        stance = found[0] if found else {"stance": "neutral", "evidence": "", "cue": None}
        role = _ROLE_OF_STANCE[stance["stance"]]
        group = _group(record["on_behalf_of"])
        row = {**record, "group": group, "stance": stance["stance"], "evidence": stance["evidence"]}
        evidence.setdefault((record["speaker"], role), []).append(row)
        if group:  # the group's position, stated by the Member that spoke for it
            evidence.setdefault((group, role), []).append(row)
        if role == "proponent":
            proponents.update(filter(None, [record["speaker"], group]))
    for relation in searcher.store.relations_in(sorted(discussions)):
        backed = {relation["supported"], _group(relation["supported_on_behalf_of"])} & proponents
        if backed and relation["supporter"] not in backed:
            evidence.setdefault((relation["supporter"], "backer"), []).append(
                {**relation, "whom": _whom(relation), "group": _group(relation["supporter_on_behalf_of"])})
    # A delegation that backed a proponent in a turn is a backer there, not a proponent of its own.
    for (member, role) in [key for key in evidence if key[1] == "proponent"]:
        backing = {row["citation"] for row in evidence.get((member, "backer"), [])}
        rows = [row for row in evidence[(member, role)] if row["citation"] not in backing or row.get("group") == member]
        if rows:
            evidence[(member, role)] = rows
        else:
            del evidence[(member, role)]
    notices = [] if page.records else [f"no paragraph matches {query!r}"]
    return evidence, notices + page.notices


def topic_coalition(searcher: Searcher, query: str, hits: int = TOPIC_HITS, member: str | None = None) -> Coalition:
    """Proponents, backers, sceptics and opponents of a topic, read through an open Searcher (the CLI's or
    the web app's). With a Member, only its lines, and the combination in plain words."""
    evidence, notices = topic_evidence(searcher, query, hits)
    if any(role in ("proponent", "sceptic", "opponent") for _, role in evidence):
        notices = notices + [STANCE_CAVEAT]
    if member is None:
        return Coalition(query, _lines(evidence), notices)
    actor = members.lookup(member_name(member))  # an unknown name is an error naming the field (filters.py)
    mine = {key: rows for key, rows in evidence.items() if key[0] == actor.name}
    backed_it = {}
    for (supporter, role), rows in evidence.items():
        if role == "backer":
            rows = [row for row in rows if actor.name in (row["supported"], _group(row["supported_on_behalf_of"]))]
            if rows:
                backed_it[(supporter, "backed it")] = rows
    answers = _answers(actor.name, mine, backed_it)
    if not answers:
        answers = [f"The record shows no turn of {members.in_prose(actor.name)} on {query!r} and no delegation backing it there."]
    return Coalition(f"{query} / {actor.name}", _lines({**mine, **backed_it}, TOPIC_ROLES + ("backed it",)), notices, answers)


_VERB = {"proponent": "supported {what}", "sceptic": "had reservations or questions on {what}", "opponent": "opposed {what}",
         "spoke": "spoke on {what} without taking a position"}


_RELATION_VERB = {"support": "supported", "association": "associated itself with", "shared view": "shared the views of",
                  "shared concern": "shared the concerns of", "agreement": "agreed with"}


def _backing(relation: dict) -> str:
    """"supported the LDC Group (as stated by Benin)": the group's position where the supported spoke for one."""
    verb = _RELATION_VERB.get(relation["relation"], "supported")
    group = _group(relation["supported_on_behalf_of"])
    if group and group != relation["supported"]:
        return f"{verb} the {group} (as stated by {members.in_prose(relation['supported'])})"
    return f"{verb} {members.in_prose(relation['supported'])}"


def _cite(row: dict) -> str:
    return f"{row['citation']}, {(row['date'] or 'undated')[:4]}"


def _answers(name: str, mine: dict, backed_it: dict) -> list[str]:
    """"Uganda supported the LDC Group (WT/COMTD/M/100, para. 79, 2016)", one sentence per line of evidence."""
    subject = members.in_prose(name)
    subject = subject[0].upper() + subject[1:]
    answers = []
    for (member, role), rows in sorted(mine.items(), key=lambda item: TOPIC_ROLES.index(item[0][1])):
        if role == "backer":
            for row in rows:
                answers.append(f"{subject} {_backing(row)} ({_cite(row)}): \"{row['evidence']}\"")
            continue
        for row in rows:
            own = f" on behalf of the {row['group']}" if row.get("group") and row["group"] != name else ""
            answers.append(f"{subject}{own} {_VERB[role].format(what='the topic')} ({_cite(row)})"
                           + (f": \"{row['evidence']}\"" if row.get("evidence") else ""))
    for (supporter, _), rows in sorted(backed_it.items()):
        for row in rows:
            backer = members.in_prose(supporter)
            answers.append(f"{backer[0].upper() + backer[1:]} {_backing(row)} ({_cite(row)}): \"{row['evidence']}\"")
    return answers


def member_coalition(db_path: Corpus | Path, member: str) -> Coalition:
    actor = members.lookup(member_name(member))  # an unknown name is an error naming the field (filters.py)
    evidence: dict[tuple[str, str], list[dict]] = {}
    with Corpus.borrowed(db_path) as corpus:  # the caller's open corpus, when it passes one
        store = corpus.store
        for relation in store.relations(member=actor.name):
            if actor.name in (relation["supported"], relation["supported_on_behalf_of"]):
                evidence.setdefault((relation["supporter"], "backed it"), []).append(
                    {**relation, "whom": _whom(relation), "group": _group(relation["supporter_on_behalf_of"])})
            if actor.name in (relation["supporter"], relation["supporter_on_behalf_of"]):
                evidence.setdefault((relation["supported"], "it backed"), []).append(
                    {**relation, "whom": relation["supporter"], "group": _group(relation["supported_on_behalf_of"])})
    return Coalition(actor.name, _lines(evidence, ("backed it", "it backed")))


def coalition(corpus: Corpus, query: str | None = None, member: str | None = None) -> Coalition:
    """What `coalition`, the Coalitions page and /api/coalitions answer: a topic's coalition (with `member`,
    the Member's part in it), or, without a topic, whom the Member backed and who backed it."""
    if not query and not member:
        raise field_error("q", "give a topic, a Member (member), or both")
    if not query:
        return member_coalition(corpus, member)
    return topic_coalition(corpus.searcher, query, member=member or None)


def co_sponsor_suggestions(db_path: Corpus | Path, member: str, on_behalf_of: str | None, exclude: list[str], limit: int,
                           topic: str | None = None, searcher: Searcher | None = None) -> list[Line]:
    """Members who backed the delegation (or the group it speaks for) in the record and, with a topic and
    an open Searcher, those who backed it or stood for the same cause on that topic: the co-sponsors a joint
    statement might ask, or the like-minded delegations of a committee statement. Ranked by evidence
    weighted for recency (a meeting ten years older counts half), then by the latest date; each with its
    citations."""
    own = {name for name in (member, on_behalf_of, *exclude) if name}
    subjects = {name for name in (member, on_behalf_of) if name}
    rows_of: dict[str, list[dict]] = {}
    with Corpus.borrowed(db_path) as corpus:  # the draft's own corpus when it passes one
        store = corpus.store
        for subject in sorted(subjects):
            for relation in store.relations(member=subject):
                if subject in (relation["supported"], relation["supported_on_behalf_of"]) and relation["supporter"] not in own:
                    rows_of.setdefault(relation["supporter"], []).append(
                        {**relation, "whom": _whom(relation), "group": _group(relation["supporter_on_behalf_of"])})
    if topic and searcher is not None:
        evidence, _ = topic_evidence(searcher, topic)
        for (name, role), rows in evidence.items():
            actor = members.lookup(name)
            if name in own or actor is None or actor.kind == "group":
                continue
            if role == "backer" or role == "proponent":
                rows_of.setdefault(name, []).extend(rows)
    lines, weight = [], {}
    for name, rows in rows_of.items():
        rows = sorted({row["citation"]: row for row in rows}.values(), key=lambda row: (row["date"] or "", row["citation"]))
        weight[name] = _recency_weight([row["date"] for row in rows])
        lines.append(Line(name, "backed it", len(rows), rows[0]["citation"], rows[0]["date"], rows[-1]["citation"], rows[-1]["date"],
                          sorted({row["group"] for row in rows if row.get("group")}), sorted({row["whom"] for row in rows if row.get("whom")}),
                          [row["citation"] for row in rows]))
    return sorted(lines, key=lambda line: (-weight[line.member], -int((line.last_date or "0000")[:4]), line.member))[:limit]


def _recency_weight(dates: list[str | None]) -> float:
    """How often, counted for recency: a paragraph weighs half as much per ten years before the latest."""
    years = [int(date[:4]) for date in dates if date]
    latest = max(years, default=0)
    return sum(0.5 ** ((latest - year) / 10) for year in years) + 0.5 * (len(dates) - len(years))


def list_relations(db_path: Corpus | Path, member: str | None = None, symbol_prefix: str = "", date_from: str | None = None,
                   date_to: str | None = None) -> list[dict]:
    """Support relations, oldest first, each with symbol, paragraph, citation, supporter,
    supporter_on_behalf_of, supported, supported_on_behalf_of, relation and evidence."""
    name = None
    if member:
        name = member_name(member)
    start, end = date_range(date_from, date_to)
    with Corpus.borrowed(db_path) as corpus:  # the caller's open corpus, when it passes one
        store = corpus.store
        return store.relations(name, symbol_prefix.replace(" ", "").upper(), start, end)


def write_coalition_csv(result: Coalition, path: Path) -> None:
    write_csv(path, ["subject", "role", "member", "paragraphs", "first", "first_date", "last", "last_date", "groups", "whom", "citations"],
              [[result.subject, line.role, line.member, line.count, line.first, line.first_date, line.last, line.last_date,
                "; ".join(line.groups), "; ".join(line.whom), "; ".join(line.citations)] for line in result.lines])
