"""An index array read from its .npy file, memory-mapped, as a plain ndarray."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def mapped(path: Path) -> np.ndarray:
    """The array of a .npy file, memory-mapped (read-only: pages are read as touched, shared between
    processes), seen as a plain ndarray. np.memmap keeps the mapping alive the same way, but every slice or
    gather of one runs Python code (memmap.__getitem__, __array_finalize__), and a query at the scale of an archive
    takes hundreds of them."""
    return np.asarray(np.load(path, mmap_mode="r"))
