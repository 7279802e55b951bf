"""`wto-assist case ...` and `wto-assist watch ...`: thin click commands over the case file's library
functions (cli.py registers both groups)."""

from __future__ import annotations

import getpass
import os
import textwrap
from pathlib import Path

import click

from .. import config
from ..cli import DB_OPTION, INDEX_OPTION, _corpus, _db, _print_json, main
from ..corpus import Corpus
from ..store import Store
from ..results import CaseEntry, CaseShown, CaseSuggestions, Watch, WatchReport, to_json
from ..wording import counted
from .model import LEVELS, LINK_ROLES, measure_types

BY_OPTION = click.option("--by", default=None, help="Who is acting (default: $USER).")


def _user(by: str | None) -> str:
    if by:
        return by
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _shown_as_json(value, as_json: bool) -> bool:
    """--json: print the value and say so (the command prints nothing else)."""
    if as_json:
        _print_json(value)
    return as_json


def _print_rows(rows: list[dict], as_json: bool, empty: str, line) -> None:
    """A list as JSON, or one line per row (`empty` when there is none)."""
    if _shown_as_json(rows, as_json):
        return
    if not rows:
        click.echo(empty)
    for row in rows:
        click.echo(line(row))


def _cases(db_path: Path | None, index_dir: Path | None = None) -> Corpus:
    """This invocation's corpus, passed down to the case file (which opens nothing itself). The case file may be
    the first thing a home holds (a bundle imported into an empty home): its database is created then."""
    if not _db(db_path).exists():
        Store(_db(db_path)).close()
    return _corpus(db_path, index_dir)


def _run(function, *args, **kwargs):
    """Call a library function; its errors become one-line messages and exit status 1."""
    return function(*args, **kwargs)


@click.group("case")
def case_group() -> None:
    """The coercion case file: record a measure, follow it through the WTO, share it, draft the next statement."""


@case_group.command("types")
def case_types() -> None:
    """The measure types a case may have (data/coercion-measures.tsv, with its sources)."""
    for kind in measure_types().values():
        click.echo(f"{kind.key:<19} {kind.label}: {kind.description}")


@case_group.command("new")
@click.option("--from", "source", type=click.Path(path_type=Path), required=True, help="The case as YAML (see docs/cases.md).")
@DB_OPTION
def case_new(source: Path, db_path: Path | None) -> None:
    """Record a new case from a YAML file; prints its id."""
    from .casefile import create_case, load_case_file

    case = _run(lambda: create_case(_cases(db_path), load_case_file(source)))
    click.echo(f"case {case.id} recorded: {case.title}")


@case_group.command("edit")
@click.argument("case_id")
@click.option("--from", "source", type=click.Path(path_type=Path), required=True, help="The case as YAML, all fields.")
@DB_OPTION
def case_edit(case_id: str, source: Path, db_path: Path | None) -> None:
    """Save a new version of a case (earlier versions are kept)."""
    from .casefile import edit_case, load_case_file

    changed = _run(lambda: edit_case(_cases(db_path), case_id, load_case_file(source)))
    click.echo(f"case {case_id}: {'new version saved' if changed else 'unchanged'}")


@case_group.command("list")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
@click.option("--csv", "csv_path", type=click.Path(path_type=Path), default=None,
              help="Write the inventory (cases and the concerns inventory in one table) as CSV.")
@click.option("--level", type=click.Choice(LEVELS[1:]), default="like-minded", show_default=True,
              help="For --csv: only the case fields shared at this level.")
@click.option("--tag", default=None, help="For --csv: only concerns with this tag (e.g. coercion).")
def case_list(db_path, as_json, csv_path, level, tag) -> None:
    """The cases recorded here (and received from other delegations)."""
    from .casefile import list_cases, write_inventory

    cases = _run(list_cases, _cases(db_path))
    if csv_path:
        count = _run(write_inventory, _cases(db_path), csv_path, level, tag)
        click.echo(f"{counted(count, 'row')} written to {csv_path}", err=True)
    if _shown_as_json(to_json(CaseEntry, cases), as_json):
        return
    if not cases:
        click.echo("no cases")
    for case in cases:
        affected = f" affecting {', '.join(case['affected_members'])}" if case["affected_members"] else ""
        click.echo(f"{case['id']:<32} {case['status']:<10} {case['imposing_member']}{affected}: {case['title']}")
        for source in case["sources"]:
            click.echo(f"{'':<32} {source}")


@case_group.command("show")
@click.argument("case_id")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
def case_show(case_id: str, db_path: Path | None, as_json: bool) -> None:
    """A case: fields with their sharing levels, versions and who shared them, evidence, links, timeline."""
    from .casefile import show_case

    shown = _run(show_case, _cases(db_path), case_id)
    if _shown_as_json(to_json(CaseShown, shown), as_json):
        return
    case = shown["case"]
    click.echo(f"{case['id']}: {case['title']}  [{case['status']}]")
    rows = [("imposing Member", case["imposing_member"], "imposing_member"),
            ("Members affected", ", ".join(case["affected_members"]), "affected_members"),
            ("sectors", ", ".join(case["sectors"]), "sectors"),
            ("measure type", shown["measure_type_label"], "measure_type"), ("measure", case["measure"], "measure"),
            ("products", "; ".join(p["name"] + (f" (HS {p['hs']})" if p["hs"] else "") for p in case["products"]), "products"),
            ("provisions", ", ".join(case["provisions"]), "provisions"),
            ("dates", ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in case["dates"].items()), "dates"),
            ("delegation", case["delegation"] or "", "delegation"), ("notes", case["notes"] or "", "notes")]
    for label, value, name in rows:
        if value:
            click.echo(f"  {label:<17} {value}  ({case['sharing'].get(name, 'internal')})")
    click.echo("Versions:")
    for version in shown["versions"]:
        click.echo(f"  v{version['version']}: {version['provenance']}")
    click.echo(f"Evidence ({len(shown['evidence'])}):")
    for item in shown["evidence"]:
        ingested = f", ingested as {item['ingested_symbol']}" if item["ingested_symbol"] else ""
        click.echo(f"  {item['name']} ({item['media_type']}, {item['size']:,} bytes, SHA-256 {item['sha256'][:16]}…) "
                   f"added by {item['added_by']} on {item['added_at'][:10]} [{item['level']}]{ingested}")
        if item["note"]:
            click.echo(f"      {item['note']}")
    click.echo(f"Links to the WTO record ({len(shown['links'])}):")
    for item in shown["links"]:
        click.echo(f"  {item['role']:<12} {item['current_citation']}" + ("" if item["present"] else " (not in the corpus here)")
                   + (f" – shared by {item['shared_by']}" if item["shared_by"] else ""))
    click.echo("Timeline:")
    for event in shown["timeline"]:
        cited = f" – {event['citation']}" if event["citation"] else ""
        click.echo(f"  {event['date'] or 'undated':<10}  {event['event']}{cited}")


@case_group.command("evidence")
@click.argument("case_id")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--note", default=None, help="What the file shows.")
@click.option("--level", type=click.Choice(LEVELS), default="internal", show_default=True, help="How far the file may be shared.")
@click.option("--ingest", is_flag=True, help="Also ingest it into the corpus (a document with a WTO symbol), so it is searchable.")
@BY_OPTION
@DB_OPTION
def case_evidence(case_id, file, note, level, ingest, by, db_path) -> None:
    """Attach a file to a case: a copy is kept under $WTO_ASSIST_HOME with its SHA-256."""
    from .casefile import add_evidence

    record = _run(add_evidence, _cases(db_path), config.home(), case_id, file, note, _user(by), level, ingest)
    if record["warning"]:
        click.echo(record["warning"], err=True)
    state = "attached" if record["added"] else "already attached"
    ingested = f"; ingested as {record['ingested_symbol']}" if record["ingested_symbol"] else ""
    click.echo(f"{record['name']} {state} to {case_id} (SHA-256 {record['sha256']}, {record['size']:,} bytes){ingested}")


@case_group.command("link")
@click.argument("case_id")
@click.argument("citation")
@click.option("--as", "role", type=click.Choice(LINK_ROLES), required=True, help="What the paragraph is for the case.")
@click.option("--note", default=None)
@DB_OPTION
def case_link(case_id, citation, role, note, db_path) -> None:
    """Link a paragraph ('G/C/M/990, para. 3'), a concern id or a dispute (DS###) to a case."""
    from .casefile import link

    record = _run(link, _cases(db_path), case_id, citation, role, note)
    click.echo(f"{record['citation']} {'linked' if record['added'] else 'already linked'} to {case_id} as {role}")


@case_group.command("suggest")
@click.argument("case_id")
@click.option("--k", default=10, show_default=True, help="Paragraphs to propose.")
@click.option("--attach-concerns", is_flag=True, help="Link every concern proposed to the case (as raised).")
@DB_OPTION
@INDEX_OPTION
@click.option("--json", "as_json", is_flag=True)
def case_suggest(case_id, k, attach_concerns, db_path, index_dir, as_json) -> None:
    """Paragraphs, concerns and disputes matching the case's Members, products and measure, with why."""
    from .suggest import attach_concerns as attach, suggest

    result = _run(suggest, _cases(db_path, index_dir), None, case_id, k)
    result["attached"] = _run(attach, _cases(db_path), case_id, result["concerns"]) if attach_concerns else None
    if _shown_as_json(to_json(CaseSuggestions, result), as_json):
        return
    for title, key in (("Paragraphs", "paragraphs"), ("Concerns", "concerns"), ("Disputes", "disputes")):
        click.echo(f"{title} ({len(result[key])}):")
        for item in result[key]:
            click.echo(f"  {item['citation']}" + (f" [{item['concern_id']}]" if item.get("concern_id") else ""))
            click.echo(f"      why: {'; '.join(item['why'])}")
            if item.get("text"):
                click.echo(textwrap.fill(item["text"][:300], 100, initial_indent="      ", subsequent_indent="      "))
    for notice in result["notices"]:
        click.echo(notice, err=True)
    if attach_concerns:
        click.echo(f"{counted(result['attached'], 'concern')} attached to {case_id}")


@click.group("watch")
def watch_group() -> None:
    """Watches: report new paragraphs matching a query once, after each ingest or fetch."""


@case_group.command("brief")
@click.argument("case_id")
@click.option("--kind", type=click.Choice(["committee-statement", "tpr-questions", "joint-statement"]), required=True)
@click.option("--body", required=True, help="The meeting's body, e.g. 'Council for Trade in Goods'.")
@click.option("--meeting-date", required=True, help="YYYY-MM-DD.")
@click.option("--release", type=click.Choice(["public", "restricted"]), default=None,
              help="Default: restricted when a linked paragraph is RESTRICTED, else public.")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), required=True, help="Where to write the brief (YAML).")
@DB_OPTION
def case_brief(case_id, kind, body, meeting_date, release, out, db_path) -> None:
    """Write a brief for `wto-assist draft` from a case: facts as points, linked paragraphs quoted."""
    from .brief import build_brief, write_brief

    brief, notes = _run(build_brief, _cases(db_path), case_id, kind, body, meeting_date, release)
    _run(write_brief, brief, notes, out)
    for note in notes:
        click.echo(note, err=True)
    click.echo(f"brief written to {out}: {counted(len(brief['points']), 'point')}, {counted(len(brief['support']), 'quotation')}; "
               f"next: wto-assist draft {out} -o statement.docx --final")


@case_group.command("export")
@click.argument("case_ids", nargs=-1)
@click.option("--level", type=click.Choice(LEVELS[1:]), required=True, help="Only fields and evidence shared at this level go in.")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), required=True, help="The bundle to write (.zip).")
@click.option("--delegation", default=None, help="The delegation sharing it (default: the cases' delegation).")
@BY_OPTION
@DB_OPTION
def case_export(case_ids, level, out, delegation, by, db_path) -> None:
    """Write cases (all by default) as a bundle for like-minded Members or the public (docs/case-bundle.md)."""
    from .bundle import export_bundle

    report = _run(export_bundle, _cases(db_path), config.home(), list(case_ids), level, out, delegation, _user(by))
    click.echo(f"{counted(len(report['cases']), 'case')}, {counted(report['evidence'], 'evidence file')} at level {level}, "
               f"shared by {report['shared_by']} -> {out}")


@case_group.command("import")
@click.argument("bundle", type=click.Path(path_type=Path))
@DB_OPTION
def case_import(bundle, db_path) -> None:
    """Read a bundle: its cases are kept as versions beside your own, with who shared them; a bundle that
    fails its manifest or has a newer schema is refused and nothing is imported."""
    from ..progress import Steps
    from .bundle import import_bundle

    with Steps({"checked": ("Checking the bundle", "checked", "files"), "stored": ("Storing cases", "stored", "cases")}) as steps:
        report = _run(import_bundle, _cases(db_path), config.home(), bundle, steps)
    click.echo(f"shared by {report['shared_by']} on {report['shared_at'][:10]} ({report['level']}): "
               f"{counted(report['versions_added'], 'new version')}, {report['unchanged']} already here, "
               f"{counted(report['evidence_added'], 'evidence file')}, {counted(report['links_added'], 'link')}")


@watch_group.command("add")
@click.argument("name")
@click.option("--query", required=True, help='Words every paragraph must hold ("quoted phrase" kept whole).')
@click.option("--member", default=None, help="Only paragraphs where this Member speaks or is named.")
@click.option("--case", "case_id", default=None, help="The case the watch serves.")
@click.option("--report-existing", is_flag=True, help="Also report what the corpus holds now at the first run.")
@DB_OPTION
def watch_add(name, query, member, case_id, report_existing, db_path) -> None:
    """Watch for new paragraphs matching a query (reported once by `watch run`)."""
    from .watch import add_watch

    watch = _run(add_watch, _cases(db_path), name, query, member, case_id, report_existing)
    start = "" if report_existing else f"; {counted(watch['already_in_corpus'], 'paragraph')} already in the corpus {'counts' if watch['already_in_corpus'] == 1 else 'count'} as seen"
    click.echo(f"watch {watch['name']!r} added{start}")


@watch_group.command("list")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
def watch_list(db_path, as_json) -> None:
    """The watches, with when each last ran."""
    from .watch import list_watches

    def line(watch: dict) -> str:
        scope = "".join([f" --member {watch['member']}" if watch["member"] else "", f" --case {watch['case_id']}" if watch["case_id"] else ""])
        return f"{watch['name']}: {watch['query']!r}{scope} (last run {watch['last_run_at'] or 'never'}, {watch['seen']} seen)"

    watches = _run(list_watches, _cases(db_path))
    _print_rows(to_json(Watch, watches) if as_json else watches, as_json, "no watches", line)


@watch_group.command("run")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True)
def watch_run(db_path, as_json) -> None:
    """Report the paragraphs that matched each watch since its last run (run it after ingest or fetch)."""
    from .watch import run_watches

    results = _run(run_watches, _cases(db_path))
    if _shown_as_json(to_json(WatchReport, results), as_json):
        return
    for watch in results:
        click.echo(f"{watch['name']}: {len(watch['new'])} new")
        for paragraph in watch["new"]:
            click.echo(f"  {paragraph['citation']} ({paragraph['date'] or 'undated'}, {paragraph['speaker'] or 'no speaker'})")
            click.echo(textwrap.fill(paragraph["text"][:240], 100, initial_indent="      ", subsequent_indent="      "))


main.add_command(case_group)
main.add_command(watch_group)
