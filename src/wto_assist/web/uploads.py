"""Uploads: size- and type-limited, saved under the data folder with names the app makes itself, so no
file name from a browser ever becomes a path."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from starlette.datastructures import UploadFile

from ..exports import atomic_write_bytes

MAX_UPLOAD_BYTES = 20 * 2**20


class UploadRejected(Exception):
    """An upload refused for its size, type or content; the message is shown to the user."""


async def save_upload(upload, folder: Path, allowed: set[str]) -> Path:
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise UploadRejected("Choose a file to upload.")
    original = Path(upload.filename).name  # never a path from the browser
    suffix = Path(original).suffix.lower()
    if suffix not in allowed:
        raise UploadRejected(f"{original}: {suffix or 'no extension'} is not accepted here (allowed: {', '.join(sorted(allowed))}).")
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UploadRejected(f"{original}: larger than {MAX_UPLOAD_BYTES // 2**20} MiB.")
    if not data:
        raise UploadRejected(f"{original}: empty file.")
    folder.mkdir(parents=True, exist_ok=True)
    # The stored name is ours: a safe stem from the original (symbols stay readable) plus a unique tag.
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(original).stem)[:80] or "upload"
    target = folder / f"{stem}{suffix}"
    if target.exists():
        target = folder / f"{stem}-{uuid.uuid4().hex[:8]}{suffix}"
    atomic_write_bytes(target, data)
    return target
