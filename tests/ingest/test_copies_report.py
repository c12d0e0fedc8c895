"""The report of a path whose shards hold many copies of the same conversations, across batches.

What an import decides for each session met in a path lives in a TEMP table (so that memory
does not grow with an export's size, see ``ingest.pathrun.Copies``). These reports were taken
from the import before it did so, when every decision was a Python object: ``import --json``
must stay byte for byte what it was, with copies new, newer, older, equal, known by their
fingerprint, deleted earlier and kept out by a rule, spread over shards and batches
(``tests/data/ingest/copies_report.json``, written by the import before the change).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app import cli
from desktop_app.domain import make_session_id
from desktop_app.ingest import batches, pathrun
from desktop_app.store import open_db
from desktop_app.store.deletion import delete_sessions
from desktop_app.store.rules import add_rule
from tests.builders import DATA, simple_gpt, write_zip


def version(cid: str, v: int) -> dict[str, Any]:
    """Version ``v`` of a conversation: one more exchange and a later update time each time."""
    conv = simple_gpt(cid, v + 1, title=f"Chat {cid} v{v}")
    conv["update_time"] = 1_737_553_000.25 + 60 * v
    return conv


def shards(n: int) -> dict[str, Any]:
    """``n`` shards: conversation ``c<i>`` appears in several of them, in several versions."""
    out: dict[str, Any] = {}
    for shard in range(n):
        convs = []
        for i in range(12):
            if (i + shard) % 3 == 0:
                continue  # not in every shard
            convs.append(version(f"c{i}", (i * 7 + shard * 5) % 4))
        convs.append(version(f"c{shard}", 0))  # an old copy again, in the same shard
        out[f"conversations-{shard:03d}.json"] = convs
    return out


def run_import(capsys: pytest.CaptureFixture[str], db: Path, path: Path,
               tmp_path: Path) -> Any:
    assert cli.main(["--db", str(db), "import", str(path), "--json"]) == 0
    out = capsys.readouterr().out.replace(str(tmp_path), "<tmp>")
    return json.loads(out)


@pytest.mark.parametrize("filter_bits", [None, 8], ids=["filter", "filter-always-maybe"])
def test_duplicates_and_older_copies_across_shards_report_as_before(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        filter_bits: int | None) -> None:
    monkeypatch.setattr(batches, "BATCH_SESSIONS", 4)  # copies of a session in other batches
    if filter_bits is not None:  # every session "maybe met": each one looked up in the table
        monkeypatch.setattr(pathrun, "_FILTER_BITS", filter_bits)
    db_path = tmp_path / "worthwhile.db"
    first = write_zip(tmp_path / "first.zip", {
        "conversations.json": [version(f"c{i}", 1) for i in range(0, 12, 2)]})
    reports = [run_import(capsys, db_path, first, tmp_path)]
    db = open_db(db_path)
    delete_sessions(db, [make_session_id("chatgpt", "c4")])  # deleted earlier: never again
    add_rule(db, "skip", "title", "Chat c7 v2")  # one version kept out by a rule
    add_rule(db, "skip", "title", "Chat c11 *")  # every copy kept out
    add_rule(db, "no-text", "title", "Chat c9 *")  # named by its id alone
    db.close()
    sharded = write_zip(tmp_path / "sharded.zip", shards(5))
    reports.append(run_import(capsys, db_path, sharded, tmp_path))
    # The same bytes again (a new name, so read again): copies known by their fingerprint.
    again = write_zip(tmp_path / "again.zip", shards(5))
    reports.append(run_import(capsys, db_path, again, tmp_path))
    # A plain file of shards' worth of copies, read, then taken as unchanged (not read).
    plain = tmp_path / "conversations.json"
    plain.write_text(json.dumps([c for convs in shards(4).values() for c in convs[::-1]]))
    reports.append(run_import(capsys, db_path, plain, tmp_path))
    reports.append(run_import(capsys, db_path, plain, tmp_path))
    # One copy each, newer still: read once and remembered, then not read at all.
    newest = tmp_path / "newest" / "conversations.json"
    newest.parent.mkdir()
    newest.write_text(json.dumps([version(f"c{i}", 4) for i in range(12)]))
    reports.append(run_import(capsys, db_path, newest, tmp_path))
    reports.append(run_import(capsys, db_path, newest, tmp_path))
    expected = json.loads((DATA / "ingest" / "copies_report.json").read_text())
    assert [r["files"] for r in reports] == expected
