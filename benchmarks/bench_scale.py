"""Search at the scale of an archive: N copies of the real CTD minutes under distinct symbol series.

Usage: python benchmarks/bench_scale.py [--scales 1,10,100] [--shared ../shared] [--work DIR] [--workers N]

For each N it prints: ingest and replication rates, BM25 index build time and peak RSS, index size on
disk, warm Searcher.run p50/p95 (bm25, the 21 dev queries) without and with filters (speaker, date range,
symbol prefix, all three), a cold CLI query, adding one document (ingest + incremental index), and GET /search under
20 concurrent users on loopback; then the ratio of p95 at the largest N to p95 at 1x. Each measurement
runs in its own process, so peak RSS is that of the step. The machine and its load average are printed
with the figures, and CPU time per query beside wall time. --derive-above 10 derives the 100x index
from the 1x one (scale_corpus.derive_index) where building it would take too long (docs/scale.md).
--queries X1 X100 measures only the warm queries on folders an earlier run left (--work DIR keeps them), and
prints the ratios of the last to the first for every filter set: after a change to the query path, no build.
--page DIR... splits a web search page's CPU (in-process) into the search, the typed results, the highlighting
and the rest (template, routing, HTTP), and gives a `web` worker's CPU per request for the same pages.

The web measures start `wto-assist web --workers N` and begin once every worker is ready (web_app says what
ready means: N distinct pids answered GET /api/ready after their warm-up), then send the 20 users' first
requests together (a burst on warm workers), again with the first requests staggered over ~2 s, and one user
alone. --web DIR... runs only these on folders an earlier run left, each line with the load average taken
just before it.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

FILTER_SETS = {  # name -> Filters keyword arguments
    "none": {},
    "speaker": {"speaker": "European Union"},
    "date range": {"date_from": "2005", "date_to": "2012"},
    "symbol prefix": {"symbol": "WT/COMTD/M/"},
    "all three": {"speaker": "European Union", "date_from": "2005", "date_to": "2012", "symbol": "WT/COMTD/M/"},
}
WEB_USERS = 20
WEB_REQUESTS_PER_USER = 10
ADDED_SYMBOL = "WT/COMTD/M/999"  # the document added incrementally: a real minute under an unused number


def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM, not getrusage: Linux carries ru_maxrss over from the
    parent at fork, so a step would report the benchmark's own memory when that is larger."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def folder_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "cpu")
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def queries(shared: Path) -> list[str]:
    from wto_assist.evaluate import load_queries

    return [query.query for query in load_queries(shared / "eval" / "dev-queries.jsonl")]


# --- steps, each run in a child process (python bench_scale.py --step NAME ...) ---------------------------


def tree_rss_mib(pid: int) -> float:
    """Resident memory of a process and all its descendants now (/proc), MiB."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            continue
    return total / 1024


def step_build(work: Path, shared: Path) -> dict:
    """A whole `index --no-dense`: wall and CPU time (this process and its tokenising workers), and the peak
    of the resident memory of the process tree, sampled every 0.2 s (ru_maxrss of a spawned worker starts
    from its parent's at fork, so it cannot tell the workers' own)."""
    from wto_assist.index.build import build_index
    from wto_assist.index.lexical import PARALLEL_FROM, build_workers

    peak, done = [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_rss_mib(os.getpid()))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    clock, processor = time.perf_counter(), time.process_time()
    report = build_index(work / "corpus.sqlite", work / "index", with_dense=False)
    seconds, cpu = time.perf_counter() - clock, time.process_time() - processor
    done.set()
    sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"rows": report.rows, "build_s": seconds, "stages": report.seconds, "rss_mib": peak_rss_mib(),
            "tree_rss_mib": peak[0], "cpu_s": cpu, "worker_cpu_s": children.ru_utime + children.ru_stime,
            "workers": build_workers() if report.rows >= PARALLEL_FROM else 0,
            "index_bytes": folder_size(work / "index" / report.version)}


def step_query(work: Path, shared: Path) -> dict:
    from wto_assist.search import Filters, Searcher

    clock = time.perf_counter()
    searcher = Searcher(work / "index", work / "corpus.sqlite")
    open_s = time.perf_counter() - clock
    texts = queries(shared)
    result = {"open_s": open_s, "filters": {}}
    for name, filters in FILTER_SETS.items():
        for query in texts[:3]:  # first touch of the memory-mapped columns is not a warm query
            searcher.run(query, "bm25", Filters(**filters))
        timings, cpu, totals = [], [], []
        for _ in range(3):
            for query in texts:
                clock, processor = time.perf_counter(), time.process_time()
                page = searcher.run(query, "bm25", Filters(**filters))
                timings.append((time.perf_counter() - clock) * 1000)
                cpu.append((time.process_time() - processor) * 1000)  # what the query cost, however busy the machine
                totals.append(page.total)
        result["filters"][name] = {"p50_ms": percentiles(timings)[0], "p95_ms": percentiles(timings)[1],
                                   "cpu_p50_ms": percentiles(cpu)[0], "cpu_p95_ms": percentiles(cpu)[1],
                                   "mean_hits": statistics.mean(totals)}
    result["rss_mib"] = peak_rss_mib()
    searcher.close()
    return result


def step_add(work: Path, shared: Path) -> dict:
    """Ingest one more document (a real minute under an unused symbol), bring the index up to date (an
    incremental segment, index/segments.py), then query base + segment: the added document is found."""
    from wto_assist.index.build import build_index
    from wto_assist.ingest import ingest_paths
    from wto_assist.search import Searcher

    source = shared / "corpus" / "ctd-minutes" / "WTCOMTDM100.txt"
    added = work / "added" / "WTCOMTDM999.txt"
    added.parent.mkdir(exist_ok=True)
    added.write_text(source.read_text(encoding="utf-8").replace("WT/COMTD/M/100", ADDED_SYMBOL), encoding="utf-8")
    clock = time.perf_counter()
    report = ingest_paths([added], work / "corpus.sqlite")
    ingest_s = time.perf_counter() - clock
    assert not report.failed, report.failed
    clock = time.perf_counter()
    built = build_index(work / "corpus.sqlite", work / "index", with_dense=False)
    index_s = time.perf_counter() - clock
    assert built.delta is not None and built.delta["documents"] == 1, built.delta  # an incremental build, not a full one
    searcher = Searcher(work / "index", work / "corpus.sqlite")
    assert searcher.run(ADDED_SYMBOL).records[0]["symbol"] == ADDED_SYMBOL
    cpu = []
    for query in queries(shared):  # first touch of the memory-mapped arrays, as step_query warms up
        searcher.run(query, "bm25")
    for _ in range(3):
        for query in queries(shared):
            processor = time.process_time()
            searcher.run(query, "bm25")
            cpu.append((time.process_time() - processor) * 1000)
    searcher.close()
    return {"ingest_s": ingest_s, "index_s": index_s, "stages": built.seconds, "delta": built.delta,
            "query_cpu_p95_ms": percentiles(cpu)[1], "rss_mib": peak_rss_mib()}


STEPS = {"build": step_build, "query": step_query, "add": step_add}


def run_step(name: str, work: Path, shared: Path) -> dict:
    command = [sys.executable, __file__, "--step", name, "--work", str(work), "--shared", str(shared)]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ)
    if done.returncode:
        raise SystemExit(f"bench_scale: step {name} failed in {work}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- measured from outside -------------------------------------------------------------------------------


def cli() -> list[str]:
    """The installed `wto-assist` command beside this Python (what a user runs), else the same via -c."""
    command = Path(sys.executable).parent / "wto-assist"
    return [str(command)] if command.exists() else [sys.executable, "-c", "from wto_assist.cli import main; main()"]


def cli_environment(work: Path) -> dict:
    return {**os.environ, "WTO_ASSIST_DB": str(work / "corpus.sqlite"), "WTO_ASSIST_INDEX": str(work / "index"),
            "HF_HUB_OFFLINE": "1"}


def cold_cli(work: Path, query: str, repeats: int = 3) -> float:
    """Wall time of a whole `wto-assist search` process (import, open, query, print); median of repeats."""
    command = [*cli(), "search", query, "--mode", "bm25"]
    timings = []
    for _ in range(repeats):
        clock = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=cli_environment(work))
        timings.append(time.perf_counter() - clock)
    return statistics.median(timings)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebServer:
    """A started `wto-assist web`: its /search address, its worker pids (all answered ready) and how long that took."""

    def __init__(self, base: str, pids: list[int], ready_s: float):
        self.base, self.pids, self.ready_s = base, pids, ready_s


@contextlib.contextmanager
def web_app(work: Path, workers: int = 1):
    """`wto-assist web --workers N` on a free port of 127.0.0.1 over `work`, once every worker is ready; yields a
    WebServer. Ready means: N distinct worker pids answered GET /api/ready with "ready": true over fresh
    connections (web/readiness.py wait_for_workers; an error naming what was seen after 300 s). A worker answers
    ready once its warm-up ran in the app's lifespan (two GET /search through its own app, plain and with
    speaker, date and symbol filters, the result page rendered), and uvicorn accepts connections on a worker only
    after its lifespan: no request of a measure meets a worker that is still loading or cold."""
    from wto_assist.web.readiness import wait_for_workers

    port = free_port()
    server = subprocess.Popen(
        [*cli(), "web", "--no-dense", "--port", str(port), "--data", str(work / "web"), "--workers", str(workers)],
        env=cli_environment(work), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    root = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        ready = wait_for_workers(root + "/api/ready", workers, timeout_s=300, running=lambda: server.poll() is None)
        yield WebServer(root + "/search", sorted(ready), time.monotonic() - started)
    finally:
        server.terminate()
        server.wait(timeout=30)


def cpu_seconds(pids: list[int]) -> list[float]:
    """User + system CPU time of each process so far (/proc/PID/stat), s: how the work spread over the workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = []
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        seconds.append((int(fields[11]) + int(fields[12])) / ticks)  # utime, stime: fields 14 and 15 of stat
    return seconds


def search_params(text: str, filters: dict) -> dict:
    """GET /search's parameters for a query with one of FILTER_SETS."""
    return {"q": text, "mode": "bm25", "speaker": filters.get("speaker", ""), "from": filters.get("date_from", ""),
            "to": filters.get("date_to", ""), "symbol": filters.get("symbol", "")}


def web_load(work: Path, texts: list[str], think_s: float, workers: int = 1, staggered: bool = False) -> dict:
    """GET /search from WEB_USERS threads, WEB_REQUESTS_PER_USER each, on 127.0.0.1 only, once every worker is
    ready (web_app). The users' first requests leave together (a barrier: the burst of a class that starts at
    once); `staggered`: each first waits a think time instead, as users who do not arrive together. Also the
    first requests alone (p50 and the slowest) and the CPU seconds each worker spent on them (taken when the last of
    them is answered; in a staggered run other users' second requests may have run by then) and on the whole run."""
    load = os.getloadavg()
    with web_app(work, workers) as server:
        timings: list[float] = []
        firsts: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        together = threading.Barrier(WEB_USERS)
        after_firsts: list[float] = []
        answered = [0]

        def user(number: int) -> None:
            chooser = random.Random(number)
            if staggered:
                time.sleep(chooser.uniform(0, 2 * think_s))
            else:
                together.wait()
            for request in range(WEB_REQUESTS_PER_USER):
                filters = chooser.choice(list(FILTER_SETS.values()))
                params = search_params(chooser.choice(texts), filters)
                clock = time.perf_counter()
                try:
                    with urllib.request.urlopen(server.base + "?" + urllib.parse.urlencode(params), timeout=60) as response:
                        response.read()
                except OSError as error:
                    with lock:
                        errors.append(str(error))
                else:
                    with lock:
                        timings.append((time.perf_counter() - clock) * 1000)
                        if request == 0:
                            firsts.append(timings[-1])
                if request == 0:
                    with lock:  # the user whose first request ends last takes the workers' CPU time: how the firsts spread
                        answered[0] += 1
                        if answered[0] == WEB_USERS:
                            after_firsts.extend(cpu_seconds(server.pids))
                time.sleep(chooser.uniform(0, 2 * think_s))

        threads = [threading.Thread(target=user, args=(number,)) for number in range(WEB_USERS)]
        before = cpu_seconds(server.pids)
        clock = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - clock
        spent = [after - earlier for after, earlier in zip(cpu_seconds(server.pids), before)]
        on_firsts = [after - earlier for after, earlier in zip(after_firsts, before)]
    p50, p95 = percentiles(timings) if timings else (float("nan"), float("nan"))
    return {"p50_ms": p50, "p95_ms": p95, "requests": len(timings), "errors": len(errors), "per_s": len(timings) / elapsed,
            "first_error": errors[0] if errors else None, "first_p50_ms": statistics.median(firsts) if firsts else float("nan"),
            "first_max_ms": max(firsts, default=float("nan")), "worker_cpu_s": spent, "first_cpu_s": on_firsts, "ready_s": server.ready_s,
            "workers": len(server.pids), "load": load}


def one_connection(url: str, targets: list[str]) -> Iterator[bytes]:
    """GET each target (path?query) in turn over one keep-alive connection to `url`'s host, yielding each body: with
    `web --workers N` every worker listens on its own socket (web/workers.py), so a fresh connection per request may
    meet another worker, and one connection keeps the visits on one worker."""
    where = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=60)
    try:
        for target in targets:
            connection.request("GET", target)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200:
                raise SystemExit(f"bench_scale: GET {target} answered {response.status}")
            yield body
    finally:
        connection.close()


def web_one_user(work: Path, texts: list[str], workers: int = 1) -> dict:
    """p50/p95 ms of GET /search from one user, each dev query twice in a row with a random filter set: the
    time one request takes when nothing queues (what --web prints beside the 20 users). Also the workers' CPU
    per request (/proc, in ticks: means over the 21 pages) for a page the fresh workers meet for the first time
    and for the same page again, on the same worker (one connection): what a worker's warm-up leaves to a page's
    first visit (run 12, docs/scale.md)."""
    load = os.getloadavg()
    with web_app(work, workers) as server:
        chooser, timings, cpu = random.Random(0), [], {"first": 0.0, "again": 0.0}
        path = urllib.parse.urlsplit(server.base).path
        for query in texts:
            target = path + "?" + urllib.parse.urlencode(search_params(query, chooser.choice(list(FILTER_SETS.values()))))
            visits = one_connection(server.base, [target, target])
            for visit in ("first", "again"):
                before = sum(cpu_seconds(server.pids))
                clock = time.perf_counter()
                next(visits)
                timings.append((time.perf_counter() - clock) * 1000)
                cpu[visit] += sum(cpu_seconds(server.pids)) - before
            visits.close()
    p50, p95 = percentiles(timings)
    return {"p50_ms": p50, "p95_ms": p95, "load": load, "first_cpu_ms": cpu["first"] * 1000 / len(texts),
            "again_cpu_ms": cpu["again"] * 1000 / len(texts)}


def said_load(load: tuple) -> str:
    return f"load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f}"


def said_crowd(run: dict) -> str:
    """One web_load run in words: the load before it, the figures, the errors and how the CPU went to the workers."""
    error = f" ({run['first_error']})" if run["first_error"] else ""
    return (f"{said_load(run['load'])}; {run['workers']} worker(s) ready {run['ready_s']:.1f} s after start; p50 / p95"
            f" {run['p50_ms']:.0f} / {run['p95_ms']:.0f} ms; first requests p50 / slowest {run['first_p50_ms']:.0f} /"
            f" {run['first_max_ms']:.0f} ms; {run['per_s']:.1f} requests/s, {run['errors']} errors{error};"
            f" CPU s per worker on the first requests {' / '.join(f'{seconds:.2f}' for seconds in run['first_cpu_s'])},"
            f" on the whole run {' / '.join(f'{seconds:.1f}' for seconds in run['worker_cpu_s'])}")


def web_only(folders: list[Path], shared: Path, workers: int = 1) -> None:
    """--web: the web measures alone on folders an earlier run left (corpus.sqlite + index/), each line with the
    load average (1/5/15 min) taken just before that measure's server started."""
    texts = queries(shared)
    for folder in folders:
        crowd = web_load(folder, texts, think_s=1.0, workers=workers)
        spread = web_load(folder, texts, think_s=1.0, workers=workers, staggered=True)
        alone = web_one_user(folder, texts, workers)
        print(f"{folder}: web --workers {workers} on {os.cpu_count()} CPUs, {WEB_USERS} users, ~1 s think time, {WEB_REQUESTS_PER_USER}"
              f" requests each\n  first requests together: {said_crowd(crowd)}\n  first requests staggered over ~2 s:"
              f" {said_crowd(spread)}\n  one user alone: {said_load(alone['load'])}; p50 / p95 {alone['p50_ms']:.0f} /"
              f" {alone['p95_ms']:.0f} ms; workers' CPU a page, its first visit / again {alone['first_cpu_ms']:.0f} /"
              f" {alone['again_cpu_ms']:.0f} ms", flush=True)


def queries_only(folders: list[Path], shared: Path) -> None:
    """--queries: the warm query measures alone (step_query, in a child process each) on folders an earlier run
    left (corpus.sqlite + index/), smallest first: after a change to the query path, without building again."""
    measured = []
    for folder in folders:
        load = os.getloadavg()
        result = run_step("query", folder, shared)
        measured.append(result)
        print(f"{folder} (load {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} on {os.cpu_count()} CPUs before):")
        for name, figures in result["filters"].items():
            print(f"  filter {name}: p50 / p95 ms {figures['p50_ms']:.1f} / {figures['p95_ms']:.1f};"
                  f" CPU p50 / p95 ms {figures['cpu_p50_ms']:.1f} / {figures['cpu_p95_ms']:.1f}")
    if len(measured) > 1:
        for name in FILTER_SETS:
            first, last = measured[0]["filters"][name], measured[-1]["filters"][name]
            print(f"p95 of {folders[-1].name} / p95 of {folders[0].name}, filter {name}: {last['p95_ms'] / first['p95_ms']:.1f}x (wall),"
                  f" {last['cpu_p95_ms'] / first['cpu_p95_ms']:.1f}x (CPU)")


def page_only(folders: list[Path], shared: Path) -> None:
    """--page: where a search page's CPU goes, in this process (no server, no client threads): the whole GET /search
    through the app (starlette's TestClient, whose client side is in the figure too), and alone the steps the page
    takes: the Searcher's run (a page of the web's 20 hits), the results typed (results.Hit), the paragraphs
    highlighted (highlight.QueryWords); the rest is the template, routing and HTTP. The 21 dev queries with each
    filter set, three times after one pass to warm up; CPU ms per page, p50 / p95. Also how long the Searcher's
    warm-up takes (Searcher.warm, which a web worker runs before it accepts)."""
    from starlette.testclient import TestClient

    from wto_assist.filters import Filters
    from wto_assist.results import Hit
    from wto_assist.search import Searcher
    from wto_assist.web.app import _highlight_filter, create_app
    from wto_assist.web.views import highlight_terms
    from wto_assist.web.views.search import PAGE_SIZE

    texts = queries(shared)
    cases = [(text, filters) for text in texts for filters in FILTER_SETS.values()]
    for folder in folders:
        load = os.getloadavg()
        searcher = Searcher(folder / "index", folder / "corpus.sqlite")
        clock = time.perf_counter()
        searcher.warm(for_pages=True)  # what a web worker runs before it accepts (maps the index, stems the corpus's words ahead)
        warm_s = time.perf_counter() - clock
        with tempfile.TemporaryDirectory() as data:
            client = TestClient(create_app(folder / "corpus.sqlite", folder / "index", Path(data), with_dense=False),
                                base_url="http://127.0.0.1")
            steps: dict[str, list[float]] = {name: [] for name in ("page", "search", "typed", "highlighted")}
            for repeat in range(4):  # the first pass warms up
                for text, filters in cases:
                    clock = time.process_time()
                    assert client.get("/search", params=search_params(text, filters)).status_code == 200
                    page = time.process_time() - clock
                    clock = time.process_time()
                    records = searcher.run(text, "bm25", Filters(**filters), 1, PAGE_SIZE).records
                    search = time.process_time() - clock
                    clock = time.process_time()
                    hits = [Hit.from_record(record) for record in records]
                    typed = time.process_time() - clock
                    clock = time.process_time()
                    terms = highlight_terms(text)
                    for hit in hits:
                        _highlight_filter(hit.text, terms)
                    highlighted = time.process_time() - clock
                    if repeat:
                        for name, seconds in zip(steps, (page, search, typed, highlighted)):
                            steps[name].append(seconds * 1000)
            client.close()
        searcher.close()
        rest = [page - search - typed - highlighted for page, search, typed, highlighted in zip(*steps.values())]
        said = "; ".join(f"{name} {p50:.1f} / {p95:.1f}" for name, (p50, p95) in
                         [(name, percentiles(values)) for name, values in steps.items()] + [("rest", percentiles(rest))])
        print(f"{folder} ({said_load(load)} on {os.cpu_count()} CPUs before), CPU ms per search page of {PAGE_SIZE} hits,"
              f" p50 / p95 over {len(rest)}: {said}; Searcher.warm {warm_s:.2f} s", flush=True)
        # The same pages served by `wto-assist web` (one worker, one request at a time): the worker's own CPU, which
        # /proc counts in ticks, so only its mean over all the requests.
        with web_app(folder) as server:
            urls = [server.base + "?" + urllib.parse.urlencode(search_params(text, filters)) for text, filters in cases]
            for repeat in range(2):  # the first pass warms up
                before = cpu_seconds(server.pids)[0]
                for url in urls:
                    with urllib.request.urlopen(url, timeout=60) as response:
                        response.read()
                served = (cpu_seconds(server.pids)[0] - before) * 1000 / len(urls)
        print(f"  the same pages served by `web` (one worker, one request at a time): worker CPU {served:.1f} ms a request"
              f" (mean over {len(urls)}); in this process, mean {statistics.mean(steps['page']):.1f} ms a page", flush=True)


def web_filter_names() -> None:
    """The web app's filter fields must be the ones web_load sends (checked, not assumed)."""
    from wto_assist.web import app

    fields = set(getattr(app, "FILTER_FIELDS", ()))
    missing = {"speaker", "from", "to", "symbol"} - fields
    if fields and missing:
        raise SystemExit(f"bench_scale: the web app has no filter field(s) {sorted(missing)}; update web_load")


# --- the run ------------------------------------------------------------------------------------------


def base_corpus(work: Path, shared: Path) -> tuple[Path, dict]:
    """The real CTD minutes ingested once (parse + enrich), timed."""
    from wto_assist.ingest import ingest_paths
    from wto_assist.store import Store

    db, figures = work / "base.sqlite", work / "base.json"
    if db.exists() and figures.exists():  # a rerun in the same --work folder reuses the ingest
        return db, json.loads(figures.read_text(encoding="utf-8"))
    clock = time.perf_counter()
    report = ingest_paths([shared / "corpus" / "ctd-minutes"], db)
    seconds = time.perf_counter() - clock
    assert not report.failed, report.failed
    with Store(db, create=False) as store:
        paragraphs = store.connection.execute("SELECT COUNT(*) FROM paragraphs").fetchone()[0]
    figures.write_text(json.dumps({"paragraphs": paragraphs, "seconds": seconds}), encoding="utf-8")
    return db, {"paragraphs": paragraphs, "seconds": seconds}


def measure(scale: int, work: Path, base: Path, shared: Path, texts: list[str], full: bool = True, derive: bool = False,
            workers: int = 1) -> dict:
    from scale_corpus import derive_index, replicate

    folder = work / f"x{scale}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    shutil.copy(base, folder / "corpus.sqlite")
    result = {"scale": scale, "replicate_s": replicate(folder / "corpus.sqlite", scale)}
    if derive:  # BM25 and columns derived from the 1x index (scale_corpus.derive_index): no build figures
        clock = time.perf_counter()
        derive_index(work / "x1" / "index", folder / "index", scale)
        version = folder / "index" / (folder / "index" / "CURRENT").read_text(encoding="utf-8").strip()
        result["build"] = {"rows": json.loads((version / "manifest.json").read_text(encoding="utf-8"))["rows"], "derived": True,
                           "derive_s": time.perf_counter() - clock, "index_bytes": folder_size(version)}
    else:
        result["build"] = run_step("build", folder, shared)
    result["query"] = run_step("query", folder, shared)
    result["cold_cli_s"] = cold_cli(folder, texts[0])
    result["cold_cli_filtered_s"] = cold_cli_filtered(folder, texts[1])
    result["web_think"] = web_load(folder, texts, think_s=1.0, workers=workers)
    result["web_staggered"] = web_load(folder, texts, think_s=1.0, workers=workers, staggered=True)
    if full:  # the longest measure: a saturated web run
        result["web_saturated"] = web_load(folder, texts, think_s=0.0, workers=workers)
    if scale == 1:  # larger scales may be derived from the 1x index: the document is added to a copy
        shutil.copytree(folder, work / "x1-add", dirs_exist_ok=False)
        result["add"] = run_step("add", work / "x1-add", shared)
        shutil.rmtree(work / "x1-add", ignore_errors=True)
    else:
        result["add"] = run_step("add", folder, shared)
    if scale != 1:  # the 1x index stays: larger scales may be derived from it
        shutil.rmtree(folder, ignore_errors=True)
    return result


def cold_cli_filtered(work: Path, query: str) -> float:
    command = [*cli(), "search", query, "--mode", "bm25", "--speaker", "European Union",
               "--from", "2005", "--to", "2012"]
    clock = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=cli_environment(work))
    return time.perf_counter() - clock


def report(results: list[dict], ingest: dict, started_load: tuple, ended_load: tuple, host: str | None = None) -> None:
    print(f"machine: {host or machine()}")
    print(f"load average (1/5/15 min) at start {started_load[0]:.1f}/{started_load[1]:.1f}/{started_load[2]:.1f},"
          f" at end {ended_load[0]:.1f}/{ended_load[1]:.1f}/{ended_load[2]:.1f} (a shared machine: other work ran alongside)")
    print(f"ingest of the real minutes (parse + enrich): {ingest['paragraphs'] / ingest['seconds']:.0f} paragraphs/s"
          f" ({ingest['paragraphs']:,} paragraphs in {ingest['seconds']:.1f} s); copies are made inside SQLite\n")
    head = "| measure | " + " | ".join(f"{r['scale']}x" for r in results) + " |"
    print(head + "\n|---|" + "---|" * len(results))

    def line(label: str, values) -> None:
        print(f"| {label} | " + " | ".join(values) + " |")

    line("paragraphs", [f"{r['build']['rows']:,}" for r in results])
    line("copies written in SQLite, paragraphs/s",
         [f"{(r['build']['rows'] * (1 - 1 / r['scale'])) / r['replicate_s']:,.0f}" if r["scale"] > 1 else "-" for r in results])
    built = [r for r in results if not r["build"].get("derived")]
    per_row = built[-1]["build"]["build_s"] / built[-1]["build"]["rows"] if built else float("nan")
    line("BM25 index build, s (whole `index --no-dense`)",
         [f"{r['build']['build_s']:.1f}" if "build_s" in r["build"] else f"~{per_row * r['build']['rows']:.0f} (derived index;"
          f" extrapolated from {built[-1]['scale']}x)" for r in results])
    line("of which tokenise + BM25, s", [f"{r['build']['stages'].get('bm25', 0):.1f}" if "stages" in r["build"] else "-" for r in results])
    line("index size on disk, MiB", [f"{r['build']['index_bytes'] / 2**20:.0f}" for r in results])
    line("CPU of the build, s: main process + tokenising workers (how many)",
         [f"{r['build']['cpu_s']:.0f} + {r['build']['worker_cpu_s']:.0f} ({r['build']['workers']})" if "cpu_s" in r["build"] else "-"
          for r in results])
    line("peak RSS of the build, MiB (main process; whole process tree)",
         [f"{r['build']['rss_mib']:.0f}; {r['build']['tree_rss_mib']:.0f}" if "tree_rss_mib" in r["build"]
          else f"{r['build']['rss_mib']:.0f}" if "rss_mib" in r["build"] else "not measured" for r in results])
    line("peak RSS of a warm searcher, MiB", [f"{r['query']['rss_mib']:.0f}" for r in results])
    line("Searcher open, s", [f"{r['query']['open_s']:.2f}" for r in results])
    for name in FILTER_SETS:
        line(f"warm query p50 / p95 ms, filter: {name}",
             [f"{r['query']['filters'][name]['p50_ms']:.1f} / {r['query']['filters'][name]['p95_ms']:.1f}" for r in results])
    for name in FILTER_SETS:
        line(f"CPU per warm query p50 / p95 ms, filter: {name}",
             [f"{r['query']['filters'][name]['cpu_p50_ms']:.1f} / {r['query']['filters'][name]['cpu_p95_ms']:.1f}"
              if "cpu_p50_ms" in r["query"]["filters"][name] else "-" for r in results])
    line("cold CLI query (whole process), s", [f"{r['cold_cli_s']:.2f}" for r in results])
    line("cold CLI query with speaker + dates, s", [f"{r['cold_cli_filtered_s']:.2f}" for r in results])
    line("add one document: ingest s / incremental index s",
         [f"{r['add']['ingest_s']:.1f} / {r['add']['index_s']:.2f}" if "add" in r else "not run" for r in results])
    line("CPU per warm query p95 ms after the add (base + segment), filter: none",
         [f"{r['add']['query_cpu_p95_ms']:.1f}" if "query_cpu_p95_ms" in r.get("add", {}) else "-" for r in results])
    line(f"web p50 / p95 ms, {WEB_USERS} users, ~1 s think time, first requests together",
         [f"{r['web_think']['p50_ms']:.0f} / {r['web_think']['p95_ms']:.0f}" for r in results])
    line(f"web, the {WEB_USERS} first requests together: p50 / slowest ms",
         [f"{r['web_think']['first_p50_ms']:.0f} / {r['web_think']['first_max_ms']:.0f}" if "first_max_ms" in r["web_think"] else "-"
          for r in results])
    line(f"web p50 / p95 ms, {WEB_USERS} users, ~1 s think time, first requests staggered",
         [f"{r['web_staggered']['p50_ms']:.0f} / {r['web_staggered']['p95_ms']:.0f}" if "web_staggered" in r else "not run" for r in results])
    line(f"web p50 / p95 ms, {WEB_USERS} users, no think time (saturated)",
         [f"{r['web_saturated']['p50_ms']:.0f} / {r['web_saturated']['p95_ms']:.0f}" if "web_saturated" in r else "not run" for r in results])
    line("web requests/s saturated (errors)",
         [f"{r['web_saturated']['per_s']:.1f} ({r['web_saturated']['errors']})" if "web_saturated" in r else "not run" for r in results])
    first, last = results[0], results[-1]
    if first["scale"] == 1 and last["scale"] > 1:
        for name in FILTER_SETS:
            ratio = last["query"]["filters"][name]["p95_ms"] / first["query"]["filters"][name]["p95_ms"]
            print(f"\np95 at {last['scale']}x / p95 at 1x, filter {name}: {ratio:.1f}x (wall)", end="")
            if "cpu_p95_ms" in first["query"]["filters"][name]:
                ratio = last["query"]["filters"][name]["cpu_p95_ms"] / first["query"]["filters"][name]["cpu_p95_ms"]
                print(f", {ratio:.1f}x (CPU)", end="")
            print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--derive-above", type=int, default=0,
                        help="above this N (and with 1 in --scales), derive the index from the 1x index instead of building it")
    parser.add_argument("--full-up-to", type=int, default=10,
                        help="above this N, skip the saturated web run")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures here")
    parser.add_argument("--workers", type=int, default=1, help="worker processes of `wto-assist web` for the web measures")
    parser.add_argument("--report-only", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--web", type=Path, nargs="+", default=None,
                        help="only the web measures, on these folders of an earlier run (corpus.sqlite + index/)")
    parser.add_argument("--page", type=Path, nargs="+", default=None,
                        help="only where a search page's CPU goes (in this process), on these folders of an earlier run")
    parser.add_argument("--queries", type=Path, nargs="+", default=None,
                        help="only the warm query measures, on these folders of an earlier run (smallest first: ratios to it)")
    arguments = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("PYTHONPATH", str(REPO / "src"))
    if arguments.step:
        print(json.dumps(STEPS[arguments.step](arguments.work, arguments.shared)))
        return
    from wto_assist.exports import atomic_write

    web_filter_names()
    if arguments.web:
        web_only(arguments.web, arguments.shared, arguments.workers)
        return
    if arguments.queries:
        queries_only(arguments.queries, arguments.shared)
        return
    if arguments.page:
        page_only(arguments.page, arguments.shared)
        return
    scales = [int(value) for value in arguments.scales.split(",")]
    if arguments.report_only:  # print the tables again from a --json file of an earlier run
        saved = json.loads(arguments.report_only.read_text(encoding="utf-8"))
        report(saved["results"], saved["ingest"], saved["load"][0], saved["load"][1], saved["machine"])
        return
    work = arguments.work or Path(tempfile.mkdtemp(prefix="wto-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    started_load = os.getloadavg()
    base, ingest = base_corpus(work, arguments.shared)
    texts = queries(arguments.shared)
    results = []
    for scale in scales:
        derive = bool(arguments.derive_above) and scale > arguments.derive_above and 1 in scales
        results.append(measure(scale, work, base, arguments.shared, texts, full=scale <= arguments.full_up_to, derive=derive,
                               workers=arguments.workers))
        print(f"[{scale}x done]", file=sys.stderr, flush=True)
        if arguments.json:
            figures = json.dumps({"machine": machine(), "ingest": ingest, "results": results,
                                  "load": [started_load, os.getloadavg()]}, indent=1)
            atomic_write(arguments.json, lambda path: Path(path).write_text(figures, encoding="utf-8"))
    report(results, ingest, started_load, os.getloadavg())
    if arguments.work is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        shutil.rmtree(work / "x1", ignore_errors=True)


if __name__ == "__main__":
    main()
