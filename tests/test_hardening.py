"""Issue 22: hostile files, odd names, roles and databases that are not ours to change."""

from __future__ import annotations

import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

from wto_assist.documents import readers
from wto_assist.documents.readers import read_text

from .conftest import CORPUS, minimal_pdf


class Listener:
    """A loopback TCP listener that counts the connections reaching it (bounded waits only)."""

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
        time.sleep(0.3)  # a connection made at the very end is still counted
        self.stopping.set()
        self.thread.join(timeout=2)
        self.server.close()
        return self.connections


@pytest.fixture()
def listener():
    watcher = Listener()
    yield watcher
    watcher.close()


def _hostile_html(port: int) -> str:
    return (f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/style.css"></head><body>'
            f'<p>WT/COMTD/M/870</p><img src="http://127.0.0.1:{port}/x.png">'
            f"<p>&amp;&amp; The representative of Chile said that duty-free access matters.</p>"
            f'<img src="http://127.0.0.1:{port}/y.png"></body></html>')


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


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice is not installed")
def test_real_libreoffice_fetches_nothing_linked_from_an_rtf(tmp_path, listener):
    path = tmp_path / "linked.doc"
    path.write_text("{\\rtf1\\ansi WT/COMTD/M/871\\par The representative of Peru spoke.\\par"
                    f'{{\\field{{\\*\\fldinst INCLUDEPICTURE "http://127.0.0.1:{listener.port}/x.png" \\\\d}}}}\\par}}', encoding="ascii")
    try:
        read_text(path)
    except readers.ReadError:
        pass  # refusing the file is as good as reading it; what matters is that nothing was fetched
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
