"""Get WTO documents from Documents Online: before ingest, never at query time.

Documents Online serves each document at an address built from its symbol:
    …/dol2fe/Pages/SS/directdoc.aspx?filename=q:/WT/COMTD/M101.pdf&Open=True   (WT/COMTD/M/101, English)
The file name is the symbol with (our reading of the WTO's links and of public scripts that fetch them):
  - the language as the drive letter: q: English, r: French, s: Spanish;
  - the slash before the final number dropped when a series letter precedes it (WT/COMTD/M/101 ->
    WT/COMTD/M101, G/SPS/R/104 -> G/SPS/R104), kept right after the body (WT/L/452 -> WT/L/452);
  - parentheses dropped (WT/MIN(22)/33 -> WT/MIN22/33);
  - dispute documents under WT/DS/ with the number first: WT/DS512/R -> WT/DS/512R, WT/DS512/1 ->
    WT/DS/512-1, WT/DS512/AB/R -> WT/DS/512ABR;
  - revisions compacted: /Add.1 -> A1, /Rev.2 -> R2, /Corr.1 -> C1, /Suppl.1 -> S1;
  - long reports in parts: 379R-00.pdf, 379R-01.pdf … (joined here into one PDF).
A missing document comes back as a web page, not as a 404; anything that is not a PDF is reported
as missing, by symbol. Downloads are polite: one request at a time, a delay between requests, retries
with backoff, a user agent that says what is asking. Each folder keeps a manifest (.wto-fetch.json)
with the URL, retrieval time and SHA-256 of every file, which `ingest` stores and `show` displays; a
file already there with its recorded SHA-256 is not fetched again.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .errors import UnavailableError
from .exports import atomic_write_bytes, atomic_write_text
from . import __version__
from .documents.symbols import SymbolError, parse_symbol

DEFAULT_BASE_URL = "https://docs.wto.org/dol2fe/Pages/SS/directdoc.aspx"
LANGUAGES = {"en": "q", "fr": "r", "es": "s"}
MANIFEST = ".wto-fetch.json"
USER_AGENT = f"wto-assist/{__version__} (document fetcher for delegations; one request at a time)"
DISPUTE_SERIES = ("1", "R", "AB/R", "RW", "AB/RW", "ARB")
MAX_PARTS = 20
_SUFFIX_LETTER = {"Add": "A", "Rev": "R", "Corr": "C", "Suppl": "S"}


class FetchError(UnavailableError):
    """A request that cannot be made as asked (bad symbol, range, language); one line."""


def base_url() -> str:
    return os.environ.get("WTO_ASSIST_FETCH_BASE_URL", DEFAULT_BASE_URL)


def dol_filename(symbol: str, language: str = "en") -> str:
    """"WT/COMTD/M/101" -> "q:/WT/COMTD/M101" (no extension: parts add "-00", "-01" before ".pdf")."""
    if language not in LANGUAGES:
        raise FetchError(f"lang: {language!r} must be one of {', '.join(LANGUAGES)}", field="lang")
    parsed = parse_symbol(symbol)
    parts = [part.replace("(", "").replace(")", "") for part in parsed.parts]
    suffix = "".join(f"{_SUFFIX_LETTER[kind]}{number}" for kind, number in parsed.suffixes)
    if parsed.dispute_number is not None:
        rest = "".join(parts[2:])
        joiner = "-" if rest.isdigit() else ""
        path = f"WT/DS/{parsed.dispute_number}{joiner}{rest}{suffix}"
    elif len(parts) >= 4 and re.fullmatch(r"\d+", parts[-1]) and not parts[-2].isdigit():
        path = "/".join(parts[:-2]) + f"/{parts[-2]}{parts[-1]}{suffix}"
    else:
        path = "/".join(parts) + suffix
    return f"{LANGUAGES[language]}:/{path}"


def document_url(filename: str, base: str | None = None) -> str:
    return f"{base or base_url()}?{urllib.parse.urlencode({'filename': filename + '.pdf', 'Open': 'True'}, safe=':/')}"


def file_name(symbol: str) -> str:
    """Where a fetched document is saved: the symbol, readable by ingest ("WT_COMTD_M_101.pdf").
    Other languages go to a folder of their own (fr/, es/): a corpus holds one version of a symbol."""
    return re.sub(r"[/\s]+", "_", symbol) + ".pdf"


def expand_range(text: str) -> list[str]:
    """"WT/COMTD/M/100-120" -> WT/COMTD/M/100 … WT/COMTD/M/120."""
    match = re.fullmatch(r"\s*(?P<prefix>.+/)(?P<first>\d+)\s*-\s*(?P<last>\d+)\s*", text or "")
    if not match or int(match["last"]) < int(match["first"]):
        raise FetchError(f"range: {text!r} is not a range such as WT/COMTD/M/100-120", field="range")
    if int(match["last"]) - int(match["first"]) > 500:
        raise FetchError(f"range: {text!r} asks for more than 500 documents; split it", field="range")
    return [f"{match['prefix']}{n}" for n in range(int(match["first"]), int(match["last"]) + 1)]


def dispute_symbols(dispute: str) -> list[str]:
    number = re.fullmatch(r"\s*(?:DS)?\s?(\d{1,4})\s*", dispute or "", re.I)
    if not number:
        raise FetchError(f"dispute: {dispute!r} is not a dispute number such as DS512", field="dispute")
    return [f"WT/DS{int(number.group(1))}/{series}" for series in DISPUTE_SERIES]


@dataclass
class FetchReport:
    fetched: list[tuple[str, str]] = field(default_factory=list)  # symbol, path
    unchanged: list[str] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # symbol, reason
    failed: list[tuple[str, str]] = field(default_factory=list)  # symbol, reason (network, server)
    unreachable: str | None = None  # why the server gave no answer at all; the symbols after it were not tried


class _Client:
    """One request at a time, `delay` seconds apart, retried with doubling waits."""

    def __init__(self, delay: float, retries: int, timeout: float, sleep: Callable[[float], None] = time.sleep):
        self.delay, self.retries, self.timeout, self.sleep = delay, retries, timeout, sleep
        self._last = 0.0

    def get(self, url: str) -> bytes:
        wait = max(1.0, self.delay)
        for attempt in range(self.retries + 1):
            pause = self._last + self.delay - time.monotonic()
            if pause > 0:
                self.sleep(pause)
            self._last = time.monotonic()
            try:
                request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
                with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - http(s) only, checked
                    return response.read()
            except urllib.error.HTTPError as error:
                if error.code < 500 or attempt == self.retries:
                    raise
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
                if attempt == self.retries or _no_server(error):
                    raise
            self.sleep(wait)
            wait *= 2
        raise AssertionError("unreachable")


def _no_server(error: Exception) -> bool:
    """No network, no such host or nothing listening: waiting a few seconds does not change that, so
    these are not retried (a slow answer or a server error is)."""
    reason = getattr(error, "reason", error)
    return isinstance(reason, (socket.gaierror, ConnectionRefusedError))


def how_to_go_on(reason: str) -> str:
    """What `fetch` says when Documents Online gave no answer at all: the two ways on without it."""
    return (f"Documents Online cannot be reached ({reason}). To go on, ingest a folder of PDFs you already have"
            f" (wto-assist ingest FOLDER), or fetch from a mirror: --base-url with the full address of its directdoc"
            f" endpoint (Documents Online's is {DEFAULT_BASE_URL})")


def _is_pdf(data: bytes) -> bool:
    return data.lstrip()[:5] == b"%PDF-"


def _joined(parts: list[bytes]) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in parts:
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def provenance(path: Path) -> dict | None:
    """The manifest entry of a fetched file when the file is still the one fetched (same SHA-256)."""
    entry = _read_manifest(path.parent).get(path.name)
    if not entry:
        return None
    return entry if hashlib.sha256(path.read_bytes()).hexdigest() == entry.get("sha256") else None


def fetch_documents(symbols: list[str], out: Path, language: str = "en", base: str | None = None, delay: float = 1.0,
                    retries: int = 3, timeout: float = 60.0, on_symbol: Callable[[str], None] | None = None,
                    sleep: Callable[[float], None] = time.sleep) -> FetchReport:
    """Fetch each symbol into `out`; every outcome is reported by symbol, nothing stops the others."""
    out = Path(out) if language == "en" else Path(out) / language
    out.mkdir(parents=True, exist_ok=True)
    base = base or base_url()
    if urllib.parse.urlparse(base).scheme not in ("http", "https"):
        raise FetchError(f"base_url: {base!r} is not an http(s) address", field="base_url")
    client = _Client(delay, retries, timeout, sleep)
    manifest = _read_manifest(out)
    report = FetchReport()
    for symbol in dict.fromkeys(symbols):
        if report.unreachable:  # after retries the server still did not answer: the rest would wait in vain
            report.failed.append((symbol, "not tried: the server did not answer"))
            continue
        if on_symbol:
            on_symbol(symbol)
        try:
            canonical = str(parse_symbol(symbol))
            name = dol_filename(canonical, language)
        except SymbolError as error:
            report.missing.append((symbol, str(error)))
            continue
        target = out / file_name(canonical)
        if target.exists() and provenance(target):
            report.unchanged.append(canonical)
            continue
        try:
            data, url = _download(client, name, base)
        except urllib.error.HTTPError as error:
            report.failed.append((canonical, f"the server answered {error.code} {error.reason}"))
            continue
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", None) or error
            report.unreachable = f"no answer from {urllib.parse.urlparse(base).netloc}: {reason}"
            report.failed.append((canonical, report.unreachable))
            continue
        if data is None:
            report.missing.append((canonical, f"not on Documents Online in {language} (the server sent a web page, not a PDF: {url})"))
            continue
        atomic_write_bytes(target, data)
        manifest[target.name] = {"symbol": canonical, "language": language, "url": url,
                                 "retrieved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                 "sha256": hashlib.sha256(data).hexdigest()}
        atomic_write_text(out / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        report.fetched.append((canonical, str(target)))
    return report


def _download(client: _Client, name: str, base: str) -> tuple[bytes | None, str]:
    """The PDF of one document (its parts joined), or None when the server has none."""
    url = document_url(name, base)
    data = client.get(url)
    if _is_pdf(data):
        return data, url
    parts = []
    for number in range(MAX_PARTS):
        part = client.get(document_url(f"{name}-{number:02d}", base))
        if not _is_pdf(part):
            break
        parts.append(part)
    if not parts:
        return None, url
    return _joined(parts), document_url(f"{name}-00", base)
