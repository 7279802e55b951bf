"""A user's own precedent notes: "DS512, GATT1994:XXI: see WT/DS512/R, para. 7.102 – …".

Kept in a table of their own (precedent_notes), which loading a dispute table never touches. A note
points at the paragraph's stable key (uid) when the corpus holds the cited paragraph, so that it shows
the paragraph's current number; the source as the user wrote it is kept for display either way.
"""

from __future__ import annotations

import getpass
import os
import re
from datetime import datetime, timezone
from pathlib import Path

from .errors import WtoAssistError
from .documents.symbols import dispute_number
from .enrich.provisions import is_within, normalise_key
from .store import Store


class NoteError(WtoAssistError, ValueError):
    """A note that cannot be added or removed; the message names the field."""


def _dispute(text: str) -> int:
    try:
        return dispute_number(text)
    except ValueError as error:
        raise NoteError(f"dispute: {text!r} is not a dispute number such as DS512") from error


def _author(author: str | None) -> str:
    if author and author.strip():
        return author.strip()
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):  # no user name in a container
        return "unknown"


def _paragraph_uid(store: Store, source: str) -> str | None:
    """The uid of "WT/DS512/R, para. 7.102" when the corpus holds that paragraph."""
    match = re.fullmatch(r"\s*(?P<symbol>\S.*?),?\s+paras?\.\s*(?P<label>[\w.\[\]]+?)(?:[-–].*)?\s*", source)
    if not match:
        return None
    found = [p for p in store.paragraphs(match["symbol"], match["label"]) if p["numbered"]]
    return found[0]["uid"] if found else None


def add_note(db_path: Path, dispute: str, provision: str, source: str, note: str, author: str | None = None) -> dict:
    number = _dispute(dispute)
    key = normalise_key(provision)
    if not (source or "").strip():
        raise NoteError("source: give the document and paragraph, e.g. 'WT/DS512/R, para. 7.102'", field="source")
    if not (note or "").strip():
        raise NoteError("note: the note is empty", field="note")
    with Store(db_path) as store, store.connection:
        cursor = store.connection.execute(
            "INSERT INTO precedent_notes(number, provision, source, paragraph_uid, note, author, created_at) VALUES (?,?,?,?,?,?,?)",
            (number, key, source.strip(), _paragraph_uid(store, source), note.strip(), _author(author),
             datetime.now(timezone.utc).date().isoformat()),
        )
        note_id = cursor.lastrowid
    return {"id": note_id, "ds": f"DS{number}", "provision": key, "source": source.strip(), "note": note.strip()}


def remove_notes(db_path: Path, dispute: str, provision: str, source: str | None = None) -> int:
    """Remove the notes on this dispute and provision (only those citing `source`, when given)."""
    number, key = _dispute(dispute), normalise_key(provision)
    query, parameters = "DELETE FROM precedent_notes WHERE number = ? AND provision = ?", [number, key]
    if source:
        query += " AND source = ?"
        parameters.append(source.strip())
    with Store(db_path) as store, store.connection:
        removed = store.connection.execute(query, parameters).rowcount
    if not removed:
        raise NoteError(f"no note on DS{number} and {key}" + (f" citing {source!r}" if source else ""))
    return removed


def notes_for(store: Store, key: str) -> list[dict]:
    """Notes on the provision, on one within it, or on one it lies within, oldest first, each with the
    paragraph's current citation (`cited`) when the corpus holds it."""
    rows = store.connection.execute("SELECT * FROM precedent_notes ORDER BY created_at, id").fetchall()
    notes = []
    for row in rows:
        if not (is_within(row["provision"], key) or is_within(key, row["provision"])):
            continue
        note = {"id": row["id"], "number": row["number"], "ds": f"DS{row['number']}", "provision": row["provision"],
                "source": row["source"], "note": row["note"], "author": row["author"], "date": row["created_at"]}
        paragraph = store.paragraph_by_uid(row["paragraph_uid"]) if row["paragraph_uid"] else None
        note["cited"] = paragraph["citation"] if paragraph else row["source"]
        if row["paragraph_uid"] and paragraph is None:
            note["cited"] += " (that paragraph is no longer in the corpus)"
        notes.append(note)
    return notes
