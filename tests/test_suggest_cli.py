"""``worthwhile suggest``: suggestions with the model's accuracy, or why there are none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_app.cli import main
from desktop_app.domain import Verdict
from desktop_app.store import list_sessions, open_db
from tests.suggest_data import fill


def _fill(db_path: Path, **kwargs: object) -> dict[str, Verdict]:
    db = open_db(db_path)
    try:
        return fill(db, **kwargs)  # type: ignore[arg-type]
    finally:
        db.close()


def _ratings(db_path: Path) -> list[object]:
    db = open_db(db_path)
    try:
        return [r.rating for r in list_sessions(db)]
    finally:
        db.close()


def _json(capsys: pytest.CaptureFixture[str], db_path: Path) -> dict[str, object]:
    capsys.readouterr()
    assert main(["--db", str(db_path), "suggest", "--json"]) == 0
    value = json.loads(capsys.readouterr().out)
    assert isinstance(value, dict)
    return value


def test_suggest_lists_unrated_sessions_with_the_models_accuracy(
        capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    expected = _fill(db_path)
    before = _ratings(db_path)
    data = _json(capsys, db_path)
    assert data["qualified"] is True
    assert data["reason"] is None
    assert data["ratings"] == 60
    accuracy, baseline = data["accuracy"], data["baseline"]
    assert isinstance(accuracy, float)
    assert isinstance(baseline, float)
    assert accuracy >= baseline + 0.05
    suggestions = data["suggestions"]
    assert isinstance(suggestions, list)
    assert {s["id"]: s["verdict"] for s in suggestions} == {
        sid: "useful" if v is Verdict.USEFUL else "not_useful" for sid, v in expected.items()}
    assert all(s["text"].startswith("likely ") for s in suggestions)
    # Nothing was rated.
    assert _ratings(db_path) == before
    assert main(["--db", str(db_path), "suggest"]) == 0
    text = capsys.readouterr().out
    assert "cross-validation" in text
    assert "likely useful (" in text


def test_random_verdicts_give_no_suggestions_and_say_why(
        capsys: pytest.CaptureFixture[str], db_path: Path) -> None:
    _fill(db_path, rated=200, follow=False, seed=4)
    data = _json(capsys, db_path)
    assert data["qualified"] is False
    assert data["reason_code"] == "not_better_than_guessing"
    assert isinstance(data["reason"], str)
    assert "guessing" in data["reason"]
    assert data["suggestions"] == []
    assert main(["--db", str(db_path), "suggest"]) == 0
    assert capsys.readouterr().out.startswith("No suggestions.")


def test_too_few_ratings_and_no_database(capsys: pytest.CaptureFixture[str],
                                         db_path: Path, tmp_path: Path) -> None:
    _fill(db_path, rated=12)
    data = _json(capsys, db_path)
    assert (data["qualified"], data["reason_code"]) == (False, "too_few_ratings")
    missing = tmp_path / "none.db"
    data = _json(capsys, missing)
    assert (data["ratings"], data["reason_code"]) == (0, "too_few_ratings")
    assert not missing.exists()
