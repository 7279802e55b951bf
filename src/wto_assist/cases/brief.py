"""From a case to the next intervention: a brief (YAML) for the existing `draft`.

The case's facts become the delegation's points; every linked paragraph of the record (concerns
raised, replies, statements) is quoted by its current citation under the point that introduces it, so
`draft --final` verifies each quotation against the corpus; attribution follows the minutes (the lead-ins
of draft/attribution.py). TPR questions go to the imposing Member, grouped in the order of the sections
of a Secretariat TPR report, and the drafter numbers them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .. import members
from ..draft import citation_style
from ..draft.brief import parse_brief
from ..draft.compose import is_restricted_source, provision_label
from ..exports import atomic_write_text
from ..corpus import Corpus
from ..store import Store
from . import store as rows
from .casefile import _displayed_link, current
from .model import Case, CaseError

BRIEF_KINDS = ("committee-statement", "tpr-questions", "joint-statement")
QUOTED_ROLES = ("raised", "statement", "reply", "tpr-question", "other")

# The sections of a Secretariat TPR report (WT/TPR/S/...), in their order, and where each measure type is discussed.
TPR_SECTIONS = (
    "Economic environment",
    "Trade and investment regimes",
    "Trade policies and practices by measure: measures directly affecting imports",
    "Trade policies and practices by measure: measures directly affecting exports",
    "Trade policies and practices by measure: measures affecting production and trade",
    "Trade policies by sector",
)
_SECTION_OF = {
    "import-restriction": 2, "customs-delay": 2, "sps-tbt-pretext": 2, "export-restriction": 3,
    "boycott-pressure": 4, "investment-travel": 1, "other": 4,
}
_TOPIC_OF = {
    "import-restriction": "import prohibitions, restrictions and licensing",
    "customs-delay": "customs procedures and clearance",
    "sps-tbt-pretext": "sanitary and phytosanitary requirements and technical regulations",
    "export-restriction": "export prohibitions, restrictions and licensing",
    "boycott-pressure": "government influence on the purchasing decisions of firms",
    "investment-travel": "the investment regime and the movement of tourists and travellers",
    "other": "the measure",
}


def _products(case: Case) -> str:
    return citation_style.joined([p.name + (f" (HS {p.hs})" if p.hs else "") for p in case.products])


def _prose(name: str, start: bool = False) -> str:
    """A Member's name in running text ("the European Union"), capitalised at the start of a sentence."""
    shown = members.in_prose(name)
    return shown[0].upper() + shown[1:] if start else shown


def _month(iso: str | None) -> str:
    return citation_style.long_date(iso) if iso else "an undated meeting"


def build_brief(corpus: Corpus | Path, case_id: str, kind: str, body: str, meeting_date: str, release: str | None = None) -> tuple[dict, list[str]]:
    """The brief as a mapping (validated by the drafter's own parser) and notes for the user."""
    if kind not in BRIEF_KINDS:
        raise CaseError(f"kind: {kind!r} must be one of {', '.join(BRIEF_KINDS)}", field="kind")
    try:
        date.fromisoformat(meeting_date)
    except ValueError:
        raise CaseError(f"meeting_date: {meeting_date!r} is not a date YYYY-MM-DD", field="meeting_date") from None
    with rows.opened(corpus) as store:
        case, _ = current(store, case_id)
        links = [_displayed_link(store, item) for item in rows.links(store, case_id)]
        backers = _backers(store, case, links)
        precedent = _precedent(store, case)
    if not case.delegation:
        raise CaseError(f"delegation: case {case_id} names no delegation; add `delegation: Member` to the case and `case edit`")
    if not case.imposing_member or not case.measure:
        raise CaseError(f"case {case_id}: a brief needs the imposing Member and the measure (this copy was shared without them)")
    notes: list[str] = []
    quoted = [item for item in links if item["present"] and item["role"] in QUOTED_ROLES and item["paragraph"]]
    restricted = [item for item in quoted if is_restricted_source(item["paragraph"])]
    release = release or ("restricted" if restricted else "public")
    if release == "public" and restricted:
        notes.append("left out (RESTRICTED, and the brief is for public release): " + "; ".join(i["current_citation"] for i in restricted))
        quoted = [item for item in quoted if item not in restricted]
    points, support = _points(case, quoted, precedent)
    brief: dict = {
        "kind": "tpr-statement" if kind == "tpr-questions" else kind,
        "release": release,
        "delegation": {"member": case.delegation},
        "meeting": {"body": body, "date": meeting_date, "agenda_item": case.title},
        "title": case.title,
        "measure": {
            "imposing_member": case.imposing_member, "description": case.measure,
            "products": [p.name for p in case.products], "hs_codes": [p.hs for p in case.products if p.hs],
            "provisions": case.provisions,
        },
        "points": points,
        "support": support,
    }
    if kind == "joint-statement":
        co_sponsors = [m for m in case.affected_members if m != case.delegation]
        if not co_sponsors:
            raise CaseError(f"kind: a joint statement needs co-sponsors, and case {case_id} names no Member affected besides {case.delegation}",
                            field="kind")
        brief["delegation"].update(co_sponsors=co_sponsors, suggest_co_sponsors=5)
    if kind == "tpr-questions":
        brief["member_under_review"] = case.imposing_member
        brief["questions"] = _questions(case, links)
    if backers:
        notes.append("Members who backed similar concerns (co-sponsors to consider): "
                     + "; ".join(f"{member} ({', '.join(cites)})" for member, cites in backers.items()))
    parse_brief(brief, f"brief for case {case_id}")  # the drafter's own checks, before anything is written
    return brief, notes


def _points(case: Case, quoted: list[dict], precedent: list[str]) -> tuple[list[str], list[dict]]:
    delegation, imposing = _prose(case.delegation, start=True), _prose(case.imposing_member)
    points = [f"{delegation} raises its concern about the following measure of {imposing}: {case.measure.rstrip('.')}."]
    if case.products or case.affected_members:
        affected = citation_style.joined([_prose(m) for m in case.affected_members]) if case.affected_members else "other Members"
        points.append(f"The measure affects exports of {_products(case) or 'goods'} from {affected}.")
    if case.dates.get("in_force"):
        points.append(f"The measure has applied since {citation_style.long_date(case.dates['in_force'])}"
                      + (f" and was lifted on {citation_style.long_date(case.dates['lifted'])}." if case.dates.get("lifted") else "."))
    support = []
    for item in sorted(quoted, key=lambda link: link["date"] or ""):
        paragraph = item["paragraph"]
        where = f"in the {paragraph['body']}" if paragraph.get("body") else "in an earlier meeting"
        if item["role"] == "reply":
            points.append(f"{_prose(case.imposing_member, start=True)} replied {where} on {_month(paragraph['date'])}.")
        else:
            points.append(f"The matter was raised {where} on {_month(paragraph['date'])}.")
        support.append({"citation": item["current_citation"], "use": "quote", "point": len(points)})
    points += precedent
    return points, support


def _precedent(store: Store, case: Case) -> list[str]:
    """For each provision at stake, up to three disputes whose request cites it (when the registry is loaded)."""
    from ..enrich.provisions import ancestors

    lines = []
    if store.dispute_count() == 0:
        return lines
    for key in case.provisions:
        found = store.disputes(provision=key, articles=tuple(ancestors(key)))[:3]
        if found:
            names = [f"{row['ds']} ({row['short_title'] or row['title']})" for row in found]
            lines.append(f"{provision_label(key)} has been invoked in earlier disputes, among them {citation_style.joined(names)}.")
    return lines


def _backers(store: Store, case: Case, links: list[dict]) -> dict[str, list[str]]:
    """Who backed the case's Members in the meetings linked to the case (support relations)."""
    symbols = sorted({item["paragraph"]["symbol"] for item in links if item["paragraph"]})
    wanted = set(case.members()) | ({case.delegation} if case.delegation else set())
    found: dict[str, list[str]] = {}
    for symbol in symbols:
        for row in store.connection.execute(
            "SELECT r.supporter, r.supported, d.symbol, p.label FROM relations r JOIN paragraphs p ON p.id = r.paragraph_id"
            " JOIN documents d ON d.id = p.document_id WHERE d.symbol = ? ORDER BY p.seq", (symbol,)):
            if row["supported"] in wanted and row["supporter"] not in wanted:
                cites = found.setdefault(row["supporter"], [])
                if f"{row['symbol']}, para. {row['label']}" not in cites:
                    cites.append(f"{row['symbol']}, para. {row['label']}")
    return found


def _questions(case: Case, links: list[dict]) -> list[dict]:
    imposing, topic = _prose(case.imposing_member), _TOPIC_OF.get(case.measure_type, "the measure")
    section = TPR_SECTIONS[_SECTION_OF.get(case.measure_type, 4)]
    products = _products(case) or "the goods concerned"
    questions = [
        (section, f"Could {imposing} describe its {topic} as they apply to {products}, and indicate the legal basis, "
                  f"publication and date of entry into force of the measure described as: {case.measure.rstrip('.')}?", None),
        (section, f"Has {imposing} notified this measure to the WTO? If not, when does it intend to do so?", None),
    ]
    if case.affected_members:
        questions.append((TPR_SECTIONS[0], f"Could {imposing} provide figures on its imports of {products} from "
                          f"{citation_style.joined([_prose(m) for m in case.affected_members])} over the last three years?", None))
    if case.provisions:
        labels = citation_style.joined([provision_label(key) for key in case.provisions])
        questions.append((TPR_SECTIONS[1], f"How does {imposing} ensure that the measure is consistent with {labels}?", None))
    for item in links:
        if item["role"] == "reply" and item["present"]:
            questions.append((section, f"In its reply recorded in {item['current_citation']}, {imposing} addressed this concern. "
                                       "Could it update Members on any change since then?", item["current_citation"]))
    ordered = sorted(questions, key=lambda q: TPR_SECTIONS.index(q[0]))
    return [{"section": s, "question": q, **({"citation": c} if c else {})} for s, q, c in ordered]


def write_brief(brief: dict, notes: list[str], out: Path) -> None:
    import yaml

    out = Path(out)
    if out.suffix.lower() not in (".yaml", ".yml"):
        raise CaseError(f"{out}: the brief is YAML; give a name ending in .yaml")
    header = "".join(f"# {line}\n" for line in ["Brief written by `wto-assist case brief`; draft it with `wto-assist draft`.", *notes])
    text = header + yaml.safe_dump(brief, sort_keys=False, allow_unicode=True, width=100)
    atomic_write_text(out, text)
