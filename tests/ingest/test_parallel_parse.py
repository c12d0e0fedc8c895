"""Claude Code parts read in worker processes: the same sessions, reports, progress and cancel
as when read in the importing process."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.demo.story import demo_sessions
from desktop_app.importers import claude_code, workers
from desktop_app.ingest import ImportProgress, ImportReport, import_paths
from desktop_app.jsonout import session_object, transcript_objects
from desktop_app.store import get_transcript, list_sessions, open_db


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Demo logs of several projects (forks, subagents, queued prompts), and a bad file."""
    out = tmp_path_factory.mktemp("cc")
    sessions = [s for s, _ in demo_sessions(date(2026, 3, 1)) if s.source == "claude-code"]
    root = claude_code.write_demo(sessions[:60], out) / "projects"
    assert len([p for p in root.iterdir() if p.is_dir()]) > 2
    bad = next(p for p in root.iterdir() if p.is_dir()) / "broken.jsonl"
    bad.write_bytes(b'{"type":"user","sessionId":"x","uuid":"y","timestamp":'
                    b'"2026-03-01T10:00:00.000Z","message":{"role":"user","content":"Hi"}}\n'
                    b'\xff\xfe not json\n')
    return root


def _dump(db: Database) -> list[str]:
    rows = list_sessions(db)
    return [json.dumps(session_object(r)) for r in rows] + \
        [json.dumps(transcript_objects(get_transcript(db, r.id), models=True)) for r in rows]


def _rows(db: Database) -> list[str]:
    """Every stored row, with the times they were written left out."""
    today = re.escape(datetime.now(UTC).strftime("%Y-%m-%d"))
    return [re.sub(rf"'{today}[T ][^']*'", "'now'", line) for line in db.conn.iterdump()
            if "card_id" not in line]  # a random id


def _import(tmp_path: Path, folder: Path, name: str, **kwargs: Any) -> tuple[
        Database, ImportReport]:
    db = open_db(tmp_path / f"{name}.db")
    return db, import_paths(db, [folder], **kwargs)


def test_parts_read_in_workers_store_what_one_process_stores(
        tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch,
        network_events: list[object]) -> None:
    here, here_report = _import(tmp_path, folder, "here")
    calls: list[int] = []
    real = workers.ordered_map

    def counted(function, pieces):  # type: ignore[no-untyped-def]
        calls.append(len(pieces))
        return real(function, pieces)

    monkeypatch.setattr(claude_code, "WORKER_BYTES", 0)
    monkeypatch.setattr(workers, "ordered_map", counted)
    monkeypatch.setattr(workers, "worker_count", lambda pieces: 2)
    there, there_report = _import(tmp_path, folder, "there")
    assert calls, "the parts went to the workers"
    assert calls[0] > 2
    assert network_events == [], "workers talk through pipes, not even a local socket"
    assert there_report.to_json() == here_report.to_json()
    assert "broken.jsonl" in json.dumps(there_report.to_json())
    assert _dump(there) == _dump(here)
    assert _rows(there) == _rows(here)  # the remembered files and session states too


def test_progress_and_cancel_with_workers(tmp_path: Path, folder: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(claude_code, "WORKER_BYTES", 0)
    monkeypatch.setattr(workers, "worker_count", lambda pieces: 2)
    seen: list[ImportProgress] = []
    db, _ = _import(tmp_path, folder, "progress", progress=seen.append)
    del db
    assert seen[-1].bytes_done == seen[-1].bytes_total > 0
    calls: list[int] = []

    def cancel() -> bool:
        calls.append(1)
        return len(calls) > 3  # after the first parts came back from the workers

    db, report = _import(tmp_path, folder, "cancelled", cancel=cancel)
    assert report.cancelled
    assert list_sessions(db) == []


def test_ordered_map_keeps_the_order_and_works_without_workers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = [[n] * n for n in range(7)]
    assert list(workers.ordered_map(len, pieces)) == list(range(7))
    monkeypatch.setattr(workers, "worker_count", lambda pieces: 0)
    assert list(workers.ordered_map(len, pieces)) == list(range(7))


def test_workers_started_early_are_taken_or_stopped(
        tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import that finds enough to read starts the workers while it still walks the folder;
    the parser takes them, and those no parser took are stopped when the import ends."""
    from dataclasses import replace

    started: list[str] = []
    real_prestart = workers.prestart

    def prestart(module: str) -> None:
        started.append(module)
        real_prestart(module)

    monkeypatch.setattr(workers, "prestart", prestart)
    monkeypatch.setattr(workers, "worker_count", lambda pieces: 2)
    assert claude_code.SPEC.group is not None
    monkeypatch.setattr(claude_code.SPEC, "group",
                        replace(claude_code.SPEC.group, workers_from=1))
    taken: list[bool] = []
    real_pool = workers._pool

    def pool(count: int):  # type: ignore[no-untyped-def]
        taken.append(workers._Warm.pool is not None)
        return real_pool(count)

    monkeypatch.setattr(workers, "_pool", pool)
    monkeypatch.setattr(claude_code, "WORKER_BYTES", 0)
    here, _ = _import(tmp_path, folder, "early")
    assert started == ["desktop_app.importers.claude_code"]  # once, however many files
    assert taken == [True]  # the parser found them started
    assert workers._Warm.pool is None
    assert len(list_sessions(here)) > 10

    started.clear()
    monkeypatch.setattr(claude_code, "WORKER_BYTES", 1 << 40)  # read here after all
    _import(tmp_path, folder, "unused")
    assert started == ["desktop_app.importers.claude_code"]
    assert workers._Warm.pool is None  # stopped at the end of the import


def test_release_without_workers_started_does_nothing() -> None:
    workers.release()
    assert workers._Warm.pool is None


def test_a_part_read_whole_carries_the_stored_form_the_store_would_work_out(
        folder: Path) -> None:
    """The worker works out each session's stored times and content hash (the writer then
    need not); they are exactly what the store works out itself."""
    from dataclasses import replace

    from desktop_app.importers.contract import GroupFile

    files = [GroupFile(str(p), p.name, p.stat().st_size) for p in sorted(folder.rglob("*.jsonl"))]
    version = claude_code.SPEC.parser_version
    checked = 0
    for part in claude_code._parts(files):
        result = claude_code._read_part_whole(part)
        for b in result.sessions.values():
            if not b.has_entries():
                continue
            session = b.session()
            assert session.stored_form is not None
            assert session.stored_form == replace(session, stored_form=None).stored(version)
            checked += 1
    assert checked > 10


def test_work_shared_with_started_workers_keeps_its_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    pieces = [[n] * n for n in range(9)]
    assert workers.shared(len, pieces) == list(range(9))  # no workers: all here
    monkeypatch.setattr(workers, "worker_count", lambda pieces: 1)
    workers.prestart("desktop_app.importers.claude_code")
    try:
        assert workers._Warm.pool is not None
        submitted: list[int] = []
        real_submit = workers._Warm.pool.submit

        def submit(function, *args):  # type: ignore[no-untyped-def]
            submitted.append(len(args[-1]))
            return real_submit(function, *args)

        monkeypatch.setattr(workers._Warm.pool, "submit", submit)
        assert workers.shared(len, pieces) == list(range(9))
        assert submitted == [4]  # the second half went to the worker
    finally:
        workers.release()
    assert workers._Warm.pool is None


def _pid_of(piece: int) -> tuple[int, int]:
    """Which process read a piece (a worker imports this module to run it)."""
    import os

    if piece == 99:
        raise ValueError("piece 99 cannot be read")
    return piece, os.getpid()


def test_the_importing_process_reads_pieces_itself_while_the_workers_are_busy(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    monkeypatch.setattr(workers, "worker_count", lambda pieces: 1)
    pieces = list(range(8))
    helped = list(workers.ordered_map(_pid_of, pieces, help_here=True))
    assert [piece for piece, _ in helped] == pieces
    mine = {piece for piece, pid in helped if pid == os.getpid()}
    assert mine, "the worker was still starting: this process read some pieces meanwhile"
    assert len(mine) < len(pieces)
    alone = list(workers.ordered_map(_pid_of, pieces, help_here=False))
    assert [piece for piece, _ in alone] == pieces
    assert all(pid != os.getpid() for _, pid in alone)

    got: list[int] = []

    def read_all() -> None:
        for piece, _ in workers.ordered_map(_pid_of, [0, 1, 2, 99, 4, 5], help_here=True):
            got.append(piece)

    with pytest.raises(ValueError, match="piece 99"):
        read_all()
    assert got == [0, 1, 2]  # an error is raised at its turn, wherever it was read


def _collector_on(_piece: int) -> bool:
    import gc

    return gc.isenabled()


def test_workers_run_without_the_cycle_collector_and_imports_collect_less(
        tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from desktop_app.ingest import run, walk

    monkeypatch.setattr(workers, "worker_count", lambda pieces: 1)
    assert list(workers.ordered_map(_collector_on, [1, 2], help_here=False)) == [False, False]
    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    real = walk.import_folder

    def import_folder(*args: Any, **kwargs: Any) -> None:
        during.append(gc.get_threshold())
        real(*args, **kwargs)

    monkeypatch.setattr(walk, "import_folder", import_folder)
    _import(tmp_path, folder, "collect")
    assert during
    assert during[0][0] >= run.IMPORT_GC_THRESHOLD > before[0]
    assert gc.get_threshold() == before
    assert gc.isenabled()
