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


def _aligned(store: Store, gold_path: Path):
    """(gold actor, stored paragraph or None) for gold paragraphs whose speaker is a Member or group."""
    by_symbol: dict[str, list[dict]] = {}
    for line in Path(gold_path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        actor = gold_actor(str(row.get("speaker") or ""))
        if actor is None or actor.kind not in ("member", "group") or not row.get("text"):
            continue
        by_symbol.setdefault(row["symbol"], []).append({**row, "actor": actor})
    for symbol, rows in by_symbol.items():
        ours = [(fold_text(p["text"]), p) for p in store.paragraphs(symbol)]
        for row in rows:
            probe = fold_text(re.sub(r"^\s*\d+\.\s*", "", row["text"]))[:120]
            match = next((p for text, p in ours if probe and (text.startswith(probe) or probe in text)), None)
            yield row["actor"], symbol, match


def speaker_agreement(store: Store, gold_path: Path) -> SpeakerAgreement:
    result = SpeakerAgreement()
    for actor, symbol, match in _aligned(store, gold_path):
        if match is None:
            result.unaligned += 1
            continue
        result.compared += 1
        if match["speaker"] == actor.name:
            result.agreed += 1
            continue
        failure = _failure_class(match, actor.name)
        result.failures[failure] += 1
        result.examples.setdefault(failure, (symbol, actor.name, match["speaker"], match["text"][:160]))
    return result


def member_recall(store: Store, gold_path: Path) -> tuple[int, int, list[tuple[str, str, str]]]:
    """Gold paragraphs whose gold speaker is among the Members/groups the enrich stage found in them.

    Returns (found, compared, misses as (citation, gold speaker, paragraph opening)).
    """
    found = compared = 0
    misses = []
    for actor, _, match in _aligned(store, gold_path):
        if match is None:
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
