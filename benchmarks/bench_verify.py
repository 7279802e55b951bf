"""How long `verify` takes on a submission of about 40 pages with 60 quotations from the real CTD minutes.

The submission is built here, programmatically, from the real minutes in ../shared ingested into a
temporary store: 60 quotations (a sentence of a Member's statement each, introduced by the record, with
a WTO-style footnote) spread among some 40 pages of prose taken from other paragraphs, written with the
renderer's own footnotes and document properties. Every quotation must verify, so the whole check runs.
Usage: python benchmarks/bench_verify.py [SHARED_DIR]
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import docx

from wto_assist import members
from wto_assist.draft import citation_style
from wto_assist.draft.render import add_footnotes, write_properties
from wto_assist.draft.verify import failed, verify_docx
from wto_assist.ingest import ingest_paths
from wto_assist.store import Store

REPO = Path(__file__).resolve().parents[1]
QUOTATIONS = 60
WORDS_PER_PAGE = 450  # a single-spaced A4 page of Times New Roman 12 with footnotes
PAGES = 40


def _sentence(text: str) -> str | None:
    """A whole sentence of 12 to 45 words with no quotation marks of its own, or None."""
    for sentence in re.split(r"(?<=[.;])\s+(?=[A-Z])", text):
        words = sentence.split()
        if 12 <= len(words) <= 45 and not re.search(r"[\"“”‘’]", sentence) and sentence.endswith("."):
            return sentence
    return None


def build(store: Store, out: Path) -> int:
    """Write the submission; return its word count."""
    rows = [p for p in store.connection.execute("SELECT d.symbol FROM documents d WHERE d.family = 'minutes' ORDER BY d.date").fetchall()]
    sources, filler = [], []
    for (symbol,) in rows:
        for paragraph in store.paragraphs(symbol):
            sentence = _sentence(paragraph["text"])
            actor = members.lookup(paragraph["speaker"]) if paragraph["speaker"] else None
            usable = sentence and actor is not None and not paragraph["restricted"] and paragraph["numbered"] and paragraph["date"]
            if usable and len(sources) < QUOTATIONS and len(sources) <= len(filler) // 2:  # spread over the whole record
                sources.append((paragraph, sentence, actor))
            elif not re.search(r"[\"“”]", paragraph["text"]) and len(paragraph["text"].split()) > 40:
                filler.append(paragraph["text"])
    if len(sources) < QUOTATIONS:
        raise SystemExit(f"only {len(sources)} quotable paragraphs found")
    document = docx.Document()
    notes, words, position = [], 0, 0
    for number, (paragraph, sentence, actor) in enumerate(sources, 1):
        if number % 10 == 1:
            document.add_heading(f"{'ABCDEF'[number // 10]}. Issue {number // 10 + 1}", level=1)
        while words < WORDS_PER_PAGE * PAGES * number / QUOTATIONS and position < len(filler):
            document.add_paragraph(filler[position])
            words += len(filler[position].split())
            position += 1
        lead = (f"As recorded in the minutes of the meeting of the {paragraph['body']} held on "
                f"{citation_style.long_date(paragraph['date'])}, {members.display_name(actor.name)} said that ")
        document.add_paragraph(f"{lead}“{sentence}”⟦fn:{number}⟧")
        words += len(lead.split()) + len(sentence.split())
        notes.append(citation_style.footnote(paragraph, paragraph["paragraph"]))
    add_footnotes(document, notes)
    write_properties(document, SimpleNamespace(release="public", quotes=[]), "Benchmark")
    document.save(str(out))
    return words


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    return f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared"
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "corpus.sqlite"
        ingest_paths([shared / "corpus" / "ctd-minutes"], db)
        out = Path(folder) / "submission.docx"
        with Store(db, create=False) as store:
            words = build(store, out)
        timings, checks = [], []
        for _ in range(5):
            clock = time.perf_counter()
            checks = verify_docx(out, db)
            timings.append(time.perf_counter() - clock)
        quoted = [c for c in checks if c.quote]
        print(f"submission: {words} words (about {words / WORDS_PER_PAGE:.0f} pages at {WORDS_PER_PAGE} words a page), "
              f"{len(quoted)} quotations, {out.stat().st_size // 1024} KiB")
        print(f"statuses: { {status: sum(c.status == status for c in checks) for status in sorted({c.status for c in checks})} }, "
              f"failed with --final: {len(failed(checks, final=True))}")
        print(f"verify time, median of 5: {statistics.median(timings):.2f} s (min {min(timings):.2f} s; target < 2 s)")
        print(f"machine: {machine()}")
        if len(quoted) != QUOTATIONS or failed(checks, final=True):
            raise SystemExit("the benchmark submission did not verify: the figure would not measure the whole check")


if __name__ == "__main__":
    main()
