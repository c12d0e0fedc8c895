"""A property: whatever sessions a parser hands the store, reading them back gives every field as
it was given (any Unicode, missing times, big numbers), and saving them again changes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.domain import Rating, Session
from desktop_app.store import get_session, get_transcript, open_db, save_sessions
from desktop_app.store.export import export_snapshot
from desktop_app.store.imports import session_extras
from desktop_app.store.sessions import Outcome, stored_time
from tests.builders import dump
from tests.strategies import SESSION

#: Sessions of one save: ids differ (the same id twice is one session, stored once).
SESSIONS = st.lists(SESSION, max_size=6, unique_by=lambda s: s.id)


@settings(max_examples=60, deadline=None)
@given(SESSIONS)
def test_save_then_read_back_gives_every_field_as_it_was(sessions: list[Session]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "w.db")
        try:
            counts = save_sessions(db, sessions)
            assert counts.outcomes == [Outcome.NEW] * len(sessions)
            assert counts.messages == sum(len(s.messages) for s in sessions)
            with export_snapshot(db) as snap:
                updated = {e.row.id: e.updated_at for e in snap.sessions(transcripts=False)}
            for s in sessions:
                row = get_session(db, s.id)
                assert (row.id, row.source, row.external_id, row.title) == (
                    s.id, s.source, s.external_id, s.title)
                assert (row.started_at, row.ended_at) == (s.started_at, s.ended_at)
                assert (row.messages, row.user_messages) == (
                    len(s.messages), s.user_message_count)
                assert (row.model, row.tokens_in, row.tokens_out, row.cost, row.project) == (
                    s.model, s.tokens_in, s.tokens_out, s.cost, s.project)
                assert row.tool_name == s.tool_name
                assert row.no_text is False
                assert row.rating == Rating()  # an import never rates
                assert session_extras(db, s.id) == (s.hidden_branches, s.tool_feedback)
                assert updated[s.id] == stored_time(s.updated_at)
                assert get_transcript(db, s.id) == list(s.messages)  # role, text, time, model

            before = dump(db)
            again = save_sessions(db, sessions)
            assert again.outcomes == [Outcome.UNCHANGED] * len(sessions)
            assert dump(db) == before
        finally:
            db.close()
