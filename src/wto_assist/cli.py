"""Thin command layer: each command parses options, calls one library function, prints text or JSON."""

from __future__ import annotations

import json
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
        f"{len(report.failed)} failed, {len(report.ignored)} ignored -> {_db(db_path)}"
    )
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
    """List ingested documents: symbol, family, body, date, restricted, paragraphs."""
    with _open(db_path) as store:
        documents = store.documents()
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
