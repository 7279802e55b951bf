"""Web app rules that need no browser: uploads, escaping, pagination, binding."""

from click.testing import CliRunner
from starlette.testclient import TestClient

from wto_assist.cli import main
from wto_assist.index.build import build_index
from wto_assist.web.app import MAX_UPLOAD_BYTES, PAGE_SIZE, create_app


ORIGIN = {"origin": "http://127.0.0.1"}


def _client(sample_db, tmp_path, access=None):
    """A client as a browser on this computer: Host 127.0.0.1, same-origin POSTs with the form token."""
    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    app = create_app(sample_db, index_dir, tmp_path / "data", with_dense=False, access=access)
    client = TestClient(app, base_url="http://127.0.0.1", headers=ORIGIN)
    client.form_token = app.access.form_token
    return client, tmp_path / "data"


def _job_outcome(client, response) -> str:
    """Follow an upload's background job until it ends (a condition, not a timer): the corpus page text."""
    import time

    for _ in range(600):
        page = client.get(str(response.url))
        if 'data-status="running"' not in page.text:
            return page.text
        time.sleep(0.05)
    raise AssertionError("the upload job did not end in 30 s")


def test_uploads_cannot_escape_the_data_folder_or_exceed_limits(sample_db, tmp_path):
    client, data = _client(sample_db, tmp_path)
    text = b"WT/COMTD/M/993\n&& The representative of Chile said that uploads stay inside the data folder.\n"
    token = {"csrf_token": client.form_token}
    response = client.post("/corpus", data=token, files={"file": ("../../../../tmp/evil/WTCOMTDM993.txt", text, "text/plain")})
    assert response.status_code == 200 and "Ingested WT/COMTD/M/993" in _job_outcome(client, response)
    saved = list((data / "uploads").iterdir())
    assert [p.name for p in saved] == ["WTCOMTDM993.txt"] and saved[0].resolve().is_relative_to(data.resolve())
    too_big = client.post("/corpus", data=token, files={"file": ("big.txt", b"x" * (MAX_UPLOAD_BYTES + 1), "text/plain")})
    assert too_big.status_code == 400 and "larger than 20 MiB" in too_big.text
    wrong_type = client.post("/verify", data=token, files={"file": ("notes.pdf", b"%PDF", "application/pdf")})
    assert wrong_type.status_code == 400 and ".pdf is not accepted here" in wrong_type.text
    assert "WT/COMTD/M/993, para. 1" in client.get("/search?q=uploads+data+folder").text  # re-indexed after upload


def test_pagination_keeps_the_query_in_the_url(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    first = client.get("/search?q=representative+panel+import+measure+members+trade+market&mode=bm25")
    assert first.text.count('class="result"') == PAGE_SIZE
    assert 'href="/search?q=representative+panel+import+measure+members+trade+market&amp;mode=bm25&page=2" rel="next"' in first.text
    second = client.get("/search?q=representative+panel+import+measure+members+trade+market&mode=bm25&page=2")
    assert 0 < second.text.count('class="result"') <= PAGE_SIZE and "Page 2 of" in second.text


def test_web_binds_localhost_unless_told_otherwise(tmp_path):
    refused = CliRunner().invoke(main, ["web", "--host", "0.0.0.0", "--db", str(tmp_path / "c.sqlite")])
    assert refused.exit_code == 1 and "pass --allow-remote" in refused.output


def test_draft_preview_lists_restricted_passages_unticked_with_the_reason(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    form = {"kind": "committee-statement", "release": "public", "member": "Viet Nam", "body": "Committee on Trade and Development",
            "date": "2026-12-10", "points": "We share the concern.", "queries": "import restrictions without notification processed fruit",
            "action": "preview", "csrf_token": client.form_token}
    preview = client.post("/draft", data=form)
    assert preview.status_code == 200  # one RESTRICTED hit no longer fails the whole preview
    assert "Not used: still RESTRICTED until 28 January 2027" in preview.text and "<input type=\"checkbox\" disabled>" in preview.text
    assert "--allow-restricted" not in preview.text and "support[" not in preview.text
    bad = client.post("/draft", data=dict(form, queries="", citations="WT/COMTD/M/990, para. 99"))
    assert bad.status_code == 400 and "Quoted paragraphs, line 1: WT/COMTD/M/990, para. 99 is not in the corpus" in bad.text


def test_draft_preview_offers_the_delegations_that_backed_the_member(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    form = {"kind": "committee-statement", "release": "restricted", "member": "Bangladesh", "on_behalf_of": "LDC Group",
            "body": "Committee on Trade and Development", "date": "2026-12-10", "points": "DFQF market access for all LDCs.",
            "queries": "DFQF market access", "action": "preview", "csrf_token": client.form_token}
    preview = client.post("/draft", data=form)
    assert preview.status_code == 200 and "Delegations that stood with you or the same cause" in preview.text, preview.text[-3000:]
    section = preview.text.split("Delegations that stood with you or the same cause")[1]
    assert "Chad" in section and "WT/COMTD/M/990, para." in section


def test_cross_site_requests_and_foreign_hosts_are_refused(sample_db, tmp_path):
    client, data = _client(sample_db, tmp_path)
    upload = {"file": ("WTCOMTDM993.txt", b"WT/COMTD/M/993\n&& The representative of Chile said so.\n", "text/plain")}
    # Another site making the delegate's browser post to the app (CSRF) ...
    forged = client.post("/corpus", data={"csrf_token": client.form_token}, files=upload, headers={"origin": "http://evil.example"})
    assert forged.status_code == 403
    # ... or posting from a page without the form token, or with no origin at all.
    assert client.post("/corpus", files=upload).status_code == 403
    assert client.post("/corpus", data={"csrf_token": client.form_token}, files=upload, headers={"origin": ""}).status_code == 403
    # DNS rebinding: the browser thinks it talks to evil.example.
    rebound = client.get("/search?q=restricted", headers={"host": "evil.example"})
    assert rebound.status_code == 400 and "not one this wto-assist server answers to" in rebound.text
    assert not (data / "uploads").exists()  # nothing was ingested
    page = client.get("/search")
    assert "script-src 'self'" in page.headers["content-security-policy"] and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["x-frame-options"] == "DENY"
    assert "<script>" not in page.text.replace('<script src="/static/app.js" defer></script>', "")  # no inline script
    accepted = client.post("/corpus", data={"csrf_token": client.form_token}, files=upload)
    assert accepted.status_code == 200 and "Ingested WT/COMTD/M/993" in _job_outcome(client, accepted)


def test_beyond_loopback_every_request_needs_a_token_and_readers_cannot_change_the_corpus(sample_db, tmp_path):
    from wto_assist.web.security import Access

    access = Access.for_binding("192.0.2.10")
    client, _ = _client(sample_db, tmp_path, access)
    remote = {"host": "192.0.2.10:8765", "origin": "http://192.0.2.10:8765"}
    assert client.get("/search", headers=remote).status_code == 401
    reader = client.get(f"/search?token={access.reader_token}", headers=remote)
    assert reader.status_code == 200 and "HttpOnly" in reader.headers["set-cookie"]
    upload = {"file": ("WTCOMTDM994.txt", b"WT/COMTD/M/994\n&& The representative of Peru said so.\n", "text/plain")}
    refused = client.post("/corpus", data={"csrf_token": client.form_token}, files=upload, headers=remote)  # reader's cookie
    assert refused.status_code == 403 and "read-only" in refused.text
    client.cookies.clear()
    assert client.get(f"/search?token={access.editor_token}", headers=remote).status_code == 200
    done = client.post("/corpus", data={"csrf_token": client.form_token}, files=upload, headers=remote)
    assert done.status_code == 200 and "Ingested WT/COMTD/M/994" in _job_outcome(client, done)


def test_odd_parameters_are_answered_not_crashed_on(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    for path in ("/search?q=fruit&page=%C2%B2", "/search?q=fruit&page=" + "9" * 5000, "/disputes/DS99999999999999999999"):
        assert client.get(path).status_code in (200, 404), path
    draft = {"kind": "committee-statement", "member": "Viet Nam", "body": "CTD", "date": "2026-12-10", "points": "A point.",
             "citations": "WT/COMTD/M/990, para. 7", "action": "download", "keep": "²", "release": "restricted",
             "csrf_token": client.form_token}
    assert client.post("/draft", data=draft).status_code in (200, 400)


def test_the_app_follows_an_index_built_outside_it(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    assert "WT/COMTD/M/995" not in client.get("/search?q=outside+rebuild+marker&mode=bm25").text
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "WTCOMTDM995.txt").write_text("WT/COMTD/M/995\n&& The representative of Chile said outside rebuild marker words.\n")
    from wto_assist.ingest import ingest_paths

    ingest_paths([extra], sample_db)
    build_index(sample_db, tmp_path / "index", with_dense=False)  # as `wto-assist index` in another shell
    assert "WT/COMTD/M/995, para. 1" in client.get("/search?q=outside+rebuild+marker&mode=bm25").text
    assert client.get("/corpus").status_code == 200


def test_the_json_service_refuses_foreign_hosts(sample_db, tmp_path):
    import http.client

    from .serving import json_service

    index_dir = tmp_path / "index"
    build_index(sample_db, index_dir, with_dense=False)
    with json_service(sample_db, index_dir) as server:
        for host, status in (("127.0.0.1", 200), ("evil.example", 400)):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
            connection.request("GET", "/search?q=fruit&mode=bm25", headers={"Host": host})
            assert connection.getresponse().status == status, host
            connection.close()


def test_every_page_has_one_h1_a_nav_landmark_and_a_skip_link(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    for path in ("/search", "/search?q=DFQF", "/precedent", "/disputes", "/coalitions", "/concerns", "/cases", "/draft",
                 "/verify", "/corpus", "/document/WT/COMTD/M/990"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.text.count("<h1") == 1, path
        assert '<nav aria-label="Pages">' in page.text and 'href="#content"' in page.text and 'id="content"' in page.text, path


def test_tag_buttons_are_not_taken_by_the_copy_script(sample_db, tmp_path):
    # The copy script acts on buttons that carry a citation to copy; a tag form's buttons carry none, so a
    # click submits the form (the bug: they shared the copy buttons' class and the script took the click).
    from .conftest import REPO

    script = (REPO / "src" / "wto_assist" / "web" / "static" / "app.js").read_text()
    assert 'closest("button[data-citation]")' in script and "button.copy" not in script
    client, _ = _client(sample_db, tmp_path)
    client.post("/concerns", data={"csrf_token": client.form_token, "concern_id": "x", "tag": "coercion"})
    page = client.get("/concerns")
    for form in page.text.split('action="/concerns"')[1:]:
        button = form.split("<button", 1)[1].split(">", 1)[0]
        assert "data-citation" not in button


def test_a_library_error_no_page_handles_is_its_message_and_status(sample_db, tmp_path, monkeypatch):
    from wto_assist.errors import NotFoundError
    from wto_assist.web.views import disputes as disputes_page

    def lost(*args, **kwargs):
        raise NotFoundError("no dispute DS999 in the registry", field="dispute")

    monkeypatch.setattr(disputes_page, "dispute_file", lost)
    client, _ = _client(sample_db, tmp_path)
    answer = client.get("/disputes/DS990")
    assert answer.status_code == 404 and "no dispute DS999 in the registry" in answer.text
    twin = client.get("/api/disputes/DS990")
    assert twin.status_code == 404 and twin.json() == {"error": "no dispute DS999 in the registry", "field": "dispute"}

def test_search_page_marks_only_the_querys_own_words_counts_them_and_says_what_to_try(sample_db, tmp_path):
    client, _ = _client(sample_db, tmp_path)
    page = client.get("/search?q=LDC&mode=bm25").text
    assert "<mark>least-developed countries</mark>" in page and "<mark>LDCs</mark>" in page
    assert "developing country Members" in page or "LDC" in page
    assert "<mark>developing</mark>" not in page and "<mark>developed</mark>" not in page and "<mark>least</mark>" not in page
    assert "contain all your words" in page  # the count in the user's terms
    missing = client.get("/search?q=Bangaldesh+tariff+lines&mode=bm25").text
    assert 'id="suggestion"' in missing and ">Bangladesh tariff lines</a>" in missing
    nothing = client.get("/search?q=xyzzyplugh&speaker=Bangladesh").text
    assert 'id="no-results"' in nothing and "Things to try" in nothing
    assert "the same words without filters" in nothing  # a filter was set: the page offers to drop it
    document = client.get("/document/WT/COMTD/M/990?q=LDC").text
    assert "<mark>least-developed countries</mark>" in document and "<mark>developing</mark>" not in document
    assert 'rel="next">Next match' in document
