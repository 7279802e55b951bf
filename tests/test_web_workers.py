"""`wto-assist web --workers N`: every worker builds the same app from the settings the parent wrote, accepts
the parent's tokens, and answers the same state for a job; the index build a job starts is one at a time
across processes, and a job whose process died reads as failed. On the illustrative sample corpus."""

import json
import os
import socket
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from wto_assist.cli import main
from wto_assist.errors import UnavailableError
from wto_assist.index.build import build_index
from wto_assist.search import Searcher
from wto_assist.web.app import create_app
from wto_assist.web.jobs import DONE, FAILED, RUNNING, Job
from wto_assist.web.jobstore import JobStore, process_started
from wto_assist.web.readiness import wait_for_workers
from wto_assist.web.security import Access
from wto_assist.web.workers import SETTINGS_PREFIX, SETTINGS_VARIABLE, WebSettings, from_environment

REMOTE = {"host": "192.0.2.10:8765", "origin": "http://192.0.2.10:8765"}
UPLOAD = b"WT/COMTD/M/993\n&& The representative of Chile said that every worker indexes the same corpus.\n"


def _settings(sample_db, tmp_path) -> WebSettings:
    build_index(sample_db, tmp_path / "index", with_dense=False)
    return WebSettings(sample_db, tmp_path / "index", tmp_path / "data", None, False, Access.for_binding("192.0.2.10"))


def _job_url(response) -> str:
    return "/corpus/jobs/" + urllib.parse.parse_qs(urllib.parse.urlparse(response.headers["location"]).query)["job"][0]


def test_each_worker_builds_the_parents_app_and_accepts_its_tokens(sample_db, tmp_path, monkeypatch):
    settings = _settings(sample_db, tmp_path)
    path = settings.write()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds the tokens
    monkeypatch.delenv(SETTINGS_VARIABLE, raising=False)
    with pytest.raises(UnavailableError, match=SETTINGS_VARIABLE):
        from_environment()
    monkeypatch.setenv(SETTINGS_VARIABLE, str(path))
    first, second = from_environment(), from_environment()  # two workers
    state = second.app.state.web
    assert (state.db_path, state.index_dir, state.data_dir, state.model, state.with_dense) == (
        sample_db.resolve(), (tmp_path / "index").resolve(), (tmp_path / "data").resolve(), None, False)
    assert first.access.handed_over() == second.access.handed_over() == settings.access.handed_over()

    one = TestClient(first, base_url="http://192.0.2.10:8765", headers=REMOTE, follow_redirects=False)
    other = TestClient(second, base_url="http://192.0.2.10:8765", headers=REMOTE, follow_redirects=False)
    assert one.get(f"/search?token={settings.access.editor_token}").status_code == 200
    other.cookies = one.cookies  # the browser's cookie, set by one worker, shown to the other
    upload = other.post("/corpus", data={"csrf_token": settings.access.form_token},
                        files={"file": ("WTCOMTDM993.txt", UPLOAD, "text/plain")})
    assert upload.status_code == 303  # the other worker took the parent's form token
    job = _ended(one, _job_url(upload))  # and the first worker answers for the other's job
    assert (job["status"], job["message"]) == (DONE, "Ingested WT/COMTD/M/993 and updated the index.")
    assert "WT/COMTD/M/993, para. 1" in one.get("/search?q=every+worker+indexes&mode=bm25").text
    assert other.post("/corpus/index", data={"csrf_token": "another"}).status_code == 403


def _ended(client, url: str) -> dict:
    for _ in range(600):  # a condition, not a timer
        job = client.get(url).json()
        if job["status"] != RUNNING:
            return job
        time.sleep(0.05)
    raise AssertionError("the job did not end in 30 s")


def test_a_job_is_the_same_in_every_worker_and_one_index_job_runs_at_a_time(tmp_path):
    here, there = JobStore(tmp_path / "jobs.sqlite"), JobStore(tmp_path / "jobs.sqlite")
    job = Job("abc", "index", RUNNING, "Updating the index…")
    here[job.id] = job
    job.progress = "embedded 1,200 of 29,273 windows, 3 min left"
    assert there.get("abc").to_json() == job.to_json()
    clicked = there.add_unless_running(Job("def", "index", RUNNING, "Updating the index…"))
    assert clicked.id == "abc" and there.get("def") is None  # a second "Index now" follows the running build
    job.update(DONE, "The index is up to date: 29 paragraphs searchable.")
    seen = there.get("abc")
    assert (seen.status, seen.message, seen.progress) == (DONE, "The index is up to date: 29 paragraphs searchable.", None)
    assert there.add_unless_running(Job("ghi", "index", RUNNING, "Updating the index…")).id == "ghi"
    assert [held.id for held in here.values()] == ["abc", "ghi"]


def test_a_job_whose_process_died_reads_as_failed(tmp_path):
    worker = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    started = process_started(worker.pid)
    jobs = JobStore(tmp_path / "jobs.sqlite")
    jobs["dead"] = Job("dead", "upload", RUNNING, "Ingesting WTCOMTDM993.txt…", pid=worker.pid, pid_started=started)
    assert jobs.get("dead").status == RUNNING  # its worker still runs
    worker.stdin.close()
    worker.wait()
    ended = JobStore(tmp_path / "jobs.sqlite").get("dead")
    assert ended.status == FAILED and f"(pid {worker.pid}) stopped before the job ended" in ended.message
    # The pid alone is not enough: a process that reuses the number is not the one that ran the job.
    jobs["reused"] = Job("reused", "index", RUNNING, "Updating the index…", pid=os.getpid(), pid_started="1")
    assert jobs.get("reused").status == FAILED
    assert jobs.add_unless_running(Job("next", "index", RUNNING, "Updating the index…")).id == "next"


def test_the_index_build_lock_holds_across_processes(tmp_path):
    lock = tmp_path / "data" / "index-build.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom wto_assist.web.locking import held_across_processes\n"
         f"with held_across_processes({str(lock)!r}):\n    print('held', flush=True)\n    sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert holder.stdout.readline() == "held\n"
    from wto_assist.web.locking import held_across_processes

    waited, entered = threading.Event(), threading.Event()

    def second() -> None:
        with held_across_processes(lock, waited.set):
            entered.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert waited.wait(10) and not entered.is_set()  # told to wait, and waiting: the other process holds it
    holder.stdin.close()
    assert entered.wait(10)
    thread.join()
    assert holder.wait(10) == 0


def test_a_settings_file_left_by_a_killed_server_goes_even_when_its_pid_runs_another_process(tmp_path):
    """The tokens of a server killed before it could remove its settings file do not stay because the kernel gave
    its pid to another process: the file says when its server started."""
    from wto_assist.web.workers import _remove_left_over

    data = tmp_path / "data"
    data.mkdir()
    mine = process_started(os.getpid())
    reused = data / f"{SETTINGS_PREFIX}{os.getpid()}.json"  # this test's pid, but written by a server started at another time
    reused.write_text(json.dumps({"server_started": str(int(mine) - 1)}))
    _remove_left_over(data)
    assert not reused.exists()
    alive = data / f"{SETTINGS_PREFIX}{os.getpid()}.json"
    alive.write_text(json.dumps({"server_started": mine}))  # the running server's own file stays
    _remove_left_over(data)
    assert alive.exists()


def test_web_refuses_fewer_than_one_worker():
    result = CliRunner().invoke(main, ["web", "--workers", "0"])
    assert result.exit_code == 2 and "--workers" in result.output and "0 is not in the range x>=1" in result.output


def test_web_with_two_workers_serves_searches_and_the_parents_form_token(sample_db, tmp_path):
    build_index(sample_db, tmp_path / "index", with_dense=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data = tmp_path / "data"
    server = subprocess.Popen(
        [sys.executable, "-c", "from wto_assist.cli import main; main()", "web", "--workers", "2", "--no-dense", "--port", str(port),
         "--db", str(sample_db), "--index", str(tmp_path / "index"), "--data", str(data)],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert server.stdout.readline().startswith(f"wto-assist on {base}/")
        workers = wait_for_workers(base + "/api/ready", 2, timeout_s=60, running=lambda: server.poll() is None)
        assert len(workers) == 2 and server.pid not in workers  # two processes of this server, each warm
        if sys.platform.startswith("linux"):  # each worker listens on a socket of its own: the kernel spreads connections
            assert _listening_sockets(port) == 2
        for pid, answer in workers.items():
            assert _parent(pid) == server.pid and answer["searcher"] and answer["warm_up_results"][0] > 0
        for _ in range(8):
            page = urllib.request.urlopen(base + "/search?q=processed+fruit&mode=bm25", timeout=10).read().decode()
            assert 'class="result"' in page
        settings = json.loads((data / f"{SETTINGS_PREFIX}{server.pid}.json").read_text())
        token = settings["access"]["form_token"]
        assert f'name="csrf_token" value="{token}"' in urllib.request.urlopen(base + "/corpus", timeout=10).read().decode()
        opener = urllib.request.build_opener(_NoRedirect)
        for _ in range(6):
            request = urllib.request.Request(base + "/corpus/index", data=f"csrf_token={token}".encode(), headers={"Origin": base})
            with pytest.raises(urllib.error.HTTPError) as answer:
                opener.open(request, timeout=10)
            assert answer.value.code == 303 and "/corpus?job=" in answer.value.headers["location"]
    finally:
        server.terminate()
        server.wait(30)
    assert not list(data.glob(f"{SETTINGS_PREFIX}*"))  # the tokens do not outlive the server


def _listening_sockets(port: int) -> int:
    """How many TCP sockets listen on this port of 127.0.0.1 (Linux's /proc/net/tcp: state 0A is LISTEN)."""
    rows = open("/proc/net/tcp", encoding="ascii").read().splitlines()[1:]
    return sum(1 for row in rows if row.split()[1] == f"0100007F:{port:04X}" and row.split()[3] == "0A")


def test_a_worker_runs_one_search_at_a_time(sample_db, tmp_path, monkeypatch):
    """The page's and the API's searches hold the worker's search lock while they run (a burst is answered one
    after another, docs/scale.md), and let it go after, an error included."""
    settings = _settings(sample_db, tmp_path)
    app = create_app(settings.db_path, settings.index_dir, settings.data_dir, with_dense=False)
    state = app.app.state.web
    held, original = [], Searcher.run

    def run(self, *args, **kwargs):
        held.append(state.searching.locked())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Searcher, "run", run)
    client = TestClient(app, base_url="http://127.0.0.1")
    assert client.get("/search?q=processed+fruit&mode=bm25").status_code == 200
    assert client.get("/api/search?q=processed+fruit&mode=nonsense").status_code == 400
    assert held == [True, True] and not state.searching.locked()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="elsewhere uvicorn's own workers bind the port")
def test_two_workers_on_a_port_another_program_listens_on_say_so(sample_db, tmp_path):
    build_index(sample_db, tmp_path / "index", with_dense=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["web", "--workers", "2", "--no-dense", "--port", str(port), "--db", str(sample_db),
                                           "--index", str(tmp_path / "index"), "--data", str(tmp_path / "data")])
    assert result.exit_code != 0 and f"cannot serve on 127.0.0.1:{port}" in result.output
    assert not list((tmp_path / "data").glob(f"{SETTINGS_PREFIX}*"))  # the settings file (tokens) is removed


def _parent(pid: int) -> int:
    status = open(f"/proc/{pid}/status", encoding="ascii").read()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("PPid:")))


def test_a_just_started_app_answers_ready_only_once_warm(sample_db, tmp_path, monkeypatch):
    settings = _settings(sample_db, tmp_path)
    app = settings.app()
    cold = TestClient(app, base_url="http://192.0.2.10:8765", headers=REMOTE)
    token = f"?token={settings.access.reader_token}"
    answer = cold.get("/api/ready" + token)  # its lifespan has not run: not warm
    assert (answer.status_code, answer.json()["ready"], answer.json()["pid"]) == (503, False, os.getpid())
    with TestClient(app, base_url="http://192.0.2.10:8765", headers=REMOTE) as client:  # runs the lifespan, as uvicorn does
        answer = client.get("/api/ready" + token)
        assert answer.status_code == 200
        body = answer.json()
        assert body["ready"] and body["pid"] == os.getpid() and body["problem"] is None
        assert body["searcher"] == (tmp_path / "index" / "CURRENT").read_text().strip()
        # both warm-up searches found results and rendered them (the plain one and the one with every filter)
        assert len(body["warm_up_results"]) == 2 and min(body["warm_up_results"]) > 0
    assert TestClient(app, base_url="http://192.0.2.10:8765", headers=REMOTE).get("/api/ready").status_code == 401  # the Guard's
    with TestClient(create_app(sample_db, tmp_path / "no-index", tmp_path / "data"), base_url="http://127.0.0.1") as client:  # no index yet
        assert client.get("/api/ready").json() | {"pid": 0, "warm_up_s": 0} == {
            "pid": 0, "ready": True, "searcher": None, "warm_up_s": 0, "warm_up_results": [0, 0], "problem": None, "index_problem": None}

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the search")

    monkeypatch.setattr(Searcher, "run", broken)  # a worker whose first search fails is not ready, and says why
    with TestClient(create_app(sample_db, tmp_path / "index", tmp_path / "data"), base_url="http://127.0.0.1") as client:
        answer = client.get("/api/ready")
        assert answer.status_code == 503 and answer.json()["problem"] == "the warm-up failed: RuntimeError: a bug in the search"


def test_waiting_for_workers_says_what_it_saw():
    with socket.socket() as probe:  # a port nobody listens on: every answer is a refusal
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/api/ready"
        with pytest.raises(UnavailableError, match=r"0 of 2 worker\(s\) answered ready, the server stopped .*refused"):
            wait_for_workers(url, 2, running=lambda: False)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
