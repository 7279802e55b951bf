"""Files handed to users (CSV, DOCX, JSON exports, fetched PDFs, uploads): written beside the target and
moved into place, so a crash never leaves half a file under the name asked for. This is the one atomic
writer of the code base; every module that writes a user's file goes through `atomic_write`."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path


def usual_mode() -> int:
    """The permissions a plain `open(path, "w")` would give a new file: 0666 less the umask (0644 with
    umask 022). mkstemp makes its files 0600, which would leave a draft unreadable to a colleague who
    shares the folder, so the temporary file is given these before it takes the target's name."""
    try:  # Linux states the umask without changing it (changing it, even briefly, races other threads)
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, write, suffix: str | None = None) -> None:
    """Call write(temporary path), then replace `path` with it. The temporary file lies in the target's
    folder (so the rename stays on one filesystem), hidden, and is removed when `write` fails."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=(path.suffix if suffix is None else suffix) + ".part")
    os.close(handle)
    try:
        os.chmod(temporary, usual_mode())
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    def write(target: str) -> None:
        with open(target, "wb") as handle:
            handle.write(data)

    atomic_write(path, write)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    def write(target: str) -> None:
        with open(target, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    atomic_write(path, write)
