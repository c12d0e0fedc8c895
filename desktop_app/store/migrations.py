"""Numbered schema migrations. A shipped migration is never edited; add a new one instead."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop_app.domain import DEFAULT_LABELS, DEFAULT_REASONS
from desktop_app.store.meta import new_card_id

MIGRATIONS = Migrations("worthwhile")

_INITIAL_SCHEMA = """
CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    source TEXT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    sessions_new INTEGER NOT NULL DEFAULT 0,
    sessions_updated INTEGER NOT NULL DEFAULT 0,
    sessions_unchanged INTEGER NOT NULL DEFAULT 0,
    messages INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    error TEXT
);

-- key is a stable integer handle for FTS and messages, id the public stable string id.
CREATE TABLE sessions (
    key INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    external_id TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    started_at TEXT,
    ended_at TEXT,
    message_count INTEGER NOT NULL DEFAULT 0,
    user_message_count INTEGER NOT NULL DEFAULT 0,
    model TEXT,
    tokens_in INTEGER,
    tokens_out INTEGER,
    cost REAL,
    project TEXT,
    content_hash TEXT,
    import_id INTEGER REFERENCES imports(id)
);
CREATE INDEX sessions_started_at ON sessions(started_at);
CREATE INDEX sessions_source_started_at ON sessions(source, started_at);

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    session_key INTEGER NOT NULL REFERENCES sessions(key),
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    time TEXT,
    text TEXT NOT NULL DEFAULT '',
    model TEXT,
    UNIQUE (session_key, seq)
);

CREATE VIRTUAL TABLE sessions_fts USING fts5(
    title, content='sessions', content_rowid='key', tokenize='unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);

-- Ratings belong to the user: keyed by the stable session id, never written by an import.
CREATE TABLE ratings (
    session_id TEXT PRIMARY KEY,
    verdict TEXT CHECK (verdict IN ('useful', 'not_useful')),
    minutes_saved INTEGER,
    reason TEXT,
    note TEXT,
    rated_at TEXT NOT NULL
);
CREATE INDEX ratings_verdict ON ratings(verdict);

CREATE TABLE labels (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
CREATE TABLE session_labels (
    session_id TEXT NOT NULL,
    label TEXT NOT NULL,
    PRIMARY KEY (session_id, label)
) WITHOUT ROWID;
CREATE INDEX session_labels_label ON session_labels(label);

CREATE TABLE reasons (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
"""


@MIGRATIONS(name="0001_initial")
def m0001_initial(db: Database) -> None:
    """Sessions, messages, full-text indexes, ratings, labels and the import log."""
    for statement in _INITIAL_SCHEMA.split(";"):
        if statement.strip():
            db.execute(statement)
    db.conn.executemany(
        "INSERT INTO labels (name, position) VALUES (?, ?)",
        [(name, i) for i, name in enumerate(DEFAULT_LABELS)],
    )
    db.conn.executemany(
        "INSERT INTO reasons (name, position) VALUES (?, ?)",
        [(name, i) for i, name in enumerate(DEFAULT_REASONS)],
    )


@MIGRATIONS(name="0002_reflect_samples")
def m0002_reflect_samples(db: Database) -> None:
    """The weekly reflection samples, kept so that reopening a week shows the same sessions."""
    db.execute(
        "CREATE TABLE reflect_samples ("
        " week_start TEXT NOT NULL,"
        " size INTEGER NOT NULL,"
        " position INTEGER NOT NULL,"
        " session_id TEXT NOT NULL,"
        " drawn_at TEXT NOT NULL,"
        " PRIMARY KEY (week_start, size, position))"
    )


_FACTS = "started_at, source, tokens_in, tokens_out"

_RATING_FACTS = [
    "ALTER TABLE ratings ADD COLUMN started_at TEXT",
    "ALTER TABLE ratings ADD COLUMN source TEXT",
    "ALTER TABLE ratings ADD COLUMN tokens_in INTEGER",
    "ALTER TABLE ratings ADD COLUMN tokens_out INTEGER",
    f"UPDATE ratings SET ({_FACTS}) = "
    f"(SELECT {_FACTS} FROM sessions s WHERE s.id = ratings.session_id)",
    "CREATE TRIGGER ratings_facts_on_rate AFTER INSERT ON ratings BEGIN "
    f"UPDATE ratings SET ({_FACTS}) = (SELECT {_FACTS} FROM sessions WHERE id = NEW.session_id) "
    "WHERE session_id = NEW.session_id; END",
    "CREATE TRIGGER ratings_facts_on_session_insert AFTER INSERT ON sessions BEGIN "
    "UPDATE ratings SET started_at = NEW.started_at, source = NEW.source, "
    "tokens_in = NEW.tokens_in, tokens_out = NEW.tokens_out WHERE session_id = NEW.id; END",
    "CREATE TRIGGER ratings_facts_on_session_update "
    f"AFTER UPDATE OF {_FACTS} ON sessions BEGIN "
    "UPDATE ratings SET started_at = NEW.started_at, source = NEW.source, "
    "tokens_in = NEW.tokens_in, tokens_out = NEW.tokens_out WHERE session_id = NEW.id; END",
    "CREATE TRIGGER ratings_facts_on_session_delete AFTER DELETE ON sessions BEGIN "
    "UPDATE ratings SET started_at = NULL, source = NULL, tokens_in = NULL, tokens_out = NULL "
    "WHERE session_id = OLD.id; END",
]


@MIGRATIONS(name="0003_rating_facts")
def m0003_rating_facts(db: Database) -> None:
    """Copy each rated session's start, tool and tokens onto its rating (kept by triggers).

    Value per use then reads the ratings table alone instead of looking up every rated session
    by id, which took the dashboard refresh at 100k sessions from ~65 ms to ~30 ms.
    """
    for statement in _RATING_FACTS:
        db.execute(statement)


@MIGRATIONS(name="0004_import_extras")
def m0004_import_extras(db: Database) -> None:
    """What an import knows beyond the transcript: hidden branches and the tool's own thumbs.

    ``hidden_branches`` counts regenerated or edited alternatives that are not the visible
    thread; ``tool_thumbs`` is the tool's own thumbs (``"up"``, ``"down"`` or ``"mixed"``),
    shown next to the session and never counted as the user's verdict.
    """
    db.execute("ALTER TABLE sessions ADD COLUMN hidden_branches INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE sessions ADD COLUMN tool_thumbs TEXT")


@MIGRATIONS(name="0005_file_states")
def m0005_file_states(db: Database) -> None:
    """What incremental imports remember: each log file read, and where each session stopped.

    ``file_states`` holds a file's size, mtime and how far it was read (``offset``), so that a
    re-scan skips unchanged files and reads a grown JSONL from where it stopped.
    ``session_states`` holds a parser's JSON state of a session, to continue it later.
    """
    db.execute(
        "CREATE TABLE file_states ("
        " path TEXT PRIMARY KEY,"
        " source TEXT NOT NULL,"
        " parser_version TEXT NOT NULL,"
        " size INTEGER NOT NULL,"
        " mtime_ns INTEGER NOT NULL,"
        " offset INTEGER NOT NULL,"
        " sessions TEXT NOT NULL DEFAULT '[]',"
        " imported_at TEXT NOT NULL)"
    )
    db.execute(
        "CREATE TABLE session_states ("
        " session_id TEXT PRIMARY KEY,"
        " parser_version TEXT NOT NULL,"
        " state TEXT NOT NULL)"
    )


@MIGRATIONS(name="0006_session_fingerprints")
def m0006_session_fingerprints(db: Database) -> None:
    """A cheap fingerprint of each session as its source file last had it.

    An importer that can compute it without building the session (ChatGPT: id, update time,
    current node, tree size, title, thumbs and the parser version, hashed to 64 bits) compares it
    with this column and skips an unchanged conversation before parsing its messages. NULL where
    the source has none; a changed session is still detected by its content hash.
    """
    db.execute("ALTER TABLE sessions ADD COLUMN fingerprint INTEGER")


@MIGRATIONS(name="0007_fts_automerge")
def m0007_fts_automerge(db: Database) -> None:
    """Let the full-text indexes merge segments 16 at a time instead of 4.

    Imports write the index in large batches; merging less often made a 198 MB ChatGPT import
    about 6 % faster in-process, with selective searches over 1M messages still well under 1 ms.
    """
    for table in ("sessions_fts", "messages_fts"):
        db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 16)")


@MIGRATIONS(name="0008_session_copies")
def m0008_session_copies(db: Database) -> None:
    """What decides between two copies of one session (an older export imported after a newer).

    ``updated_at`` is when the source last changed the session, as the source records it
    (ChatGPT's ``update_time``, Claude.ai's ``updated_at``, …; ISO 8601 UTC with microseconds,
    so that text order is time order), NULL where the source records none: the newer copy
    wins. ``parser_version`` is the version of the parser that read the stored copy: without
    update times, a copy read by the same parser loses when it has no more messages than the
    stored one, while a read by another (newer) parser replaces it. Rows written before this
    migration have both NULL and are replaced by the next changed copy.
    """
    db.execute("ALTER TABLE sessions ADD COLUMN updated_at TEXT")
    db.execute("ALTER TABLE sessions ADD COLUMN parser_version TEXT")


@MIGRATIONS(name="0009_tool_names")
def m0009_tool_names(db: Database) -> None:
    """The tool's own name where one source stands for many tools (a generic-format row's
    ``tool``: "Perplexity", "Poe"), so that people see and group by the names they know.

    NULL where the source is the tool. Rows imported before keep NULL until their file is
    imported again (the generic parser's version was bumped with this column, so it is re-read):
    their external id (``tool/session_id``) cannot tell a tool from a session id holding a slash.
    The partial index holds only named rows: grouping and filtering by a tool name reads them
    alone, and databases without them pay nothing.
    """
    db.execute("ALTER TABLE sessions ADD COLUMN tool_name TEXT")
    db.execute("CREATE INDEX sessions_tool_name ON sessions(tool_name, started_at) "
               "WHERE tool_name IS NOT NULL")


@MIGRATIONS(name="0010_tombstones")
def m0010_tombstones(db: Database) -> None:
    """The ids of sessions the user deleted, so that importing the same export again does not
    bring them back (until the user forgets them).

    Only the public session id (derived from source and external id) and the source are kept:
    nothing of the session's text. ``deleted_at`` is when it was deleted (ISO 8601 UTC).
    """
    db.execute(
        "CREATE TABLE tombstones ("
        " session_id TEXT PRIMARY KEY,"
        " source TEXT NOT NULL,"
        " deleted_at TEXT NOT NULL"
        ") WITHOUT ROWID"
    )


@MIGRATIONS(name="0011_rules")
def m0011_rules(db: Database) -> None:
    """Import rules that keep sessions out, and sessions kept without text.

    ``rules`` holds what the user asked for: ``action`` is ``skip`` (never stored) or
    ``no-text`` (stored without message text and title), ``selector`` says what ``pattern``
    is matched against (``source``: a source name; ``project``, ``title``: a glob, see
    :mod:`desktop_app.store.rules`). ``sessions.no_text`` is 1 for a session stored without
    text: its messages keep role, time and model with empty text, its title is neutral, and
    it has no rows in the full-text indexes. The partial index holds only those rows, so
    counting them costs nothing where there are none.
    """
    db.execute(
        "CREATE TABLE rules ("
        " id INTEGER PRIMARY KEY,"
        " action TEXT NOT NULL CHECK (action IN ('skip', 'no-text')),"
        " selector TEXT NOT NULL CHECK (selector IN ('source', 'project', 'title')),"
        " pattern TEXT NOT NULL,"
        " created_at TEXT NOT NULL,"
        " UNIQUE (action, selector, pattern))"
    )
    db.execute("ALTER TABLE sessions ADD COLUMN no_text INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX sessions_no_text ON sessions(source) WHERE no_text = 1")


@MIGRATIONS(name="0012_card_id")
def m0012_card_id(db: Database) -> None:
    """A small key-value table of facts about the database itself, starting with its card id.

    ``card_id`` is random, made once here (so once per database) and written on every summary
    card this database makes, so that a team keeps only the newest card of each database. It
    says nothing about the person or the data (see :mod:`desktop_app.store.meta`).
    """
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
    db.execute("INSERT INTO meta (key, value) VALUES ('card_id', ?)", [new_card_id()])


@MIGRATIONS(name="0013_token_split")
def m0013_token_split(db: Database) -> None:
    """The split of each session's input tokens where its source records it, so that cost is
    priced correctly (cache writes and reads cost other than uncached input).

    ``tokens_uncached`` (input read uncached), ``tokens_cache_write`` (input written to the
    prompt cache) and ``tokens_cache_read`` (input read from it); ``tokens_in`` keeps its
    meaning, the sum of all input. NULL where the source records no such part; rows imported
    before get theirs when their importer's version changes (they are then read again).
    """
    for column in ("tokens_uncached", "tokens_cache_write", "tokens_cache_read"):
        db.execute(f"ALTER TABLE sessions ADD COLUMN {column} INTEGER")


@MIGRATIONS(name="0014_prices")
def m0014_prices(db: Database) -> None:
    """The user's own edits of the price table (see :mod:`desktop_app.store.prices`).

    The app ships a price table (``desktop_app/prices.json``); a row here overrides the
    shipped entry of the same model pattern, adds a model, or (``removed = 1``) hides a shipped
    one. Prices are US dollars per million tokens; ``taken`` is the date they were taken. No
    rows: the shipped table as it is. Nothing here is ever fetched.
    """
    db.execute(
        "CREATE TABLE prices ("
        " model TEXT PRIMARY KEY,"
        " input REAL,"
        " cache_write REAL,"
        " cache_read REAL,"
        " output REAL,"
        " taken TEXT,"
        " removed INTEGER NOT NULL DEFAULT 0"
        ") WITHOUT ROWID"
    )


@MIGRATIONS(name="0015_index_queue")
def m0015_index_queue(db: Database) -> None:
    """Sessions written whose full-text index entries are not (all) made yet.

    An import stores its sessions first and indexes them afterwards, in short steps that
    survive a quit (see :mod:`desktop_app.store.indexing`). ``next_seq`` is NULL while nothing
    of the session is indexed, ``k`` once its title and its messages with ``seq < k`` are.
    A session not listed here (and not kept without text) is indexed whole, as every session
    stored before this migration is.
    """
    db.execute("CREATE TABLE index_queue (session_key INTEGER PRIMARY KEY, next_seq INTEGER)")


@MIGRATIONS(name="0016_commit_evidence")
def m0016_commit_evidence(db: Database) -> None:
    """A cache of evidence read from outside the sessions: commits in each coding session's
    repository, and the time a person was active in each session.

    ``commit_evidence`` has a row per session whose project is a git repository on this
    computer: the repository's folder (``repo``), the fingerprint of its branches when counted
    (``repo_state``), the session's start and end when counted (its window: the session and the
    24 h after) and what was found (``commits`` NULL when git could not read the repository).
    A row is counted again when the repository, its branches or the session's times change.
    ``session_activity`` holds each session's active seconds (the gaps under 5 minutes between
    its messages, NULL when no message has a time), keyed by the session's integer ``key`` (a
    rowid lookup: checking 100k sessions for change takes milliseconds) with its id, content
    hash, message count, start and end when computed: computed again when any of them differ.
    Neither holds any text of a session; both can be dropped and rebuilt at any time.
    """
    db.execute(
        "CREATE TABLE commit_evidence ("
        " session_id TEXT PRIMARY KEY,"
        " repo TEXT NOT NULL,"
        " repo_state TEXT NOT NULL,"
        " started_at TEXT,"
        " ended_at TEXT,"
        " commits INTEGER,"
        " lines_added INTEGER,"
        " lines_deleted INTEGER"
        ") WITHOUT ROWID"
    )
    db.execute(
        "CREATE TABLE session_activity ("
        " session_key INTEGER PRIMARY KEY,"
        " session_id TEXT NOT NULL,"
        " content_hash TEXT,"
        " messages INTEGER NOT NULL,"
        " started_at TEXT,"
        " ended_at TEXT,"
        " active_seconds INTEGER"
        ")"
    )


@MIGRATIONS(name="0017_raw_hashes")
def m0017_raw_hashes(db: Database) -> None:
    """Where a session's fingerprint hashes its record's exact bytes (a ChatGPT conversation),
    the key of the record's first bytes and its size, by which a re-import of the same bytes
    finds it without decoding it (see ``chatgpt.record_mark``). NULL elsewhere."""
    db.execute("ALTER TABLE sessions ADD COLUMN record_head INTEGER")
    db.execute("ALTER TABLE sessions ADD COLUMN record_size INTEGER")


@MIGRATIONS(name="0018_session_insert_facts")
def m0018_session_insert_facts(db: Database) -> None:
    """A new session's facts reach a rating made before it was stored by one statement per
    batch of saved sessions (``store.sessions.save_sessions``, the one writer of new sessions),
    no longer by a trigger that ran for every session stored: its sub-program cost 7 µs a
    session, half the time of storing a ChatGPT conversation's row (0.25 s at 37k)."""
    db.execute("DROP TRIGGER IF EXISTS ratings_facts_on_session_insert")


@MIGRATIONS(name="0019_file_crc")
def m0019_file_crc(db: Database) -> None:
    """The CRC-32 of an export file imported whole (with the companion files beside it), so
    that the same bytes with a new mtime (a second download, a copy) are recognised by reading
    them once, without parsing (see ``ingest.unchanged``); NULL for log files and old rows."""
    db.execute("ALTER TABLE file_states ADD COLUMN content_crc INTEGER")
