"""Files handed to users (CSV, DOCX, JSON exports, fetched PDFs, uploads): written beside the target and
moved into place, so a crash never leaves half a file under the name asked for. This is the one atomic
writer of the code base; every module that writes a user's file goes through `atomic_write`."""

from __future__ import annotations

import csv
import os
import stat
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
    folder (so the rename stays on one filesystem), hidden, and is removed when `write` fails. A file that
    exists keeps its permissions (a brief or case file made private stays private: they may quote
    RESTRICTED records); a new one gets the user's usual ones. The data reaches the disk before the rename,
    and the rename before this returns, so a power cut leaves the old file or the new, never an empty one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = usual_mode()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=(path.suffix if suffix is None else suffix) + ".part")
    os.close(handle)
    try:
        os.chmod(temporary, mode)
        write(temporary)
        _flush_to_disk(temporary)
        os.replace(temporary, path)
        _flush_to_disk(path.parent)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _flush_to_disk(path) -> None:
    """fsync a file, or a folder (the rename in it) where the system allows opening one (not on Windows)."""
    try:
        descriptor = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # a folder on a file system that cannot sync it: the rename still happened
    finally:
        os.close(descriptor)


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
