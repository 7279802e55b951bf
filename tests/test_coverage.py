"""Coverage said out loud, on the real CTD minutes: what the corpus holds, and for a filter it does not
hold (a Goods Council question, --from 2022), the gap and the fetch command that would fill it."""

import json

from click.testing import CliRunner

from wto_assist.cli import main
from wto_assist.coverage import coverage, gaps_for
from wto_assist.store import Store


def test_coverage_reports_bodies_series_dates_and_counts(ctd_db, shared):
    held = coverage(ctd_db)
    files = len([path for path in (shared / "corpus" / "ctd-minutes").iterdir() if path.is_file() and not path.name.startswith(".")])
    with Store(ctd_db, create=False) as store:
        first, last, count = store.connection.execute("SELECT MIN(date), MAX(date), COUNT(*) FROM documents").fetchone()
    assert held["documents"] == count and count <= files
    [series] = held["series"]
    assert (series["series"], series["body"], series["first"], series["last"]) == ("WT/COMTD/M", "Committee on Trade and Development", first, last)
    assert held["registry"]["disputes"] == 0
    result = CliRunner().invoke(main, ["coverage", "--db", str(ctd_db), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout) == held
    text = CliRunner().invoke(main, ["coverage", "--db", str(ctd_db)]).stdout
    assert "WT/COMTD/M" in text and f"{first} to {last}" in text and "dispute registry: not loaded" in text


def test_gaps_name_what_is_missing_and_how_to_fetch_it(ctd_db):
    held = coverage(ctd_db)["series"][0]
    last_number = int(held["last_symbol"].rsplit("/", 1)[1])
    [goods] = gaps_for(ctd_db, body="Goods Council")
    assert "Council for Trade in Goods" in goods["message"] and goods["fetch"].startswith("wto-assist fetch --range G/C/M/")
    [late] = gaps_for(ctd_db, date_from="2022")
    assert held["last"] in late["message"] and "nothing from 2022" in late["message"]
    assert late["fetch"].startswith(f"wto-assist fetch --range WT/COMTD/M/{last_number + 1}-")
    assert gaps_for(ctd_db, body="CTD", date_from=held["last"][:4]) == []  # held: no gap, no notice
    assert gaps_for(ctd_db, body="Committee on Trade and Development", date_to=held["first"]) == []


def test_search_says_when_the_corpus_does_not_hold_what_a_filter_names(ctd_db, ctd_index, monkeypatch):
    from wto_assist.search import Filters, Searcher

    from .test_corpus import _count_opened

    with _closing(Searcher(ctd_index, ctd_db)) as searcher:
        opened = _count_opened(monkeypatch, Store)  # coverage and its gaps read through the Searcher's connection
        later = searcher.run("technical assistance", filters=Filters(date_from="2022"))
        goods = searcher.run("technical assistance", filters=Filters(body="Goods Council"))
        held = searcher.run("technical assistance", filters=Filters(date_from="2010", date_to="2012"))
    assert opened == []
    assert later.total == 0 and any("wto-assist fetch --range WT/COMTD/M/" in notice for notice in later.notices)
    assert goods.total == 0 and any("Goods" in notice and "wto-assist fetch --range" in notice for notice in goods.notices)
    assert held.total > 0 and not any("wto-assist fetch" in notice for notice in held.notices)


def _closing(searcher):
    import contextlib

    return contextlib.closing(searcher)
