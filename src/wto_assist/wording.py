"""How counts read in a sentence, the same in the CLI and on the web pages: "1 dispute", "2 disputes",
"1 summary", "624 summaries", "1 set of minutes". A noun's plural follows the English rules; the few
that do not (and multi-word nouns whose head is not last) are listed."""

from __future__ import annotations

# Plurals that the rules below would get wrong.
_IRREGULAR = {
    "set of minutes": "sets of minutes",
    "set of TPR minutes": "sets of TPR minutes",
    "request for consultations": "requests for consultations",
    "time": "times",
    "entry": "entries",
    "person": "people",
}


def plural(noun: str) -> str:
    """"dispute" -> "disputes", "summary" -> "summaries", "match" -> "matches", "para." -> "paras." (WTO usage)."""
    if noun in _IRREGULAR:
        return _IRREGULAR[noun]
    if noun.endswith("."):  # "para." abbreviated: "paras.", as the WTO writes it
        return noun[:-1] + "s."
    if noun.endswith("y") and len(noun) > 1 and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def counted(count: int, noun: str, several: str | None = None) -> str:
    """"1 dispute", "2 disputes", "1,204 paragraphs"; `several` when the plural is not the noun's own
    ("1 paragraph contains" / "2 paragraphs contain" is two calls of `agreeing`)."""
    return f"{count:,} {noun if count == 1 else (several or plural(noun))}"


def agreeing(count: int, singular_verb: str, plural_verb: str) -> str:
    """The verb that agrees with a count: agreeing(1, "contains", "contain") -> "contains"."""
    return singular_verb if count == 1 else plural_verb
