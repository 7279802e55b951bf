"""End-to-end: the web app on 127.0.0.1 driven by headless Chromium (Debian's chromium + chromium-driver)."""

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from wto_assist.index.build import build_index
from wto_assist.ingest import ingest_paths
from wto_assist.registry import load_registry

from .conftest import CORPUS

PAYLOAD = """WT/COMTD/M/999
1 March 2026
NOTE ON THE MEETING OF 1 MARCH 2026
Chairperson: Test
&& The representative of Chile said <script>window.__xss = 1</script> that payloads must stay inert.
&& The representative of Peru said <img src=x onerror="window.__xss = 2"> that payloads must stay inert too.
"""


def _browser(download_dir: Path):
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        if os.environ.get("WTO_ASSIST_REQUIRE_SHARED") == "1":
            pytest.fail("chromium and chromium-driver are required in CI: .ci/run installs them")
        pytest.skip("chromium / chromedriver not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(download_dir), "download.prompt_for_download": False})
    browser = webdriver.Chrome(service=Service(driver), options=options)
    browser.implicitly_wait(15)  # a page that is still loading gets time to show its elements
    return browser


APP: dict = {}  # the running app's state (WebState), set by `site`


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    import uvicorn

    from wto_assist.web.app import create_app

    folder = tmp_path_factory.mktemp("web")
    corpus = folder / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "WTCOMTDM999.txt").write_text(PAYLOAD, encoding="utf-8")
    shutil.copytree(Path(__file__).parent / "data" / "concerns", corpus / "concerns")  # illustrative Goods Council and TBT minutes
    db, index_dir = folder / "corpus.sqlite", folder / "index"
    ingest_paths([corpus], db)
    load_registry(CORPUS / "registry" / "disputes-sample.jsonl", db)
    build_index(db, index_dir, with_dense=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(db, index_dir, folder / "data", with_dense=False)
    APP["state"] = app.app.state.web  # for a test that stages a corpus job
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    downloads = folder / "downloads"
    downloads.mkdir()
    browser = _browser(downloads)
    yield f"http://127.0.0.1:{port}", browser, downloads, folder
    browser.quit()
    server.should_exit = True
    thread.join(timeout=5)


def _by(css):
    from selenium.webdriver.common.by import By

    return By.CSS_SELECTOR, css


def _submit(browser, css):
    """Click and wait until the next page has replaced this one and finished loading.

    The old page is marked with a token; the wait ends when a document without the token is complete.
    Nothing touches the old page's elements while it is being torn down: asking an element whether it
    went stale (staleness_of) is what made Chrome answer "Node with given id does not belong to the
    document" now and then. Errors while the navigation is under way are retried until the condition holds.
    """
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    browser.execute_script("window.__wto_page = 'before-submit'")
    browser.find_element(*_by(css)).click()

    def next_page_loaded(driver):
        return driver.execute_script("return window.__wto_page === undefined && document.readyState === 'complete'")

    WebDriverWait(browser, 30, ignored_exceptions=(WebDriverException,)).until(next_page_loaded)


def test_search_with_a_filter_and_read_in_context(site):
    from selenium.webdriver.support.ui import Select

    base, browser, _, _ = site
    browser.get(f"{base}/search")
    assert not browser.find_element(*_by("select[name=type]")).is_displayed()  # advanced filters folded away
    browser.find_element(*_by("input[name=q]")).send_keys("import ban processed fruit")
    browser.find_element(*_by("details.advanced summary")).click()
    Select(browser.find_element(*_by("select[name=type]"))).select_by_value("panel-report")
    _submit(browser, "form.search button[type=submit]")
    citations = [e.text for e in browser.find_elements(*_by("article.result a.citation"))]
    assert citations and all(c.startswith("WT/DS990/R, para. 7.8") for c in citations)
    assert "type=panel-report" in browser.current_url and "q=import+ban" in browser.current_url  # bookmarkable
    assert browser.find_elements(*_by("article.result mark"))  # query terms highlighted
    assert "score" not in browser.find_element(*_by("article.result .meta")).text  # scores hidden by default
    first = citations[0]
    _submit(browser, "article.result a.citation")
    target = browser.find_element(*_by("section.target"))
    assert first in target.text
    assert browser.find_element(*_by("h1")).text.startswith("WT/DS990/R")
    assert browser.find_elements(*_by("section.hit nav.hit-nav a[rel=next]"))  # next match within the document


def test_first_result_is_visible_on_a_phone_screen(site):
    """At 390 px the first result, or the error, is on the screen and above the filter panel, even when a
    filter is set (the panel is then open); on a desktop the panel stays under the search box."""
    base, browser, _, _ = site
    size = browser.get_window_size()
    try:
        browser.set_window_size(390, 844)
        viewport = browser.execute_script("return window.innerHeight")
        for path, answer, panel in [
            ("/search?q=duty-free+quota-free+market+access", "article.result", "details.advanced"),
            ("/search?q=duty-free+quota-free+market+access&type=minutes&body=Committee+on+Trade+and+Development",
             "article.result", "details.advanced[open]"),
            ("/search?q=market+access&from=2020-13-01&speaker=Chile", "p.error", "details.advanced[open]"),
            ("/disputes?member=Examplelandia&role=complainant", "p.error", "form.filters"),
            ("/precedent?provision=Article+XX+of+the+GATT+1994", "#precedent-disputes", "form.filters"),
        ]:
            browser.get(base + path)
            first, filters = browser.find_element(*_by(answer)), browser.find_element(*_by(panel))
            assert first.is_displayed() and first.rect["y"] < viewport, (path, first.rect, viewport)
            assert first.rect["y"] < filters.rect["y"], (path, first.rect, filters.rect)
            assert browser.find_element(*_by("input[name=q], input[name=member], input[name=provision]")).is_displayed()
        browser.set_window_size(1280, 1600)
        browser.get(f"{base}/search?q=duty-free+quota-free+market+access&type=minutes")
        first, filters = browser.find_element(*_by("article.result")), browser.find_element(*_by("details.advanced[open]"))
        assert filters.rect["y"] < first.rect["y"]  # a desktop has room: the panel stays where it was opened
    finally:
        browser.set_window_size(size["width"], size["height"])


def test_precedent_and_disputes(site):
    base, browser, _, _ = site
    browser.get(f"{base}/precedent")
    browser.find_element(*_by("input[name=provision]")).send_keys("Article XX of the GATT 1994")
    _submit(browser, "form.filters button")
    assert "DS990" in browser.find_element(*_by("#precedent-disputes")).text
    assert any("WT/DS990" in e.text for e in browser.find_elements(*_by("article.result a.citation")))
    browser.get(f"{base}/disputes?member=Examplelandia&role=complainant")
    assert browser.find_elements(*_by("#disputes")) and "not a WTO Member" in browser.page_source  # a fictional Member is refused
    browser.get(f"{base}/disputes/DS990")
    assert "ILLUSTRATIVE SAMPLE" in browser.page_source and "WT/DS990/TPS/NOR" in browser.page_source


def test_draft_download_and_verify(site):
    from selenium.webdriver.support.ui import Select

    base, browser, downloads, _ = site
    browser.get(f"{base}/draft")
    fields = {"member": "Narnia", "body": "Committee on Trade and Development", "date": "2026-12-10",
              "agenda_item": "Unilateral trade measures", "points": "We share the concern about unnotified measures.",
              "queries": "import restrictions without notification processed fruit"}
    for name, value in fields.items():
        browser.find_element(*_by(f"[name={name}]")).send_keys(value)
    Select(browser.find_element(*_by("select[name=release]"))).select_by_value("restricted")
    _submit(browser, "button[value=preview]")
    assert "'Narnia' is not a WTO Member" in browser.find_element(*_by("#error-member")).text  # beside its field
    member = browser.find_element(*_by("[name=member]"))
    member.clear()
    member.send_keys("Viet Nam")
    _submit(browser, "button[value=preview]")
    boxes = browser.find_elements(*_by("input[name=keep]"))
    assert boxes and "WT/COMTD/M/990, para. 7" in browser.page_source
    for box in boxes[1:]:
        box.click()  # keep only the first passage
    browser.find_element(*_by("#download")).click()
    for _ in range(100):
        done = [p for p in downloads.iterdir() if p.suffix == ".docx"]
        if done:
            break
        time.sleep(0.1)
    assert done, "no DOCX downloaded"
    browser.get(f"{base}/verify")
    browser.find_element(*_by("input[type=file]")).send_keys(str(done[0]))
    _submit(browser, "form button")
    statuses = [e.text for e in browser.find_elements(*_by("#checks td:first-child"))]
    assert statuses == ["verified"]


def test_bad_upload_shows_the_error(site):
    base, browser, _, folder = site
    bad = folder / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    browser.get(f"{base}/corpus")
    browser.find_element(*_by("input[type=file]")).send_keys(str(bad))
    _submit(browser, "form button")
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def job_ended(driver):  # the upload is ingested in the background: reload until its job has ended
        driver.get(driver.current_url)
        return driver.find_element(*_by("#job")).get_attribute("data-status") != "running"

    WebDriverWait(browser, 30, ignored_exceptions=(WebDriverException,)).until(job_ended)
    alert = browser.find_element(*_by("#job"))
    assert alert.get_attribute("data-status") == "failed" and alert.text.startswith("broken.pdf:")
    assert "broken.pdf" in browser.find_element(*_by("#failures")).text
    assert "WT/COMTD/M/990" in browser.find_element(*_by("#documents")).text


def test_a_corpus_job_is_followed_without_reloading(site):
    """With JavaScript on, the Corpus page follows a running job in place (jobs.js asks /corpus/jobs/ID) and
    shows the outcome when it ends; the test stages the job and never reloads the page itself."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    from wto_assist.web.jobs import DONE, RUNNING, Job

    base, browser, _, _ = site
    job = Job("e2e", "index", RUNNING, "Updating the index…", "embedded 10 of 20 windows")
    APP["state"].jobs[job.id] = job
    browser.get(f"{base}/corpus?job=e2e")
    browser.execute_script("window.__samePage = true")
    job.progress = "embedded 15 of 20 windows, 1 s left"
    wait = WebDriverWait(browser, 20, ignored_exceptions=(WebDriverException,))
    wait.until(lambda driver: driver.find_element(*_by("[data-job-progress]")).text == job.progress)
    assert browser.execute_script("return window.__samePage === true")  # updated in place, not reloaded
    job.update(DONE, "The index is up to date: 40 paragraphs searchable.")
    wait.until(lambda driver: driver.find_element(*_by("#job")).get_attribute("data-status") == DONE)
    assert browser.find_element(*_by("#job")).text.startswith("The index is up to date: 40 paragraphs searchable.")


def test_html_and_script_payloads_are_inert_on_every_page(site):
    base, browser, _, _ = site
    for path in ("/search?q=payloads+inert", "/document/WT/COMTD/M/999", "/corpus", "/search?q=payloads&speaker=Chile"):
        browser.get(base + path)
        assert browser.execute_script("return window.__xss === undefined"), path
        assert "&lt;script&gt;" in browser.page_source or "<script>window" not in browser.page_source
    browser.get(base + "/document/WT/COMTD/M/999")
    assert '<script>window.__xss = 1</script>' in browser.find_element(*_by("section#p1")).text


def test_tag_buttons_work_with_javascript_on(site):
    """Every button of the Concerns page does its own job in a real browser: Add tags, × removes, and no
    click is taken by the copy script (it once said "Copied" and the tag never changed)."""
    base, browser, _, _ = site
    browser.get(f"{base}/concerns")
    row_form = browser.find_element(*_by("form.inline input[name=tag]"))
    row_form.send_keys("coercion")
    _submit(browser, "form.inline input[name=tag] + button")
    removers = browser.find_elements(*_by("button[title='Remove this tag']"))
    assert [b.text for b in removers] == ["coercion ×"] and "Copied" not in browser.page_source
    _submit(browser, "button[title='Remove this tag']")
    assert not browser.find_elements(*_by("button[title='Remove this tag']"))


def _not_copied(browser):
    """No click of the test was taken by the copy-citation script (it would say "Copied" and do nothing else)."""
    return "Copied" not in browser.find_element(*_by("main")).text


def test_every_button_of_concerns_cases_corpus_and_draft_does_its_job(site, monkeypatch):
    """With JavaScript on, each button on the Concerns, Cases, Corpus and Draft pages sends its own request
    and the page shows its outcome (the tag buttons once lost their clicks to the copy script)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    from wto_assist.cases.casefile import create_case, load_case_file
    from wto_assist.cases.watch import add_watch

    from .conftest import REPO

    base, browser, downloads, folder = site
    monkeypatch.setenv("WTO_ASSIST_HOME", str(folder / "home"))  # the Cases pages keep evidence under the home
    db = folder / "corpus.sqlite"
    case = create_case(db, load_case_file(REPO / "examples" / "case-dairy-timber.yaml"))
    add_watch(db, "barley", "barley", report_existing=True)

    # Concerns: Filter narrows the table by the field given (the tag buttons: test_tag_buttons_work_with_javascript_on).
    browser.get(f"{base}/concerns")
    browser.find_element(*_by("form.filters input[name=member]")).send_keys("Australia")
    _submit(browser, "form.filters button")
    assert "member=Australia" in browser.current_url and _not_copied(browser)
    raised_by = [row.text for row in browser.find_elements(*_by("#concerns tr td:nth-child(2)"))]
    assert raised_by and all("Australia" in name for name in raised_by)

    # Cases: check the watches, export a bundle, import it again.
    browser.get(f"{base}/cases")
    _submit(browser, "form[action='/cases/watches'] button")
    assert "barley:" in browser.find_element(*_by("#watch-news")).text and _not_copied(browser)
    browser.find_element(*_by("form[action='/cases/export'] button")).click()
    wait = WebDriverWait(browser, 30, ignored_exceptions=(WebDriverException,))
    bundle = wait.until(lambda _: next((p for p in downloads.iterdir() if p.suffix == ".zip"), None))
    browser.get(f"{base}/cases")
    browser.find_element(*_by("form[action='/cases/import'] input[type=file]")).send_keys(str(bundle))
    _submit(browser, "form[action='/cases/import'] button")
    assert "already here" in browser.find_element(*_by("p.message")).text and _not_copied(browser)
    # A case's own page: Export as a bundle downloads one more bundle. (Its Draft button takes 16 s to write a
    # verified DOCX here; test_web_cases posts that form.)
    bundle.unlink()
    browser.get(f"{base}/cases/{case.id}")
    browser.find_element(*_by("form[action='/cases/export'] button")).click()
    wait.until(lambda _: next((p for p in downloads.iterdir() if p.suffix == ".zip"), None))
    assert _not_copied(browser)

    # Corpus: "Upload and ingest" adds a document; "Index now" indexes one ingested meanwhile (as by the CLI).
    def minutes(number: int, words: str) -> Path:
        path = folder / f"WTCOMTDM{number}.txt"
        path.write_text(PAYLOAD.replace("WT/COMTD/M/999", f"WT/COMTD/M/{number}").replace("payloads", words), encoding="utf-8")
        return path

    browser.get(f"{base}/corpus")
    browser.find_element(*_by("input[type=file]")).send_keys(str(minutes(998, "quinoa tariffs")))
    _submit(browser, "form[action='/corpus'] button")
    wait.until(lambda driver: driver.find_element(*_by("#job")).get_attribute("data-status") != "running")
    assert "WT/COMTD/M/998" in browser.find_element(*_by("#job")).text and _not_copied(browser)
    ingest_paths([minutes(997, "amaranth tariffs")], db)
    browser.get(f"{base}/corpus")
    _submit(browser, "#index-now button")
    wait.until(lambda driver: driver.find_element(*_by("#job")).get_attribute("data-status") not in ("running", "queued"))
    assert browser.find_element(*_by("#job")).get_attribute("data-status") == "done" and _not_copied(browser)
    for words, symbol in (("quinoa tariffs", "WT/COMTD/M/998"), ("amaranth tariffs", "WT/COMTD/M/997")):
        browser.get(f"{base}/search?q={words}")
        assert symbol in browser.find_element(*_by("article.result a.citation")).text

    # Draft: Preview shows the statement; Download is the other button (test_draft_download_and_verify).
    browser.get(f"{base}/draft")
    for name, value in {"member": "Viet Nam", "body": "Committee on Trade and Development", "date": "2026-12-10",
                        "agenda_item": "Market access", "points": "We support duty-free quota-free market access.",
                        "queries": "duty-free quota-free market access"}.items():
        browser.find_element(*_by(f"[name={name}]")).send_keys(value)
    _submit(browser, "button[value=preview]")
    assert browser.find_element(*_by(".statement")).text and browser.find_element(*_by("#download")) and _not_copied(browser)
