"""Measure ingest quality against hand-labelled paragraphs (format of ctd-paragraphs-dev.jsonl).

Gold paragraphs are aligned to stored ones by text (the gold numbering is the labelling team's own
and counts unnumbered lines), then the stored speaker is compared with the gold speaker label.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import members
from .store import Store

# Gold labels abbreviate some names beyond any usage in the documents themselves.
_GOLD_LABEL_QUIRKS = {"trinidad": "Trinidad and Tobago", "african": "African Group", "cote ivoire": "Côte d'Ivoire"}


def fold_text(text: str) -> str:
    """Lower-case, drop punctuation, collapse spacing: the comparison used for passages everywhere."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def gold_actor(label: str) -> members.Actor | None:
    name = label.replace("_", " ").strip()
    quirk = _GOLD_LABEL_QUIRKS.get(name.lower())
    return members.lookup(quirk or name)


# Gold labels for the Chair and the Secretariat, with the role our speaker layer gives them. "Director"
# is left out: the labelling team used it for WTO Directors and the ITC's Executive Director alike.
GOLD_ROLES = {"Chairperson": "chair", "Secretariat": "secretariat", "Deputy": "secretariat"}


@dataclass
class SpeakerAgreement:
    compared: int = 0
    agreed: int = 0
    unaligned: int = 0
    failures: Counter = field(default_factory=Counter)  # failure class -> count
    examples: dict = field(default_factory=dict)  # failure class -> (symbol, gold, ours, text)

    @property
    def rate(self) -> float:
        return self.agreed / self.compared if self.compared else 0.0

    def count(self, agreed: bool, failure: str | None = None, example: tuple | None = None) -> None:
        self.compared += 1
        if agreed:
            self.agreed += 1
            return
        self.failures[failure] += 1
        self.examples.setdefault(failure, example)


@dataclass
class SpeakerReport:
    """Agreement with the gold labels: paragraphs opening a Member's or group's turn, the unnumbered
    continuation blocks inside those gold paragraphs, and the Chair's and Secretariat's roles."""

    members: SpeakerAgreement = field(default_factory=SpeakerAgreement)
    roles: dict[str, SpeakerAgreement] = field(default_factory=dict)
    continuations: SpeakerAgreement = field(default_factory=SpeakerAgreement)


def _aligned(store: Store, gold_path: Path):
    """(gold label, symbol, stored paragraph or None) for gold paragraphs naming a Member, group or role.

    The label is an Actor for Members and groups, a role name ("chair", "secretariat") otherwise.
    """
    by_symbol: dict[str, list[dict]] = {}
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        label = str(row.get("speaker") or "")
        actor = gold_actor(label)
        if actor is not None and actor.kind in ("member", "group"):
            wanted = actor
        elif label in GOLD_ROLES:
            wanted = GOLD_ROLES[label]
        else:
            continue
        if row.get("text"):
            by_symbol.setdefault(row["symbol"], []).append({**row, "wanted": wanted})
    for symbol, rows in by_symbol.items():
        ours = [(fold_text(p["text"]), p) for p in store.paragraphs(symbol)]
        for row in rows:
            probe = fold_text(re.sub(r"^\s*\d+\.\s*", "", row["text"]))[:120]
            match = next((p for text, p in ours if probe and (text.startswith(probe) or probe in text)), None)
            yield row["wanted"], symbol, match
            if match is not None and not isinstance(row["wanted"], str):
                # Unnumbered blocks printed inside the gold paragraph continue its speaker's turn.
                whole = fold_text(row["text"])
                for text, paragraph in ours:
                    if not paragraph["numbered"] and paragraph is not match and len(text) > 40 and text in whole:
                        yield row["wanted"], symbol, {**paragraph, "continuation": True}


def speaker_report(store: Store, gold_path: Path) -> SpeakerReport:
    report = SpeakerReport()
    for wanted, symbol, match in _aligned(store, gold_path):
        if isinstance(wanted, str):
            agreement = report.roles.setdefault(wanted, SpeakerAgreement())
            if match is None:
                agreement.unaligned += 1
            else:
                failure = f"speaker of kind {match['speaker_kind']}" if match["speaker"] else "no speaker found"
                agreement.count(match["speaker_kind"] == wanted, failure, (symbol, wanted, match["speaker"], match["text"][:160]))
            continue
        if match is None:
            report.members.unaligned += 1
            continue
        agreed = match["speaker"] == wanted.name
        failure = None if agreed else _failure_class(match, wanted.name)
        example = (symbol, wanted.name, match["speaker"], match["text"][:160])
        (report.continuations if match.get("continuation") else report.members).count(agreed, failure, example)
    return report


def speaker_agreement(store: Store, gold_path: Path) -> SpeakerAgreement:
    return speaker_report(store, gold_path).members


def member_recall(store: Store, gold_path: Path) -> tuple[int, int, list[tuple[str, str, str]]]:
    """Gold paragraphs whose gold speaker is among the Members/groups the enrich stage found in them.

    Returns (found, compared, misses as (citation, gold speaker, paragraph opening)).
    """
    found = compared = 0
    misses = []
    for actor, _, match in _aligned(store, gold_path):
        if match is None or isinstance(actor, str) or match.get("continuation"):
            continue
        compared += 1
        mentioned = set(store.entity_keys(match["symbol"], match["seq"], ("member", "observer", "group")))
        if actor.name in mentioned:
            found += 1
        else:
            misses.append((match["citation"], actor.name, match["text"][:120]))
    return found, compared, misses


def _failure_class(paragraph: dict, expected: str) -> str:
    if paragraph["speaker"] is None:
        return "no speaker found"
    if paragraph["speaker_inherited"]:
        return "inherited a previous speaker"
    if paragraph["on_behalf_of"] and expected in paragraph["on_behalf_of"]:
        return "gold names the group spoken for"
    if paragraph["speaker_kind"] in ("member", "group"):
        return "a different Member named"
    return f"speaker of kind {paragraph['speaker_kind']}"


@dataclass
class NumberingAgreement:
    """Stored paragraph numbers against the numbers printed in the official documents."""

    compared: int = 0
    agreed: int = 0
    unaligned: int = 0
    by_symbol: dict = field(default_factory=dict)  # symbol -> [agreed, compared, unaligned]
    examples: list = field(default_factory=list)  # (symbol, printed, ours, opening) of disagreements

    @property
    def rate(self) -> float:
        return self.agreed / self.compared if self.compared else 0.0

    @property
    def share_of_gold(self) -> float:
        """Agreed over every gold paragraph, the unaligned ones too: a gold paragraph that no stored paragraph
        starts with (two paragraphs joined, or text the conversion changed) has no pinpoint of its own."""
        total = self.compared + self.unaligned
        return self.agreed / total if total else 0.0


_PRINTED_NUMBER = re.compile(r"^\s*(\d+(?:\.\d+)*)\.?\s+")


def numbering_agreement(store: Store, gold_path: Path, symbols: set[str] | None = None) -> NumberingAgreement:
    """Align each gold paragraph (texts made from the PDFs, `paranum` as printed) to a stored paragraph
    by its opening words, in document order (so that the tenth "It was so agreed." meets the tenth), and
    compare the stored number with the printed one. A gold paragraph with no stored paragraph starting
    with its words counts as unaligned, not as a disagreement."""
    result = NumberingAgreement()
    gold: dict[str, list[dict]] = {}
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("text") and (symbols is None or row["symbol"] in symbols):
            gold.setdefault(row["symbol"], []).append(row)
    for symbol, rows in gold.items():
        ours = [(fold_text(p["text"]), p) for p in store.paragraphs(symbol)]
        tally = result.by_symbol.setdefault(symbol, [0, 0, 0])
        position = 0
        previous = None
        for row in rows:
            if previous is not None and (previous["paranum"], previous["text"]) == (row["paranum"], row["text"]):
                continue  # the dev file holds some meetings twice over, row by row (WT/COMTD/M/29)
            previous = row
            probe = fold_text(_PRINTED_NUMBER.sub("", row["text"], count=1))[:60]
            found = None
            for index in range(position, len(ours)):
                text, paragraph = ours[index]
                # A short paragraph ("It was so agreed.") is found by all its words where the gold text, taken
                # from the PDF, ran on into the heading that follows.
                whole = len(text) >= 20 or len(text) >= 8 and paragraph["text"].rstrip().endswith(".")
                if probe and (text.startswith(probe) or (whole and probe.startswith(text))):
                    found = index
                    break
            if found is None:
                result.unaligned += 1
                tally[2] += 1
                continue
            position = found + 1
            paragraph = ours[found][1]
            agreed = paragraph["paragraph"] == str(row["paranum"])
            result.compared += 1
            tally[1] += 1
            if agreed:
                result.agreed += 1
                tally[0] += 1
            elif len(result.examples) < 200:
                result.examples.append((symbol, str(row["paranum"]), paragraph["paragraph"], paragraph["text"][:80]))
    return result
