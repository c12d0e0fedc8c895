"""Facts about the database itself (the ``meta`` table): the id its summary cards carry."""

from __future__ import annotations

import secrets

from sqlite_utils import Database

CARD_ID_KEY = "card_id"


def new_card_id() -> str:
    """A fresh random card id: 32 hex digits, derived from nothing (no name, path or time)."""
    return secrets.token_hex(16)


def card_id(db: Database) -> str:
    """The id of this database's summary cards: made once, the same on every card it writes.

    Made by the migration that added the table; should the row be gone (a hand-edited file),
    a new one is made and kept.
    """
    row = db.conn.execute("SELECT value FROM meta WHERE key = ?", [CARD_ID_KEY]).fetchone()
    if row is not None:
        return str(row[0])
    with db.atomic():
        db.conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                        [CARD_ID_KEY, new_card_id()])
        row = db.conn.execute("SELECT value FROM meta WHERE key = ?", [CARD_ID_KEY]).fetchone()
    return str(row[0])
