"""Work the window hands to a spawned process of its own (no Qt here: the process imports this
module to run its target). Long Python or numpy work on one of the window's threads holds the
interpreter lock in stretches that make typing and scrolling stutter; in a process it cannot.
The process answers through a pipe (no socket, not even a local one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection


def answer_to_pipe(function: Callable[[str], Any], path: str, send: Connection) -> None:
    """A worker process's whole work: ``function(path)`` (path: the database), its answer sent
    through ``send`` as ``(True, result)``, or ``(False, message)`` when it failed."""
    try:
        answer: tuple[bool, Any] = (True, function(path))
    except Exception as exc:
        answer = (False, f"{type(exc).__name__}: {exc}")
    try:
        send.send(answer)
    except OSError:  # the window that asked is gone (closed, or quit): nobody to tell
        pass
    finally:
        send.close()
