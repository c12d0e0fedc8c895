"""Running a task's work in a spawned process of its own (see :mod:`desktop_app.processes`),
waited for on the task's worker thread without holding the interpreter lock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar, cast

from desktop_app.ui.tasks import TaskCancelledError, TaskContext

_R = TypeVar("_R")


def in_a_process(function: Callable[[str], _R], path: Path, context: TaskContext,
                 name: str, *, after_s: float = 0.0) -> _R:
    """``function(str(path))`` computed in a spawned process (``function`` a module-level,
    Qt-free function of the database's path, opening a connection of its own). A cancel (a
    newer task, the window closing) ends the process; where no process can be started (some
    sandboxes) it runs on this thread. ``after_s``: the process starts only after that long
    (a window opening paints first, and one closed at once starts none)."""
    import multiprocessing
    import time

    waited_until = time.monotonic() + after_s
    while time.monotonic() < waited_until:
        if context.cancelled:
            raise TaskCancelledError
        time.sleep(0.05)

    from desktop_app.processes import answer_to_pipe

    spawn = multiprocessing.get_context("spawn")
    try:
        receive, send = spawn.Pipe(duplex=False)
        process = spawn.Process(target=answer_to_pipe, args=(function, str(path), send),
                                daemon=True, name=name)
        process.start()
    except (OSError, NotImplementedError):
        return function(str(path))
    send.close()
    try:
        while not receive.poll(0.1):
            if context.cancelled:
                raise TaskCancelledError
            if not process.is_alive() and not receive.poll(0):
                raise RuntimeError(f"the {name} process ended (exit {process.exitcode})")
        ok, answer = receive.recv()
    finally:
        if process.is_alive():
            process.terminate()
        process.join(2)
        receive.close()
    if not ok:
        raise RuntimeError(str(answer))
    return cast(_R, answer)
