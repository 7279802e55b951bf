"""WTO Members, observers and negotiating groups: the one place that knows their names and variants.

The data file (data/members.tsv) states its source. Ingest uses it to normalise speakers; the
entity layer uses the same lexicon to find mentions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .errors import WtoAssistError


@dataclass(frozen=True)
class Actor:
    name: str  # canonical, as the WTO writes it
    kind: str  # member | observer | group


def _fold(text: str) -> str:
    """Case, accent, apostrophe and spacing folding for look-ups ("Côte d’Ivoire" == "cote d'ivoire")."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[_\s]+", " ", text).strip().lower()
    return re.sub(r"^the ", "", text)


@lru_cache(maxsize=1)
def variants_by_actor() -> dict[Actor, list[str]]:
    """Each Member, observer and group with its canonical name and every variant, from data/members.tsv."""
    result: dict[Actor, list[str]] = {}
    source = resources.files("wto_assist").joinpath("data/members.tsv").read_text(encoding="utf-8")
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kind, variants = (line.split("\t") + [""])[:3]
        result[Actor(name, kind)] = [name, *filter(None, variants.split("|"))]
    return result


@lru_cache(maxsize=1)
def _by_code() -> dict[str, Actor]:
    codes: dict[str, Actor] = {}
    source = resources.files("wto_assist").joinpath("data/members.tsv").read_text(encoding="utf-8")
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, kind, _, code_list = (line.split("\t") + ["", ""])[:4]
        for code in filter(None, code_list.split("|")):
            codes[code] = Actor(name, kind)
    return codes


def by_code(code: str) -> Actor | None:
    """The Member or observer of an ISO 3166 alpha-3 code (or the WTO's EEC/CHT), or None."""
    return _by_code().get((code or "").strip().upper())


def codes_of(name: str) -> list[str]:
    """The codes of a Member in data/members.tsv order ("Australia" -> ["AUS"])."""
    actor = lookup(name or "")
    return [code for code, holder in _by_code().items() if holder == actor] if actor else []


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, Actor], re.Pattern]:
    by_variant: dict[str, Actor] = {}
    alternatives: list[str] = []
    for actor, variants in variants_by_actor().items():
        for variant in variants:
            by_variant.setdefault(_fold(variant), actor)
            # Acronyms must match in capitals only: "US" is a Member, "us" is a pronoun.
            escaped = re.escape(variant)
            alternatives.append(escaped if variant.upper() == variant else f"(?i:{escaped})")
    alternatives.sort(key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:(?i:the)\s+)?(?P<name>" + "|".join(alternatives) + r")(?![\w-])")
    return by_variant, pattern


def lookup(name: str) -> Actor | None:
    """The Member, observer or group a name refers to, or None."""
    return _lexicon()[0].get(_fold(name))


def known(name: str | None, groups: bool = True) -> Actor | None:
    """The one Member check: the Member or observer `name` refers to (or group, with `groups`), else None."""
    actor = lookup(name) if name and name.strip() else None
    return actor if actor is not None and (groups or actor.kind != "group") else None


def unknown(name: str | None, groups: bool = True) -> str:
    """The one wording for a name `known` refuses, with what it may have meant; callers put the field
    before it ("member: 'Atlantis' is not a WTO Member, observer or group known to wto-assist")."""
    close = [suggested for suggested in suggestions(name or "") if groups or lookup(suggested).kind != "group"]
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"{name!r} is not {'a WTO Member, observer or group' if groups else 'a WTO Member'} known to wto-assist{hint}"


def require(name: str | None, field: str = "member", groups: bool = True, error: type[WtoAssistError] = WtoAssistError) -> Actor:
    """`known(name)`, or `error` (the caller's kind of WtoAssistError) saying "field: …" with `field` set."""
    actor = known(name, groups)
    if actor is None:
        raise error(f"{field}: {unknown(name, groups)}", field=field)
    return actor


def suggestions(name: str, limit: int = 3) -> list[str]:
    """Members whose name, or a variant of it, is spelled like `name` ("Bangaldesh" -> Bangladesh)."""
    import difflib

    folded = {}
    for actor, variants in variants_by_actor().items():
        for variant in variants:
            folded.setdefault(variant.lower(), actor.name)
    close = difflib.get_close_matches((name or "").strip().lower(), list(folded), n=limit * 3, cutoff=0.75)
    return list(dict.fromkeys(folded[match] for match in close))[:limit]


def canonical(name: str) -> str | None:
    actor = lookup(name)
    return actor.name if actor else None


def match_at(text: str, position: int = 0) -> tuple[Actor, int] | None:
    """The longest Member/group name starting at text[position] (an optional "the " is allowed).

    Returns the actor and the end offset of the match.
    """
    match = _lexicon()[1].match(text, position)
    if not match:
        return None
    return lookup(match.group("name")), match.end()


def find_all(text: str) -> list[tuple[Actor, int, int]]:
    """Every Member/group name in a passage, with its character span."""
    return [(lookup(m.group("name")), m.start(), m.end()) for m in _lexicon()[1].finditer(text)]


def display_name(name: str) -> str:
    """The name a delegate writes in prose: "Korea, Republic of" -> "Korea"; "Hong Kong, China" stays."""
    actor = lookup(name or "")
    if actor is None or "," not in actor.name or actor.name.endswith(", China"):
        return actor.name if actor else (name or "")
    return variants_by_actor()[actor][1]


# Members whose names take the definite article in running text ("requested by the European Union").
_WITH_ARTICLE = re.compile(r"^(?:United|European|Russian|Kyrgyz|Dominican|Slovak|Czech|Central African|Lao|Democratic|Republic)\b"
                           r"|^(?:Philippines|Netherlands|Gambia|Bahamas|Maldives|Solomon Islands|Comoros|Seychelles)$")


def in_prose(name: str) -> str:
    """"European Union" -> "the European Union"; "Korea, Republic of" -> "Korea"."""
    shown = display_name(name)
    return f"the {shown}" if _WITH_ARTICLE.search(shown) else shown
