"""The Corpus page: index health said plainly, "Index now" as a job the page follows (JSON status, a refresh
without JavaScript), and a duplicate upload named as such. On the illustrative sample corpus."""

import json
import time

from starlette.testclient import TestClient

from wto_assist.index.build import build_index
from wto_assist.index_health import index_health
from wto_assist.registry import load_registry
from wto_assist.store import Store
from wto_assist.web.app import create_app
from wto_assist.web.jobs import RUNNING, Job

from .conftest import CORPUS

ORIGIN = {"origin": "http://127.0.0.1"}
UPLOAD = b"WT/COMTD/M/993\n&& The representative of Chile said that a second copy adds nothing.\n"


def _client(db, tmp_path, index_dir):
    app = create_app(db, index_dir, tmp_path / "data", with_dense=False)
    client = TestClient(app, base_url="http://127.0.0.1", headers=ORIGIN)
    client.form_token = app.access.form_token
    client.state = app.app.state.web
    return client


def _finished(client, job_url: str) -> dict:
    """Ask the job's JSON route until the job has ended (a condition, not a timer)."""
    for _ in range(600):
        job = client.get(job_url).json()
        if job["status"] != RUNNING:
            return job
        time.sleep(0.05)
    raise AssertionError("the job did not end in 30 s")


def _job_of(response) -> str:
    """/corpus?job=ID, where a POST sent the browser: the job's JSON route."""
    return "/corpus/jobs/" + response.url.params["job"]


def test_documents_not_yet_searchable_are_said_and_index_now_makes_them_searchable(sample_db, tmp_path):
    load_registry(CORPUS / "registry" / "disputes-sample.jsonl", sample_db)  # the summary is held, not indexed
    client = _client(sample_db, tmp_path, tmp_path / "index")
    page = client.get("/corpus").text
    assert "1 dispute summary" in page and "in the corpus but not searchable yet (there is no index yet)" in page
    assert 'action="/corpus/index"' in page
    assert "DS990" not in client.get("/search?q=Examplelandia+processed+fruit").text
    started = client.post("/corpus/index", data={"csrf_token": client.form_token})
    assert started.status_code == 200 and "job=" in str(started.url)
    job = _finished(client, _job_of(started))
    assert job["kind"] == "index" and job["status"] == "done" and job["message"].startswith("The index is up to date: ")
    page = client.get(str(started.url)).text
    with Store(sample_db) as store:
        held = store.connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    assert f"All {held:,} documents are searchable." in page and 'action="/corpus/index"' not in page
    assert 'http-equiv="refresh"' not in page  # nothing runs: the page stays still
    assert "DS990" in client.get("/search?q=Examplelandia+processed+fruit").text


def test_documents_added_after_the_build_are_counted_by_kind(sample_db, tmp_path):
    with Store(sample_db) as store:
        documents = store.connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        cutoff = store.connection.execute("SELECT MAX(ingested_at) FROM documents").fetchone()[0]
        assert index_health(store, None).waiting_total == documents
        assert index_health(store, {"created": "2999-01-01T00:00:00+0000"}).summary() == f"All {documents:,} documents are searchable."
        store.connection.execute("UPDATE documents SET ingested_at = '2999-06-01T00:00:00+00:00' WHERE symbol = 'WT/COMTD/M/990'")
        store.connection.commit()
        later = index_health(store, {"created": cutoff.replace("+00:00", "+0000")})
    assert later.waiting == {"minutes": 1}
    assert later.summary() == "1 set of minutes is in the corpus but not searchable yet (added since the index was built): index now to search them."


def test_a_running_job_is_followed_with_and_without_javascript(sample_db, tmp_path):
    build_index(sample_db, tmp_path / "index", with_dense=False)
    client = _client(sample_db, tmp_path, tmp_path / "index")
    client.state.jobs["abc"] = Job("abc", "index", RUNNING, "Updating the index…", "embedded 1,200 of 29,273 windows, 3 min left")
    page = client.get("/corpus?job=abc").text
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page  # JavaScript off: the page refreshes itself
    assert 'data-job-url="/corpus/jobs/abc"' in page and 'data-job-status="running"' in page  # jobs.js follows it
    assert "embedded 1,200 of 29,273 windows, 3 min left" in page
    assert client.get("/corpus/jobs/abc").json()["progress"] == "embedded 1,200 of 29,273 windows, 3 min left"
    missing = client.get("/corpus/jobs/nope")
    assert missing.status_code == 404 and json.loads(missing.text)["field"] == "job"
    assert 'src="/static/jobs.js"' in page and "data-job-url" in client.get("/static/jobs.js").text


def test_an_upload_the_corpus_already_holds_is_named_a_duplicate(sample_db, tmp_path):
    build_index(sample_db, tmp_path / "index", with_dense=False)
    client = _client(sample_db, tmp_path, tmp_path / "index")
    token = {"csrf_token": client.form_token}
    first = client.post("/corpus", data=token, files={"file": ("WTCOMTDM993.txt", UPLOAD, "text/plain")})
    assert _finished(client, _job_of(first))["status"] == "done"
    again = client.post("/corpus", data=token, files={"file": ("copy of minutes.txt", UPLOAD, "text/plain")})
    job = _finished(client, _job_of(again))
    assert (job["status"], job["message"]) == ("duplicate", "Duplicate: the corpus already holds this file as WT/COMTD/M/993; nothing was added.")
    edited = client.post("/corpus", data=token, files={"file": ("edited.txt", UPLOAD.replace(b"adds nothing", b"adds little"), "text/plain")})
    job = _finished(client, _job_of(edited))
    assert job["status"] == "duplicate" and "already holds WT/COMTD/M/993 (from another file)" in job["message"]
    assert sorted(path.name for path in (tmp_path / "data" / "uploads").iterdir()) == ["WTCOMTDM993.txt"]  # no copy kept
    page = client.get(str(edited.url)).text
    assert 'data-status="duplicate"' in page and 'class="message"' in page


def test_an_index_of_an_older_format_is_said_as_such_and_index_now_builds_it_again(sample_db, tmp_path):
    """After an upgrade that changed the index format, the pages do not say "no index yet": they say the index must be
    built again, and Index now does it (a full build: the incremental one refuses another format)."""
    from wto_assist.index.build import FORMAT_VERSION

    from .test_review_run14 import _outdated_index

    _outdated_index(sample_db, tmp_path / "index")
    client = _client(sample_db, tmp_path, tmp_path / "index")
    said = (f"The index was built by another version of wto-assist (index format {FORMAT_VERSION - 1}; this one reads format "
            f"{FORMAT_VERSION}): build it again with Index now on the Corpus page.")
    assert said in client.get("/search?q=DFQF").text and "no index yet" not in client.get("/search?q=DFQF").text
    answer = client.get("/api/search?q=DFQF")
    assert answer.status_code == 503 and answer.json()["error"] == said
    page = client.get("/corpus").text
    assert said in page and 'action="/corpus/index"' in page
    job = _finished(client, _job_of(client.post("/corpus/index", data={"csrf_token": client.form_token})))
    assert job["status"] == "done"
    assert client.state.corpus.index_problem is None and "DFQF" in client.get("/search?q=DFQF").text
