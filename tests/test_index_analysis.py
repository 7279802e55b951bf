"""The build's fast paths of the lexical analysis give what the regular expressions give (index/analysis.py)."""

from __future__ import annotations

from wto_assist.index.analysis import fold, fold_accents, tokens
from wto_assist.query_parse import parse
from wto_assist.spelling import unknown_words
from wto_assist.quality import fold_text
from wto_assist.store import Store

TRICKY = ["", " ", "S&DT, LDCs' (DFQF)!", "tab\there\x1c\x1f\x0b\x0cend", "under_score a-b a/b", "naïve café – “quoted”",
          "Aid-for-Trade; aid for trade", "the  Committee on Trade and\nDevelopment", "\x00control\x7f", "²³ ½ ß"]


def test_fold_agrees_with_fold_text_on_every_ascii_character_and_the_real_minutes(ctd_db):
    for code in range(128):
        text = f"a{chr(code)}b {chr(code)}"
        assert fold(text) == fold_text(text), repr(text)
    with Store(ctd_db, create=False) as store:
        texts = [text for _, text in store.paragraph_texts()]
    assert len(texts) > 10_000
    for text in TRICKY + texts:
        assert fold(text) == fold_text(text), text


def test_tokenising_in_worker_processes_gives_the_same_tokens_in_the_same_order(ctd_db):
    from wto_assist.index.analysis import tokens
    from wto_assist.index.lexical import CHUNK, tokenised

    with Store(ctd_db, create=False) as store:
        texts = [text for _, text in store.paragraph_texts()][: 2 * CHUNK + 17] + [""]
    assert list(tokenised(iter(texts), len(texts), workers=2, parallel_from=0)) == [tokens(text) for text in texts]


def test_each_thread_stems_with_its_own_stemmer():
    """The web app stems queries from many threads at once; one shared Snowball stemmer raised IndexError."""
    import threading

    from wto_assist.index import analysis

    words = [f"{stem}{suffix}" for stem in ("notif", "negotiat", "implement", "provid", "tariff", "develop")
             for suffix in ("ied", "ies", "ing", "ations", "ed", "ers", "ment", "s")]
    expected = [analysis._snowball().stemWord(word) for word in words]
    found, stemmers = {}, {}

    def stem_all(number: int) -> None:
        stemmers[number] = analysis._snowball()
        found[number] = [[analysis._snowball().stemWord(word) for word in words] for _ in range(10)]

    threads = [threading.Thread(target=stem_all, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(stemmer) for stemmer in stemmers.values()} | {id(analysis._snowball())}) == 9
    assert all(rounds == [expected] * 10 for rounds in found.values())


def test_a_word_with_accented_letters_is_one_token_typed_with_or_without_its_accents():
    for written, plain in [("Türkiye", "Turkiye"), ("Côte d’Ivoire", "Cote d'Ivoire"), ("Cancún", "Cancun"), ("İstanbul", "Istanbul"),
                           ("développement", "developpement"), ("Perú", "Peru"), ("ﬁnance", "finance")]:
        assert tokens(written) == tokens(plain) and len(tokens(plain)) == len(plain.replace("’", "'").split(" ")), written
        assert [concept.term for concept in parse(written).concepts] == tokens(written)  # the query's concepts, as indexed
    assert tokens("Côte d'Ivoire") == ["cote", "ivoir"] and fold_accents("plain ASCII") == "plain ASCII"
    # letters NFKD keeps whole, as typed without them (index format 9; before, "œuvre" was "uvre", "Straße" "stra")
    for written, plain in [("mise en œuvre", "mise en oeuvre"), ("Straße", "Strasse"), ("Łódź", "Lodz"), ("Diyarbakır", "Diyarbakir"),
                           ("Færøerne", "Faeroerne"), ("ŒUVRE", "OEUVRE"), ("Azərbaycan", "Azerbaycan")]:
        assert tokens(written) == tokens(plain) and len(tokens(written)) == len(plain.split()), written
    # the spelling check reads the accented word whole (before format 8: "rkiye", unknown)
    assert unknown_words("Türkiye Cancún", lambda word: bool(tokens(word)) and tokens(word)[0] in {"turkiy", "cancun"}) == []


def test_a_letter_typed_apart_is_found_and_marked_whole_either_way():
    """"mise en oeuvre" typed on a keyboard without "œ" meets the paragraph's "œuvre" (one term since index format 9)
    and the page marks the word as the paragraph writes it; and the other way round."""
    from wto_assist.highlight import QueryWords

    text = "La mise en œuvre du Traitement spécial; la Straße; Diyarbakır."
    marked = lambda query: [text[start:end] for start, end in QueryWords(query).spans(text)]  # noqa: E731
    assert marked("oeuvre strasse diyarbakir") == ["œuvre", "Straße", "Diyarbakır"]
    assert marked("œuvre") == ["œuvre"] and QueryWords("Œuvre").spans("oeuvre") == [(0, 6)]
