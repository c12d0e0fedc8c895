"""Parsing in worker processes, so that reading uses every core while one process writes.

A parser hands independent pieces of work (e.g. the parts of a Claude Code projects folder)
to :func:`ordered_map`; each worker process reads files and returns picklable results (no
database: the store stays in the one process that writes). Workers are forks of a
``forkserver`` (single-threaded: forking the importing process itself, which may run Qt threads,
is unsafe) or, where there is none, ``spawn``ed interpreters; so the functions and results must
be importable and picklable, and a bundle's entry point calls ``multiprocessing.freeze_support()``.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R")

#: At most this many worker processes (a worker holds the objects of the piece it reads).
MAX_WORKERS = 4


def worker_count(pieces: int) -> int:
    """How many workers for ``pieces`` pieces of work: one per core, at most
    :data:`MAX_WORKERS` (0: not worth it, one core)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
    count = min(cores, MAX_WORKERS, pieces)
    return count if count > 1 else 0


def _context(module: str) -> multiprocessing.context.BaseContext:
    """``forkserver`` where there is one (a single-threaded server process that has imported
    ``module`` once; each worker is a fork of it, started in milliseconds), else ``spawn``
    (each worker a fresh interpreter that imports the main module, as on Windows)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([module])  # used when the server starts (once a process)
    return context


def ordered_map(function: Callable[[_T], _R], pieces: Sequence[_T]
                ) -> Generator[_R, None, None]:
    """``function(piece)`` for each piece, in order, computed ahead in worker processes.

    At most two results per worker wait to be taken. Closing the iterator (a cancel, an error
    in the caller) cancels the pieces not started and waits for the running ones. With one
    core, or when worker processes cannot be started here, the pieces are read in this
    process, one at a time, as they are asked for.
    """
    count = worker_count(len(pieces))
    if count == 0:
        yield from (function(piece) for piece in pieces)
        return
    try:
        pool = ProcessPoolExecutor(count, mp_context=_context(function.__module__))
    except (OSError, NotImplementedError):  # no semaphores (some sandboxes)
        yield from (function(piece) for piece in pieces)
        return
    waiting: deque[Future[_R]] = deque()
    rest = iter(pieces)
    try:
        for piece in rest:
            waiting.append(pool.submit(function, piece))
            if len(waiting) >= 2 * count:
                break
        while waiting:
            result = waiting.popleft().result()
            for following in rest:
                waiting.append(pool.submit(function, following))
                break
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
