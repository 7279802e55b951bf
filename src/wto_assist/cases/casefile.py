"""The case file's library functions: create and edit cases from YAML, list and show them, attach
evidence and links to the WTO record. The CLI (`wto-assist case ...`) and the web app call these.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
from pathlib import Path

from ..corpus import Corpus
from ..draft.brief import CITATION, read_data_file
from ..documents.symbols import SymbolError, normalise_symbol
from ..exports import atomic_write_bytes, write_csv
from ..store import Store
from . import store as rows
from .model import LEVELS, LINK_ROLES, Case, CaseError, case_from_json, measure_types, parse_case

MAX_CASE_BYTES = 1_000_000
MAX_EVIDENCE_BYTES = 200_000_000
DISPUTE = re.compile(r"^\s*DS\s?(\d{1,4})\s*$", re.I)
CONCERN_ID = re.compile(r"^[0-9a-f]{12}$")


def load_case_file(path: Path) -> Case:
    """A case from YAML (or JSON by its suffix); CaseError names the file and field."""
    data = read_data_file(path, "case file", MAX_CASE_BYTES, "a case is a page of YAML", CaseError)
    return parse_case(data, str(path))


def new_case_id(case: Case) -> str:
    """A readable id that stays unique when cases of several delegations meet in one home: the imposing
    Member, the measure type and a random part."""
    stem = re.sub(r"[^a-z0-9]+", "-", case.imposing_member.lower()).strip("-")[:20]
    return f"{stem}-{case.measure_type}-{secrets.token_hex(3)}"


def create_case(corpus: Corpus | Path, case: Case) -> Case:
    with rows.opened(corpus) as store:
        case.id = case.id or new_case_id(case)
        if rows.case_exists(store, case.id):
            raise CaseError(f"id: a case {case.id!r} exists already; edit that case, or give this one another id", field="id")
        rows.add_version(store, case.id, case.to_json())
    return case


def edit_case(corpus: Corpus | Path, case_id: str, case: Case) -> bool:
    """A new local version; False when nothing changed."""
    if case.id and case.id != case_id:
        raise CaseError(f"id: the file is for case {case.id!r}, not {case_id!r}")
    case.id = case_id
    with rows.opened(corpus) as store:
        _require(store, case_id)
        return rows.add_version(store, case_id, case.to_json())


def _require(store: Store, case_id: str) -> None:
    if not rows.case_exists(store, case_id):
        raise CaseError(f"no case {case_id!r} in this corpus (the list of cases names those there are)")


def current(store: Store, case_id: str) -> tuple[Case, list[dict]]:
    """The case as this delegation sees it: its latest local version, else the latest shared copy."""
    _require(store, case_id)
    history = rows.versions(store, case_id)
    local = [v for v in history if v["origin"] == "local"]
    chosen = (local or history)[-1]
    return case_from_json(chosen["data"]), history


def provenance(version: dict) -> str:
    if version["origin"] == "local":
        return f"recorded here on {version['saved_at'][:10]}"
    return f"shared by {version['shared_by']} on {(version['shared_at'] or '')[:10]}"


def list_cases(corpus: Corpus | Path) -> list[dict]:
    with rows.opened(corpus) as store:
        result = []
        for case_id in rows.case_ids(store):
            case, history = current(store, case_id)
            result.append({
                "id": case_id, "title": case.title, "imposing_member": case.imposing_member,
                "affected_members": case.affected_members, "measure_type": case.measure_type, "status": case.status,
                "first_reported": case.dates.get("first_reported"), "versions": len(history),
                "sources": list(dict.fromkeys(provenance(v) for v in history if v["origin"] != "local")),
            })
    return result


def show_case(corpus: Corpus | Path, case_id: str) -> dict:
    """Everything about one case: its fields, versions with their sources, evidence, links with their
    current citations, and the dated timeline."""
    from .timeline import timeline

    with rows.opened(corpus) as store:
        case, history = current(store, case_id)
        links = [_displayed_link(store, link) for link in rows.links(store, case_id)]
        evidence = rows.evidence(store, case_id)
        return {
            "case": case.to_json(),
            "measure_type_label": measure_types()[case.measure_type].label if case.measure_type in measure_types() else case.measure_type,
            "versions": [{key: v[key] for key in ("version", "origin", "shared_by", "shared_at", "saved_at", "content_sha256")}
                         | {"provenance": provenance(v), "data": v["data"]} for v in history],
            "evidence": evidence,
            "links": links,
            "timeline": timeline(store, case, links, evidence, history),
        }


def _displayed_link(store: Store, link: dict) -> dict:
    """A link with the paragraph's current citation (its number may have changed since it was linked)."""
    if DISPUTE.match(link["target"]):
        return dict(link, current_citation=link["target"], present=True, paragraph=None)
    paragraph = store.paragraph_by_uid(link["target"])
    if paragraph is None:
        return dict(link, current_citation=link["citation"], present=False, paragraph=None)
    return dict(link, current_citation=paragraph["citation"], present=True, paragraph=paragraph, date=paragraph["date"] or link["date"])


# --- evidence ---------------------------------------------------------------------------------


def add_evidence(corpus: Corpus | Path, home: Path, case_id: str, file: Path, note: str | None, by: str, level: str = "internal",
                 ingest: bool = False) -> dict:
    """Keep a copy of `file` under home/cases/evidence with its SHA-256, size and type; with `ingest`,
    also put it in the corpus (a notification or other document with a WTO symbol) so it is searchable."""
    file = Path(file)
    if level not in LEVELS:
        raise CaseError(f"level: {level!r} must be one of {', '.join(LEVELS)}", field="level")
    if not file.is_file():
        raise CaseError(f"{file}: no such file")
    size = file.stat().st_size
    if size > MAX_EVIDENCE_BYTES:
        raise CaseError(f"{file}: larger than {MAX_EVIDENCE_BYTES // 1_000_000} MB")
    digest = hashlib.sha256(file.read_bytes()).hexdigest()
    stored = store_evidence_file(home, digest, file.name, file.read_bytes())
    record = {
        "case_id": case_id, "sha256": digest, "name": file.name, "size": size,
        "media_type": mimetypes.guess_type(file.name)[0] or "application/octet-stream", "note": note, "added_by": by,
        "added_at": rows.now(), "level": level, "stored_path": str(stored.relative_to(home)), "ingested_symbol": None,
    }
    warning = None
    with Corpus.borrowed(corpus) as corpus:
        if ingest:
            from ..ingest import ingest_paths

            report = ingest_paths([stored], corpus.db_path)  # the ingest stage writes through its own connection
            if report.ingested:
                record["ingested_symbol"] = report.ingested[0][1]
            elif report.unchanged:
                record["ingested_symbol"] = corpus.store.connection.execute(
                    "SELECT symbol FROM sources WHERE path = ?", (str(stored.resolve()),)).fetchone()[0]
            else:
                reason = report.failed[0][1] if report.failed else (report.ignored[0][1] if report.ignored else "not a document")
                warning = f"{file.name}: kept as evidence but not ingested ({reason})"
        _require(corpus.store, case_id)
        added = rows.add_evidence(corpus.store, record)
    return dict(record, added=added, warning=warning)


def store_evidence_file(home: Path, digest: str, name: str, data: bytes) -> Path:
    """home/cases/evidence/<sha256>/<name>: one folder per content, so equal files are kept once."""
    safe = re.sub(r"[^\w.\- ]+", "_", Path(name).name).strip() or "evidence"
    folder = Path(home) / "cases" / "evidence" / digest
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe
    if not target.exists():
        atomic_write_bytes(target, data)
    return target


# --- links to the WTO record -------------------------------------------------------------------


def resolve_target(store: Store, reference: str) -> dict:
    """What a link points at, from a citation ("G/C/M/990, para. 3"), a paragraph uid, a concern id or
    a dispute ("DS512"): {target, citation, date, concern_id}."""
    reference = reference.strip()
    dispute = DISPUTE.match(reference)
    if dispute:
        number = int(dispute.group(1))
        row = store.connection.execute("SELECT short_title, title, consultations_requested FROM disputes WHERE number = ?", (number,)).fetchone()
        title = f" ({row['short_title'] or row['title']})" if row else ""
        return {"target": f"DS{number}", "citation": f"DS{number}{title}", "date": row["consultations_requested"] if row else None,
                "concern_id": None}
    if CONCERN_ID.match(reference):
        row = store.connection.execute(
            "SELECT p.uid FROM concerns c JOIN paragraphs p ON p.id = c.paragraph_id WHERE c.concern_id = ?", (reference,)).fetchone()
        if row is None:
            raise CaseError(f"CITATION: no concern has the id {reference!r} (the list of concerns gives each one's id)")
        paragraph = store.paragraph_by_uid(row["uid"])
        return {"target": row["uid"], "citation": paragraph["citation"], "date": paragraph["date"], "concern_id": reference}
    if "#" in reference:
        paragraph = store.paragraph_by_uid(reference)
        if paragraph is None:
            raise CaseError(f"CITATION: no paragraph has the key {reference!r}")
        return {"target": reference, "citation": paragraph["citation"], "date": paragraph["date"], "concern_id": None}
    match = CITATION.match(reference)
    if not match:
        raise CaseError(f"CITATION: {reference!r} is not a citation like 'G/C/M/990, para. 3', a concern id or DS###")
    try:
        symbol = normalise_symbol(match.group("symbol"))
    except SymbolError as error:
        raise CaseError(f"CITATION: {error}") from None
    found = store.paragraphs(symbol, match.group("paragraph"))
    if not found:
        what = "no document" if store.document(symbol) is None else f"no para. {match.group('paragraph')} in"
        raise CaseError(f"CITATION: {what} {symbol} in the corpus")
    paragraph = next((p for p in found if p["numbered"]), found[0])
    return {"target": paragraph["uid"], "citation": paragraph["citation"], "date": paragraph["date"], "concern_id": None}


def link(corpus: Corpus | Path, case_id: str, reference: str, role: str, note: str | None = None, shared_by: str | None = None) -> dict:
    if role not in LINK_ROLES:
        raise CaseError(f"as: {role!r} must be one of {', '.join(LINK_ROLES)}", field="as")
    with rows.opened(corpus) as store:
        _require(store, case_id)
        target = resolve_target(store, reference)
        record = dict(target, case_id=case_id, role=role, note=note, added_at=rows.now(), shared_by=shared_by)
        return dict(record, added=rows.add_link(store, record))


# --- the inventory a Member can circulate -------------------------------------------------------

INVENTORY_COLUMNS = ("kind", "id", "title_or_measure", "imposing_member", "affected_or_raised_by", "measure_type", "products",
                     "hs_codes", "status", "first_reported", "where_raised", "tags")


def inventory_rows(corpus: Corpus | Path, level: str = "like-minded", tag: str | None = None) -> list[list]:
    """Cases (only their fields shared at `level`) and the concerns inventory, in one table."""
    from ..concerns import inventory

    table = []
    with Corpus.borrowed(corpus) as corpus:
        store = corpus.store
        for case_id in rows.case_ids(store):
            case, _ = current(store, case_id)
            shared = case.shared(level)
            products = shared.get("products") or []
            where = sorted({link["citation"] for link in rows.links(store, case_id)}) if "links" in shared["sharing"] else []
            table.append(["case", case_id, shared.get("title") or shared.get("measure", ""), shared.get("imposing_member", ""),
                          "; ".join(shared.get("affected_members") or []), shared.get("measure_type", ""),
                          "; ".join(p["name"] for p in products), "; ".join(p["hs"] for p in products if p["hs"]),
                          shared.get("status", ""), (shared.get("dates") or {}).get("first_reported", ""), "; ".join(where), "case file"])
        for row in inventory(corpus, tag=tag):
            table.append(["concern", row["concern_id"], row["measure"], row["target"], row["raised_by"], "", row["products"] or "",
                          row["hs_codes"] or "", "came back" if row["came_back"] else "raised", row["date"] or "",
                          "; ".join([row["citation"], *row["came_back"]]), "; ".join(row["tags"])])
    return table


def write_inventory(corpus: Corpus | Path, path: Path, level: str = "like-minded", tag: str | None = None) -> int:
    table = inventory_rows(corpus, level, tag)
    write_csv(path, list(INVENTORY_COLUMNS), table)
    return len(table)
