"""The SQLite store (sqlite-utils only, no Qt): sessions, messages, search, ratings."""

from desktop_app.store.db import StoreError, default_db_path, open_db, schema_version
from desktop_app.store.ratings import (
    KEEP,
    add_label,
    get_rating,
    list_labels,
    list_reasons,
    set_rating,
    update_rating,
)
from desktop_app.store.sessions import (
    AmbiguousSessionIdError,
    SaveCounts,
    SessionNotFoundError,
    SessionQuery,
    count_sessions,
    get_session,
    get_transcript,
    list_sessions,
    resolve_session_id,
    save_sessions,
    session_key,
    session_keys,
    session_rows,
)

__all__ = [
    "KEEP",
    "AmbiguousSessionIdError",
    "SaveCounts",
    "SessionNotFoundError",
    "SessionQuery",
    "StoreError",
    "add_label",
    "count_sessions",
    "default_db_path",
    "get_rating",
    "get_session",
    "get_transcript",
    "list_labels",
    "list_reasons",
    "list_sessions",
    "open_db",
    "resolve_session_id",
    "save_sessions",
    "schema_version",
    "session_key",
    "session_keys",
    "session_rows",
    "set_rating",
    "update_rating",
]
