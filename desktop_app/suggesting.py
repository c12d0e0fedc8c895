"""``worthwhile suggest``: suggested verdicts for unrated sessions, learned from your own ratings.

The store reads the features, ``metrics/suggest.py`` trains and cross-validates; nothing is
written: a suggestion becomes a rating only when the person accepts it (in the window).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from sqlite_utils import Database

from desktop_app.domain import Verdict
from desktop_app.evidence.refresh import fresh_evidence
from desktop_app.importers.registry import display_name
from desktop_app.jsonout import emit_json
from desktop_app.metrics.suggest import FOLDS, MIN_GAIN, SuggestResult, suggest
from desktop_app.store import open_db
from desktop_app.store.evidence import commit_counts
from desktop_app.store.features import FeatureRow, feature_rows


def compute_suggestions(db: Database, commits: Mapping[str, int] | None = None
                        ) -> tuple[SuggestResult, list[FeatureRow]]:
    """Train on ``db``'s ratings and suggest for its unrated sessions; also returns the unrated
    sessions' rows (newest first) for listing. ``commits``: session id → commits, if known;
    by default the evidence cache's counts (no git is run here), left out while it has none."""
    if commits is None:
        commits = commit_counts(db) or None
    rated, unrated = feature_rows(db)
    unrated.sort(key=lambda row: (row.started_at or "", row.session_id), reverse=True)
    return suggest(rated, unrated, commits), unrated


def suggestions_for_file(path: str) -> SuggestResult:
    """:func:`compute_suggestions` for the database at ``path``, on a connection of its own:
    what a worker process runs for the window (see ``ui/suggestions.py``)."""
    db = open_db(Path(path))
    try:
        return compute_suggestions(db)[0]
    finally:
        db.close()


def add_suggest_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``suggest`` subcommand."""
    p = sub.add_parser(
        "suggest", help="suggested verdicts for unrated sessions, learned from your ratings",
        description="Suggest a verdict for each unrated session from a small model trained on "
                    "your own ratings only, with its cross-validated accuracy. Nothing is "
                    "rated: accept suggestions in the window.")
    p.add_argument("--json", action="store_true", help="print JSON (see README)")


def _verdict_key(verdict: Verdict) -> str:
    return "useful" if verdict is Verdict.USEFUL else "not_useful"


def run_suggest(args: argparse.Namespace, db_path: Path, out: TextIO) -> int:
    """``worthwhile suggest [--json]``; exit 0 whether or not there are suggestions."""
    if db_path.exists():  # a reading command never creates the database
        db = open_db(db_path)
        try:
            fresh_evidence(db)  # commits are one of the features: count them where they changed
            result, unrated = compute_suggestions(db)
        finally:
            db.close()
    else:
        result, unrated = suggest([], []), []
    report = result.report
    listed = [(row, result.suggestions[row.session_id]) for row in unrated
              if row.session_id in result.suggestions]
    if args.json:
        emit_json({
            "qualified": report.qualified,
            "reason": report.reason,
            "reason_code": report.reason_code,
            "ratings": report.ratings,
            "useful": report.useful,
            "not_useful": report.not_useful,
            "accuracy": report.accuracy,
            "baseline": report.baseline,
            "folds": FOLDS,
            "min_gain": MIN_GAIN,
            "suggestions": [{
                "id": row.session_id,
                "title": row.title,
                "tool": display_name(row.tool),
                "started_at": row.started_at,
                "verdict": _verdict_key(s.verdict),
                "probability": round(s.probability, 4),
                "text": s.text,
            } for row, s in listed],
        }, out)
        return 0
    if not report.qualified:
        print(f"No suggestions. {report.reason}", file=out)
        if report.accuracy is not None:
            print(report.summary, file=out)
        return 0
    print(report.summary, file=out)
    if not listed:
        print("Every session is rated: nothing to suggest.", file=out)
        return 0
    print(f"{len(listed):,} unrated sessions (suggestions, not ratings):", file=out)
    for row, s in listed:
        started = (row.started_at or "")[:10]
        print(f"{row.session_id[:12]}  {started:<10}  {s.text:<26}  "
              f"{display_name(row.tool)}: {row.title}", file=out)
    return 0
