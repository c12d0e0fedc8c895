"""Fixtures for the demo tests: a time zone switch (the database comes from tests/conftest.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator

import pytest

SetTz = Callable[[str], None]


@pytest.fixture
def set_tz() -> Iterator[SetTz]:
    """Switch the process's local time zone (``TZ`` + ``time.tzset``); restored afterwards."""
    original = os.environ.get("TZ")

    def switch(name: str) -> None:
        os.environ["TZ"] = name
        time.tzset()

    yield switch
    if original is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = original
    time.tzset()
