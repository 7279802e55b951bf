"""Negotiating groups and their Members (a table like ../shared/data/negotiating-groups.csv), kept in
the store so that coalitions can say which groups a Member belongs to."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import WtoAssistError
from .. import members
from ..store import Store


class GroupsError(WtoAssistError):
    """A groups table that cannot be read at all; the message names the file."""


@dataclass
class GroupsReport:
    pairs: int = 0
    groups: int = 0
    notes: list[tuple[int, str]] = field(default_factory=list)  # line, what was kept as written or skipped


def group_name(written: str) -> str:
    """The group's name as the minutes use it: "Least-developed countries (LDCs)" -> LDC Group,
    "African group" -> African Group; a group wto-assist does not know keeps its own name."""
    for candidate in (written, *re.findall(r"\(([^)]+)\)", written), re.sub(r"\s*\([^)]*\)", "", written)):
        actor = members.lookup(candidate.strip())
        if actor is not None and actor.kind == "group":
            return actor.name
    return written.strip().replace("“", "\"").replace("”", "\"")


def load_groups(path: Path, db_path: Path) -> GroupsReport:
    """Replace the stored group memberships with those of a CSV with columns group, member."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise GroupsError(f"{path}: cannot read the groups table ({error})") from error
    if not rows or not {"group", "member"} <= set(rows[0]):
        raise GroupsError(f"{path}: expected a CSV with the columns group and member")
    report = GroupsReport()
    pairs = set()
    for line, row in enumerate(rows, 2):
        group, member = (row.get("group") or "").strip(), (row.get("member") or "").strip()
        if not group or not member:
            report.notes.append((line, "empty group or member: skipped"))
            continue
        actor = members.lookup(member)
        if actor is None:
            report.notes.append((line, f"{member!r} is not a Member wto-assist knows: kept as written"))
        pairs.add((group_name(group), actor.name if actor else member))
    with Store(db_path) as store:
        store.replace_group_members(sorted(pairs), str(path.resolve()))
    report.pairs, report.groups = len(pairs), len({group for group, _ in pairs})
    return report
