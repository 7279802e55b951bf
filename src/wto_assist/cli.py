"""Thin command layer: each command parses options, calls one library function, prints text or JSON."""

from __future__ import annotations

import contextlib
import json
import textwrap
from pathlib import Path

import click

from . import config, results
from .errors import WtoAssistError, from_storage
from .documents.symbols import normalise_symbol
from .corpus import Corpus
from .progress import Progress
from .results import to_json
from .labels import SAMPLE_LABEL
from .store import Store
from .wording import counted

DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(path_type=Path), default=None,
    help="Corpus database (default: $WTO_ASSIST_DB, else $WTO_ASSIST_HOME/corpus.sqlite).",
)


def _db(db_path: Path | None) -> Path:
    return db_path or config.default_db()


def _corpus(db_path: Path | None, index_dir: Path | None = None, model: str | None = None) -> Corpus:
    """This invocation's corpus (corpus.py), opened on first use and closed by click when the command ends."""
    root = click.get_current_context().find_root()
    if root.obj is None:
        root.obj = root.with_resource(Corpus(_db(db_path), _index(index_dir), model))
    return root.obj


def _open(db_path: Path | None) -> Store:
    """The corpus store of this invocation (a one-line error when the database is missing)."""
    return _corpus(db_path).store


def _print_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


class _OneLineStoreErrors(click.Group):
    """Every error of the library's family (errors.py) is one line from every command, never a traceback:
    a bad brief, an unknown symbol, a database that is read-only, a newer schema or not a corpus, a full disk."""

    def invoke(self, ctx):
        import sqlite3

        try:
            return super().invoke(ctx)
        except WtoAssistError as error:  # the library's one error family (errors.py), translated here once
            raise click.ClickException(_as_option(error, self)) from error
        except (sqlite3.OperationalError, OSError) as error:  # a read-only database, a full disk: errors.from_storage
            said = from_storage(error)
            if said is None:
                raise
            raise click.ClickException(str(said)) from error



def _as_option(error: WtoAssistError, group: click.Group) -> str:
    """The library names a field ("member: …"); the CLI shows the option a user types ("--member: …")."""
    message, field = str(error), error.field
    if field and message.startswith(f"{field}:"):
        option = "--" + field.replace("_", "-")
        if option in _option_names(group):
            return option + message[len(field):]
    return message


def _option_names(command: click.Command) -> set[str]:
    """Every option name of the command and, for a group, of the commands under it."""
    names = {opt for param in command.params for opt in param.opts if opt.startswith("--")}
    for sub in getattr(command, "commands", {}).values():
        names |= _option_names(sub)
    return names


# `wto-assist --help` lists the commands in the order of the pipeline, one line each, under the step they
# belong to (click would sort them alphabetically and cut their docstrings). A command added later and
# not named here is listed at the end with its own docstring's first line.
COMMAND_STEPS = (
    ("Get documents in", (
        ("fetch", "Download WTO documents by symbol from Documents Online"),
        ("ingest", "Read files or folders into the corpus database"),
        ("list", "The documents ingested, and files that failed"),
        ("show", "A document, or one paragraph, with its citation"),
        ("check-numbering", "How each paragraph number was decided; judgement calls"),
        ("restriction", "A document's RESTRICTED status, the rule, your decision"),
        ("enrich", "Mark Members, groups, provisions and disputes again"),
        ("load-disputes", "Load a dispute table into the registry"),
        ("load-groups", "Load negotiating groups and their Members"),
        ("load-legal-text", "Load treaty text by provision"),
        ("index", "Build or update the search index"),
    )),
    ("Search", (
        ("search", "Find paragraphs: citation, speaker, date, text"),
        ("eval", "Score search modes on a query file (MRR@10, recall)"),
        ("serve", "Answer searches over HTTP/JSON on 127.0.0.1"),
        ("web", "The local web app: search, read, precedent, draft"),
    )),
    ("Disputes and precedent", (
        ("disputes", "Disputes by Member, role, provision or stage"),
        ("precedent", "Disputes and paragraphs involving a provision"),
        ("precedent-note", "Keep your own note on a dispute's precedent"),
        ("provision", "Print the treaty text of a provision"),
        ("coverage", "What the corpus and the registry hold"),
    )),
    ("Coalitions, concerns and cases", (
        ("relations", "Who backed whom, with citations"),
        ("coalition", "Who raised a topic or stood with a Member"),
        ("concerns", "Concerns raised about Members' measures"),
        ("tag-concern", "Tag a concern (e.g. coercion)"),
        ("case", "The case file: record a measure and follow it"),
        ("watch", "Report new paragraphs matching a query"),
    )),
    ("Draft", (
        ("draft", "Draft a statement or submission from a brief"),
        ("verify", "Check every quotation of a DOCX against the corpus"),
        ("examples", "List the example briefs, or copy them to edit"),
    )),
)


class PipelineGroup(_OneLineStoreErrors):
    """A click group that lists its commands in pipeline order, grouped by step, one line each."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        ordered = [name for _, commands in COMMAND_STEPS for name, _ in commands if name in self.commands]
        return ordered + sorted(set(self.commands) - set(ordered))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        width = formatter.width - 6 - max(len(name) for name in self.commands)
        listed = set()
        for step, commands in COMMAND_STEPS:
            rows = [(name, summary) for name, summary in commands if name in self.commands and not self.commands[name].hidden]
            listed.update(name for name, _ in commands)
            if rows:
                with formatter.section(step):
                    formatter.write_dl(rows)
        others = [(name, self.commands[name].get_short_help_str(width)) for name in self.list_commands(ctx)
                  if name not in listed and not self.commands[name].hidden]
        if others:
            with formatter.section("Other commands"):
                formatter.write_dl(others)


@click.group(cls=PipelineGroup)
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
    if not _db(db_path).exists():
        Store(_db(db_path)).close()  # a first ingest makes the database; the run then works through one store
    store = _open(db_path)  # this invocation's: ingest, enrich and the watches below share it
    store.require_writable()  # refused before the progress bar starts: the error is the only line
    with Progress(len(files), "Ingesting", "read", "files") as progress:
        report = ingest_paths(paths, store, on_file=lambda _path: progress.advance())
    paragraphs = sum(count for _, _, count in report.ingested)
    click.echo(
        f"{len(report.ingested)} ingested ({counted(paragraphs, 'paragraph')}), {len(report.unchanged)} unchanged, "
        f"{len(report.failed)} failed, {len(report.ignored)} ignored, {len(report.removed)} removed -> {_db(db_path)}"
    )
    for symbol in report.removed:
        click.echo(f"removed {symbol}: its file is no longer in the folder", err=True)
    for path, reason in report.failed:
        click.echo(f"FAILED {path}: {reason}", err=True)
    for path, reason in report.ignored:
        click.echo(f"ignored {path}: {reason}", err=True)
    if report.ingested:  # the case file's watches (cases/watch.py): say which have news, `watch run` reports them
        from .cases.watch import waiting

        for name, count in waiting(_corpus(db_path)).items():
            click.echo(f"watch {name!r}: {counted(count, 'new paragraph')}; see `wto-assist watch run`")
    if report.ingested or report.removed:  # what a newcomer runs next: nothing new is searchable before it
        click.echo(f"Next: `wto-assist index` makes the {counted(len(report.ingested), 'new or changed document')} searchable"
                   " (`--no-dense` for BM25 only, in seconds)")
    if not report.ok:
        raise SystemExit(1)


@main.command()
@click.argument("symbols", nargs=-1)
@click.option("--range", "ranges", multiple=True, help="A meeting series, e.g. WT/COMTD/M/100-120 (repeatable).")
@click.option("--dispute", "disputes", multiple=True, help="A dispute's usual documents: /1, /R, /AB/R, /RW, /AB/RW, /ARB (repeatable).")
@click.option("--lang", "language", type=click.Choice(["en", "fr", "es"]), default="en", show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="Folder for the PDFs (default: $WTO_ASSIST_HOME/documents).")
@click.option("--base-url", default=None, help="The full address of the directdoc endpoint of Documents Online or of a mirror"
              " (default: $WTO_ASSIST_FETCH_BASE_URL or https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx).")
@click.option("--delay", default=1.0, show_default=True, help="Seconds between requests.")
def fetch(symbols, ranges, disputes, language, out, base_url, delay):
    """Download WTO documents by symbol from Documents Online (then `wto-assist ingest` the folder)."""
    from .fetch import FetchError, dispute_symbols, expand_range, fetch_documents, how_to_go_on

    wanted = list(symbols) + [s for r in ranges for s in expand_range(r)]
    tried = [s for d in disputes for s in dispute_symbols(d)]
    if not wanted and not tried:
        raise FetchError("name at least one symbol, --range or --dispute")
    out = out or config.home() / "documents"
    with Progress(len(wanted + tried), "Fetching", "checked", "documents") as progress:  # not all checked are fetched
        started = iter(range(len(wanted + tried)))  # on_symbol comes before each download: the ones before it are done
        report = fetch_documents(wanted + tried, out, language=language, base=base_url, delay=delay,
                                 on_symbol=lambda _symbol: progress.update(next(started)))
        progress.update(len(wanted + tried))
    click.echo(f"{len(report.fetched)} fetched, {len(report.unchanged)} already there, {len(report.missing)} not found, "
               f"{len(report.failed)} failed -> {out}")
    for symbol, reason in report.missing:
        label = "not available" if symbol in set(tried) else "NOT FOUND"
        click.echo(f"{label} {symbol}: {reason}", err=True)
    for symbol, reason in report.failed:
        click.echo(f"FAILED {symbol}: {reason}", err=True)
    if report.fetched:
        click.echo(f"next: wto-assist ingest {out}")
    if report.unreachable:
        raise FetchError(how_to_go_on(report.unreachable))
    named_missing = [symbol for symbol, _ in report.missing + report.failed if symbol not in set(tried)]
    if named_missing or not (report.fetched or report.unchanged):
        raise SystemExit(1)


@main.command("list")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
def list_documents(db_path: Path | None, as_json: bool) -> None:
    """List ingested documents (symbol, family, body, date, restricted, paragraphs) and files that failed."""
    store = _open(db_path)
    documents = store.documents()
    failures = store.failures()
    if as_json:
        _print_json(to_json(results.Document, documents))
        return
    for document in documents:
        status = _status(document)
        click.echo(
            f"{document['symbol']:<24} {document['family']:<26} {document['date'] or '-':<10}  {status:<12} "
            f"{counted(document['paragraphs'], 'para.'):>10}  {document['body'] or '-'}"
            + ("  [illustrative sample]" if document["sample"] else "")
        )
    click.echo(counted(len(documents), "document"))
    from .ingest import shown

    for failure in failures:  # a stored path is the real one: a newline in a name must not forge a line here
        click.echo(f"not ingested: {shown(failure['path'])}: {failure['reason']}")


def _status(document: dict) -> str:
    """RESTRICTED, derestricted (with the date), or unrestricted: the library's label (documents/restriction.py)."""
    from .documents.restriction import restriction_label

    return restriction_label(document)


@main.command()
@click.argument("symbol")
@click.option("--public", "decision", flag_value="public", help="Record that the document is public (e.g. derestricted on request).")
@click.option("--restricted", "decision", flag_value="restricted", help="Record that the document stays RESTRICTED.")
@click.option("--clear", "decision", flag_value="clear", help="Remove a recorded decision: the derestriction rules apply again.")
@click.option("--reason", default=None, help="Why (required with --public or --restricted), e.g. 'derestricted by WT/L/1234'.")
@DB_OPTION
def restriction(symbol: str, decision: str | None, reason: str | None, db_path: Path | None) -> None:
    """Show a document's restriction status and the rule behind it, or record a decision that overrides the rules."""
    from .restriction_decisions import record_decision

    store = _open(db_path)
    symbol = record_decision(store, symbol, decision, reason)  # checks the symbol and the reason (their fields)

    document = store.document(symbol)
    click.echo(f"{symbol}: {_status(document)} ({document['restriction']})")


@main.command()
@click.argument("symbol")
@click.option("--para", "label", default=None, help="Paragraph number as printed, e.g. 12 or 7.82.")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of paragraphs.")
def show(symbol: str, label: str | None, db_path: Path | None, as_json: bool) -> None:
    """Print a document, or one paragraph, with citations."""
    from .reading import read_document

    shown = read_document(_corpus(db_path), symbol, label)
    symbol, document, paragraphs = shown["document"]["symbol"], shown["document"], shown["paragraphs"]
    cited = shown["disputes_cited"] if label is None else []
    if as_json:
        _print_json(to_json(results.Paragraph, paragraphs))
        return
    click.echo(f"{symbol} | {document['body'] or '-'} | {document['family']} | {document['date'] or 'undated'} | {_status(document)}")
    if document["sample"]:
        click.echo(f"  {SAMPLE_LABEL}: written for wto-assist's walkthrough; do not cite it")
    if document["restricted_on_circulation"]:
        click.echo(f"  restriction: {document['restriction']}")
    if document.get("source_url"):
        click.echo(f"  fetched from {document['source_url']} on {document['retrieved_at']} (SHA-256 {document['sha256']})")
    if cited:
        click.echo("  disputes cited (precedent links): " + ", ".join(cited))
    counted = sum(1 for paragraph in paragraphs if paragraph["numbering"] == "counted")
    if counted:
        click.echo(f"  paragraph numbers: {counted} counted as the WTO numbers its paragraphs (the text does not print them;"
                   f" `wto-assist check-numbering {symbol}` lists the judgement calls)")
    agenda = None
    for paragraph in paragraphs:
        if paragraph["agenda_item"] != agenda and paragraph["agenda_item"]:
            agenda = paragraph["agenda_item"]
            click.echo(f"\n== {agenda}")
        who = paragraph["speaker"] or ""
        if paragraph["on_behalf_of"]:
            who += f" (on behalf of {paragraph['on_behalf_of']})"
        marker = _NUMBERING_MARKERS.get(paragraph["numbering"] or "", "")
        click.echo(f"\n[{paragraph['citation']}{marker}] {who}".rstrip())
        click.echo(textwrap.fill(paragraph["text"], width=100, initial_indent="  ", subsequent_indent="  "))
    notes = shown["footnotes"]
    if notes:
        click.echo("\nFootnotes:")
        labels = {paragraph["seq"]: paragraph["paragraph"] for paragraph in paragraphs}
        for note in notes:
            where = f" (called in para. {labels[note['paragraph_seq']]})" if note["paragraph_seq"] in labels else ""
            click.echo(f"  {note['number']}. {note['text']}{where}")


# How `show` says a number was decided; printed numbers need no word (docs/numbering.md).
_NUMBERING_MARKERS = {"within": " (printed inside this paragraph)", "ordinal": " (no printed number)"}


@main.command("check-numbering")
@click.argument("symbol", required=False)
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array, one object per document.")
def check_numbering_command(symbol: str | None, db_path: Path | None, as_json: bool) -> None:
    """Say how each paragraph number was decided and list the judgement calls; exits 1 when there are any."""
    from .numbering import check_numbering

    symbol = normalise_symbol(symbol) if symbol else None
    store = _open(db_path)
    reports = check_numbering(store, symbol)
    if as_json:
        _print_json(to_json(results.NumberingCheck, [report.to_json() for report in reports]))
    else:
        for report in reports:
            kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(report.kinds.items()))
            click.echo(f"{report.symbol}: {kinds}" + (" (stored under an older rule: ingest the file again)" if report.outdated else ""))
            for note in report.notes:
                click.echo(f"  {note['citation']}: {note['note']} — “{note['opening']}…”")
        doubtful = sum(1 for report in reports if not report.certain)
        click.echo(f"{counted(len(reports), 'document')}; {doubtful} with numbers to check by eye against the official document")
    if any(not report.certain for report in reports):
        raise SystemExit(1)


INDEX_OPTION = click.option(
    "--index", "index_dir", type=click.Path(path_type=Path), default=None,
    help="Index folder (default: $WTO_ASSIST_INDEX, else $WTO_ASSIST_HOME/default).",
)
MODEL_OPTION = click.option("--model", default=None, help="Sentence-transformers model folder (default: $WTO_ASSIST_MODEL or the bundled MiniLM).")


def _index(index_dir: Path | None) -> Path:
    return index_dir or config.default_index()


@main.command()
@DB_OPTION
@INDEX_OPTION
@MODEL_OPTION
@click.option("--no-dense", is_flag=True, help="BM25 only: no model, no vectors.")
@click.option("--full", is_flag=True, help="Rebuild everything, merging the documents added since the last full build (otherwise a few added documents go into a small segment).")
def index(db_path: Path | None, index_dir: Path | None, model: str | None, no_dense: bool, full: bool) -> None:
    """Build (or incrementally update) the BM25 and dense indexes from the corpus database."""
    from .index.build import build_index

    store = _open(db_path)  # a clear error when the database is missing; the build reads through this one store
    with contextlib.ExitStack() as shown:
        progress = None

        def embedded(done: int, total: int) -> None:  # the total is known once the build knows the new windows
            nonlocal progress
            if progress is None:
                progress = shown.enter_context(Progress(total, "Embedding new windows", "embedded", "windows"))
            progress.update(done)

        report = build_index(store, _index(index_dir), model=model, with_dense=not no_dense, on_progress=embedded, full=full)
    if report.up_to_date:
        click.echo(f"the index is up to date: nothing ingested or removed since {_index(index_dir) / report.version} ({report.rows} paragraphs)")
        return
    timings = ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in report.seconds.items())
    click.echo(
        f"indexed {counted(report.rows, 'paragraph')} ({report.windows} windows: {report.encoded} embedded, "
        f"{report.reused} reused) -> {_index(index_dir) / report.version} [{timings}]"
    )
    if report.delta is not None:
        click.echo(f"incremental: {counted(report.delta['documents'], 'document')} ({counted(report.delta['rows'], 'paragraph')}) ingested since the last "
                   f"full build indexed as a segment, {report.delta['removed_documents']} removed or replaced; `index --full` merges them")
    if report.query_encoder not in (None, "onnx"):
        click.echo(f"note: queries in dense and hybrid modes will load torch (slower to start): {report.query_encoder}", err=True)


def _filters(options: dict):
    """The search filters from the options of filter_options, by the parameter names the web app and
    `serve` use too (filters.py)."""
    from .filters import Filters

    return Filters.from_params(options)


def _highlight(text: str, query: str) -> str:
    from .highlight import QueryWords

    pieces, position = [], 0
    for start, end in QueryWords(query).spans(text):  # only words that matched the query itself
        pieces += [text[position:start], click.style(text[start:end], bold=True, fg="yellow")]
        position = end
    return "".join(pieces) + text[position:]


def _open_searcher(db_path: Path | None, index_dir: Path | None, model: str | None):
    """This invocation's Searcher (the corpus closes it when the command ends)."""
    return _corpus(db_path, index_dir, model).searcher


def filter_options(function):
    for option in reversed(
        [
            click.option("--body", default=None, help="WTO body, e.g. 'Trade and Development' (substring)."),
            click.option("--type", "type", default=None, help="Document family, e.g. minutes, panel-report."),
            click.option("--speaker", default=None, help="Member or group speaking (normalised: 'EC' = European Union)."),
            click.option("--symbol", default=None, help="Symbol prefix, e.g. WT/COMTD/M/."),
            click.option("--from", "from", default=None, help="Earliest date, YYYY[-MM[-DD]]."),
            click.option("--to", "to", default=None, help="Latest date, YYYY[-MM[-DD]]."),
            click.option("--restricted/--no-restricted", default=None, help="Only RESTRICTED, or only unrestricted, documents."),
            click.option("--member", default=None, help="Member or group named in the paragraph."),
            click.option("--provision", default=None, help="Provision cited, e.g. GATT1994:XXI (sub-provisions included)."),
            click.option("--dispute", default=None, help="Dispute cited, e.g. DS512."),
        ]
    ):
        function = option(function)
    return function


@main.command()
@click.argument("query")
@click.option("--mode", type=click.Choice(["bm25", "dense", "hybrid"]), default=None, help="Default: the best mode by measurement (see docs/search.md).")
@click.option("--k", default=10, show_default=True, help="Number of results per page.")
@click.option("--page", default=1, show_default=True, help="Page of results to show.")
@filter_options
@DB_OPTION
@INDEX_OPTION
@MODEL_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of results (with scores).")
@click.option("--scores", is_flag=True, help="Show each hit's ranking score (relative within one query, not a probability).")
def search(query, mode, k, page, db_path, index_dir, model, as_json, scores, **filters):
    """Find paragraphs: citation, speaker, date, agenda item and text.

    A symbol or citation in QUERY ("WT/COMTD/M/101, para. 12") opens that paragraph first.
    """

    searcher = _open_searcher(db_path, index_dir, model)
    result = searcher.run(query, mode=mode, filters=_filters(filters), page=page, size=k)
    for notice in result.notices:
        from .search import STALE_NOTICE

        click.echo(f"note: {notice}" + ("; run `wto-assist index`" if notice.startswith(STALE_NOTICE) else ""), err=True)
    if searcher.stale_skipped:
        click.echo(f"warning: {counted(searcher.stale_skipped, 'result')} skipped because the corpus changed since indexing; run `wto-assist index`", err=True)
    if as_json:
        _print_json(to_json(results.Hit, result.records))
        return
    if result.total and result.records:
        first = result.records[0]["rank"]
        about = "about " if result.estimated else ""
        click.echo(f"{result.said_total()}; {first}–{first + len(result.records) - 1} shown (page {result.page} of {about}{result.pages:,})")
        if result.words:
            click.echo(result.words.sentence())
    elif result.total:  # every hit on this page is of a paragraph the corpus no longer holds (the index is ahead of it)
        click.echo(f"{result.said_total()} in the index; none on page {result.page} is in the corpus now (run `wto-assist index`)")
    _print_results(result.records, query, scores)


def _print_results(results: list[dict], query: str, scores: bool = False) -> None:
    if not results:
        click.echo("no results")
    for result in results:
        who = result["speaker"] or "-"
        if result["on_behalf_of"]:
            who += f" (on behalf of {result['on_behalf_of']})"
        restricted_mark = (f" {_status(result)}" if result["restricted"] else "") + (" | illustrative sample" if result.get("sample") else "")
        score = f" | score {result['score']:.3f}" if scores and result["score"] is not None else ""
        match = {"similar": " | similar, not matching", "citation": " | cited in the query"}.get(result.get("match"), "")
        click.echo(f"{result['rank']}. {result['citation']} | {who} | {result['date'] or 'undated'}{restricted_mark}{match}{score}")
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
    from .evaluate import evaluate, load_queries

    loaded = load_queries(queries)
    searcher = _open_searcher(db_path, index_dir, model)
    modes = list(modes) or ["bm25", "dense", "hybrid"]
    if not searcher.manifest.get("dense"):
        modes = [mode for mode in modes if mode == "bm25"]
    scores = evaluate(searcher, loaded, modes)
    if as_json:
        from .evaluate import scores_by_mode

        _print_json(to_json(results.ModeScores, scores_by_mode(scores)))
        return
    names = ["MRR@10", "Recall@10", "Recall@100", "nDCG@10"]
    click.echo(f"{'mode':<8}" + "".join(f"{name:>12}" for name in names) + f"   ({len(loaded)} queries)")
    for mode, metrics in scores.items():
        click.echo(f"{mode:<8}" + "".join(f"{metrics[name]:>12.3f}" for name in names))


def _loopback_or_allowed(host: str, allow_remote: bool) -> bool:
    """True for this computer's own address; another is refused without --allow-remote (a CLI usage check
    that `serve` and `web` both make)."""
    if host in ("127.0.0.1", "localhost", "::1"):
        return True
    if not allow_remote:
        raise click.ClickException(f"refusing to bind {host}: the corpus may hold RESTRICTED documents; pass --allow-remote to do it anyway")
    return False


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

    if not _loopback_or_allowed(host, allow_remote):
        click.echo(f"WARNING: serving on {host}: anyone who can reach this address can read the corpus", err=True)
    server = make_server(_corpus(db_path, index_dir, model), host, port)
    click.echo(f"serving on http://{host}:{server.server_port}/search?q=... (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()  # the corpus, and its Searcher, close with the command


@main.command()
@DB_OPTION
def enrich(db_path: Path | None) -> None:
    """Mark Members, groups, provisions, disputes and documents cited in every paragraph (again)."""
    from .enrich import enrich_store

    _open(db_path)
    report = enrich_store(_db(db_path))
    click.echo(f"enriched {counted(report.paragraphs, 'paragraph')}: {counted(report.entities, 'entity')} in {report.seconds:.1f}s; run `wto-assist index` to search them")


@main.command("load-groups")
@click.argument("table", type=click.Path(path_type=Path))
@DB_OPTION
def load_groups_command(table: Path, db_path: Path | None) -> None:
    """Load negotiating groups and their Members (CSV with columns group, member), e.g. negotiating-groups.csv."""
    from .registry.groups import load_groups

    report = load_groups(table, _db(db_path))
    click.echo(f"{counted(report.groups, 'group')}, {counted(report.pairs, 'membership')} loaded, {counted(len(report.notes), 'note')}")
    for line, note in report.notes:
        click.echo(f"{table}, line {line}: note: {note}", err=True)


@main.command("relations")
@click.option("--member", default=None, help="Member or group, as supporter or supported.")
@click.option("--symbol", default="", help="Symbol prefix, e.g. WT/COMTD/M/.")
@click.option("--from", "date_from", default=None, help="Earliest meeting date, YYYY[-MM[-DD]].")
@click.option("--to", "date_to", default=None, help="Latest meeting date, YYYY[-MM[-DD]].")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
def relations_command(member, symbol, date_from, date_to, db_path, as_json) -> None:
    """Who supported, associated with, shared the views of or agreed with whom, with citations."""
    from .coalitions import list_relations

    rows = list_relations(_corpus(db_path), member, symbol, date_from, date_to)
    if as_json:
        _print_json(to_json(results.Relation, rows))
        return
    if not rows:
        click.echo("no relations")
    for row in rows:
        supporter = row["supporter"] + (f" (for the {row['supporter_on_behalf_of']})" if row["supporter_on_behalf_of"] else "")
        supported = row["supported"] + (f" (for the {row['supported_on_behalf_of']})" if row["supported_on_behalf_of"] else "")
        click.echo(f"{row['citation']} | {row['date'] or 'undated'} | {supporter} -> {supported} | {row['relation']} | \"{row['evidence']}\"")


@main.command("coalition")
@click.argument("query", required=False)
@click.option("--member", default=None, help="A Member or group: who backed it and whom it backed.")
@DB_OPTION
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None, help="Also write the lines as CSV.")
def coalition_command(query, member, db_path, index_dir, as_json, csv_path) -> None:
    """For a topic (QUERY): proponents, backers, sceptics and opponents; for a Member (--member): who backed
    it and whom it backed; for both: the Member's part in the topic in plain words. Each with citations."""
    from .coalitions import coalition, write_coalition_csv

    if not query and not member:
        raise click.ClickException("give a QUERY (a topic), --member, or both")
    result = coalition(_corpus(db_path, index_dir), query, member)
    for notice in result.notices:
        click.echo(f"note: {notice}", err=True)
    if csv_path:
        write_coalition_csv(result, csv_path)
    if as_json:
        _print_json(to_json(results.Coalition, result.as_json()))
        return
    click.echo(f"Coalition: {result.subject}")
    for answer in result.answers:
        click.echo(f"- {answer}")
    if not result.lines:
        click.echo("no delegation found")
    for line in result.lines:
        groups = f"; groups: {', '.join(line.groups)}" if line.groups else ""
        whom = f" ({'; '.join(line.whom)})" if line.whom and line.role in ("backer", "backed it") else ""
        click.echo(f"{line.role:>10}: {line.member}{whom} - {counted(line.count, 'paragraph')}, {line.first_date or '?'} to {line.last_date or '?'}{groups}")
        click.echo(f"            {'; '.join(line.citations[:6])}{' …' if len(line.citations) > 6 else ''}")


@main.command("concerns")
@click.option("--member", default=None, help="Member or group that raised the concern.")
@click.option("--target", default=None, help="Member whose measure it is.")
@click.option("--tag", "tag_filter", default=None, help="Only concerns with this tag.")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None, help="Also write the inventory as CSV.")
def concerns_command(member, target, tag_filter, db_path, as_json, csv_path) -> None:
    """The inventory of concerns raised about Members' measures, with replies and later meetings."""
    from .concerns import inventory, write_inventory_csv

    rows = inventory(_corpus(db_path), member, target, tag_filter)
    if csv_path:
        write_inventory_csv(rows, csv_path)
    if as_json:
        _print_json(to_json(results.Concern, rows))
        return
    if not rows:
        click.echo("no concerns")
    for row in rows:
        who = row["raised_by"] + (f" (for the {row['raised_on_behalf_of']})" if row["raised_on_behalf_of"] else "")
        click.echo(f"[{row['concern_id']}] {row['citation']} | {row['date'] or 'undated'} | {who} about {row['target']}: {row['measure']}")
        details = [f"products: {row['products']}" if row["products"] else "", f"HS {row['hs_codes']}" if row["hs_codes"] else "",
                   f"notified in {row['notifications']}" if row["notifications"] else "",
                   f"reply: {row['reply']}" if row["reply"] else "no reply recorded",
                   f"came back: {'; '.join(row['came_back'])}" if row["came_back"] else "", f"tags: {', '.join(row['tags'])}" if row["tags"] else ""]
        click.echo("    " + " | ".join(detail for detail in details if detail))


@main.command("tag-concern")
@click.argument("concern_id")
@click.argument("tag")
@click.option("--remove", is_flag=True, help="Remove the tag instead.")
@DB_OPTION
def tag_concern_command(concern_id, tag, remove, db_path) -> None:
    """Tag a concern (e.g. coercion); tags survive re-ingestion."""
    from .concerns import tag as tag_concern

    tag_concern(_corpus(db_path), concern_id, tag, remove)
    click.echo(f"{'removed' if remove else 'tagged'} {concern_id}: {tag}")


@main.command("load-disputes")
@click.argument("table", type=click.Path(path_type=Path))
@DB_OPTION
def load_disputes(table: Path, db_path: Path | None) -> None:
    """Load a dispute table (CSV like disputes.csv, or JSON lines like disputes-ds1-624.jsonl) into the registry."""
    from .registry import load_registry

    with Progress(_line_count(table), "Loading disputes", "read", "lines") as progress:
        report = load_registry(table, _db(db_path), on_line=progress.update)
    click.echo(
        f"{counted(report.loaded, 'dispute')} loaded ({counted(report.provisions, 'provision citation')}, "
        f"{counted(report.summaries, 'summary')} kept as {'a document' if report.summaries == 1 else 'documents'}), {counted(len(report.bad_rows), 'bad row')}, "
        f"{counted(len(report.unreadable), 'unreadable fragment')}, {counted(len(report.notes), 'note')}"
    )
    for line, reason in report.bad_rows:
        click.echo(f"{table}, line {line}: {reason}", err=True)
    for line, fragment in report.unreadable:
        click.echo(f"{table}, line {line}: unreadable, left out (the rest of the row is loaded): {fragment}", err=True)
    for line, note in report.notes:
        click.echo(f"{table}, line {line}: note: {note}", err=True)
    if report.summaries:
        click.echo("run `wto-assist index` to search the dispute summaries")
    if not report.loaded:
        raise SystemExit(1)


def _line_count(path: Path) -> int:
    """Lines in a file (0 when it cannot be read: load_registry then says why)."""
    try:
        with open(path, "rb") as handle:
            return sum(1 for _ in handle)
    except OSError:
        return 0


def _normalised_provision(provision: str | None) -> str | None:
    from .enrich.provisions import normalise_key

    if provision is None:
        return None
    return normalise_key(provision)


def _parties(row: dict) -> str:
    parts = [f"complainant: {'; '.join(row['complainants']) or '-'}", f"respondent: {'; '.join(row['respondents']) or '-'}"]
    if row["third_parties"]:
        parts.append(f"third parties: {len(row['third_parties'])}")
    return " | ".join(parts)


def _stage(row: dict) -> str:
    if row.get("stage"):
        return f"{row['stage']} ({row['stage_date'] or 'undated'})"
    return f"{row['status']} (status as published in the table loaded)" if row.get("status") else "stage unknown"


def _print_disputes(rows: list[dict]) -> None:
    for row in rows:
        title = row["short_title"] or row["title"]
        roles = f" [{', '.join(row['roles'])}]" if row.get("roles") else ""
        click.echo(f"{row['ds']:<7} {title}{roles}")
        click.echo(f"        {_parties(row)} | requested {row['consultations_requested'] or '-'}")
        click.echo(f"        {_stage(row)}")
        if row.get("involvement") in ("cited", "whole Article"):
            click.echo(f"        {'cites' if row['involvement'] == 'cited' else 'cites the whole Article'}: {', '.join(row['matched'])}")
        elif row["provisions"]:
            click.echo("        cites: " + ", ".join(row["provisions"]))


@main.command()
@click.option("--member", default=None, help="Member as a party (complainant, respondent or third party).")
@click.option("--role", type=click.Choice(["complainant", "respondent", "third-party"]), default=None, help="Only disputes where --member has this role.")
@click.option("--provision", default=None, help="Provision, e.g. GATT1994:XXI or 'Art. XXI GATT' (the disputes `precedent` lists, with how each is involved).")
@click.option("--status", default=None, help="Words of the current stage, e.g. 'in consultations', 'adopted'.")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
def disputes(member, role, provision, status, db_path, as_json):
    """List disputes from the registry: DS number, short title, parties by role, current stage, provisions cited."""
    from .dispute_listing import list_disputes

    rows, involved = list_disputes(_corpus(db_path), member, role, provision, status)
    if as_json:
        _print_json(to_json(results.PrecedentEntry if involved else results.Dispute, rows))
        return
    if involved:
        _print_involved(involved)
        return
    _print_disputes(rows)
    click.echo(counted(len(rows), "dispute"))


def _print_involved(result: dict) -> None:
    """The disputes involving a provision, as `precedent` and `disputes --provision` both print them."""
    from .draft.compose import provision_label

    key = result["provision"]
    click.echo(f"{key}: {provision_label(key)} (sub-provisions included)")
    click.echo(result["scope"])
    if result["parallel"]:
        offered = ", ".join(f"{p['key']} ({p['shared']})" for p in result["parallel"])
        click.echo(f"parallel provisions: {offered}" + ("" if result["related"] else " – add --related to include them"))
    click.echo(f"\nDisputes ({len(result['disputes'])}):")
    for row in result["disputes"] + result["unreadable"]:
        roles = f" [{', '.join(row['roles'])}]" if row.get("roles") else ""
        click.echo(f"{row['ds']:<7} {row['short_title'] or row['title']}{roles}")
        click.echo(f"        {_parties(row)}")
        click.echo(f"        {_stage(row)}")
        for entry in row["involvement"]:
            where = f" – {entry['citation']}" if entry["citation"] else ""
            click.echo(f"        {entry['how']}: {entry['detail']}{where}")
    if result["unreadable"]:
        click.echo(f"{len(result['unreadable'])} more whose provisions are partly unreadable in the registry "
                   f"(listed above with the fragment): check the request and the reports")
    click.echo(counted(len(result['disputes']), "dispute") + (f" + {len(result['unreadable'])} partly unreadable" if result["unreadable"] else ""))


@main.command()
@click.argument("provision")
@click.argument("query", required=False)
@click.option("--k", default=20, show_default=True, help="Corpus paragraphs to show.")
@click.option("--related", is_flag=True, help="Include the parallel provisions of the other agreements (GATS XIV bis and TRIPS 73 for GATT XXI).")
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None, help="Also write the disputes as CSV.")
@click.option("--docx", "docx_path", type=click.Path(path_type=Path), default=None, help="Also write a table of cases (WTO style) as DOCX.")
@DB_OPTION
@INDEX_OPTION
@MODEL_OPTION
@click.option("--json", "as_json", is_flag=True)
def precedent(provision, query, k, related, csv_path, docx_path, db_path, index_dir, model, as_json):
    """Disputes involving PROVISION (how each is involved, parties, stage), reports and notes, then corpus paragraphs citing it."""
    from .draft.compose import provision_label
    from .draft.table_of_cases import write_precedent_csv, write_table_of_cases
    from .precedent import find_precedent

    key = _normalised_provision(provision)
    result = find_precedent(key, _corpus(db_path, index_dir, model), query=query, k=k, related=related)
    if csv_path:
        write_precedent_csv(result, csv_path)
    if docx_path:
        write_table_of_cases(result, docx_path, f"Disputes involving {provision_label(key)}")
    if as_json:
        _print_json(to_json(results.Precedent, result))
        return
    click.echo("Precedent for ", nl=False)
    _print_involved(result)
    if result["reports"]:
        click.echo(f"\nReports in the corpus that invoke or rule on it ({counted(len(result['reports']), 'section')}):")
        for entry in result["reports"]:
            finding = f" – finding: {', '.join(entry['findings'])}" if entry["finding"] else ""
            click.echo(f"  {entry['citation']} ({entry['section'] or 'no section heading'}){finding}")
    if result["missing_reports"]:
        click.echo(f"\nListed disputes with a report the corpus does not hold ({len(result['missing_reports'])}):")
        for entry in result["missing_reports"]:
            click.echo(f"  {entry['ds']} ({entry['registry']}): {entry['fetch']}")
    if result["notes"]:
        click.echo(f"\nYour notes ({len(result['notes'])}):")
        for note in result["notes"]:
            click.echo(f"  {note['ds']} {note['provision']} – {note['cited']}: {note['note']} ({note['author']}, {note['date']})")
    click.echo(f"\nParagraphs in the corpus citing it ({len(result['paragraphs'])} shown):")
    _print_results(result["paragraphs"], query or "")
    for path in filter(None, (csv_path, docx_path)):
        click.echo(f"written: {path}")


@main.command("precedent-note")
@click.argument("dispute")
@click.argument("provision")
@click.option("--source", default=None, help="Document and paragraph the note rests on, e.g. 'WT/DS512/R, para. 7.102'.")
@click.option("--note", "text", default=None, help="The note.")
@click.option("--author", default=None, help="Who wrote it (default: $USER).")
@click.option("--remove", is_flag=True, help="Remove the notes on DISPUTE and PROVISION (only those citing --source, when given).")
@DB_OPTION
def precedent_note(dispute, provision, source, text, author, remove, db_path):
    """Keep a note of your own on a dispute's precedent for a provision; `precedent` shows and exports it."""
    from .precedent_notes import add_note, remove_notes

    if remove:
        count = remove_notes(_db(db_path), dispute, provision, source)
        click.echo(f"removed {count} note{'s' if count != 1 else ''}")
        return
    saved = add_note(_db(db_path), dispute, provision, source or "", text or "", author)
    click.echo(f"noted {saved['ds']} {saved['provision']} – {saved['source']} (note {saved['id']})")


@main.command()
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
def coverage(db_path, as_json):
    """What the corpus holds: bodies, document series, date ranges and counts, and the dispute registry's date."""
    from .coverage import coverage as corpus_coverage

    held = corpus_coverage(_corpus(db_path))
    if as_json:
        _print_json(to_json(results.Coverage, held))
        return
    click.echo(f"{counted(held['documents'], 'document')}, {counted(held['paragraphs'], 'paragraph')}")
    for entry in held["series"]:
        span = f"{entry['first']} to {entry['last']}" if entry["first"] else "undated"
        ends = f" ({entry['first_symbol']} … {entry['last_symbol']})" if entry["first_symbol"] and entry["first_symbol"] != entry["last_symbol"] else ""
        click.echo(f"  {entry['series']:<32} {entry['body'] or '-'}: {counted(entry['documents'], 'document')}, {span}{ends}")
    registry = held["registry"]
    if registry["disputes"]:
        click.echo(f"dispute registry: {counted(registry['disputes'], 'dispute')} (to {registry['last_dispute']}), latest date recorded "
                   f"{registry['latest_date'] or '-'}, from {', '.join(registry['sources'])}")
    else:
        click.echo("dispute registry: not loaded (wto-assist load-disputes TABLE)")


@main.command("load-legal-text")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--agreement", required=True, help="Agreement key, e.g. GATT1994.")
@DB_OPTION
def load_legal_text_command(path: Path, agreement: str, db_path: Path | None) -> None:
    """Load treaty text by provision (layout of gatt1994.yaml) for `wto-assist provision`."""
    from .registry import load_legal_text

    count = load_legal_text(path, agreement, _db(db_path))  # an unknown agreement key is an error naming the field
    click.echo(f"{counted(count, 'provision')} of {agreement.upper()} loaded")


@main.command()
@click.argument("key")
@DB_OPTION
def provision(key: str, db_path: Path | None) -> None:
    """Print the treaty text of a provision, e.g. GATT1994:XXIV (needs `load-legal-text`)."""
    from .registry import provision_text

    key = _normalised_provision(key)
    candidate, text = provision_text(_open(db_path), key)
    if candidate != key:
        click.echo(f"(no separate text for {key}; showing {candidate})")
    click.echo(f"{candidate}\n\n{text}")


def _print_checks(checks) -> None:
    for check in checks:
        quote = f" “{check.quote[:70]}{'…' if len(check.quote) > 70 else ''}”" if check.quote else ""
        detail = f" ({check.detail})" if check.detail else ""
        click.echo(f"{check.status.upper():<22} {check.citation}{quote}{detail}")


@main.command()
@click.argument("brief", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=None, help="Where to write the DOCX (required unless --preview).")
@click.option("--template", type=click.Path(path_type=Path), default=None, help="A DOCX template (default: templates/<kind>.docx).")
@click.option("--allow-restricted", is_flag=True, help="Quote RESTRICTED or JOB documents in a draft for public release (as `accept: [restricted]`).")
@click.option("--final", is_flag=True, help="Write the draft only if every quotation verifies (external ones only if the brief accepts them).")
@click.option("--preview", is_flag=True, help="Print the passages found and the statement as its DOCX would read, verified as --final; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="With --preview: print the preview as JSON.")
@DB_OPTION
@INDEX_OPTION
@MODEL_OPTION
def draft(brief, out, template, allow_restricted, final, preview, as_json, db_path, index_dir, model):
    """Draft a statement or submission from a brief (YAML/JSON), with cited, verified quotations."""
    from .draft import DraftRejected, draft_document
    from .draft.brief import load_brief
    from .draft.verify import failed

    if preview == (out is not None):
        raise click.UsageError("give -o/--out FILE.docx to write the draft, or --preview to print it (not both)")
    if as_json and not preview:
        raise click.UsageError("--json prints the preview: add --preview")
    if preview:
        return _draft_preview(load_brief(brief), _corpus(db_path, index_dir, model), template, allow_restricted, as_json)
    try:
        parsed = load_brief(brief)
        corpus = _corpus(db_path, index_dir, model)
        result = draft_document(parsed, corpus, corpus.index_dir, out, template=template, final=final,
                                allow_restricted=allow_restricted, model=model)
    except DraftRejected as error:
        _print_checks(error.checks)
        raise click.ClickException(str(error)) from error
    for warning in result.draft.warnings:
        click.echo(warning, err=True)
    _print_checks(result.checks)
    click.echo(f"{parsed.kind} written to {out}: {counted(len(result.draft.quotes), 'quotation')}, {counted(len(result.draft.footnotes), 'footnote')}")
    if parsed.suggest_co_sponsors:
        click.echo("Co-sponsors to consider (they backed the delegation in the record):" if result.co_sponsor_suggestions
                   else "No co-sponsor to suggest: no Member backed the delegation in the minutes indexed.")
        for line in result.co_sponsor_suggestions:
            click.echo(f"  {line.member}: {counted(line.count, 'time')}, last {line.last_date or 'undated'} ({'; '.join(line.citations[-3:])})")
    failing = failed(result.checks, final=final, accept=result.draft.accept)
    if failing:
        raise click.ClickException(f"{counted(len(failing), 'quotation')} {'fails' if len(failing) == 1 else 'fail'} verification; the draft was written for review, not for tabling")


def _draft_preview(brief, corpus, template, allow_restricted: bool, as_json: bool) -> None:
    """`draft --preview`: draft.preview.preview_draft, the Draft page's preview; exit 1 when a quotation fails as --final."""
    from .draft.preview import preview_draft

    shown = preview_draft(brief, corpus, template=template, allow_restricted=allow_restricted)
    if as_json:
        _print_json(shown.to_json())
    else:
        for passage in shown.passages:
            state = f"not used: {passage.withheld}" if passage.withheld else "kept"
            click.echo(f"{passage.citation}{' RESTRICTED' if passage.restricted else ''} ({state}): “{passage.text}”")
        for warning in shown.warnings:
            click.echo(warning, err=True)
        for line in shown.like_minded:
            click.echo(f"stood with you or the same cause: {line.member}, {counted(line.count, 'time')}, last {line.last}")
        statement = shown.statement
        click.echo(f"\n--- the statement (author {statement.author or 'not set'}, created {statement.created[:10]}) ---")
        for paragraph in statement.paragraphs:
            click.echo("".join(f"[{text}]" if kind == "note" else text for kind, text in paragraph.pieces()))
        for note in statement.footnotes:
            click.echo(f"[{note.number}] {note.text}")
        _print_checks(statement.checks)
    if any(check.failed for check in shown.statement.checks):
        raise SystemExit(1)


@main.command()
@click.argument("docx_path", metavar="DOCX", type=click.Path(path_type=Path))
@click.option("--final", is_flag=True, help="Also fail on quotations that cannot be checked (sources outside the corpus).")
@click.option("--accept", "accept", multiple=True, type=click.Choice(["unverified", "restricted"]), help="Let these through (repeatable).")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
@click.option("--fix-citations", is_flag=True, help="Write a copy whose pinpoints carry the numbers paragraphs have now (after re-numbering), and check it.")
@click.option("-o", "--output", "fixed_path", type=click.Path(path_type=Path), default=None, help="Where --fix-citations writes the copy (default: NAME-fixed.docx).")
def verify(docx_path, final, accept, db_path, as_json, fix_citations, fixed_path):
    """Check every quotation in a DOCX against the corpus paragraph its footnote cites; exit 1 on any failure."""
    from .draft.verify import failed, verify_docx

    checks = verify_docx(docx_path, _corpus(db_path))  # a missing or unreadable file is a VerifyError
    if fix_citations:
        from .draft.renumbering import fix_citations as write_fixed

        target = fixed_path or docx_path.with_name(f"{docx_path.stem}-fixed{docx_path.suffix}")
        correction = write_fixed(docx_path, target, checks)
        for old, new in correction.replaced.items():
            click.echo(f"{old} is now {new.split(', ')[-1]}: corrected", err=True)
        for old in correction.ambiguous:
            click.echo(f"{old}: its old number now covers several paragraphs; correct it by hand", err=True)
        click.echo(f"corrected copy written to {target}; its check follows", err=True)
        docx_path, checks = target, verify_docx(target, _corpus(db_path))
    failing = failed(checks, final=final, accept=tuple(accept))
    if as_json:
        _print_json([check.to_json() for check in results.QuotationCheck.judged(checks, failing)])
    else:
        _print_checks(checks)
        click.echo(f"{counted(len(checks), 'citation')}: {sum(c.status == 'verified' for c in checks)} verified, {len(failing)} failed")
    if failing:
        raise SystemExit(1)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8765, show_default=True)
@click.option("--allow-remote", is_flag=True, help="Required to bind an address other than 127.0.0.1.")
@click.option("--allowed-host", multiple=True, help="Another name the app answers to (a proxy's name); repeatable.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None, help="Folder for uploads and drafts (default: $WTO_ASSIST_HOME/web).")
@click.option("--no-dense", is_flag=True, help="Re-index uploads with BM25 only.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Processes serving requests (one core each); they share tokens, jobs and the index.")
@DB_OPTION
@INDEX_OPTION
@MODEL_OPTION
def web(host, port, allow_remote, allowed_host, data_dir, no_dense, workers, db_path, index_dir, model):
    """Serve the local web app: search, read in context, precedent, disputes, draft, verify, corpus."""
    import uvicorn

    from .web.security import Access
    from .web.workers import WebSettings, serve_in_workers

    local = _loopback_or_allowed(host, allow_remote)
    access = Access.for_binding(host, tuple(allowed_host))
    settings = WebSettings(_db(db_path), _index(index_dir), data_dir or config.home() / "web", model, not no_dense, access)
    # One process: the app is built here; more: each worker builds its own from the settings (web/workers.py).
    app = settings.app() if workers == 1 else None
    if local:
        click.echo(f"wto-assist on http://{host}:{port}/ (bound to {host}: reachable from this computer only)")
    else:
        click.echo(f"WARNING: serving on {host}:{port}: anyone who has one of these addresses can read the corpus", err=True)
        for url in access.urls(host, port):
            click.echo(f"editors (may change the corpus): {url}search?token={access.editor_token}")
            click.echo(f"readers (search, draft, verify): {url}search?token={access.reader_token}")
    if app is None:
        serve_in_workers(settings, host, port, workers)
    else:
        uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command()
@click.option("--copy", "folder", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Copy the examples into this folder to edit them (files already there are kept).")
def examples(folder: Path | None) -> None:
    """List the example briefs shipped with wto-assist, or copy them into a folder (see docs/briefs.md)."""
    from .example_briefs import copy_examples, list_examples

    if folder is None:
        for example in list_examples():
            click.echo(f"{example.name}  ({example.kind})")
            click.echo(textwrap.fill(example.about, width=100, initial_indent="    ", subsequent_indent="    "))
        click.echo("Copy them to edit: wto-assist examples --copy DIR; draft one: wto-assist draft DIR/NAME.yaml -o OUT.docx")
        return
    copied, kept = copy_examples(folder)
    for path in kept:
        click.echo(f"kept {path}: already there (not overwritten)")
    click.echo(f"{counted(len(copied), 'example')} copied to {folder}")


# The coercion case file and watches live in cases/commands.py, which adds its groups to `main`; imported
# here, after the shared options it uses.
from .cases import commands as _case_commands  # noqa: E402,F401
