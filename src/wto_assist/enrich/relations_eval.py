"""Scoring support relations against hand labels (tests/data/ctd-support-relations-dev.jsonl).

The dev set holds every supporter-supported pair a reader found in the minutes of CTD meetings 1-60,
in sentences that carry a verb of support and name another delegation; pairs compare on (symbol,
supporter, supported). The rules were tuned on meetings 1-40; 41-60 are held out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..store import Store

DEV_SET = Path(__file__).resolve().parents[3] / "tests" / "data" / "ctd-support-relations-dev.jsonl"
TUNED_ON = range(1, 41)


@dataclass
class Score:
    gold: int
    found: int
    correct: int
    missed: list = field(default_factory=list)
    extra: list = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _meeting(symbol: str) -> int | None:
    match = re.fullmatch(r"WT/COMTD/M/(\d+)", symbol)
    return int(match.group(1)) if match else None


def score(store: Store, dev_set: Path, meetings) -> Score:
    wanted = set(meetings)
    gold = set()
    for line in Path(dev_set).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if _meeting(row["symbol"]) in wanted:
            gold.add((row["symbol"], row["supporter"], row["supported"]))
    found = {(r["symbol"], r["supporter"], r["supported"]) for r in store.relations(symbol_prefix="WT/COMTD/M/")
             if _meeting(r["symbol"]) in wanted}
    return Score(len(gold), len(found), len(gold & found), sorted(gold - found), sorted(found - gold))
