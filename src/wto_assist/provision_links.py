"""Two small tables the project keeps about provisions, read here:

- parallel provisions (data/parallel-provisions.tsv): GATT XXI ↔ GATS XIV bis ↔ TRIPS 73 and the like, so
  that a question on one provision is offered the others;
- defences recorded in reports (data/provision-defences.tsv): exceptions a respondent invoked, which the
  dispute table (provisions cited in requests for consultations) cannot show.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .enrich.provisions import ancestors, is_within


@dataclass(frozen=True)
class Parallel:
    key: str
    shared: str  # what the provisions share: "security exceptions"
    source: str


@dataclass(frozen=True)
class Defence:
    key: str
    number: int
    invoked_by: str
    source: str


def _rows(name: str) -> list[list[str]]:
    text = resources.files("wto_assist").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def _groups() -> list[tuple[list[str], str, str]]:
    return [(keys.split("|"), shared, source) for keys, shared, source in _rows("parallel-provisions.tsv")]


@lru_cache(maxsize=1)
def _defences() -> list[Defence]:
    return [Defence(key, int(number), who, source) for key, numbers, who, source in _rows("provision-defences.tsv")
            for number in numbers.split("|")]


def parallel_provisions(key: str) -> list[Parallel]:
    """The counterparts of a provision (or of the Article it lies within) in the other agreements."""
    found: list[Parallel] = []
    for candidate in [key, *ancestors(key)]:
        for keys, shared, source in _groups():
            if candidate in keys:
                found += [Parallel(other, shared, source) for other in keys if other != candidate and other not in [p.key for p in found]]
        if found:
            break
    return found


def defences(key: str) -> list[Defence]:
    """Defences invoking the provision or one within it (XXI(b)(iii) is found for XXI)."""
    return [defence for defence in _defences() if is_within(defence.key, key)]
