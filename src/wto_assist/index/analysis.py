"""Lexical analysis shared by indexing and querying: tokens plus WTO acronym expansion.

Both sides are expanded the same way, so a paragraph saying "DFQF" and a query saying "duty-free
quota-free" meet on the same terms. Words are stemmed with the Snowball English stemmer (Porter 2):
over the 64 dev and tuning queries it beat the light stemmer (plurals, -ed, -ing) that earlier
measurements on the 21 dev queries alone had preferred (docs/search.md, benchmarks/bench_index.py).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from ..quality import fold_text

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said""".split()
)
_TOKEN = re.compile(r"[a-z0-9]+")
# Accents, as NFKD writes them apart from their letters ("ü" -> "u" + U+0308): the block of the Latin accents.
_ACCENT = re.compile("[\u0300-\u036f]")
# Latin letters without a decomposition (NFKD keeps them), written as keyboards without them write them.
_LETTERS_TYPED_APART = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "ẞ": "SS", "ø": "o", "Ø": "O",
                                      "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "TH",
                                      "ı": "i", "ħ": "h", "Ħ": "H", "ə": "e", "Ə": "E", "ŧ": "t", "Ŧ": "T"})
# Numbered groups are one term however written ("G-90", "G90", "Group of 90" -> g90), so "G-90" never
# meets the "90" of a symbol such as WT/COMTD/W/90.
# The pattern opens with the "G" and looks behind it: one that opened with the look-behind was tried at every
# position of a text (two and a half times as slow on the CTD minutes, the same matches: benchmarks/bench_page_steps.py).
_NUMBERED_GROUP = re.compile(r"[Gg](?<![\w/.-][Gg])(?:-?|roup of )(\d{1,3})(?![\w/]|-\d)")


@lru_cache(maxsize=1)
def _glossary() -> tuple[re.Pattern, dict[str, tuple[str, str]], re.Pattern, dict[str, str]]:
    """One pattern for all acronyms and one for all expansions, with their look-up tables."""
    acronyms: dict[str, tuple[str, str]] = {}  # acronym -> (token, first expansion)
    expansions: dict[str, str] = {}  # folded expansion -> acronym token
    source = resources.files("wto_assist").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        acronym, phrases = line.split("\t")
        token = re.sub(r"[^a-z0-9]", "", acronym.lower())
        folded = [fold_text(phrase) for phrase in phrases.split("|")]
        acronyms[acronym] = (token, folded[0])
        for phrase in folded:
            expansions.setdefault(phrase, token)
    by_length = lambda items: sorted(items, key=len, reverse=True)  # noqa: E731 - longest match first
    acronym_pattern = re.compile(r"(?<![\w&])(" + "|".join(map(re.escape, by_length(acronyms))) + r")s?(?![\w&])")
    expansion_pattern = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, by_length(expansions))) + r")(?!\w)")
    return acronym_pattern, acronyms, expansion_pattern, expansions


def acronym_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, acronym token) for each glossary acronym written in `text` (case-sensitive)."""
    acronym_pattern, acronyms, _, _ = _glossary()
    return [(m.start(), m.end(), acronyms[m.group(1)][0]) for m in acronym_pattern.finditer(text)]


def expansion_spans(folded: str) -> list[tuple[int, int, str]]:
    """(start, end, acronym token) for each glossary expansion in text already passed through fold_text."""
    _, _, expansion_pattern, expansions = _glossary()
    return [(m.start(), m.end(), expansions[m.group(1)]) for m in expansion_pattern.finditer(folded)]


def glossary_forms(token: str) -> tuple[list[str], list[str]]:
    """The acronyms (as written) and folded expansions that stand for one acronym term (stemmed, as indexed: "ldc")."""
    _, acronyms, _, expansions = _glossary()
    return ([acronym for acronym, (own, _) in acronyms.items() if stem(own) == token],
            [phrase for phrase, own in expansions.items() if stem(own) == token])


def numbered_groups(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of each numbered group written in `text` ("G-90" -> "g90")."""
    return [(m.start(), m.end(), f"g{m.group(1)}") for m in _NUMBERED_GROUP.finditer(text)]


def normalise_groups(text: str) -> str:
    """"G-90", "G90" and "Group of 90" written as the single term "G90"."""
    return _NUMBERED_GROUP.sub(lambda match: f"G{match.group(1)}", text)


def expand(text: str) -> str:
    """The text followed by the expansions of its acronyms and the acronyms of its expansions."""
    acronym_pattern, acronyms, expansion_pattern, expansions = _glossary()
    extra = [" ".join(acronyms[match.group(1)]) for match in acronym_pattern.finditer(text)]
    # on the text as its tokens are cut (a PDF's "diﬀerential" is "differential" there, and the expansion's acronym too)
    extra += [expansions[match.group(1)] for match in expansion_pattern.finditer(fold(lowered_and_folded(text)))]
    return f"{text} {' '.join(extra)}" if extra else text


# ASCII punctuation and control characters: what fold_text's [^\w\s] removes from ASCII text.
_ASCII_NON_WORD = str.maketrans({chr(code): " " for code in range(128)
                                 if not (chr(code).isalnum() or chr(code) == "_" or chr(code).isspace())})


def fold(text: str) -> str:
    """fold_text (quality.py), with string methods for ASCII text (most paragraphs): 14 % faster than its
    two Unicode regex passes (tests/test_index_analysis.py checks that both agree)."""
    if text.isascii():
        return " ".join(text.lower().translate(_ASCII_NON_WORD).split())
    return fold_text(text)


@lru_cache(maxsize=1 << 18)  # a corpus repeats its words: each is stemmed once (a third of index build time)
def stem(token: str) -> str:
    """Snowball English stem ("notified" and "notifies" -> "notifi"), cached: the vocabulary is small."""
    return _snowball().stemWord(token)


def word_stem(word: str) -> str:
    """The stem the index holds for a word as written ("Proposals", "Côte"): lower-cased, accents folded, stemmed."""
    return stem(fold_accents(word.lower()))


# A word as highlighting splits a text: letters and digits, accented ones too ("Türkiye", "Côte" are one word each).
WRITTEN_WORD = re.compile(r"[^\W_]+")


def stem_ahead(forms: Iterable[str]) -> None:
    """Stem the words of these written forms now, into stem()'s cache (one per process). A web worker's first
    pages otherwise stem most words of their paragraphs, met for the first time: a third of a fresh page's
    highlighting (docs/scale.md, run 12)."""
    for form in forms:
        for word in WRITTEN_WORD.findall(form):
            word_stem(word)


_STEMMERS = threading.local()


def _snowball():
    """This thread's Snowball stemmer: one stemmer keeps its word and cursor between calls, so the web app's
    threads sharing one raised IndexError under 20 concurrent users (or could return another word's stem)."""
    stemmer = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _STEMMERS.english = snowballstemmer.stemmer("english")
    return stemmer


def light_stem(token: str) -> str:
    """Light suffix stripping (plurals, then -ed/-ing: "notified" -> "notify"): the earlier stemmer, kept
    so that the benchmark can measure it against Snowball."""
    if len(token) > 4 and token.endswith(("ies", "ied")):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("es") and token[-3] in "sxz":
        token = token[:-2]
    elif len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    for suffix in ("ing", "ed"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            token = token[: -len(suffix)]
            if token[-1] == token[-2] and token[-1] not in "lsz":  # "submitted" -> "submit"
                token = token[:-1]
            return token
    return token


def fold_accents(text: str) -> str:
    """Accented letters as their base letters ("Türkiye" -> "Turkiye", "développement" -> "developpement",
    "ﬁ" -> "fi"), and the Latin letters NFKD leaves whole as they are typed without them ("mise en œuvre" ->
    "mise en oeuvre", "Straße" -> "Strasse", "Łódź" -> "Lodz"): the ASCII tokens below then keep a French or Spanish
    word, or a Member's name, whole, where they split it at each such letter ("rkiy", "te ivoir" before index
    format 8; "uvre", "stra e" before format 9). Other characters stay as they are."""
    if text.isascii():
        return text
    return _ACCENT.sub("", unicodedata.normalize("NFKD", text)).translate(_LETTERS_TYPED_APART)


_CAPITALS = re.compile("[A-Z]+")


def lowered_and_folded(text: str) -> str:
    """The text lower-cased, then accents and letters typed apart folded (fold_accents); the capitals a compatibility
    form decomposes into ("™" -> "TM", "ℍ" -> "H") are separators, as the tokens have always taken them: the index,
    the query's concepts and the glossary's expansions all read a text through this one function."""
    lowered = text.lower()
    if lowered.isascii():  # no capital left: only a decomposition writes one
        return lowered
    return _CAPITALS.sub(" ", fold_accents(lowered))


def tokens(text: str, expand_acronyms: bool = True, stemmed: bool = True, stemmer=None) -> list[str]:
    """Lower-case, stemmed word tokens without stopwords; `expand_acronyms=False`, `stemmed=False` and
    another `stemmer` exist only to measure what the glossary and the stemmer are worth."""
    text = normalise_groups(text)
    source = expand(text) if expand_acronyms else text
    # Single letters ("s" of "Egypt's" and "S&DT", "e" of "e-commerce") matched nearly every paragraph.
    words = [token for token in _TOKEN.findall(lowered_and_folded(source)) if len(token) > 1 and token not in STOPWORDS]
    return [(stemmer or stem)(word) for word in words] if stemmed else words
