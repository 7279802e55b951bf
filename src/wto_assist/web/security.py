"""Web safety by default: the app holds RESTRICTED records, so a page on another site must not be
able to read from it or make the delegate's browser change it.

- Host allow-list: loopback names, plus the address `--host` binds; anything else (DNS rebinding) is
  refused before any route runs.
- State-changing requests (POST) must come from this origin (Origin or Referer of the same host) and
  carry the per-start form token (`csrf_token`, embedded in every form).
- Bound beyond loopback, every request needs an access token, as notebook servers do: the editor
  token (all pages) or the reader token (read, draft and verify, but not change the corpus), given once
  in the URL printed at start and then kept in a same-site, HTTP-only cookie.
- Security headers on every answer: a content security policy without inline script, no framing,
  no MIME sniffing, no referrer beyond this origin, no caching of pages.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlparse

from starlette.exceptions import HTTPException

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
COOKIE = "wto_access"
HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                                 b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # "no-referrer" would make browsers send "Origin: null" on our own forms
    (b"cache-control", b"no-store"),
]
EDITOR_ONLY = {("POST", "/corpus"), ("POST", "/cases/export"), ("POST", "/cases/import"), ("POST", "/cases/watches")}  # what a reader may not do


@dataclass
class Access:
    """Who may use the app: hosts it answers to, the form token, and the access tokens when remote."""

    hosts: set[str] = field(default_factory=lambda: set(LOOPBACK))
    form_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    editor_token: str | None = None
    reader_token: str | None = None

    @classmethod
    def for_binding(cls, host: str, allowed_hosts: tuple[str, ...] = ()) -> "Access":
        """Bound to all interfaces (0.0.0.0, ::), the app answers to this machine's own names and addresses
        too, so that a delegate's browser can reach it by them; `allowed_hosts` adds others (a proxy's name)."""
        access = cls()
        if host not in LOOPBACK:
            access.hosts.add(host.strip("[]"))
            if host.strip("[]") in WILDCARDS:
                access.hosts.update(machine_names())
            access.editor_token, access.reader_token = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        access.hosts.update(name.strip("[]").lower() for name in allowed_hosts if name.strip())
        return access

    def urls(self, host: str, port: int) -> list[str]:
        """Addresses a browser can open: the bound one, or this machine's names when bound to all interfaces."""
        bare = host.strip("[]")
        names = sorted(name for name in self.hosts if name not in WILDCARDS) if bare in WILDCARDS else [bare]
        return [f"http://[{name}]:{port}/" if ":" in name else f"http://{name}:{port}/" for name in names]

    def form_token_ok(self, value: str | None) -> bool:
        return bool(value) and hmac.compare_digest(str(value), self.form_token)

    def handed_over(self) -> dict:
        """What a worker process needs to apply the same rules with the same tokens (web/workers.py keeps
        it in a 0600 file): the tokens are drawn once, by the parent, never per worker."""
        return {"hosts": sorted(self.hosts), "form_token": self.form_token,
                "editor_token": self.editor_token, "reader_token": self.reader_token}

    @classmethod
    def taken_over(cls, values: dict) -> "Access":
        """The parent's Access in a worker, from `handed_over()`."""
        return cls(hosts=set(values["hosts"]), form_token=values["form_token"],
                   editor_token=values["editor_token"], reader_token=values["reader_token"])


WILDCARDS = {"0.0.0.0", "::"}


def machine_names() -> set[str]:
    """This machine's host name, full name and the addresses they resolve to (no network traffic: the
    resolver reads /etc/hosts or asks the local resolver only for these names)."""
    import socket

    names = {socket.gethostname().lower(), socket.getfqdn().lower()}
    for name in list(names):
        try:
            names.update(info[4][0].lower() for info in socket.getaddrinfo(name, None))
        except OSError:
            continue
    return {name for name in names if name}


def host_name(value: str) -> str:
    """"127.0.0.1:8765" -> "127.0.0.1"; "[::1]:8765" -> "::1"."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


# Readers may only read: every method but GET and HEAD is an editor's, on any route, present or future,
# except these, which compute an answer from the posted form and store nothing (a draft, a check).
READER_MAY_POST = {"/draft", "/api/draft", "/verify", "/api/verify", "/cases/draft"}
SAFE_METHODS = ("GET", "HEAD")


def reader_may(method: str, path: str) -> bool:
    """Whether a reader (read-only access) may make this request."""
    if method in SAFE_METHODS:
        return True
    return method == "POST" and path in READER_MAY_POST and (method, path) not in EDITOR_ONLY


MAX_BODY = 21 * 2**20  # the app's largest upload (20 MiB) and the rest of its form


class BodyTooLarge(HTTPException):
    """Raised from inside the body stream, so that no more than MAX_BODY bytes are ever read (or spooled)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"Refused: a request body may hold at most {limit // 2**20} MiB (uploads up to {limit // 2**20 - 1} MiB).")


def limited(receive, limit: int):
    """`receive` that counts the body while it streams and stops it past `limit` bytes."""
    received = 0

    async def receive_within_limit():
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_within_limit


def without_token(query_string: bytes) -> bytes:
    """The query string less its `token=`: the app never sees the access token, so no link it builds
    (pagination, filters) can copy it; the cookie carries it after the first visit."""
    pairs = [pair for pair in query_string.split(b"&") if pair and pair.split(b"=", 1)[0] != b"token"]
    return b"&".join(pairs)


class Guard:
    """Pure ASGI middleware applying `Access` to every HTTP request (the app's outermost layer)."""

    def __init__(self, app, access: Access, max_body: int = MAX_BODY):
        self.app, self.access, self.max_body = app, access, max_body

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {key.decode("latin-1"): value.decode("latin-1") for key, value in scope["headers"]}
        host = headers.get("host", "")
        if host_name(host) not in self.access.hosts:
            return await _refuse(send, 400, "This address is not one this wto-assist server answers to.")
        method = scope["method"]
        if method not in ("GET", "HEAD"):
            source = headers.get("origin") or headers.get("referer")
            if not source or urlparse(source).netloc.lower() != host.lower():
                return await _refuse(send, 403, "Refused: the request did not come from a wto-assist page.")
        elif scope["path"] in HEAVY_PAGES and _cross_site(headers, host):
            # Another site's page may not make a browser run searches here (each costs the server seconds).
            return await _refuse(send, 403, "Refused: another site asked for this page; open it from wto-assist itself.")
        cookie = None
        if self.access.editor_token:
            role, cookie = self._role(scope, headers)
            if role is None:
                return await _refuse(send, 401, "Open the address printed when the server started: it carries the access token.")
            if role == "reader" and not reader_may(method, scope["path"]):
                return await _refuse(send, 403, "Your access is read-only: ask an editor to change the corpus.")
            scope = dict(scope, query_string=without_token(scope.get("query_string", b"")))

        declared = headers.get("content-length", "")
        if declared.isdecimal() and int(declared) > self.max_body:  # refused before a byte of it is read
            return await _refuse(send, 413, BodyTooLarge(self.max_body).detail)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + HEADERS + ([(b"set-cookie", cookie)] if cookie else [])
            await send(message)

        return await self.app(scope, limited(receive, self.max_body), send_with_headers)

    def _role(self, scope, headers) -> tuple[str | None, bytes | None]:
        offered = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [None])[0]
        cookie = SimpleCookie(headers.get("cookie", ""))
        kept = cookie[COOKIE].value if COOKIE in cookie else None
        for token in (offered, kept):
            for role, expected in (("editor", self.access.editor_token), ("reader", self.access.reader_token)):
                if token and expected and hmac.compare_digest(token, expected):
                    setting = f"{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/".encode() if token == offered else None
                    return role, setting
        return None, None


# Pages that run a search or read across the corpus: not for other sites to request (GET included).
HEAVY_PAGES = {"/search", "/precedent", "/coalitions", "/concerns", "/disputes", "/cases",
               "/api/search", "/api/precedent", "/api/coalitions", "/api/concerns", "/api/disputes", "/api/cases"}


def _cross_site(headers: dict, host: str) -> bool:
    """The browser says another site made the request (Sec-Fetch-Site), or an Origin other than this one."""
    if headers.get("sec-fetch-site", "") == "cross-site":
        return True
    origin = headers.get("origin")
    return bool(origin) and urlparse(origin).netloc.lower() != host.lower()


async def _refuse(send, status: int, message: str) -> None:
    body = message.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())] + HEADERS})
    await send({"type": "http.response.body", "body": body})
