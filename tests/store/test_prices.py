"""The price table: shipped entries, the user's edits stored as differences, all-or-nothing
saves, and the models seen without a price."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from sqlite_utils import Database

from desktop_app.domain import Price
from desktop_app.metrics.cost import PriceTable
from desktop_app.store.prices import (
    SHIPPED_PATH,
    PriceError,
    has_edits,
    load_prices,
    models_seen,
    reset_prices,
    save_prices,
    shipped_prices,
)
from tests.conftest import AddSession


def test_the_shipped_table_is_a_dated_data_file_of_list_prices() -> None:
    data = json.loads(SHIPPED_PATH.read_text(encoding="utf-8"))
    assert "list prices" in data["about"]
    assert data["currency"] == "USD"
    shipped = shipped_prices()
    assert len(shipped) == len(data["models"]) >= 30
    assert all(p.taken and len(p.taken) == 10 for p in shipped)
    assert len({p.model for p in shipped}) == len(shipped)
    table = PriceTable(shipped)
    for model in ("claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805",
                  "claude-haiku-4-5", "gpt-4o-2024-08-06", "gpt-4.1", "o3", "gpt-5",
                  "gpt-5-codex", "gemini-2.5-pro"):
        assert table.price_for(model) is not None, model
    sonnet = table.price_for("claude-sonnet-4-20250514")
    assert sonnet is not None
    assert (sonnet.input, sonnet.cache_write, sonnet.cache_read, sonnet.output) == (
        3.0, 3.75, 0.3, 15.0)


def test_no_edits_is_the_shipped_table(db: Database) -> None:
    assert load_prices(db) == shipped_prices()
    assert not has_edits(db)


def test_edits_are_stored_as_differences_and_reset(db: Database) -> None:
    shipped = list(shipped_prices())
    changed = replace(shipped[0], input=99.0, taken="2026-11-30")
    added = Price("my-local-model", 0.0, 0.0, 0.0, 0.0, "2026-11-30")
    table = [changed, *shipped[2:], added]  # shipped[1] removed
    save_prices(db, table)
    assert load_prices(db) == tuple(table)
    rows = db.conn.execute("SELECT model, removed FROM prices ORDER BY model").fetchall()
    assert sorted(rows) == sorted([(changed.model, 0), (shipped[1].model, 1),
                                   ("my-local-model", 0)])
    reset_prices(db)
    assert load_prices(db) == shipped_prices()


def test_a_bad_entry_saves_nothing(db: Database) -> None:
    save_prices(db, [*shipped_prices(), Price("kept", 1, 1, 1, 1, None)])
    before = load_prices(db)
    with pytest.raises(PriceError, match="0 or more"):
        save_prices(db, [Price("x", -1.0, 0, 0, 0, None)])
    with pytest.raises(PriceError, match="twice"):
        save_prices(db, [Price("x", 1, 1, 1, 1), Price("x", 2, 2, 2, 2)])
    with pytest.raises(PriceError, match="model id"):
        save_prices(db, [Price("  ", 1, 1, 1, 1)])
    assert load_prices(db) == before


def test_models_seen_most_used_first(db: Database, add_session: AddSession) -> None:
    for _ in range(2):
        add_session("codex", "2026-03-02T10:00:00Z", model="gpt-5", tokens_in=10)
    add_session("llm", "2026-03-02T10:00:00Z", model="mystery-7b")
    add_session("chatgpt", "2026-03-02T10:00:00Z")
    assert models_seen(db) == [("gpt-5", 2, True), ("mystery-7b", 1, False)]
