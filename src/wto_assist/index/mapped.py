"""An index array read from its .npy file, memory-mapped, as a plain ndarray."""

from __future__ import annotations

import mmap
from collections.abc import Iterable
from pathlib import Path

import numpy as np


def mapped(path: Path) -> np.ndarray:
    """The array of a .npy file, memory-mapped (read-only: pages are read as touched, shared between
    processes), seen as a plain ndarray. np.memmap keeps the mapping alive the same way, but every slice or
    gather of one runs Python code (memmap.__getitem__, __array_finalize__), and a query at the scale of an archive
    takes hundreds of them."""
    return np.asarray(np.load(path, mmap_mode="r"))


def fault_in(arrays: Iterable[np.ndarray]) -> None:
    """Map every page of these memory-mapped arrays into this process now (a byte read per page; the kernel maps
    the neighbouring pages of the page cache with it). A process that has not touched a page yet pays a page fault
    when a query first reads it, and a query reads its postings all over the index: at 100x a page new to a fresh
    web worker cost 50 ms of its CPU against 33 for the same page again; 37 against 32 with this and
    analysis.stem_ahead (bench_scale.py --web, docs/scale.md run 12). For servers that warm up (Searcher.warm), not
    for a one-off CLI query: at 100x it maps 840 MiB (the whole Searcher.warm: 0.8 to 2.9 s, bench_scale.py --page)."""
    for array in arrays:
        if array.size == 0 or not (array.flags.c_contiguous or array.flags.f_contiguous):
            continue
        raw = array.reshape(-1, order="A").view(np.uint8)
        # a .npy's data starts after its header, inside a page: the last byte may lie a page beyond the last step
        int(raw[:: mmap.PAGESIZE].max()) + int(raw[-1])
