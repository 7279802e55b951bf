"""The dispute registry: load and validate the WTO dispute tables, kept in the corpus store.

Two formats are read: the CSV of disputes.csv (DS number, title "Respondent — Subject", complainant,
consultation date, status, agreements cited as a Python-style list) and the JSON lines of
disputes-ds1-624.jsonl (adds respondents, short title, third parties by ISO code, a dated status
code and the WTO's summary). Loading both merges them by DS number. A row is never dropped for an
unreadable fragment of its "agreements cited" cell: what can be read is kept and the fragment is
reported with the row's line. The summaries become documents of the corpus (registry/summaries.py),
and the current stage comes from the status code or the summary (registry/status.py).
"""

from __future__ import annotations

import ast
import csv
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from ..errors import NotFoundError, WtoAssistError
from .. import members
from ..documents.symbols import dispute_number
from ..enrich.provisions import agreement_key, agreement_names, parse_cited
from ..store import Store
from .status import current_stage, events, related_disputes
from .summaries import summary_document


class RegistryError(WtoAssistError):
    """A registry file that cannot be read at all."""


def provision_text(store: Store, key: str) -> tuple[str, str]:
    """(the key whose text it is, the treaty text) of a provision, or of the nearest enclosing one that has a
    text of its own (GATT1994:XX(b) -> GATT1994:XX); NotFoundError when its agreement's text is not loaded."""
    from ..enrich.provisions import agreement, ancestors

    for candidate in [key, *ancestors(key)]:
        text = store.legal_text(candidate)
        if text is not None:
            return candidate, text
    code = key.split(":")[0]
    raise NotFoundError(f"no treaty text loaded for {key} ({agreement(code).title}); load the text of {code}"
                        " first (load-legal-text)", field="provision")


@dataclass
class RegistryReport:
    loaded: int = 0
    provisions: int = 0
    summaries: int = 0  # dispute summaries stored as documents
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # line, reason (the row is not loaded)
    unreadable: list[tuple[int, str]] = field(default_factory=list)  # line, fragment (the row is loaded without it)
    notes: list[tuple[int, str]] = field(default_factory=list)  # line, what was ignored or kept as written


def _member(name: str) -> str:
    """Canonical Member name when known ("KOREA, REPUBLIC OF" -> "Korea, Republic of"), else as written."""
    name = (name or "").strip()
    return members.canonical(name) or name


def _members(names: str) -> list[str]:
    """"European Union; France; Lithuania" -> each Member, canonical."""
    return [_member(name) for name in (names or "").split(";") if name.strip()]


def _date(text: str) -> str:
    """"10 JANUARY 1995", "10 January 1995" or "1995-05-03 00:00:00" -> 1995-01-10."""
    for pattern in ("%d %B %Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip().title() if "%B" in pattern else text.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is not like '10 January 1995' or 1995-01-10")


def load_registry(path: Path, db_path: Path, on_line: Callable[[int], None] | None = None) -> RegistryReport:
    """Load a dispute table; `on_line(n)` after each row read (n: its line in the file, for progress)."""
    path = Path(path)
    if not path.exists():
        raise RegistryError(f"{path}: no such file")
    reader = _read_jsonl if path.suffix.lower() in (".jsonl", ".json") else _read_csv
    report = RegistryReport()
    summaries = []
    with Store(db_path) as store:
        for line, row in reader(path, report):
            try:
                dispute, cited, parties = row
                keys, problems, ignored = parse_cited(cited)
            except (ValueError, SyntaxError, KeyError, TypeError) as error:
                report.bad_rows.append((line, str(error)))
                continue
            number = dispute["number"]
            report.unreadable += [(line, f"DS{number}: {problem}") for problem in problems]
            report.notes += [(line, f"DS{number}: ignored {text!r} in the cited column") for text in ignored]
            dispute["source"] = path.name
            summary = dispute.get("summary")
            found = events(summary) if summary else None
            if "status_code" in dispute:
                stage = current_stage(dispute.pop("status_code"), summary)
                dispute.update(stage=stage.stage, stage_date=stage.date, stage_source=stage.source)
            store.save_dispute(dispute, keys, parties, found, related_disputes(summary, number))
            _save_unreadable(store, number, problems)
            if summary:
                date = dispute.get("stage_date") or dispute.get("consultations_requested")
                store.save_document(summary_document(number, summary, date, str(path.resolve()), dispute.get("consultations_requested")))
                summaries.append(f"DS{number} summary")
            report.loaded += 1
            if on_line:
                on_line(line)
            report.provisions += len(keys)
    if summaries:
        from ..enrich import enrich_store

        enrich_store(db_path, summaries)
        report.summaries = len(summaries)
    return report


def _fragment_agreement(problem: str) -> str | None:
    """The agreement an unreadable fragment belongs to ("GATT1994" for "truncated cell 'GATT 1994 Art.'"),
    the name as written when it is no known agreement, None when the fragment names none."""
    if problem.startswith("cannot tell which agreement"):
        return None
    quoted = re.search(r"'([^']*)'", problem)
    written = problem.split(":", 1)[0] if not problem.startswith(("truncated", "unknown")) else (quoted.group(1) if quoted else "")
    name = re.sub(r"\s+Arts?\.?$", "", written.strip())
    key = agreement_key(name) or next((agreement_key(m.group("agreement")) for m in [agreement_names().search(name)] if m), None)
    return ("GATT1994" if key == "GATT1947" else key) if key else name or None


def _save_unreadable(store: Store, number: int, problems: list[str]) -> None:
    """Kept per dispute so that a provision query can flag the dispute instead of dropping it (DS512)."""
    with store.connection:
        store.connection.execute("DELETE FROM dispute_unreadable WHERE number = ?", (number,))
        store.connection.executemany("INSERT INTO dispute_unreadable(number, agreement, fragment) VALUES (?,?,?)",
                                     [(number, _fragment_agreement(problem), problem) for problem in problems])


def _read_csv(path: Path, report: RegistryReport):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        expected = {"title", "complainant", "consultation_requested", "curr_stat", "cited"}
        if not expected <= set(reader.fieldnames or []):
            raise RegistryError(f"{path}: not a dispute table (columns {', '.join(sorted(expected))} expected)")
        for row in reader:
            line = reader.line_num
            try:
                number = dispute_number(row.get("") or row.get("ds") or "")
                title = (row["title"] or "").strip()
                if not title:
                    raise ValueError("empty title")
                respondent = title.split("—")[0].strip() if "—" in title else ""
                complainants = _members(row["complainant"])
                cited = ast.literal_eval(row["cited"]) if (row["cited"] or "").strip() else []
                if not isinstance(cited, list):
                    raise ValueError("cited is not a list")
                dispute = {
                    "number": number,
                    "title": title,
                    "complainant": "; ".join(complainants),
                    "respondent": _member(respondent) if respondent else None,
                    "consultations_requested": _date(row["consultation_requested"]) if row["consultation_requested"] else None,
                    "status": (row["curr_stat"] or "").strip().capitalize() or None,
                }
            except (ValueError, SyntaxError) as error:
                report.bad_rows.append((line, str(error)))
                continue
            parties = [(m, "complainant") for m in complainants] + ([(dispute["respondent"], "respondent")] if respondent else [])
            yield line, (dispute, cited, parties)


def _read_jsonl(path: Path, report: RegistryReport):
    rows = []
    for line, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip():
            continue
        try:
            rows.append((line, json.loads(text)))
        except json.JSONDecodeError as error:
            report.bad_rows.append((line, f"not JSON ({error.msg})"))
    for line, row in rows:
        try:
            number = dispute_number(row["ds"])
            respondents = _members(row.get("respondent") or "")
            complainants = _members(row.get("complainant") or "")
            respondent = "; ".join(respondents)
            title = row.get("title") or ""
            if not title:
                raise ValueError("empty title")
            dispute = {
                "number": number,
                "title": f"{respondent} — {title}" if respondent else title,
                "short_title": (row.get("short_title") or "").strip() or None,
                "complainant": "; ".join(complainants),
                "respondent": respondent or None,
                "consultations_requested": _date(row["consultations_requested"]) if row.get("consultations_requested") else None,
                "summary": row.get("summary") or None,
                "status_code": row.get("status_code") or "",
            }
            cited = [item.strip() for item in (row.get("agreements_cited") or "").split(";") if item.strip()]
            third_parties = []
            for code in row.get("third_parties_iso3") or []:  # the table names third parties by code only
                actor = members.by_code(code)
                if actor is None:
                    report.notes.append((line, f"DS{number}: third party code {code!r} is not a known Member; kept as written"))
                third_parties.append(actor.name if actor else code)
        except (ValueError, KeyError, TypeError) as error:
            report.bad_rows.append((line, str(error)))
            continue
        parties = [(m, "complainant") for m in complainants] + [(m, "respondent") for m in respondents]
        yield line, (dispute, cited, parties + [(m, "third party") for m in third_parties])


def read_legal_text(path: Path) -> dict[str, str]:
    """Headings and texts of a legal-text file in the layout of gatt1994.yaml.

    That layout looks like YAML but is not valid YAML: a heading ("Article XXIV:8(b):") at the start
    of a line, then indented, quoted text with literal "\\n" line breaks.
    """
    entries: dict[str, str] = {}
    heading = None
    lines: list[str] = []

    def close() -> None:
        if heading is not None:
            text = " ".join(line.strip() for line in lines).strip()
            text = text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text
            entries[heading] = re.sub(r"\s*\\n\s*", "\n", text).replace('\\"', '"').strip()

    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line and not line[0].isspace():
            close()
            match = re.fullmatch(r"(Article\s+[^:]+(?::[^:]+)?)\s*:\s*", line)
            if not match:
                raise RegistryError(f"{path}, line {number}: expected a heading such as 'Article XXIV:8(b):'")
            heading, lines = match.group(1).strip(), []
        elif line.strip():
            if heading is None:
                raise RegistryError(f"{path}, line {number}: text before the first 'Article …:' heading")
            lines.append(line)
    close()
    if not entries:
        raise RegistryError(f"{path}: no 'Article …:' headings found")
    return entries


def load_legal_text(path: Path, agreement_key: str, db_path: Path) -> int:
    """Load a legal text (layout of gatt1994.yaml) under an agreement key; returns the provisions loaded."""
    from ..enrich.provisions import ProvisionError, agreement, normalise_key

    agreement_key = agreement_key.strip().upper()
    if agreement(agreement_key) is None:
        raise RegistryError(f"agreement: unknown agreement key {agreement_key!r} (e.g. GATT1994, SPS, TBT)", field="agreement")
    if not Path(path).exists():
        raise RegistryError(f"{path}: no such file")
    texts = {}
    for heading, text in read_legal_text(path).items():
        reference = re.sub(r"^\s*Article\s+", "", heading).strip()
        try:
            texts[normalise_key(f"{agreement_key}:{reference}")] = text
        except ProvisionError as error:
            raise RegistryError(f"{path}: heading {heading!r}: {error}") from error
    with Store(db_path) as store:
        store.save_legal_texts(texts, Path(path).name)
    return len(texts)
