"""Nothing leaves the machine: no socket is opened while importing, computing statistics or
merging team cards.

(Browsing and charting are watched in tests/ui: test_browsing_demo_data_opens_no_socket and
the Value view tests use the same ``network_events`` fixture.)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli import main

DATA = Path(__file__).resolve().parent / "data"


def test_import_scan_stats_and_summary_open_no_socket(capsys: pytest.CaptureFixture[str],
                                                      db_path: Path, tmp_path: Path,
                                                      network_events: list[object]) -> None:
    paths = [str(DATA / name) for name in ("chatgpt", "claude-code", "codex", "aider")
             if (DATA / name).exists()]
    assert len(paths) >= 3
    assert main(["--db", str(db_path), "import", *paths, "--json"]) in (0, 1)
    report = json.loads(capsys.readouterr().out)
    assert report["totals"]["sessions_new"] > 10
    assert main(["--db", str(db_path), "scan", "--json"]) == 0
    assert main(["--db", str(db_path), "stats", "--json", "--group", "tool"]) == 0
    assert main(["--db", str(db_path), "sessions", "--search", "test", "--json"]) == 0
    card = tmp_path / "card.json"
    assert main(["--db", str(db_path), "summary", "--out", str(card), "--by", "month"]) == 0
    assert json.loads(card.read_text(encoding="utf-8"))["tools"]
    capsys.readouterr()
    assert network_events == []
    assert "PySide6.QtNetwork" not in sys.modules


def test_team_opens_no_socket(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                              network_events: list[object]) -> None:
    from desktop_app.demo.cards import demo_cards

    paths = []
    for i, card in enumerate(demo_cards()):
        path = tmp_path / f"card-{i}.json"
        path.write_text(json.dumps(card), encoding="utf-8")
        paths.append(str(path))
    assert main(["team", *paths, "--json", "--group", "tool"]) == 0
    assert json.loads(capsys.readouterr().out)["cards"] == 8
    assert main(["team", *paths, "--group", "label"]) == 0
    assert main(["--demo", "team"]) == 0
    capsys.readouterr()
    assert network_events == []
    assert "PySide6.QtNetwork" not in sys.modules


def test_the_watch_sees_a_connection(network_events: list[tuple[str, Any]]) -> None:
    """The audit hook behind ``network_events`` does catch a connect (so the tests can fail)."""
    import contextlib
    import socket

    with socket.socket() as s, contextlib.suppress(OSError):
        s.settimeout(0.5)
        s.connect(("127.0.0.1", 9))  # loopback discard port: refused, never leaves the machine
    assert any(event == "socket.connect" for event, _args in network_events)
