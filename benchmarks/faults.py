"""Fault campaign: generated malformed inputs and kill -9 trials against the real CLI.

    python benchmarks/faults.py [--kills N] [--big-mib M]     (about 10 minutes with the defaults)

Inputs (`malformed_inputs`): empty, truncated and renamed PDF/DOCX/HTML; UTF-16/32 with and without
byte-order mark, cp1252, MacRoman, invalid UTF-8, NUL bytes, terminal escapes; a single-line file of
M MiB; deeply nested HTML; a DOCX zip bomb; a DOCX declaring an external XML entity; symlink loops,
links to nothing and to /dev/zero, a FIFO, a folder that cannot be read, odd file names. Each case is
ingested beside the valid sample corpus in a process of its own, and judged: one line naming the file
and the reason (or the file ingested), the valid files still ingested, no traceback, no hang (60 s),
the database passing integrity_check; peak memory is recorded.

Network (`network` class): an HTML file saved as .doc, an RTF saved as .doc and an HTML page, each linking
images and a stylesheet on a loopback listener the campaign starts: every connection reaching it is
counted (there must be none). Odd names (`names` class) must be ingested and never reported removed.

Databases (`database_trial`): a read-only corpus, one of a newer schema, and foreign SQLite files (with and
without a `meta` table): read where it may be read, otherwise refused in one line, never changed.

Kills (`kill_trial`): `ingest`, `index`, `enrich` and `load-disputes` are killed with SIGKILL at a
random moment; every time the database must pass integrity_check, search must answer from the
previous or the new index, and re-running the command must leave the full state (same entities).
Tests run a subset of both (tests/test_faults.py); the table of docs/measurements.md comes from this script.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpora"
CLI = [sys.executable, "-c", "from wto_assist.cli import main; main()"]
MINUTES = "WT/COMTD/M/{n}\n&& The representative of Chile said that Développement matters under Article XI of the GATT 1994.\n"


def _docx_bytes() -> bytes:
    return (CORPUS / "tpr" / "WT_TPR_M_990.docx").read_bytes()


def _pdf_bytes(folder: Path) -> bytes:
    """A real PDF, made by LibreOffice from the sample minutes (None without LibreOffice)."""
    office = shutil.which("soffice")
    if office is None:
        return b""
    source = folder / "pdf-source.txt"
    source.write_text((CORPUS / "minutes" / "WTCOMTDM990.txt").read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run([office, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), str(source)], capture_output=True, timeout=300, check=False)
    pdf = folder / "pdf-source.pdf"
    return pdf.read_bytes() if pdf.exists() else b""


def _zip_bomb(inflated_mib: int) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with zipfile.ZipFile(CORPUS / "tpr" / "WT_TPR_M_990.docx") as source:
            for item in source.infolist():
                archive.writestr(item, source.read(item))
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as padding:
            block = b"\0" * 2**20
            for _ in range(inflated_mib):
                padding.write(block)
    return buffer.getvalue()


def _xxe_docx() -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(CORPUS / "tpr" / "WT_TPR_M_990.docx") as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                text = data.decode("utf-8")
                declaration = '<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                text = text.replace("?>", "?>" + declaration, 1).replace("<w:t>", "<w:t>&secret;", 1)
                data = text.encode("utf-8")
            archive.writestr(item, data)
    return buffer.getvalue()


class Listener:
    """A loopback TCP listener that counts the connections reaching it: a document that makes a reader
    fetch a linked URL shows up here."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(16)
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def close(self) -> int:
        """Stop listening (after a short grace for a connection made at the very end); the count."""
        time.sleep(0.3)
        self.stopping.set()
        self.thread.join(timeout=2)
        self.server.close()
        return self.connections


def hostile_html(port: int, symbol: str) -> str:
    """Minutes whose markup links two images and a stylesheet on the loopback port."""
    return (f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"></head><body>'
            f'<p>{symbol}</p><img src="http://127.0.0.1:{port}/x.png">'
            f"<p>&amp;&amp; The representative of Chile said that duty-free access matters.</p>"
            f'<img src="http://127.0.0.1:{port}/y.png"></body></html>')


def hostile_rtf(port: int, symbol: str) -> str:
    """An RTF (the kind LibreOffice converts) whose field links a picture on the loopback port."""
    return ("{\\rtf1\\ansi " + symbol + "\\par The representative of Peru spoke.\\par"
            f'{{\\field{{\\*\\fldinst INCLUDEPICTURE "http://127.0.0.1:{port}/x.png" \\\\d}}}}\\par}}')


def malformed_inputs(folder: Path, big_mib: int = 50, scale: int = 1, port: int = 9) -> list[tuple[str, str, callable]]:
    """(class, case name, make(folder) -> the path it wrote): `scale` repeats the byte-level families
    with different truncation points and seeds (scale 5 gives over 200 cases); `port` is the loopback
    listener the `network` class links to."""
    docx_data = _docx_bytes()
    pdf_data = _pdf_bytes(folder)
    html = "<html><body><p>WT/COMTD/M/{n}</p><p>&amp;&amp; The representative of Peru said that rules matter.</p></body></html>"
    cases: list[tuple[str, str, callable]] = []

    def file_case(kind: str, name: str, data: bytes):
        def make(target: Path) -> Path:
            path = target / name
            path.write_bytes(data)
            return path

        cases.append((kind, name, make))

    rng = random.Random(7)
    for round_ in range(scale):
        n = 800 + round_ * 20
        for suffix in (".txt", ".pdf", ".docx", ".html"):
            file_case("empty", f"empty{round_}{suffix}", b"")
        for data, suffix in ((pdf_data, ".pdf"), (docx_data, ".docx")):
            if data:
                cut = rng.randint(10, max(11, len(data) - 10))
                file_case("truncated", f"truncated{round_}-{cut}{suffix}", data[:cut])
        file_case("truncated", f"truncated{round_}.html", html.format(n=n).encode()[: rng.randint(20, 80)])
        file_case("renamed", f"pdf-as-docx{round_}.docx", pdf_data or b"%PDF-1.4")
        file_case("renamed", f"docx-as-pdf{round_}.pdf", docx_data)
        file_case("renamed", f"png-as-text{round_}.txt", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2000)))
        file_case("renamed", f"docx-as-html{round_}.html", docx_data)
        text = MINUTES.format(n=n + 1)
        file_case("encoding", f"WTCOMTDM{n + 1}.txt", text.encode("utf-16"))
        file_case("encoding", f"WTCOMTDM{n + 2}.txt", text.replace(str(n + 1), str(n + 2)).encode("utf-16-le"))
        file_case("encoding", f"WTCOMTDM{n + 3}.txt", text.replace(str(n + 1), str(n + 3)).encode("utf-32"))
        file_case("encoding", f"WTCOMTDM{n + 4}.txt", text.replace(str(n + 1), str(n + 4)).encode("cp1252"))
        file_case("encoding", f"WTCOMTDM{n + 5}.txt", text.replace(str(n + 1), str(n + 5)).encode("mac_roman"))
        stray = text.replace(str(n + 1), str(n + 6)).encode("utf-8")
        file_case("encoding", f"WTCOMTDM{n + 6}.txt", stray[:30] + b"\xff" + stray[30:])
        file_case("encoding", f"invalid-utf8-{round_}.txt", bytes(rng.randrange(128, 256) for _ in range(3000)))
        file_case("encoding", f"WTCOMTDM{n + 7}.html", b"\xef\xbb\xbf" + html.format(n=n + 7).encode("utf-8"))
        file_case("encoding", f"WTCOMTDM{n + 8}.html", html.format(n=n + 8).encode("utf-16"))
        file_case("control", f"WTCOMTDM{n + 9}.txt", MINUTES.format(n=n + 9).replace("Chile", "Ch\x00ile\x1b[31m").encode())
        file_case("control", f"nul-bytes-{round_}.txt", b"\x00" * 5000)
        file_case("nested", f"nested{round_}.html", ("<div>" * (5000 + round_)).encode() + b"WT/COMTD/M/1" + b"</div>" * 10)
    file_case("size", "single-line.txt", b"WT/COMTD/M/899\n&& " + b"word " * (big_mib * 2**20 // 5))
    file_case("zip", "zip-bomb.docx", _zip_bomb(300))
    file_case("zip", "xxe.docx", _xxe_docx())
    file_case("network", "WTCOMTDM880.doc", hostile_html(port, "WT/COMTD/M/880").encode())
    file_case("network", "WTCOMTDM881.html", hostile_html(port, "WT/COMTD/M/881").encode())
    file_case("network", "WTCOMTDM882.doc", hostile_rtf(port, "WT/COMTD/M/882").encode())

    def special(kind: str, name: str, make):
        cases.append((kind, name, make))

    special("links", "loop", lambda t: (os.symlink("loop-b", t / "loop-a"), os.symlink("loop-a", t / "loop-b"), t / "loop-a")[-1])
    special("links", "dangling.txt", lambda t: (os.symlink(t / "nowhere.txt", t / "dangling.txt"), t / "dangling.txt")[-1])
    special("links", "dev-zero.txt", lambda t: (os.symlink("/dev/zero", t / "dev-zero.txt"), t / "dev-zero.txt")[-1])
    special("special", "fifo.txt", lambda t: (os.mkfifo(t / "fifo.txt"), t / "fifo.txt")[-1])

    def unreadable(target: Path) -> Path:
        folder_ = target / "locked"
        folder_.mkdir()
        (folder_ / "WTCOMTDM898.txt").write_text(MINUTES.format(n=898))
        folder_.chmod(0)
        return folder_

    special("permissions", "locked-folder", unreadable)
    names = ("line\nFAILED forged.txt", "caf\udce9.txt", "-dash.txt", "x" * 200 + ".txt", "spaces and ‘quotes’.txt", "tab\there.txt", "cr\rhere.txt")
    for number, name in enumerate(names, start=890):  # each its own symbol: all of them can be ingested in one run
        encoded = os.fsencode(name)
        cases.append(("names", name, lambda t, encoded=encoded, number=number: (
            open(os.path.join(os.fsencode(t), encoded), "wb").write(MINUTES.format(n=number).encode()), Path(os.fsdecode(os.path.join(os.fsencode(t), encoded))))[-1]))
    return cases


def _integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def run_case(make, folder: Path, timeout: float = 60, listener: Listener | None = None) -> dict:
    """Ingest one malformed input beside the sample corpus in a fresh process; judge the outcome."""
    connections_before = listener.connections if listener else 0
    cases = folder / "files"
    cases.mkdir(parents=True)
    made = make(cases)
    db = folder / "corpus.sqlite"
    started = time.perf_counter()
    timer = ["/usr/bin/time", "-f", "maxrss=%M"] if os.path.exists("/usr/bin/time") else []  # this case's own peak
    try:
        run = subprocess.run(timer + CLI + ["ingest", str(cases), str(CORPUS), "--db", str(db)], capture_output=True, timeout=timeout,
                             env=dict(os.environ, HF_HUB_OFFLINE="1"))
        hung = False
    except subprocess.TimeoutExpired as expired:
        run, hung = expired, True
    finally:
        for path in cases.rglob("*"):
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
    stderr = (run.stderr or b"").decode("utf-8", "replace")
    stdout = (run.stdout or b"").decode("utf-8", "replace")
    peak = re.search(r"maxrss=(\d+)\s*$", stderr)
    stderr = stderr[: peak.start()] if peak else stderr
    lines = [line for line in stderr.splitlines() if line.startswith(("FAILED ", "ignored "))]
    name = made.name.encode("utf-8", "backslashreplace").decode()
    ingested_sample = "WT/COMTD/M/990" in subprocess.run(CLI + ["list", "--db", str(db)], capture_output=True, text=True).stdout
    reported = any(name[:40] in line or name.encode("unicode_escape").decode()[:40] in line for line in lines)
    return {
        "hung": hung,
        "traceback": "Traceback" in stderr,
        "clear": reported and all(line.count("\n") == 0 for line in lines),
        "ingested": f"({made.name[:30]}" not in stdout and "1 failed" not in stdout and not reported,
        "valid_still_ingested": ingested_sample,
        "integrity": _integrity(db) if db.exists() else "no database",
        "removed": "removed " in stderr,  # a fresh database: nothing may be taken for deleted
        "connections": (listener.connections - connections_before) if listener else 0,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mib": (int(peak.group(1)) if peak else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) // 1024,
        "stderr": stderr[-400:],
    }


DATABASE_KINDS = ("read-only", "newer-schema", "foreign-with-meta", "foreign")


def database_trial(kind: str, folder: Path) -> dict:
    """A database that is not ours to change (`kind`): every command must read it (read-only) or refuse it in
    one line, with no traceback, and the file must stay byte for byte as it was."""
    import hashlib

    folder.mkdir(parents=True, exist_ok=True)
    db, index_dir = folder / "corpus.sqlite", folder / "index"
    if kind in ("read-only", "newer-schema"):
        subprocess.run(CLI + ["ingest", str(CORPUS), "--db", str(db)], capture_output=True, check=True)
        subprocess.run(CLI + ["index", "--no-dense", "--db", str(db), "--index", str(index_dir)], capture_output=True, check=True)
    connection = sqlite3.connect(db)
    with connection:
        if kind == "newer-schema":
            connection.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
        elif kind == "foreign-with-meta":
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            connection.execute("INSERT INTO meta VALUES ('schema_version', '1')")
            connection.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
        elif kind == "foreign":
            connection.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    if kind == "read-only":
        db.chmod(0o444)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    reads = [["list"], ["show", "WT/COMTD/M/990"], ["search", "duty-free", "--mode", "bm25", "--index", str(index_dir)]]
    writes = [["ingest", str(CORPUS)], ["enrich"], ["load-disputes", str(CORPUS / "registry" / "disputes-sample.jsonl")]]
    outcomes = []
    for arguments in reads + writes:
        run = subprocess.run(CLI + arguments + ["--db", str(db)], capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
        errors = [line for line in run.stderr.splitlines() if line.startswith("Error:")]
        expected_to_work = kind == "read-only" and arguments in reads
        outcomes.append({
            "command": arguments[0],
            "traceback": "Traceback" in run.stderr,
            "as_expected": run.returncode == 0 if expected_to_work else (run.returncode != 0 and len(errors) == 1),
        })
    return {"kind": kind, "outcomes": outcomes, "changed": hashlib.sha256(db.read_bytes()).hexdigest() != before}


_DURATIONS: dict[tuple[str, Path], float] = {}


def kill_trial(command: str, folder: Path, shared: Path | None, rng: random.Random) -> dict:
    """Run one writer, SIGKILL it at a random moment of its run, check the state, re-run it, check again."""
    db, index_dir = folder / "corpus.sqlite", folder / "index"
    source = shared / "corpus" / "ctd-minutes" if shared else CORPUS
    table = shared / "data" / "disputes-ds1-624.jsonl" if shared else CORPUS / "registry" / "disputes-sample.jsonl"
    if not db.exists():  # a first complete state: corpus, registry and index
        subprocess.run(CLI + ["ingest", str(source), "--db", str(db)], capture_output=True, check=True)
        subprocess.run(CLI + ["index", "--no-dense", "--db", str(db), "--index", str(index_dir)], capture_output=True, check=True)
    arguments = {
        "ingest": ["ingest", str(source), str(CORPUS)],
        "index": ["index", "--no-dense", "--index", str(index_dir)],
        "enrich": ["enrich"],
        "load-disputes": ["load-disputes", str(table)],
    }[command] + ["--db", str(db)]
    if command == "ingest":  # make the files new, so that the run really writes
        with sqlite3.connect(db) as connection:
            connection.execute("UPDATE sources SET sha256 = 'x'")
    environment = dict(os.environ, HF_HUB_OFFLINE="1")
    if (command, folder) not in _DURATIONS:  # time one whole run, to kill the others somewhere inside theirs
        clock = time.perf_counter()
        subprocess.run(CLI + arguments, capture_output=True, env=environment)
        _DURATIONS[(command, folder)] = time.perf_counter() - clock
        if command == "ingest":
            with sqlite3.connect(db) as connection:
                connection.execute("UPDATE sources SET sha256 = 'x'")
    process = subprocess.Popen(CLI + arguments, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment)
    time.sleep(rng.uniform(0.1, 0.95) * _DURATIONS[(command, folder)])
    killed = process.poll() is None
    if killed:
        process.send_signal(signal.SIGKILL)
    process.wait()
    integrity = _integrity(db)
    search = subprocess.run(CLI + ["search", "duty-free", "--mode", "bm25", "--k", "1", "--db", str(db), "--index", str(index_dir)],
                            capture_output=True, text=True)
    rerun = subprocess.run(CLI + arguments, capture_output=True, text=True, env=environment)
    with sqlite3.connect(db) as connection:
        entities = connection.execute("SELECT COUNT(*) FROM entities").fetchone()[0]
        unenriched = connection.execute("SELECT COUNT(*) FROM documents WHERE enriched_at IS NULL").fetchone()[0]
    return {"command": command, "killed": killed, "integrity": integrity, "search_ok": search.returncode == 0 and "1." in search.stdout,
            "rerun_ok": rerun.returncode == 0, "entities": entities, "unenriched": unenriched,
            "leftovers": sorted(p.name for p in index_dir.glob(".building-*"))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20, help="kill trials per writer")
    parser.add_argument("--big-mib", type=int, default=50)
    parser.add_argument("--scale", type=int, default=5)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--classes", default="", help="only these input classes, comma-separated (e.g. network,names)")
    parser.add_argument("--no-databases", action="store_true", help="skip the databases-not-ours trials")
    options = parser.parse_args()
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        listener = Listener()
        cases = malformed_inputs(scratch, options.big_mib, options.scale, listener.port)
        if options.classes:
            cases = [case for case in cases if case[0] in options.classes.split(",")]
        for number, (kind, name, make) in enumerate(cases):
            outcome = run_case(make, scratch / f"case{number}", listener=listener)
            results.setdefault(kind, []).append(outcome)
            if outcome["traceback"] or outcome["hung"] or outcome["integrity"] != "ok" or outcome["connections"] or outcome["removed"]:
                print(f"PROBLEM {kind} {name!r}: {outcome}", file=sys.stderr)
        print(f"{len(cases)} malformed inputs")
        listener.close()
        print("\n| database not ours | commands | read, or refused in one line | tracebacks | file changed |")
        print("|---|---|---|---|---|")
        for kind in () if options.no_databases else DATABASE_KINDS:
            trial = database_trial(kind, scratch / f"database-{kind}")
            print(f"| {kind} | {len(trial['outcomes'])} | {sum(o['as_expected'] for o in trial['outcomes'])} | "
                  f"{sum(o['traceback'] for o in trial['outcomes'])} | {'yes' if trial['changed'] else 'no'} |")
        print()
        print("| class | cases | clear one-line error or ingested | tracebacks | hangs | database not ok | valid files still ingested | connections | wrongly removed | peak RSS (MiB) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for kind, outcomes in results.items():
            print(f"| {kind} | {len(outcomes)} | {sum(o['clear'] or o['ingested'] for o in outcomes)} | {sum(o['traceback'] for o in outcomes)} | "
                  f"{sum(o['hung'] for o in outcomes)} | {sum(o['integrity'] != 'ok' for o in outcomes)} | "
                  f"{sum(o['valid_still_ingested'] for o in outcomes)} | {sum(o['connections'] for o in outcomes)} | "
                  f"{sum(o['removed'] for o in outcomes)} | {max(o['peak_rss_mib'] for o in outcomes)} |")
        if not options.kills:
            return
        rng = random.Random(11)
        shared = options.shared if (options.shared / "corpus" / "ctd-minutes").is_dir() else None
        print(f"\nkill -9 trials ({'real CTD corpus' if shared else 'sample corpus'}), {options.kills} per writer")
        print("| writer | trials | killed mid-run | integrity ok | search answered | re-run ok | entities whole after re-run | leftover builds |")
        print("|---|---|---|---|---|---|---|---|")
        for command in ("ingest", "index", "enrich", "load-disputes"):
            folder = scratch / f"kills-{command}"
            folder.mkdir()
            trials = [kill_trial(command, folder, shared, rng) for _ in range(options.kills)]
            baseline = max(t["entities"] for t in trials)
            print(f"| {command} | {len(trials)} | {sum(t['killed'] for t in trials)} | {sum(t['integrity'] == 'ok' for t in trials)} | "
                  f"{sum(t['search_ok'] for t in trials)} | {sum(t['rerun_ok'] for t in trials)} | "
                  f"{sum(t['entities'] == baseline and not t['unenriched'] for t in trials)} | {sum(bool(t['leftovers']) for t in trials)} |")
        json.dump(results, open(scratch / "results.json", "w"), default=str)


if __name__ == "__main__":
    main()
