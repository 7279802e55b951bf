"""Treaty provisions: canonical keys, recognition in running text, and roll-up.

A key names an agreement and a provision, e.g. GATT1994:XXI(b)(iii), GATT1994:XXIV:8(b), TBT:2.2,
SCM:3.1, DSU:10.2, WTO:IV:2, ENABLING:2(c). "GATT1994:XXI(b)(iii)" lies within "GATT1994:XXI(b)" and
"GATT1994:XXI", never within "GATT1994:XXII".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import WtoAssistError
from ..quality import fold_text


class ProvisionError(WtoAssistError, ValueError):
    """Text that cannot be read as a provision; the message says why."""


@dataclass(frozen=True)
class Agreement:
    key: str
    title: str
    short: str  # the usual short name, as in "Article XX of the GATT 1994"


@dataclass(frozen=True)
class Mention:
    key: str
    start: int
    end: int
    text: str


_ROMAN = r"[IVXL]+"
_ARABIC = r"\d{1,3}(?:\.\d{1,3})*"
_SUB = r"(?:\s?\((?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\))"
# One provision reference: article, optional ":paragraph", optional "(b)(iii)" subdivisions.
# ":8" paragraph, or ":B" section (Article XVIII:B of the GATT).
_REF = rf"(?:{_ROMAN}(?:\s?bis)?|{_ARABIC})(?::(?:\d{{1,2}}(?:\.\d{{1,2}})?|[A-D](?![A-Za-z])))?{_SUB}*"
_REF_OR_SUB = rf"(?:{_REF}|{_SUB}+)"
_JOINER = r"\s*(?:,\s*(?:and|or)\s+|,|\s+and\s+|\s+or\s+|\s+to\s+|\s+through\s+|\s*[-–]\s*)\s*"
_FOOTNOTE = r"(?:(?<=[IVXL)])\d{1,3})?"  # "Article XXI12 of": a footnote marker glued to the reference
_ARTICLES = r"(?:Articles?|Arts?\.)"


@lru_cache(maxsize=1)
def _agreements() -> tuple[dict[str, Agreement], dict[str, str], re.Pattern]:
    """Agreements by key, agreement key by folded name, and a pattern matching any name."""
    by_key: dict[str, Agreement] = {}
    by_name: dict[str, str] = {}
    names: list[str] = []
    source = resources.files("wto_assist").joinpath("data/agreements.tsv").read_text(encoding="utf-8")
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, title, variants = line.split("\t")
        by_key[key] = Agreement(key, title, variants.split("|")[0])
        for name in [key, title, *variants.split("|")]:
            by_name.setdefault(fold_text(name), key)
            names.append(name)
    alternatives = []
    for name in sorted(set(names), key=len, reverse=True):
        escaped = re.escape(name).replace(r"\ ", r"\s+")
        alternatives.append(escaped if name.upper() == name else f"(?i:{escaped})")
    pattern = re.compile(r"(?:the\s+)?(?P<agreement>" + "|".join(alternatives) + r")(?:\d{1,3})?(?![\w-])")
    return by_key, by_name, pattern


def agreement_key(name: str) -> str | None:
    """The key of an agreement name; "Subsidies and Countervailing Measures (SCM)" also tries "SCM"."""
    by_name = _agreements()[1]
    key = by_name.get(fold_text(name))
    abbreviation = re.fullmatch(r"(.+?)\s*\((\w+)\)\s*", name or "")
    if key is None and abbreviation:
        key = by_name.get(fold_text(abbreviation.group(1))) or by_name.get(fold_text(abbreviation.group(2)))
    return key


def agreement_keys() -> list[str]:
    """Every agreement key of data/agreements.tsv ("GATT1994", "DSU", "TBT" …)."""
    return list(_agreements()[0])


def agreement(key: str) -> Agreement | None:
    return _agreements()[0].get(key)


def agreement_names() -> re.Pattern:
    """A pattern finding any agreement name; its group "agreement" is the name as written."""
    return _agreements()[2]


def _agreement_pattern() -> str:
    return _agreements()[2].pattern


# --- keys -------------------------------------------------------------------------------------

_KEY = re.compile(
    r"^(?P<agreement>[A-Z0-9]+)(?::(?P<article>[IVXL]+(?:bis)?|\d+(?:\.\d+)*|Annex\w*|Part[IVX]+)"
    r"(?::(?P<paragraph>\d+(?:\.\d+)?|[A-D]))?(?P<subs>(?:\([a-z0-9]+\))*))?$",
    re.I,
)


def normalise_key(text: str) -> str:
    """"gatt1994:xxi(B)(iii)" -> "GATT1994:XXI(b)(iii)"; raises ProvisionError for anything else."""
    compact = re.sub(r"\s+", "", text or "")
    # Words ("Article XXIV of GATT", "GATT Article XXIV") are read as a citation, compact text as a key.
    match = None if re.search(r"\s|Art", (text or "").strip()) else _KEY.match(compact)
    if not match:
        written = _lawyer_form(text or "")
        if written:
            return written
        found = find_provisions(text or "")
        if len(found) == 1:
            return found[0].key
        raise ProvisionError(
            f"{text!r} is not a provision key (e.g. GATT1994:XXI(b)(iii), TBT:2.2) or a citation such as 'Article XXI of the GATT 1994'"
        )
    agreement_part = match["agreement"].upper()
    if agreement_part not in _agreements()[0]:
        known = ", ".join(sorted(_agreements()[0]))
        raise ProvisionError(f"{text!r}: unknown agreement {match['agreement']!r} (one of {known})")
    article = match["article"]
    if article is None:
        return agreement_part  # the whole agreement, e.g. ENABLING
    if re.fullmatch(r"[ivxl]+(?:bis)?", article, re.I):
        article = article[:-3].upper() + "bis" if article.lower().endswith("bis") else article.upper()
    elif article.lower().startswith(("part", "annex")):
        article = article[0].upper() + article[1:4].lower() + article[4:].upper() if article.lower().startswith("part") else "Annex" + article[5:]
    key = f"{agreement_part}:{article}"
    if match["paragraph"]:
        key += f":{match['paragraph'].upper()}"
    return key + (match["subs"] or "").lower()


# How lawyers write a provision in a search box: "GATT XXI", "Art. XXI GATT", "Article XXI(b)(iii) GATT",
# "GATT 1994 Art. XXI:b" (":b" is subparagraph (b)), "TRIPS 73", "GATS Art. XIV bis".
_WRITTEN_REF = r"(?P<ref>(?:[IVXL]+(?:\s?bis)?|\d{1,3}(?:\.\d{1,3})*)(?::(?:\d{1,2}(?:\.\d{1,2})?|[A-Da-d]|[a-z]{1,2}))?(?:\s?\([a-z0-9]{1,5}\))*)"
_WRITTEN_ARTICLE = r"(?:(?:Articles?|Arts?\.?)\s*)"


def _lawyer_form(text: str) -> str | None:
    """The key of a provision written name-first or article-first without "of", else None."""
    text = re.sub(r"\s+", " ", text.strip())
    for pattern in (rf"(?P<name>.+?)\s+{_WRITTEN_ARTICLE}?{_WRITTEN_REF}",
                    rf"{_WRITTEN_ARTICLE}{_WRITTEN_REF}\s+(?:(?:of|in|under)\s+)?(?:the\s+)?(?P<name>.+?)"):
        match = re.fullmatch(pattern, text, re.I)
        if not match:
            continue
        agreement_part = agreement_key(re.sub(r"^the\s+", "", match["name"], flags=re.I))
        if agreement_part is None:
            continue
        reference = re.sub(r"\s+", "", match["ref"])
        # "XXI:b" and "XXI:b(iii)": a lower-case letter after the colon is a subparagraph, "XVIII:B" a Section.
        reference = re.sub(r":([a-z]{1,2})(?=\(|$)", r"(\1)", reference)
        if agreement_part not in ROMAN_NUMBERED and re.fullmatch(r"[IVXL]+.*", reference) and not reference.endswith("bis"):
            continue  # "TBT XXI" is no provision: the TBT Agreement numbers its articles in Arabic
        try:
            return _key(agreement_part, reference)
        except ProvisionError:
            return None
    return None


def ancestors(key: str) -> list[str]:
    """Keys a provision rolls up to, nearest first: GATT1994:XXI(b)(iii) -> XXI(b), XXI, the GATT 1994."""
    result = []
    current = key
    while True:
        # Drop the last "(b)", the ":8" paragraph of a Roman-numbered article, or the ".2" of "2.2".
        parent = re.sub(r"\([a-z0-9]+\)$|(?<=[IVXL]):(?:\d+(?:\.\d+)?|[A-D])$|(?<=\d)\.\d+$", "", current)
        if parent == current or parent.endswith(":"):
            break
        result.append(parent)
        current = parent
    agreement_part = key.split(":", 1)[0]
    if agreement_part != key and agreement_part not in result:
        result.append(agreement_part)
    return result


def is_within(key: str, parent: str) -> bool:
    return key == parent or parent in ancestors(key)


def _key(agreement_key_: str, reference: str) -> str:
    reference = re.sub(r"\s+", "", reference)
    return normalise_key(f"{agreement_key_}:{reference}")


# --- references and lists ---------------------------------------------------------------------


def _expand_list(text: str) -> list[str]:
    """ "I, II and XIII" / "2.1-2.3" / "XX(b) and (g)" / "I to III" -> individual references."""
    parts = re.split(rf"({_JOINER})", text)
    references: list[str] = []
    previous_joiner = ""
    for part in parts:
        if re.fullmatch(_JOINER, part):
            previous_joiner = part.strip()
            continue
        part = part.strip()
        if not part:
            continue
        if part.startswith("(") and references:
            base = re.sub(rf"{_SUB}+$", "", references[-1])
            part = base + part
        if previous_joiner in ("to", "through", "-", "–") and references:
            references.extend(_range(references[-1], part)[1:])
        else:
            references.append(part)
        previous_joiner = ""
    return references


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman_to_int(text: str) -> int:
    total = 0
    for char, following in zip(text, text[1:] + " "):
        value = _ROMAN_VALUES[char]
        total += -value if following != " " and _ROMAN_VALUES[following] > value else value
    return total


def _int_to_roman(number: int) -> str:
    result = ""
    for value, numeral in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            result += numeral
            number -= value
    return result


def _range(first: str, last: str) -> list[str]:
    """Expand "I".."III", "2.1".."2.3", "XXIV:5".."XXIV:8" (the last component varies)."""
    if re.fullmatch(_ROMAN, first) and re.fullmatch(_ROMAN, last):
        low, high = _roman_to_int(first), _roman_to_int(last)
        if 0 < high - low < 40:
            return [_int_to_roman(n) for n in range(low, high + 1)]
    head = re.match(r"^(.*[.:])(\d+)$", first)
    if head and re.fullmatch(r"\d+", last):
        last = head.group(1) + last
    tail = re.match(r"^(.*[.:])(\d+)$", last)
    if head and tail and head.group(1) == tail.group(1):
        low, high = int(head.group(2)), int(tail.group(2))
        if 0 < high - low < 40:
            return [f"{head.group(1)}{n}" for n in range(low, high + 1)]
    if re.fullmatch(r"\d+", first) and re.fullmatch(r"\d+", last) and 0 < int(last) - int(first) < 40:
        return [str(n) for n in range(int(first), int(last) + 1)]
    return [first, last]


# --- recognition in running text ---------------------------------------------------------------


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern]]:
    agreement_name = _agreement_pattern()
    reference_list = rf"(?P<refs>{_REF}{_FOOTNOTE}(?:{_JOINER}{_REF_OR_SUB}{_FOOTNOTE})*)"
    return [
        # paragraph 2 of Article IV of the Marrakesh Agreement
        ("paragraph-of-article", re.compile(
            rf"(?i:paragraphs?|paras?\.)\s+(?P<paragraph>\d{{1,2}}{_SUB}*)\s+(?i:of)\s+{_ARTICLES}\s+(?P<article>{_ROMAN}|{_ARABIC})"
            rf"{_FOOTNOTE}\s+(?i:of)\s+{agreement_name}"
        )),
        # paragraph 2(c) of the Enabling Clause
        ("paragraph-of-agreement", re.compile(
            rf"(?i:paragraphs?|paras?\.)\s+(?P<refs>\d{{1,2}}{_SUB}*(?:{_JOINER}\d{{1,2}}{_SUB}*)*)\s+(?i:of)\s+(?:the\s+)?(?P<agreement>Enabling\s+Clause)"
        )),
        # Article XXI(b)(iii) of the GATT 1994; Articles 3.1 and 3.2 of the SCM Agreement
        ("article-of-agreement", re.compile(
            rf"{_ARTICLES}\s+{reference_list}\s+(?i:of|in|under)\s+{agreement_name}"
        )),
        # GATT Article XXIV:8(b); DSU Article 10.2 (the name is looked for just before "Article", see below)
        ("agreement-article", re.compile(rf"{_ARTICLES}\s+{reference_list}")),
        # the Enabling Clause
        ("enabling-clause", re.compile(r"(?i:the\s+)?(?P<agreement>Enabling\s+Clause)")),
        # Article XXIV (the agreement comes from the paragraph's context, if it names exactly one)
        ("bare-article", re.compile(rf"{_ARTICLES}\s+{reference_list}")),
    ]


@lru_cache(maxsize=1)
def _NAME_BEFORE() -> re.Pattern:  # noqa: N802 - a cached constant
    """An agreement name ending right before "Article" ("GATT Article", "DSU Article")."""
    return re.compile(rf"(?<![\w-]){_agreement_pattern()}\s+$")


def _clean_reference(reference: str) -> str:
    return re.sub(r"(?<=[IVXL)])\d{1,3}$", "", reference.strip())  # drop a glued footnote marker


def find_provisions(text: str) -> list[Mention]:
    """Every provision cited in a passage, canonicalised; lists and ranges expand to each provision."""
    mentions: list[Mention] = []
    taken: list[tuple[int, int]] = []
    named_agreements: set[str] = set()
    bare: list[re.Match] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    has_article = "rticle" in text or "Art." in text or "Arts." in text
    has_enabling = "nabling" in text
    for kind, pattern in _patterns():
        # Cheap gates first: most paragraphs cite no provision, and the name alternations are slow.
        if not (has_enabling if kind in ("enabling-clause", "paragraph-of-agreement") else has_article):
            continue
        for match in pattern.finditer(text):
            if not free(match.start(), match.end()):
                continue
            if kind == "bare-article":
                bare.append(match)
                continue
            start = match.start()
            if kind == "agreement-article":
                before = _NAME_BEFORE().search(text, max(0, start - 120), start)
                if before is None:
                    continue
                name, start = before.group("agreement"), before.start()
            else:
                name = match.group("agreement")
            key_of_agreement = agreement_key(name)
            if key_of_agreement is None:
                continue
            named_agreements.add(key_of_agreement)
            if kind == "paragraph-of-article":
                references = [f"{match['article']}:{match['paragraph']}"]
            elif kind == "enabling-clause":
                references = [None]
            else:
                references = [_clean_reference(r) for r in _expand_list(match.group("refs"))]
            added = False
            for reference in references:
                try:
                    key = key_of_agreement if reference is None else _key(key_of_agreement, reference)
                except ProvisionError:
                    continue
                mentions.append(Mention(key, start, match.end(), text[start : match.end()]))
                added = True
            if added:
                taken.append((start, match.end()))
    if len(named_agreements) == 1:
        only = next(iter(named_agreements))
        for match in bare:
            if not free(match.start(), match.end()):
                continue
            for reference in _expand_list(match.group("refs")):
                try:
                    mentions.append(Mention(_key(only, _clean_reference(reference)), match.start(), match.end(), match.group(0)))
                except ProvisionError:
                    continue
    mentions.sort(key=lambda mention: mention.start)
    return mentions


# --- the dispute tables' "agreements cited" column ----------------------------------------------


# Text the WTO dispute table's scraper left inside the "cited" column (DS71); not a provision.
_TABLE_ARTEFACTS = re.compile(r"^Request for Consultations received:?$", re.I)
# Agreements whose articles the WTO numbers in Roman numerals; the dispute table writes every
# agreement's articles that way ("Technical Barriers to Trade (TBT): II:2" is TBT Article 2.2).
ROMAN_NUMBERED = {"GATT1994", "GATT1947", "GATS", "WTO"}


def _arabic(reference: str) -> str:
    """"II:2" -> "2.2", "V" -> "5", "XII:3(a)" -> "12.3(a)"; other references unchanged."""
    match = re.fullmatch(r"([IVXL]+)(?::(\d+(?:\.\d+)*))?(\(.*\))?", reference)
    if not match:
        return reference
    return str(_roman_to_int(match.group(1))) + (f".{match.group(2)}" if match.group(2) else "") + (match.group(3) or "")


def _cited_groups(item: str) -> list[tuple[str, str]]:
    """(agreement name, references) pairs of one cell item.

    Two layouts occur: "GATT 1994: Art. I, III:4" (name first) and, in cells the table's scraper
    ran together, "Art. I:1, III:4 GATT 1994 Art. 2.1, 2.2 Technical Barriers to Trade (TBT)" or
    "Art. 2, 6.7 of ATC" (references first, then the name)."""
    item = item.strip()
    if not re.match(r"Arts?\.", item):
        name, _, references = item.partition(":")
        return [(name, references)]
    groups = []
    for chunk in re.split(r"\bArts?\.\s*", item):
        if not chunk.strip():
            continue
        name = _agreements()[2].search(chunk)
        if name is None:
            groups.append(("", chunk))
            continue
        groups.append((name.group("agreement"), re.sub(r"\s+of\s*$", "", chunk[: name.start()]).strip(" ,")))
    return groups


def parse_cited(items: list[str]) -> tuple[list[str], list[str], list[str]]:
    """["GATT 1994: Art. I, III:4", ...] -> (keys, unreadable fragments, ignored table artefacts).

    GATT 1947 articles cited in a WTO dispute are those of the GATT 1994, which incorporates them.
    Accession protocols are cited as "Part I, para. 1.2" pairs (key ACCESSION:PartI:1.2); an empty
    reference is no citation, and a truncated one ("GATT 1994 Art.") keeps the agreement and is reported.
    """
    keys: list[str] = []
    problems: list[str] = []
    ignored: list[str] = []
    for item in items:
        for name, references in _cited_groups(item):
            name = name.strip()
            truncated = re.search(r"\s+Arts?\.?$", name)
            if truncated:
                name = name[: truncated.start()]
                problems.append(f"truncated cell {item.strip()!r}: the article is missing")
            if not name:
                if references.strip():
                    problems.append(f"cannot tell which agreement {references.strip()!r} belongs to")
                continue
            key_of_agreement = agreement_key(name)
            if key_of_agreement is None:
                problems.append(f"unknown agreement {name!r}")
                continue
            key_of_agreement = "GATT1994" if key_of_agreement == "GATT1947" else key_of_agreement
            references = re.sub(r"^\s*Arts?\.\s*", "", references.strip())
            if not references.strip(" ,"):
                if key_of_agreement not in keys:
                    keys.append(key_of_agreement)
                continue
            _read_references(name.strip(), key_of_agreement, references, keys, problems, ignored)
    return keys, problems, ignored


def _read_references(name: str, key_of_agreement: str, references: str, keys: list[str], problems: list[str], ignored: list[str]) -> None:
    parts = [part.strip() for part in re.split(r",\s*", references)]
    position = 0
    while position < len(parts):
        reference = parts[position]
        position += 1
        if not reference:
            continue
        if _TABLE_ARTEFACTS.match(reference):
            ignored.append(reference)
            continue
        part = re.fullmatch(r"Part\s+([IVX]+)", reference)
        if part and position < len(parts) and re.fullmatch(r"para\.\s*[\d.]+", parts[position]):
            reference = f"Part{part.group(1)}:{parts[position].split('.', 1)[1].strip()}"
            position += 1
        elif part:
            reference = f"Part{part.group(1)}"
        # "Annex C para. 1(a)" -> AnnexC:1(a)
        reference = re.sub(r"^Annex\s*([A-Z0-9]+)(?:\s+paras?\.\s*)?", lambda m: f"Annex{m.group(1)}" + (":" if m.end() < len(reference) else ""), reference)
        if key_of_agreement not in ROMAN_NUMBERED:
            reference = _arabic(reference)
        try:
            key = _key(key_of_agreement, reference)
        except ProvisionError:
            problems.append(f"{name}: cannot read {reference!r}")
            continue
        if key not in keys:
            keys.append(key)
