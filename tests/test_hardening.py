"""Issue 22: hostile files, odd names, roles and databases that are not ours to change."""

from __future__ import annotations

import shutil
import sys
import threading
from pathlib import Path

import pytest

from wto_assist.documents import readers
from wto_assist.documents.readers import read_text

from .conftest import CORPUS, minimal_pdf
from .test_concerns import goods_db  # noqa: F401 - a fixture shared with the concerns tests


def _campaign():
    from .test_faults import _campaign as load

    return load()


@pytest.fixture()
def listener():
    watcher = _campaign().Listener()
    yield watcher
    watcher.close()


def _hostile_html(port: int) -> str:
    return _campaign().hostile_html(port, "WT/COMTD/M/870")


def test_an_html_file_saved_as_doc_is_read_without_a_single_connection(tmp_path, listener):
    path = tmp_path / "web-page.doc"
    path.write_text(_hostile_html(listener.port), encoding="utf-8")
    text, note = read_text(path)
    assert "duty-free access" in text and "HTML saved as .doc" in note
    assert listener.close() == 0


# A stand-in for LibreOffice that does what a hostile document makes the real one do: it connects to the
# listener named in the environment, then writes the converted file. It logs its profile and whether it got through.
FAKE_OFFICE = """#!{python}
import os, socket, sys, time
arguments = sys.argv[1:]
profile = next(a for a in arguments if a.startswith("-env:UserInstallation="))
outdir = arguments[arguments.index("--outdir") + 1]
source = arguments[-1]
try:
    socket.create_connection(("127.0.0.1", int(os.environ["FAKE_OFFICE_PORT"])), timeout=2).close()
    reached = "reached"
except OSError:
    reached = "blocked"
with open(os.environ["FAKE_OFFICE_LOG"], "a") as log:
    log.write(profile + " " + reached + "\\n")
time.sleep(0.5)  # long enough for two conversions at once to overlap
os.makedirs(outdir, exist_ok=True)
stem = os.path.splitext(os.path.basename(source))[0]
with open(os.path.join(outdir, stem + ".docx"), "wb") as out, open({docx!r}, "rb") as sample:
    out.write(sample.read())
"""


@pytest.fixture()
def fake_office(tmp_path, monkeypatch, listener):
    if not readers.no_network_prefix():
        pytest.skip("this system refuses network namespaces (unshare -rn)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    office = bin_dir / "soffice"
    office.write_text(FAKE_OFFICE.format(python=sys.executable, docx=str(CORPUS / "tpr" / "WT_TPR_M_990.docx")))
    office.chmod(0o755)
    log = tmp_path / "office.log"
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    monkeypatch.setenv("FAKE_OFFICE_PORT", str(listener.port))
    monkeypatch.setenv("FAKE_OFFICE_LOG", str(log))
    return log


def _word_binary(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_bytes(readers.OLE2_MAGIC + b"\xa1\xb1\x1a\xe1" + b"\0" * 504)
    return path


def test_the_office_converter_runs_with_no_network_and_a_profile_of_its_own(tmp_path, fake_office, listener):
    text, note = read_text(_word_binary(tmp_path, "old\nname.doc"))
    assert note == "doc" and "Trade Policy Review" in text
    assert listener.close() == 0
    (line,) = fake_office.read_text().splitlines()
    assert line.endswith(" blocked")
    assert not Path(line.split("=", 1)[1].split()[0].removeprefix("file://")).exists()  # the profile went with the run


def test_two_conversions_at_once_never_share_a_profile(tmp_path, fake_office, listener):
    paths = [_word_binary(tmp_path, f"old{n}.doc") for n in range(3)]
    results: dict[int, str] = {}

    def convert(number: int) -> None:
        results[number] = read_text(paths[number])[1]

    threads = [threading.Thread(target=convert, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {0: "doc", 1: "doc", 2: "doc"}
    profiles = [line.split()[0] for line in fake_office.read_text().splitlines()]
    assert len(profiles) == 3 and len(set(profiles)) == 3
    assert listener.close() == 0


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_real_libreoffice_handed_a_page_linking_images_connects_nowhere(tmp_path, listener):
    """The converter itself, handed the hostile page (which the .doc reader would never pass it): LibreOffice
    fetches such links (3 connections measured without the namespace); in its namespace none gets out."""
    if not readers.no_network_prefix():
        pytest.skip("this system refuses network namespaces (unshare -rn)")
    try:
        readers._read_doc_with_office(tmp_path / "page.doc", _hostile_html(listener.port).encode())
    except readers.ReadError:
        pass  # whether it converts is not the point: what matters is that nothing was fetched
    assert listener.close() == 0


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_three_real_word_binaries_converted_at_once_all_read(tmp_path, listener):
    import subprocess

    # A real Word 97 binary, made from the sample .docx by LibreOffice (its own profile, outside the code under test).
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'maker').as_uri()}", "--headless", "--convert-to", "doc:MS Word 97",
                    "--outdir", str(tmp_path), str(CORPUS / "tpr" / "WT_TPR_M_990.docx")], capture_output=True, timeout=180, check=True)
    made = tmp_path / "WT_TPR_M_990.doc"
    assert made.read_bytes().startswith(readers.OLE2_MAGIC)
    paths = []
    for number in range(3):
        paths.append(tmp_path / f"copy{number}.doc")
        shutil.copy(made, paths[-1])
    texts: dict[int, str] = {}

    def convert(number: int) -> None:
        texts[number] = read_text(paths[number])[0]

    threads = [threading.Thread(target=convert, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert len(texts) == 3 and len(set(texts.values())) == 1 and "WT/TPR/M/990" in texts[0]
    assert listener.close() == 0


class _SocketGuard:
    """Records every socket a reader creates or connects, through Python's audit hooks (no monkeypatch
    can miss a C-level caller). Installed once per process; records only while armed."""

    events: list[tuple] = []
    armed = False
    installed = False

    @classmethod
    def arm(cls) -> None:
        if not cls.installed:
            sys.addaudithook(lambda event, args: cls.events.append((event, args)) if cls.armed and event.startswith("socket.") else None)
            cls.installed = True
        cls.events.clear()
        cls.armed = True


def test_no_python_reader_opens_a_socket(tmp_path, listener):
    port = listener.port
    (tmp_path / "a.html").write_text(_hostile_html(port), encoding="utf-8")
    (tmp_path / "a.doc").write_text(_hostile_html(port), encoding="utf-8")
    (tmp_path / "a.txt").write_text(f"WT/COMTD/M/872\nhttp://127.0.0.1:{port}/x.png\n&& Chile spoke.\n", encoding="utf-8")
    (tmp_path / "a.pdf").write_bytes(minimal_pdf(["WT/COMTD/M/873", f"http://127.0.0.1:{port}/x.png", "Chile spoke."]))
    shutil.copy(CORPUS / "tpr" / "WT_TPR_M_990.docx", tmp_path / "a.docx")
    _SocketGuard.arm()
    try:
        for suffix in (".html", ".doc", ".txt", ".pdf", ".docx"):
            assert read_text(tmp_path / f"a{suffix}")[0].strip(), suffix
    finally:
        _SocketGuard.armed = False
    assert _SocketGuard.events == []
    assert listener.close() == 0


# --- odd file names ----------------------------------------------------------------------------

ODD_NAMES = {b"line\nbreak.txt": 861, b"tab\there.txt": 862, b"carriage\rreturn.txt": 863, b"caf\xe9.txt": 864}


def _odd_folder(tmp_path: Path) -> Path:
    import os

    folder = tmp_path / "odd"
    folder.mkdir()
    for name, number in ODD_NAMES.items():
        with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
            handle.write(f"WT/COMTD/M/{number}\n&& The representative of Chile said that duty-free access matters.\n".encode())
    return folder


def test_files_with_odd_names_are_ingested_and_kept_run_after_run(tmp_path):
    import os
    import sqlite3

    from click.testing import CliRunner

    from wto_assist.cli import main
    from wto_assist.ingest import ingest_paths

    folder, db = _odd_folder(tmp_path), tmp_path / "corpus.sqlite"
    first = ingest_paths([folder], db, enrich=False)
    assert not first.failed and not first.removed and len(first.ingested) == 4, first
    again = ingest_paths([folder], db, enrich=False)
    assert not again.removed and not again.ingested and len(again.unchanged) == 4, again
    with sqlite3.connect(db) as connection:
        stored = dict(connection.execute("SELECT symbol, source_path FROM documents"))
    assert set(stored) == {f"WT/COMTD/M/{n}" for n in ODD_NAMES.values()}
    # The store holds the real path (escaped only for the byte that is not UTF-8, which text cannot hold).
    resolved = os.fsdecode(folder.resolve())
    assert stored["WT/COMTD/M/861"] == resolved + "/line\nbreak.txt" and Path(stored["WT/COMTD/M/861"]).exists()
    assert stored["WT/COMTD/M/862"] == resolved + "/tab\there.txt"
    assert stored["WT/COMTD/M/863"] == resolved + "/carriage\rreturn.txt"
    assert stored["WT/COMTD/M/864"] == resolved + "/caf\\xe9.txt"
    # Displayed escaped: one line per file, whatever its name holds.
    (folder / "line\nbreak.txt").write_bytes(b"")  # now a failure the listing prints
    result = CliRunner().invoke(main, ["ingest", str(folder), "--db", str(db)])
    assert "line\\nbreak.txt" in result.output and "line\nbreak" not in result.output
    listed = CliRunner().invoke(main, ["list", "--db", str(db)]).output
    assert "not ingested: " in listed and "line\\nbreak.txt: empty file" in listed and "line\nbreak" not in listed
    # Deleting a file still removes its document.
    os.remove(os.path.join(os.fsencode(folder), b"tab\there.txt"))
    assert ingest_paths([folder], db, enrich=False).removed == ["WT/COMTD/M/862"]


# --- roles in remote mode ----------------------------------------------------------------------

REMOTE = {"host": "192.0.2.10:8765", "origin": "http://192.0.2.10:8765"}


def _remote_app(sample_db, tmp_path):
    from starlette.testclient import TestClient

    from wto_assist.index.build import build_index
    from wto_assist.web.app import create_app
    from wto_assist.web.security import Access

    access = Access.for_binding("192.0.2.10")
    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    app = create_app(sample_db, index_dir, tmp_path / "data", with_dense=False, access=access)
    # A handler's own failure on the test's dummy form is not what these tests judge: answered, not raised.
    return app, access, lambda: TestClient(app, base_url="http://192.0.2.10:8765", headers=REMOTE, raise_server_exceptions=False)


def _concrete(path: str) -> str:
    """A route's path with each {parameter} filled in: "/disputes/DS{number:int}" -> "/disputes/DS1"."""
    import re

    return re.sub(r"\{[^}]+\}", "1", path)


def _database_dump(db: Path) -> str:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return "\n".join(connection.iterdump())


def test_every_write_route_is_editor_only_route_by_route(goods_db, tmp_path):
    from starlette.routing import Route

    from wto_assist.concerns import inventory
    from wto_assist.web.security import READER_MAY_POST

    db, _ = goods_db
    app, access, client_for = _remote_app(db, tmp_path)
    reader, editor = client_for(), client_for()
    assert reader.get(f"/search?token={access.reader_token}").status_code == 200  # each now holds its cookie
    assert editor.get(f"/search?token={access.editor_token}").status_code == 200
    form = {"csrf_token": access.form_token, "concern_id": inventory(db)[0]["concern_id"], "tag": "sps", "file": "x"}
    writes = []
    for route in app.app.routes:  # the app's own table: a route added later is checked without touching this test
        if not isinstance(route, Route):
            continue
        for method in sorted(route.methods - {"GET", "HEAD"}):
            path = _concrete(route.path)
            writes.append((method, route.path))
            before = _database_dump(db)
            answer = reader.request(method, path, data=form)
            if route.path in READER_MAY_POST and method == "POST":
                assert "read-only" not in answer.text, (method, path)
                continue
            assert answer.status_code == 403 and "read-only" in answer.text, (method, path, answer.status_code)
            assert _database_dump(db) == before, (method, path)  # refused before anything was written
            assert "read-only" not in editor.request(method, path, data=form).text, (method, path)
    assert ("POST", "/concerns") in writes and ("POST", "/corpus") in writes
    assert READER_MAY_POST <= {path for _, path in writes}  # no stale exception


def test_a_reader_cannot_tag_concerns_and_an_editor_can(goods_db, tmp_path):
    from wto_assist.concerns import inventory

    db, _ = goods_db
    _, access, client_for = _remote_app(db, tmp_path)
    concern = inventory(db)[0]["concern_id"]
    for remove in ("0", "1"):  # adding and removing a tag alike
        post = {"csrf_token": access.form_token, "concern_id": concern, "tag": "hardening", "remove": remove}
        reader = client_for()
        reader.get(f"/concerns?token={access.reader_token}")
        before = inventory(db, tag="hardening")
        assert reader.post("/concerns", data=post).status_code == 403
        assert inventory(db, tag="hardening") == before
        editor = client_for()
        editor.get(f"/concerns?token={access.editor_token}")
        assert editor.post("/concerns", data=post).status_code == 200
        assert bool(inventory(db, tag="hardening")) == (remove == "0")


def test_the_access_token_is_never_copied_into_links(sample_db, tmp_path):
    from wto_assist.web.app import PAGE_SIZE

    _, access, client_for = _remote_app(sample_db, tmp_path)
    client = client_for()
    query = "/search?q=representative+panel+import+measure+members+trade+market&mode=bm25"
    first = client.get(f"{query}&token={access.editor_token}")
    assert first.status_code == 200 and "HttpOnly" in first.headers["set-cookie"]
    assert first.text.count('class="result"') == PAGE_SIZE and 'rel="next"' in first.text  # pagination is on the page
    assert access.editor_token not in first.text and "token=" not in first.text
    second = client.get(f"{query}&page=2")  # the cookie carries the access now
    assert second.status_code == 200 and access.editor_token not in second.text


# --- databases that are not ours to change -----------------------------------------------------


def _fingerprint(folder: Path) -> dict[str, str]:
    """Every file in the database's folder and its content hash: a -wal or -journal appearing counts too."""
    import hashlib

    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.iterdir()) if path.is_file()}


def _cli(*arguments):
    from click.testing import CliRunner

    from wto_assist.cli import main

    return CliRunner().invoke(main, list(arguments))


def _alone(sample_db: Path, tmp_path: Path) -> Path:
    """The sample corpus, checkpointed into one file, alone in a folder of its own."""
    import sqlite3

    folder = tmp_path / "db"
    folder.mkdir()
    with sqlite3.connect(sample_db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(sample_db, folder / "corpus.sqlite")
    return folder / "corpus.sqlite"


def test_a_read_only_database_is_searched_listed_and_shown_never_changed(sample_db, tmp_path):
    from wto_assist.index.build import build_index

    db = _alone(sample_db, tmp_path)
    build_index(db, tmp_path / "index", with_dense=False)
    db.chmod(0o444)  # the owner's "do not change" holds even for root, who could write it anyway
    before = _fingerprint(db.parent)["corpus.sqlite"]
    listed = _cli("list", "--db", str(db))
    assert listed.exit_code == 0 and "WT/COMTD/M/990" in listed.output
    shown = _cli("show", "WT/COMTD/M/990", "--db", str(db))
    assert shown.exit_code == 0 and "Committee on Trade and Development" in shown.output
    found = _cli("search", "duty-free", "--mode", "bm25", "--db", str(db), "--index", str(tmp_path / "index"))
    assert found.exit_code == 0 and "1." in found.output, found.output
    refused = _cli("ingest", str(CORPUS), "--db", str(db))
    assert refused.exit_code == 1 and "is read-only" in refused.output and "Traceback" not in refused.output
    assert len(refused.output.strip().splitlines()) == 1, refused.output
    assert _fingerprint(db.parent)["corpus.sqlite"] == before  # (SQLite may add its empty WAL side files beside it)


def test_a_database_on_a_read_only_mount_is_read(sample_db, tmp_path):
    import os
    import subprocess

    if not readers.no_network_prefix():
        pytest.skip("no user namespaces here to make a read-only mount")
    db = _alone(sample_db, tmp_path)
    folder = db.parent
    script = (f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} && "
              f"{sys.executable} -c 'from wto_assist.cli import main; main()' list --db {db}")
    run = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert run.returncode == 0 and "WT/COMTD/M/990" in run.stdout, run.stderr[-1000:]


def test_a_newer_schema_is_refused_with_a_clear_message_and_left_as_it_was(sample_db, tmp_path):
    import sqlite3

    db = _alone(sample_db, tmp_path)
    connection = sqlite3.connect(db)
    with connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.execute("PRAGMA journal_mode = DELETE")  # one file, so any later write shows in the fingerprint
    connection.close()
    before = _fingerprint(db.parent)
    for arguments in (["list"], ["ingest", str(CORPUS)], ["show", "WT/COMTD/M/990"]):
        result = _cli(*arguments, "--db", str(db))
        assert result.exit_code == 1 and "newer wto-assist (corpus schema 99" in result.output, (arguments, result.output)
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert _fingerprint(db.parent) == before


@pytest.mark.parametrize("tables", [
    ["CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)", "INSERT INTO meta VALUES ('schema_version', '1')",
     "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"],
    ["CREATE TABLE meta (name TEXT, value TEXT)", "INSERT INTO meta VALUES ('owner', 'someone')"],
    ["CREATE TABLE meta (key TEXT, value TEXT)", "CREATE TABLE documents (id INTEGER, title TEXT)"],
], ids=["meta-and-own-tables", "other-meta", "meta-and-other-documents"])
def test_a_foreign_sqlite_file_is_never_written(tmp_path, tables):
    import sqlite3

    folder = tmp_path / "foreign"
    folder.mkdir()
    db = folder / "theirs.sqlite"
    with sqlite3.connect(db) as connection:
        for statement in tables:
            connection.execute(statement)
    connection.close()
    before = _fingerprint(folder)
    for arguments in (["ingest", str(CORPUS)], ["list"], ["load-disputes", str(CORPUS / "registry" / "disputes-sample.jsonl")]):
        result = _cli(*arguments, "--db", str(db))
        assert result.exit_code != 0 and "not a wto-assist corpus" in result.output, (arguments, result.output)
        assert "Traceback" not in result.output
    assert _fingerprint(folder) == before


# --- upload limits while the body streams ------------------------------------------------------


def _stream_upload(app, path: str, total: int, declare_length: bool) -> tuple[int, int]:
    """POST a multipart body of `total` bytes to `path` straight through ASGI, 64 KiB a message, made as
    it is read: (status, bytes the app pulled)."""
    import asyncio

    boundary = b"hardeningboundary"
    head = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + app.access.form_token.encode()
            + b"\r\n--" + boundary + b'\r\nContent-Disposition: form-data; name="file"; filename="big.docx"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n")
    chunk = b"x" * 65536
    pulled, status = 0, []
    headers = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1"),
               (b"content-type", b"multipart/form-data; boundary=" + boundary)]
    if declare_length:
        headers.append((b"content-length", str(total).encode()))

    async def receive():
        nonlocal pulled
        body = head if pulled == 0 else chunk
        pulled += len(body)
        return {"type": "http.request", "body": body, "more_body": pulled < total}

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http", "path": path,
             "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers, "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 80)}
    asyncio.run(app(scope, receive, send))
    return status[0], pulled


def test_a_huge_upload_is_refused_while_it_streams(sample_db, tmp_path):
    from wto_assist.index.build import build_index
    from wto_assist.web.app import MAX_UPLOAD_BYTES, create_app
    from wto_assist.web.security import MAX_BODY

    assert MAX_UPLOAD_BYTES < MAX_BODY <= MAX_UPLOAD_BYTES + 2 * 2**20
    build_index(sample_db, tmp_path / "index", with_dense=False)
    app = create_app(sample_db, tmp_path / "index", tmp_path / "data", with_dense=False)
    gib = 2**30
    for path in ("/verify", "/corpus"):
        # Declared: refused before a byte of the body is read.
        status, pulled = _stream_upload(app, path, gib, declare_length=True)
        assert status == 413 and pulled == 0, (path, status, pulled)
        # Not declared (chunked): the stream is cut just past the limit, never read to its end.
        status, pulled = _stream_upload(app, path, gib, declare_length=False)
        assert status == 413 and pulled <= MAX_BODY + 65536, (path, status, pulled)
    assert not any(path.is_file() for path in (tmp_path / "data").rglob("*"))  # nothing kept


# --- small things: a search summary that adds up, speaker names without direction overrides ----------


def test_search_never_prints_an_impossible_range_when_the_index_is_ahead_of_the_store(sample_db, tmp_path):
    import sqlite3

    from wto_assist.index.build import build_index

    build_index(sample_db, tmp_path / "index", with_dense=False)
    with sqlite3.connect(sample_db) as connection:  # the store loses what the index still holds
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("DELETE FROM documents")
    result = _cli("search", "representative", "--mode", "bm25", "--db", str(sample_db), "--index", str(tmp_path / "index"))
    assert result.exit_code == 0, result.output
    assert "–-1" not in result.output and " 0–" not in result.output
    assert "none on page 1 is in the corpus now" in result.output and "no results" in result.output


def test_direction_overrides_never_reach_a_speakers_name(tmp_path):
    from wto_assist.ingest import ingest_paths
    from wto_assist.store import Store

    folder = tmp_path / "minutes"
    folder.mkdir()
    (folder / "WTCOMTDM876.txt").write_text(
        "WT/COMTD/M/876\n\n&& The representative of \u202eChile\u202c said that duty-free access matters.\n\n"
        "&& The representative of \u2067Peru\u2069 said that rules\u202d matter.\n", encoding="utf-8")
    db = tmp_path / "corpus.sqlite"
    assert not ingest_paths([folder], db, enrich=False).failed
    with Store(db) as store:
        paragraphs = store.paragraphs("WT/COMTD/M/876")
    assert [p["speaker"] for p in paragraphs if p["speaker"]] == ["Chile", "Peru"]
    assert not any(char in p["text"] for p in paragraphs for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_a_web_upload_of_a_hostile_doc_fetches_nothing(sample_db, tmp_path, listener):
    from .test_web import _client, _job_outcome

    client, _ = _client(sample_db, tmp_path)
    _SocketGuard.arm()  # the ingest job runs in this process: any socket it made would be recorded
    try:
        upload = {"file": ("WTCOMTDM870.doc", _hostile_html(listener.port).encode(), "application/msword")}
        response = client.post("/corpus", data={"csrf_token": client.form_token}, files=upload)
        assert response.status_code == 200 and "Ingested WT/COMTD/M/870" in _job_outcome(client, response)
    finally:
        _SocketGuard.armed = False
    assert [event for event in _SocketGuard.events if event[0] == "socket.connect"] == []
    assert listener.close() == 0


# --- bounded reads ---------------------------------------------------------------------------


def test_a_huge_sparse_file_and_random_bytes_as_doc_are_refused_before_being_read(tmp_path):
    import random
    import resource
    import time

    from wto_assist.ingest import ingest_paths

    folder = tmp_path / "files"
    folder.mkdir()
    with open(folder / "sparse.txt", "wb") as handle:
        handle.truncate(3 * 2**30)  # 3 GiB that take no disk
    (folder / "random.doc").write_bytes(random.Random(22).randbytes(200_000))
    (folder / "WTCOMTDM877.txt").write_text("WT/COMTD/M/877\n&& The representative of Chile spoke.\n", encoding="utf-8")
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    report = ingest_paths([folder], tmp_path / "corpus.sqlite", enrich=False)
    assert time.perf_counter() - started < 30
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 512 * 1024  # KiB: nothing near 3 GiB read
    reasons = {Path(path).name: reason for path, reason in report.failed}
    assert reasons["sparse.txt"].startswith("larger than 256 MiB (3072 MiB)")
    assert reasons["random.doc"] == "binary content, not text (wrong extension?)"
    assert [symbol for _, symbol, _ in report.ingested] == ["WT/COMTD/M/877"]


def test_a_brief_that_is_a_fifo_or_a_device_is_refused_at_once(tmp_path):
    import os

    from click.testing import CliRunner

    from wto_assist.cli import main

    fifo = tmp_path / "brief.yaml"
    os.mkfifo(fifo)
    for brief in (fifo, "/dev/zero"):
        result = CliRunner().invoke(main, ["draft", str(brief), "-o", str(tmp_path / "out.docx"), "--db", str(tmp_path / "c.sqlite")])
        assert result.exit_code != 0 and "not a regular file" in result.output, result.output


def test_a_full_disk_is_one_line_and_the_corpus_stays(tmp_path, monkeypatch):
    import errno

    from click.testing import CliRunner

    from wto_assist import ingest as ingest_module
    from wto_assist.cli import main

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "corpus.sqlite"))

    monkeypatch.setattr(ingest_module, "ingest_paths", full)
    monkeypatch.setattr("wto_assist.cli.ingest_paths", full, raising=False)
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", str(tmp_path / "corpus.sqlite")])
    assert result.exit_code == 1 and "the disk is full" in result.output and "Traceback" not in result.output


def test_bound_to_all_interfaces_the_app_answers_to_this_machines_names():
    import socket

    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from wto_assist.web.security import Access, Guard

    access = Access.for_binding("0.0.0.0", ("wto.example.org",))
    name = socket.gethostname().lower()
    assert {name, "wto.example.org"} <= access.hosts and "0.0.0.0" in access.hosts
    assert f"http://{name}:8765/" in access.urls("0.0.0.0", 8765)
    app = Guard(Starlette(routes=[Route("/", lambda request: PlainTextResponse("ok"))]), access)
    for host in (name, "wto.example.org"):
        answer = TestClient(app, base_url=f"http://{host}:8765").get(f"/?token={access.reader_token}")
        assert answer.status_code == 200, host
    assert TestClient(app, base_url="http://attacker.example:8765").get(f"/?token={access.reader_token}").status_code == 400


def test_other_sites_cannot_make_a_browser_run_searches_here():
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    from wto_assist.web.security import Access, Guard

    app = Guard(Starlette(routes=[Route(path, lambda request: PlainTextResponse("ok")) for path in ("/search", "/read")]),
                Access.for_binding("127.0.0.1"))
    client = TestClient(app, base_url="http://127.0.0.1:8765")
    assert client.get("/search?q=x").status_code == 200  # typed in the address bar, or a link of its own
    assert client.get("/search?q=x", headers={"sec-fetch-site": "same-origin"}).status_code == 200
    assert client.get("/search?q=x", headers={"sec-fetch-site": "cross-site"}).status_code == 403
    assert client.get("/search?q=x", headers={"origin": "http://attacker.example"}).status_code == 403
    assert client.get("/read", headers={"sec-fetch-site": "cross-site"}).status_code == 200  # a light page may be linked


def test_a_post_the_client_aborts_is_answered_without_a_traceback(sample_db, tmp_path):
    """A browser that goes away mid-upload: the app answers 400 quietly instead of raising ClientDisconnect."""
    import asyncio

    from wto_assist.index.build import build_index
    from wto_assist.web.app import create_app

    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    app = create_app(sample_db, index_dir, tmp_path / "data", with_dense=False)
    body = b"csrf_token=x&file=" + b"a" * 100
    messages = [{"type": "http.request", "body": body[:20], "more_body": True}, {"type": "http.disconnect"}]
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/verify", "raw_path": b"/verify", "query_string": b"", "scheme": "http",
             "server": ("127.0.0.1", 8765), "client": ("127.0.0.1", 5000), "root_path": "", "http_version": "1.1",
             "headers": [(b"host", b"127.0.0.1:8765"), (b"origin", b"http://127.0.0.1:8765"),
                         (b"content-type", b"application/x-www-form-urlencoded"), (b"content-length", str(len(body)).encode())]}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 400


def test_an_index_on_a_read_only_mount_is_searched(sample_db, tmp_path):
    import os
    import subprocess

    from wto_assist.index.build import build_index

    if not readers.no_network_prefix():
        pytest.skip("no user namespaces here to make a read-only mount")
    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    script = (f"mount --bind {index_dir} {index_dir} && mount -o remount,bind,ro {index_dir} && "
              f"{sys.executable} -c 'from wto_assist.cli import main; main()' search DFQF --k 1 --db {sample_db} --index {index_dir}")
    run = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120, env=dict(os.environ))
    assert run.returncode == 0 and "WT/COMTD/M/990, para." in run.stdout, run.stderr[-1000:]


def test_requests_read_at_once_and_a_long_one_holds_up_nobody(sample_db, tmp_path):
    """While one request holds the app's lock to read (a long precedent page, say), a search still runs;
    only replacing the Searcher waits for readers. Waits are conditions with a bound, not sleeps."""
    import threading

    from starlette.testclient import TestClient

    from wto_assist.index.build import build_index
    from wto_assist.web.app import create_app

    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    app = create_app(sample_db, index_dir, tmp_path / "data", with_dense=False)
    state = app.app.state.web
    client = TestClient(app, base_url="http://127.0.0.1")
    answers = []
    with state.lock:  # a long reader is inside
        worker = threading.Thread(target=lambda: answers.append(client.get("/search?q=DFQF").status_code))
        worker.start()
        worker.join(timeout=60)
        assert not worker.is_alive() and answers == [200]
    switched = threading.Event()
    with state.lock:
        writer = threading.Thread(target=lambda: (state.load(), switched.set()))
        writer.start()
        assert not switched.wait(timeout=0.5)  # the switch waits for the reader inside...
    writer.join(timeout=60)
    assert switched.is_set()  # ...and goes ahead once it has left
