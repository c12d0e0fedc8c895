"""Parsing in worker processes, so that reading uses every core while one process writes.

A parser hands independent pieces of work (e.g. the parts of a Claude Code projects folder)
to :func:`ordered_map`; each worker process reads files and returns picklable results (no
database: the store stays in the one process that writes). Workers are ``spawn``ed
interpreters on every platform: forking the importing process, which may run Qt threads, is
unsafe, and a ``forkserver`` talks through a socket (Worthwhile opens none, not even a local
one: workers talk through pipes). So the functions and results must be importable and
picklable, and a bundle's entry point calls ``multiprocessing.freeze_support()``.
"""

from __future__ import annotations

import gc
import importlib
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

_T = TypeVar("_T")
_R = TypeVar("_R")
_END = object()

#: At most this many worker processes (a worker holds the objects of the piece it reads).
MAX_WORKERS = 4


def worker_count(pieces: int) -> int:
    """How many workers for ``pieces`` pieces of work: one per core but the one the writing
    process keeps busy, at most :data:`MAX_WORKERS` (0: one core, or a single piece)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        (os.cpu_count() or 1)
    return min(cores - 1, MAX_WORKERS, pieces) if pieces > 1 else 0


class _Warm:
    """Worker processes started ahead of their work (see :func:`prestart`)."""

    lock = threading.Lock()
    pool: ProcessPoolExecutor | None = None
    count = 0


def _started() -> None:
    """A worker process's start: no cyclic garbage collector. Reading makes many objects and no
    reference cycles, and the collector's passes over them were ~4 % of a worker's time; the
    worker ends with the import."""
    gc.disable()


def _new_pool(count: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_started)


def _ready(module: str) -> None:
    """A started worker loads the parser it will run (part of the start-up it saves)."""
    importlib.import_module(module)


def prestart(module: str) -> None:
    """Start the worker processes now, to be ready when :func:`ordered_map` needs them.

    A spawned interpreter takes ~0.15 s of a core to start and load ``module`` (the parser
    whose functions it will run). Called when an import finds enough work for workers (while
    it still walks and sniffs the files), that happens on the other core meanwhile. Workers
    no :func:`ordered_map` took are stopped by :func:`release`.
    """
    count = worker_count(MAX_WORKERS)
    if count == 0:
        return
    with _Warm.lock:
        if _Warm.pool is not None:
            return
        try:
            pool = _new_pool(count)
            for _ in range(count):  # one process is started per task waiting
                pool.submit(_ready, module)
        except (OSError, NotImplementedError, RuntimeError):
            return
        _Warm.pool, _Warm.count = pool, count


def release() -> None:
    """Stop the workers :func:`prestart` started that no :func:`ordered_map` took."""
    with _Warm.lock:
        pool, _Warm.pool = _Warm.pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def _apply_all(function: Callable[[_T], _R], pieces: Sequence[_T]) -> list[_R]:
    return [function(piece) for piece in pieces]


def shared(function: Callable[[_T], _R], pieces: Sequence[_T]) -> list[_R]:
    """``function(piece)`` for each piece, in order, with the workers :func:`prestart` started
    (when there are) taking the second half: quick work over many files, done while those
    workers would wait (e.g. a first look at every file, before the parts to read are known).
    """
    with _Warm.lock:
        pool, count = _Warm.pool, _Warm.count
    if pool is None or len(pieces) < 2:
        return _apply_all(function, pieces)
    share = len(pieces) * count // (count + 1)
    split = len(pieces) - share
    try:
        theirs = pool.submit(_apply_all, function, pieces[split:])
    except RuntimeError:  # shut down meanwhile (a cancel)
        return _apply_all(function, pieces)
    mine = _apply_all(function, pieces[:split])
    return mine + theirs.result()


def _pool(count: int) -> ProcessPoolExecutor:
    """``count`` workers or more: those started ahead when there are, else new ones."""
    with _Warm.lock:
        pool, _Warm.pool = _Warm.pool, None
        if pool is not None and _Warm.count >= count:
            return pool
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
    return _new_pool(count)


@dataclass
class _Here(Generic[_R]):
    """A piece this process read itself while the workers were busy."""

    value: _R | None = None
    error: BaseException | None = None

    def result(self) -> _R:
        if self.error is not None:
            raise self.error
        return cast(_R, self.value)


#: Pieces this process reads itself while waiting, and holds until their turn, at most.
HELD_HERE = 2


def ordered_map(function: Callable[[_T], _R], pieces: Sequence[_T], *,
                help_here: bool | None = None) -> Generator[_R, None, None]:
    """``function(piece)`` for each piece, in order, computed ahead in worker processes.

    One piece per worker is read ahead, one more while this process helps (each result
    waiting costs memory). While the next result is not ready, this process reads the next
    piece not yet handed out itself (at most :data:`HELD_HERE` held until their turn), so that
    no core waits when the workers are the slower side (and that piece is never pickled).
    ``help_here`` defaults to True on the main thread only (the command line): in the window
    an import runs on a thread beside the GUI's, which must not wait for the interpreter lock.
    Closing the iterator (a cancel, an error in the caller) cancels the pieces not started,
    without waiting for the running ones. With one core, or when worker processes cannot be
    started here, the pieces are read in this process, one at a time, as they are asked for.
    """
    count = worker_count(len(pieces))
    if count == 0:
        yield from (function(piece) for piece in pieces)
        return
    try:
        pool = _pool(count)
    except (OSError, NotImplementedError):  # no semaphores (some sandboxes)
        yield from (function(piece) for piece in pieces)
        return
    if help_here is None:
        help_here = threading.current_thread() is threading.main_thread()
    waiting: deque[Future[_R] | _Here[_R]] = deque()
    rest = iter(pieces)
    finished = False

    # Helping, one piece more is queued for the workers, so that they never wait for this
    # process to finish the piece it reads itself.
    ahead = count + 1 if help_here else count

    def hand_out() -> None:
        running = sum(1 for w in waiting if isinstance(w, Future))
        while running < ahead:
            for piece in rest:
                waiting.append(pool.submit(function, piece))
                running += 1
                break
            else:
                return

    try:
        hand_out()
        while waiting:
            head = waiting[0]
            held = len(waiting) - sum(1 for w in waiting if isinstance(w, Future))
            if help_here and isinstance(head, Future) and not head.done() and \
                    held < HELD_HERE:
                piece = next(rest, _END)
                if piece is not _END:
                    here: _Here[_R] = _Here()
                    try:
                        here.value = function(cast(_T, piece))
                    except Exception as exc:  # raised at its turn, as a worker's would be
                        here.error = exc
                    waiting.append(here)
                    continue
            waiting.popleft()
            result = head.result()
            hand_out()
            yield result
        finished = True
    finally:  # closed early: do not wait for the pieces being read (they end on their own)
        pool.shutdown(wait=finished, cancel_futures=True)
