"""`wto-assist web --workers N`: the same app in N processes, so that searches use N cores, not one.

uvicorn starts each worker from an import string and builds the app there (`from_environment`, a
factory), so nothing the parent holds reaches a worker but what is written down here: the corpus
database, the index and data folders, the model, dense or not, and the parent's `Access` (hosts and
tokens, drawn once by the parent: every worker accepts the same editor, reader and form tokens). They go
to a 0600 JSON file in the data folder, named by the environment variable WTO_ASSIST_WEB_SETTINGS, and
the file is removed when the server stops.

What the workers share besides: the jobs table (jobstore.py), the lock of the index build a job starts
(locking.held_across_processes), CURRENT, which every request checks (WebState.follow), and the page
cache of the memory-mapped index arrays.

On Linux each worker listens on a socket of its own, bound to the same address with SO_REUSEPORT: the
kernel hands each new connection to one of them by a hash of the connection, so a burst of requests is
shared between the workers. uvicorn's workers share one socket, and whichever wakes first accepts all
that is queued (docs/scale.md measured one worker taking three quarters of a burst of 20). Elsewhere,
or for port 0, uvicorn's own workers serve.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.connection
import os
import signal
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import UnavailableError
from ..exports import atomic_write
from .security import Access

SETTINGS_VARIABLE = "WTO_ASSIST_WEB_SETTINGS"
SETTINGS_PREFIX = ".web-settings-"  # + the parent's pid + ".json", in the data folder
FACTORY = "wto_assist.web.workers:from_environment"


@dataclass(frozen=True)
class WebSettings:
    """Everything `create_app` is given, as the parent has it."""

    db_path: Path
    index_dir: Path
    data_dir: Path
    model: str | None
    with_dense: bool
    access: Access

    def to_json(self) -> dict:
        from .jobstore import process_started

        return {"db_path": str(Path(self.db_path).resolve()), "index_dir": str(Path(self.index_dir).resolve()),
                "data_dir": str(Path(self.data_dir).resolve()), "model": self.model, "with_dense": self.with_dense,
                "access": self.access.handed_over(),
                # which process wrote it: its pid (in the name) may be another process's after it was killed
                "server_started": process_started(os.getpid())}

    @classmethod
    def from_json(cls, values: dict) -> "WebSettings":
        return cls(Path(values["db_path"]), Path(values["index_dir"]), Path(values["data_dir"]), values["model"],
                   values["with_dense"], Access.taken_over(values["access"]))

    def app(self):
        """The app these settings describe (web/app.py's create_app), in whichever process calls this."""
        from .app import create_app

        return create_app(self.db_path, self.index_dir, self.data_dir, model=self.model, with_dense=self.with_dense, access=self.access)

    def write(self) -> Path:
        """The settings file for this server's workers: readable by this user only (it holds the tokens)."""
        path = Path(self.data_dir) / f"{SETTINGS_PREFIX}{os.getpid()}.json"
        text = json.dumps(self.to_json(), indent=1)

        def write(target: str) -> None:
            os.chmod(target, 0o600)  # before a byte of it is written
            Path(target).write_text(text, encoding="utf-8")

        atomic_write(path, write)
        return path


def from_environment():
    """The app of one worker, built from the settings file WTO_ASSIST_WEB_SETTINGS names (uvicorn's factory)."""
    named = os.environ.get(SETTINGS_VARIABLE)
    if not named:
        raise UnavailableError(f"{SETTINGS_VARIABLE} is not set: it names the settings file the web app writes for its worker processes",
                               field=SETTINGS_VARIABLE)
    try:
        settings = WebSettings.from_json(json.loads(Path(named).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as problem:
        raise UnavailableError(f"{named}: not a settings file the web app wrote for its worker processes ({problem})", field=SETTINGS_VARIABLE) from None
    return settings.app()


def serve_in_workers(settings: WebSettings, host: str, port: int, workers: int) -> None:
    """Serve the app from `workers` processes on host:port until stopped (Ctrl+C or SIGTERM)."""
    import uvicorn

    from ..store import Store

    Store(settings.db_path).close()  # on first start, the corpus is created here, not by every worker at once
    _remove_left_over(Path(settings.data_dir))
    path = settings.write()
    os.environ[SETTINGS_VARIABLE] = str(path)  # the workers inherit the environment
    try:
        if sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT") and port != 0:
            _serve_on_own_sockets(host, port, workers)
        else:
            uvicorn.run(FACTORY, factory=True, workers=workers, host=host, port=port, log_level="warning")
    finally:
        os.environ.pop(SETTINGS_VARIABLE, None)
        path.unlink(missing_ok=True)


def _bound_socket(host: str, port: int, shared: bool = True) -> socket.socket:
    """A TCP socket bound to host:port; `shared`: with SO_REUSEPORT, which this server's workers bind too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio sets TCP_NODELAY only on connections whose socket says so, and a socket made with
    # protocol 0 passes 0 to every connection it accepts. Without it, each response after the first on a kept-alive
    # connection waited about 40 ms for the browser's delayed acknowledgement of its headers (docs/scale.md, run 12).
    bound = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if shared:
        bound.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        bound.bind((host, port))
    except OSError as error:
        bound.close()
        raise UnavailableError(f"cannot serve on {host}:{port} ({error.strerror or error}): another program uses the port?",
                               field="port") from None
    return bound


def _reserve_port(host: str, port: int) -> socket.socket:
    """The port held for this server's workers (bound, never listened on), once a plain bind found it free: free
    even of another wto-assist server's sockets, which allow SO_REUSEPORT (bound with it, a second server would
    share the port with the first, each answering some of the requests from its own corpus)."""
    _bound_socket(host, port, shared=False).close()
    return _bound_socket(host, port)


def _serve_on_own_sockets(host: str, port: int, workers: int) -> None:
    """Run `workers` processes, each listening on its own SO_REUSEPORT socket, until one ends or the server is
    stopped (SIGTERM or Ctrl+C: every worker is stopped as uvicorn stops, finishing its requests)."""
    reserved = _reserve_port(host, port)
    context = multiprocessing.get_context("spawn")
    processes = [context.Process(target=_worker, args=(host, port), name=f"wto-assist web worker {number + 1}")
                 for number in range(workers)]
    asked_to_stop = []

    def stop_workers() -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn's graceful shutdown

    def stop(*_) -> None:
        asked_to_stop.append(True)
        stop_workers()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        for process in processes:
            process.start()
        multiprocessing.connection.wait([process.sentinel for process in processes])
        stop_workers()  # stopped, or one worker ended on its own: a server at half strength would not say so
    except KeyboardInterrupt:
        stop()
    finally:
        for process in processes:
            process.join()
        signal.signal(signal.SIGTERM, previous)
        reserved.close()
    failed = [process for process in processes if process.exitcode not in (0, -signal.SIGTERM)]
    if failed and not asked_to_stop:
        raise UnavailableError(f"{failed[0].name} stopped (exit code {failed[0].exitcode}), and the server with it: see its messages above",
                               field="workers")


def _worker(host: str, port: int) -> None:
    """One worker process: the app from the settings file, served on its own socket (listening once warm)."""
    import uvicorn

    config = uvicorn.Config(FACTORY, factory=True, host=host, port=port, log_level="warning")
    uvicorn.Server(config).run(sockets=[_bound_socket(host, port)])


def _remove_left_over(data_dir: Path) -> None:
    """Settings files of servers that were killed before they could remove theirs (they hold tokens)."""
    from .jobstore import process_alive

    for stale in data_dir.glob(f"{SETTINGS_PREFIX}*.json"):
        pid = stale.name[len(SETTINGS_PREFIX):-len(".json")]
        try:
            started = str(json.loads(stale.read_text(encoding="utf-8")).get("server_started", ""))
        except (OSError, ValueError, AttributeError):
            started = ""  # unreadable: the pid alone decides, as before
        if pid.isdecimal() and not process_alive(int(pid), started):
            stale.unlink(missing_ok=True)
