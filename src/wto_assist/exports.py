"""Files handed to users (CSV, DOCX exports): written beside the target and moved into place, so a
crash never leaves half a file under the name asked for."""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, write) -> None:
    """Call write(temporary path), then replace `path` with it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=path.suffix + ".part")
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    def write(target: str) -> None:
        with open(target, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    atomic_write(path, write)
