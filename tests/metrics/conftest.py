"""Fixtures for the metrics tests: a time zone switch (the database and ``add_session`` come
from ``tests/conftest.py``)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import pytest

SetTz = Callable[[str], None]


@pytest.fixture(autouse=True)
def set_tz() -> Iterator[SetTz]:
    """Switch the process's local time zone (``TZ`` + ``time.tzset``); restored afterwards.

    Every metrics test starts in UTC whatever the caller's ``TZ`` (the hand-made expectations
    assume it), and the C library is told (``tzset``), which setting the variable alone does not.
    """
    original = os.environ.get("TZ")

    def switch(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    switch("UTC")
    yield switch
    if original is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = original
    time.tzset()
