"""The price table: the one shipped with the app (``desktop_app/prices.json``, list prices
taken on the date each entry says) and the user's own edits, kept in the database (migration
``0014_prices``). Nothing is ever fetched.

An edit is stored as a row overriding the shipped entry of the same model (or pattern), a row
adding a model, or a ``removed`` row hiding a shipped entry; no rows means the shipped table as
it is, so "reset to shipped" deletes them. The effective table is the shipped entries with the
edits applied, in the shipped order, added models after them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import astuple
from functools import cache
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop_app.domain import Price

#: The shipped price table, a data file of the package.
SHIPPED_PATH = Path(__file__).resolve().parent.parent / "prices.json"


class PriceError(ValueError):
    """A price entry that cannot be saved (the message says why, plainly)."""


@cache
def shipped_prices() -> tuple[Price, ...]:
    """The price table shipped with the app (read once)."""
    data = json.loads(SHIPPED_PATH.read_text(encoding="utf-8"))
    return tuple(_price(entry) for entry in data["models"])


def _price(entry: dict[str, Any]) -> Price:
    return Price(str(entry["model"]), float(entry["input"]), float(entry["cache_write"]),
                 float(entry["cache_read"]), float(entry["output"]),
                 None if entry.get("taken") is None else str(entry["taken"]))


def check_price(price: Price) -> None:
    """Raise :class:`PriceError` unless ``price`` can be stored: a model, prices ≥ 0."""
    if not price.model.strip():
        raise PriceError("Give the model id (or a pattern such as claude-sonnet-4*).")
    for name, value in (("input", price.input), ("cache write", price.cache_write),
                        ("cache read", price.cache_read), ("output", price.output)):
        if not value >= 0 or value == float("inf"):
            raise PriceError(f"The {name} price of {price.model} must be a number of dollars "
                             "per million tokens, 0 or more.")


def load_prices(db: Database) -> tuple[Price, ...]:
    """The effective price table: shipped entries with the user's edits applied."""
    edits: dict[str, Price | None] = {}
    for model, p_in, p_write, p_read, p_out, taken, removed in db.conn.execute(
            "SELECT model, input, cache_write, cache_read, output, taken, removed FROM prices"):
        edits[model] = None if removed else Price(model, p_in, p_write, p_read, p_out, taken)
    table: list[Price] = []
    for entry in shipped_prices():
        if entry.model in edits:
            edited = edits.pop(entry.model)
            if edited is not None:
                table.append(edited)
        else:
            table.append(entry)
    table.extend(sorted((p for p in edits.values() if p is not None), key=lambda p: p.model))
    return tuple(table)


def has_edits(db: Database) -> bool:
    """True when the table differs from the shipped one."""
    return db.conn.execute("SELECT 1 FROM prices LIMIT 1").fetchone() is not None


def save_prices(db: Database, prices: Sequence[Price]) -> None:
    """Make ``prices`` the effective table, in one transaction (all or nothing).

    Only the differences from the shipped table are stored. Raises :class:`PriceError` for an
    entry that cannot be stored or a model given twice; nothing is changed then.
    """
    seen: set[str] = set()
    for price in prices:
        check_price(price)
        if price.model in seen:
            raise PriceError(f"{price.model} is in the table twice: keep one.")
        seen.add(price.model)
    shipped = {p.model: p for p in shipped_prices()}
    rows: list[tuple[Any, ...]] = []
    for price in prices:
        if shipped.get(price.model) != price:
            rows.append((*astuple(price), 0))
    rows.extend((model, None, None, None, None, None, 1)
                for model in shipped if model not in seen)
    with db.atomic():
        db.conn.execute("DELETE FROM prices")
        db.conn.executemany(
            "INSERT INTO prices (model, input, cache_write, cache_read, output, taken, removed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def reset_prices(db: Database) -> None:
    """Forget every edit: the shipped table again."""
    with db.atomic():
        db.conn.execute("DELETE FROM prices")


def models_seen(db: Database) -> list[tuple[str, int, bool]]:
    """Every model of a stored session: ``(model, sessions, any with tokens)``, most used
    first."""
    return [(str(model), int(n), bool(tokens)) for model, n, tokens in db.conn.execute(
        "SELECT model, count(*) AS n, max(tokens_in IS NOT NULL OR tokens_out IS NOT NULL) "
        "FROM sessions WHERE model IS NOT NULL AND model != '' GROUP BY model "
        "ORDER BY n DESC, model")]

