"""``sessions --json`` and ``show --json`` give each session's cost from the local price
table (null without tokens or price); ``stats --json`` periods gain the cost figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.domain import Price, Session, parse_utc
from desktop_app.store import open_db, save_sessions
from desktop_app.store.prices import save_prices, shipped_prices

T = parse_utc("2026-03-03T12:00:00Z")


def _session(n: int, model: str | None, tokens: tuple[int | None, ...], source: str = "claude-code",
             cost: float | None = None) -> Session:
    tokens_in, tokens_out, *split = tokens
    uncached, write, read = split if split else (None, None, None)
    return Session(source=source, external_id=f"s{n}", title=f"session {n}", started_at=T,
                   model=model, tokens_in=tokens_in, tokens_out=tokens_out, cost=cost,
                   tokens_uncached=uncached, tokens_cache_write=write, tokens_cache_read=read)


@pytest.fixture
def priced_db(db_path: Path) -> Path:
    db = open_db(db_path)
    save_sessions(db, [
        # Sonnet 4.5 (shipped: $3 in, $3.75 cache write, $0.30 cache read, $15 out per 1M).
        _session(1, "claude-sonnet-4-5-20250929", (1_300_000, 100_000, 100_000, 200_000,
                                                   1_000_000)),
        _session(2, "no-such-model", (1000, 100)),
        _session(3, "claude-sonnet-4-5", (None, None)),
        _session(4, None, (None, None), source="chatgpt"),
        # Aider records its own cost; the price table's is what `cost` says.
        _session(5, "gpt-4o", (1_000_000, 0), source="aider", cost=9.99),
    ])
    db.close()
    return db_path


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def _costs(capsys: pytest.CaptureFixture[str], db: Path) -> dict[str, object]:
    rows = _json(capsys, "--db", str(db), "sessions", "--json")
    assert isinstance(rows, list)
    return {row["external_id"]: row["cost"] for row in rows}


def test_sessions_json_cost(capsys: pytest.CaptureFixture[str], priced_db: Path) -> None:
    costs = _costs(capsys, priced_db)
    assert costs["s1"] == pytest.approx(0.3 + 0.75 + 0.3 + 1.5)
    assert costs["s2"] is None  # no price for its model
    assert costs["s3"] is None  # no tokens
    assert costs["s4"] is None
    assert costs["s5"] == pytest.approx(2.5)  # gpt-4o: $2.50 per 1M input


def test_show_json_cost(capsys: pytest.CaptureFixture[str], priced_db: Path) -> None:
    rows = _json(capsys, "--db", str(priced_db), "sessions", "--json")
    assert isinstance(rows, list)
    sid = next(r["id"] for r in rows if r["external_id"] == "s1")
    shown = _json(capsys, "--db", str(priced_db), "show", sid, "--json")
    assert isinstance(shown, dict)
    assert shown["cost"] == pytest.approx(2.85)


def test_an_edited_price_changes_the_cost(capsys: pytest.CaptureFixture[str],
                                          priced_db: Path) -> None:
    db = open_db(priced_db)
    save_prices(db, [*shipped_prices(), Price("no-such-model", 1000.0, 0, 0, 0, "2026-11-30")])
    db.close()
    costs = _costs(capsys, priced_db)
    assert costs["s2"] == pytest.approx(1.0)


def test_stats_json_cost(capsys: pytest.CaptureFixture[str], priced_db: Path) -> None:
    data = _json(capsys, "--db", str(priced_db), "stats", "--json")
    assert isinstance(data, dict)
    [period] = data["periods"]
    assert period["cost"] == pytest.approx(2.85 + 2.5)
    assert period["cost_priced_uses"] == 2
    assert period["cost_per_useful"] is None  # nothing is rated
    assert data["totals"]["cost_priced_uses"] == 2


def test_reading_commands_on_a_missing_database_still_work(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    assert _json(capsys, "--db", str(missing), "sessions", "--json") == []
    data = _json(capsys, "--db", str(missing), "stats", "--json")
    assert isinstance(data, dict)
    assert data["totals"]["cost"] is None
    assert not missing.exists()
