"""Thin command layer: each command parses options, calls one library function, prints text or JSON."""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import click

from . import config
from .documents.symbols import SymbolError, normalise_symbol
from .store import Store, StoreError

DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(path_type=Path), default=None, help="Corpus database (default: $WTO_ASSIST_DB or indexes/corpus.sqlite)."
)


def _db(db_path: Path | None) -> Path:
    return db_path or config.default_db()


def _open(db_path: Path | None) -> Store:
    try:
        return Store(_db(db_path), create=False)
    except StoreError as error:
        raise click.ClickException(str(error)) from error


def _print_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


@click.group()
@click.version_option(package_name="wto-assist")
def main() -> None:
    """Index WTO records, find who said what where, and draft cited statements."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@DB_OPTION
def ingest(paths: tuple[Path, ...], db_path: Path | None) -> None:
    """Ingest files or folders (.txt, .docx, .pdf, .html, .doc) into the corpus database."""
    from .ingest import collect_files, ingest_paths

    files, _, _ = collect_files(paths)
    with click.progressbar(length=len(files), label="Ingesting", file=sys.stderr) as bar:
        report = ingest_paths(paths, _db(db_path), on_file=lambda _path: bar.update(1))
    paragraphs = sum(count for _, _, count in report.ingested)
    click.echo(
        f"{len(report.ingested)} ingested ({paragraphs} paragraphs), {len(report.unchanged)} unchanged, "
        f"{len(report.failed)} failed, {len(report.ignored)} ignored, {len(report.removed)} removed -> {_db(db_path)}"
    )
    for symbol in report.removed:
        click.echo(f"removed {symbol}: its file is no longer in the folder", err=True)
    for path, reason in report.failed:
        click.echo(f"FAILED {path}: {reason}", err=True)
    for path, reason in report.ignored:
        click.echo(f"ignored {path}: {reason}", err=True)
    if not report.ok:
        raise SystemExit(1)


@main.command("list")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_documents(db_path: Path | None, as_json: bool) -> None:
    """List ingested documents (symbol, family, body, date, restricted, paragraphs) and files that failed."""
    with _open(db_path) as store:
        documents = store.documents()
        failures = store.failures()
    if as_json:
        _print_json(documents)
        return
    for document in documents:
        status = "RESTRICTED" if document["restricted"] else "unrestricted"
        click.echo(
            f"{document['symbol']:<24} {document['family']:<26} {document['date'] or '-':<10}  {status:<12} "
            f"{document['paragraphs']:>4} paras  {document['body'] or '-'}"
        )
    click.echo(f"{len(documents)} documents")
    for failure in failures:
        click.echo(f"not ingested: {failure['path']}: {failure['reason']}")


@main.command()
@click.argument("symbol")
@click.option("--para", "label", default=None, help="Paragraph number as printed, e.g. 12 or 7.82.")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of paragraphs.")
def show(symbol: str, label: str | None, db_path: Path | None, as_json: bool) -> None:
    """Print a document, or one paragraph, with citations."""
    try:
        symbol = normalise_symbol(symbol)
    except SymbolError as error:
        raise click.ClickException(str(error)) from error
    with _open(db_path) as store:
        document = store.document(symbol)
        if document is None:
            raise click.ClickException(f"{symbol} is not in the corpus ({_db(db_path)})")
        paragraphs = store.paragraphs(symbol, label)
    if label is not None and not paragraphs:
        raise click.ClickException(f"{symbol} has no paragraph {label}")
    if as_json:
        _print_json(paragraphs)
        return
    status = "RESTRICTED" if document["restricted"] else "unrestricted"
    click.echo(f"{symbol} | {document['body'] or '-'} | {document['family']} | {document['date'] or 'undated'} | {status}")
    agenda = None
    for paragraph in paragraphs:
        if paragraph["agenda_item"] != agenda and paragraph["agenda_item"]:
            agenda = paragraph["agenda_item"]
            click.echo(f"\n== {agenda}")
        who = paragraph["speaker"] or ""
        if paragraph["on_behalf_of"]:
            who += f" (on behalf of {paragraph['on_behalf_of']})"
        marker = "" if paragraph["numbered"] else " (unnumbered)"
        click.echo(f"\n[{paragraph['citation']}{marker}] {who}".rstrip())
        click.echo(textwrap.fill(paragraph["text"], width=100, initial_indent="  ", subsequent_indent="  "))
    if label is None and document["footnotes"]:
        click.echo("\nFootnotes:")
        for number, text in enumerate(document["footnotes"], 1):
            click.echo(f"  {number}. {text}")


INDEX_OPTION = click.option(
    "--index", "index_dir", type=click.Path(path_type=Path), default=None,
    help="Index folder (default: $WTO_ASSIST_HOME/default, i.e. indexes/default).",
)
MODEL_OPTION = click.option("--model", default=None, help="Sentence-transformers model folder (default: $WTO_ASSIST_MODEL or the bundled MiniLM).")


def _index(index_dir: Path | None) -> Path:
    return index_dir or config.default_index()


@main.command()
@DB_OPTION
@INDEX_OPTION
@MODEL_OPTION
@click.option("--no-dense", is_flag=True, help="BM25 only: no model, no vectors.")
def index(db_path: Path | None, index_dir: Path | None, model: str | None, no_dense: bool) -> None:
    """Build (or incrementally update) the BM25 and dense indexes from the corpus database."""
    from .index.build import build_index
    from .index.dense import ModelError

    _open(db_path).close()  # a clear error when the database is missing
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Embedding new windows", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        report = build_index(_db(db_path), _index(index_dir), model=model, with_dense=not no_dense, on_progress=progress)
    except ModelError as error:
        raise click.ClickException(str(error)) from error
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    timings = ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in report.seconds.items())
    click.echo(
        f"indexed {report.rows} paragraphs ({report.windows} windows: {report.encoded} embedded, "
        f"{report.reused} reused) -> {_index(index_dir) / report.version} [{timings}]"
    )


def _filters(body, family, speaker, symbol, date_from, date_to, restricted):
    from .search import Filters

    return Filters(body=body, family=family, speaker=speaker, symbol=symbol, date_from=date_from, date_to=date_to, restricted=restricted)


def _highlight(text: str, query: str) -> str:
    from .index.analysis import tokens

    terms = {term for term in tokens(query) if len(term) > 2}
    if not terms:
        return text
    pattern = re.compile(r"\b(" + "|".join(re.escape(term) for term in sorted(terms, key=len, reverse=True)) + r")\w*", re.I)
    return pattern.sub(lambda match: click.style(match.group(0), bold=True, fg="yellow"), text)


def _open_searcher(db_path: Path | None, index_dir: Path | None, model: str | None):
    from .index.build import IndexMissing
    from .search import Searcher

    try:
        return Searcher(_index(index_dir), _db(db_path), model=model)
    except (IndexMissing, StoreError) as error:
        raise click.ClickException(str(error)) from error


def filter_options(function):
    for option in reversed(
        [
            click.option("--body", default=None, help="WTO body, e.g. 'Trade and Development' (substring)."),
            click.option("--type", "family", default=None, help="Document family, e.g. minutes, panel-report."),
            click.option("--speaker", default=None, help="Member or group speaking (normalised: 'EC' = European Union)."),
            click.option("--symbol", default=None, help="Symbol prefix, e.g. WT/COMTD/M/."),
            click.option("--from", "date_from", default=None, help="Earliest date, YYYY[-MM[-DD]]."),
            click.option("--to", "date_to", default=None, help="Latest date, YYYY[-MM[-DD]]."),
            click.option("--restricted/--no-restricted", default=None, help="Only RESTRICTED, or only unrestricted, documents."),
        ]
    ):
        function = option(function)
    return function


@main.command()
@click.argument("query")
@click.option("--mode", type=click.Choice(["bm25", "dense", "hybrid"]), default=None, help="Default: the best mode by measurement (see README).")
@click.option("--k", default=10, show_default=True, help="Number of results.")
@filter_options
@DB_OPTION
@INDEX_OPTION
@MODEL_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of results.")
def search(query, mode, k, body, family, speaker, symbol, date_from, date_to, restricted, db_path, index_dir, model, as_json):
    """Find paragraphs: citation, speaker, date, agenda item and text."""
    from .index.dense import ModelError
    from .search import SearchError

    searcher = _open_searcher(db_path, index_dir, model)
    try:
        results = searcher.search(query, mode=mode, k=k, filters=_filters(body, family, speaker, symbol, date_from, date_to, restricted))
    except (SearchError, ModelError) as error:
        raise click.ClickException(str(error)) from error
    finally:
        searcher.close()
    if searcher.stale_skipped:
        click.echo(f"warning: {searcher.stale_skipped} results skipped because the corpus changed since indexing; run `wto-assist index`", err=True)
    if as_json:
        _print_json(results)
        return
    if not results:
        click.echo("no results")
    for result in results:
        who = result["speaker"] or "-"
        if result["on_behalf_of"]:
            who += f" (on behalf of {result['on_behalf_of']})"
        restricted_mark = " RESTRICTED" if result["restricted"] else ""
        click.echo(f"{result['rank']}. {result['citation']} | {who} | {result['date'] or 'undated'}{restricted_mark} | score {result['score']:.3f}")
        if result["agenda_item"]:
            click.echo(f"   {result['agenda_item']}")
        click.echo(_highlight(textwrap.indent(textwrap.fill(result["text"], width=100), "   "), query) + "\n")


@main.command("eval")
@click.argument("queries", type=click.Path(exists=True, path_type=Path))
@click.option("--mode", "modes", multiple=True, type=click.Choice(["bm25", "dense", "hybrid"]), help="Repeatable; default: all modes.")
@DB_OPTION
@INDEX_OPTION
@MODEL_OPTION
@click.option("--json", "as_json", is_flag=True)
def evaluate_command(queries, modes, db_path, index_dir, model, as_json):
    """MRR@10, Recall@10, Recall@100 and nDCG@10 per mode on a query file."""
    from .evaluate import QueryFileError, evaluate, load_queries

    try:
        loaded = load_queries(queries)
    except QueryFileError as error:
        raise click.ClickException(str(error)) from error
    searcher = _open_searcher(db_path, index_dir, model)
    modes = list(modes) or ["bm25", "dense", "hybrid"]
    if not searcher.manifest.get("dense"):
        modes = [mode for mode in modes if mode == "bm25"]
    try:
        results = evaluate(searcher, loaded, modes)
    finally:
        searcher.close()
    if as_json:
        _print_json(results)
        return
    names = ["MRR@10", "Recall@10", "Recall@100", "nDCG@10"]
    click.echo(f"{'mode':<8}" + "".join(f"{name:>12}" for name in names) + f"   ({len(loaded)} queries)")
    for mode, metrics in results.items():
        click.echo(f"{mode:<8}" + "".join(f"{metrics[name]:>12.3f}" for name in names))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True)
@click.option("--allow-remote", is_flag=True, help="Required to bind an address other than 127.0.0.1.")
@DB_OPTION
@INDEX_OPTION
@MODEL_OPTION
def serve(host, port, allow_remote, db_path, index_dir, model):
    """Answer search queries over HTTP/JSON with the index and model kept warm."""
    from .serve import make_server

    if host not in ("127.0.0.1", "localhost", "::1") and not allow_remote:
        raise click.ClickException(f"refusing to bind {host}: corpus text may be RESTRICTED; pass --allow-remote to do it anyway")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"WARNING: serving on {host}: anyone who can reach this address can read the corpus", err=True)
    searcher = _open_searcher(db_path, index_dir, model)
    server = make_server(searcher, host, port)
    click.echo(f"serving on http://{host}:{server.server_port}/search?q=... (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        searcher.close()
