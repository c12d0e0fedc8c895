"""The command line: the desktop app by default, and headless subcommands over the same core."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from desktop_app import __version__

# What building the parser needs: the commands that declare their own arguments, and the source
# names. Each command's work is imported where it is dispatched (see _run_command), so a command
# loads what it uses: ``sessions`` never loads the exporter, sharing or the importers' workers.
from desktop_app.deleting import add_delete_parser
from desktop_app.domain import MAX_MINUTES_SAVED, Verdict, utc_iso
from desktop_app.importers.registry import SOURCES, display_name
from desktop_app.rules import add_rules_parser
from desktop_app.sharing.team_command import add_team_parser
from desktop_app.store import (
    AmbiguousSessionIdError,
    DatabaseDamagedError,
    SessionNotFoundError,
    StoreError,
    default_db_path,
)
from desktop_app.store.locking import DatabaseBusyError
from desktop_app.suggesting import add_suggest_parser

if TYPE_CHECKING:
    from sqlite_utils import Database

    from desktop_app.domain import SessionRow
    from desktop_app.metrics.cost import PriceTable
    from desktop_app.store.evidence import SessionEvidence

#: The exit code when the reader of our output went away (``worthwhile sessions | head -1``):
#: what a Unix tool killed by SIGPIPE reports (128 + 13), so ``set -o pipefail`` sees the same.
EXIT_PIPE_CLOSED = 141

#: The views ``--screenshot --view`` can open (a view is listed once it exists).
VIEWS = ("sessions", "reflect", "value", "team")
THEMES = ("light", "dark")


class CliError(Exception):
    """A user mistake or a problem the user can fix; printed without a traceback, exit 1."""


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for ``worthwhile``."""
    parser = argparse.ArgumentParser(
        prog="worthwhile",
        description="Is your AI use worth it? Rate sessions, see value per use. Local only.",
    )
    parser.add_argument("--version", action="version", version=f"worthwhile {__version__}")
    parser.add_argument("--db", metavar="PATH", help="database file (default: see README)")
    parser.add_argument("--demo", action="store_true",
                        help="use a throwaway database of synthetic sessions (deleted at exit)")
    parser.add_argument("--screenshot", metavar="PNG", type=Path,
                        help="open the window, save a PNG of it once loaded, and exit")
    parser.add_argument("--view", choices=VIEWS, default="sessions",
                        help="view to open with --screenshot")
    parser.add_argument("--theme", choices=THEMES, default=None,
                        help="colour scheme (default: follow the system)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", help="import exports or logs (files, zips, folders)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="a file, zip or folder")
    p.add_argument("--json", action="store_true", help="print the import report as JSON")

    p = sub.add_parser("scan", help="list AI histories found on this computer (imports nothing)")
    p.add_argument("--folder", action="append", type=Path, default=[], metavar="DIR",
                   help="also look for Aider histories in this folder (repeat for several)")
    p.add_argument("--json", action="store_true", help="print JSON (see README)")

    p = sub.add_parser("sessions", help="list sessions")
    p.add_argument("--source", choices=SOURCES, help="only this tool's sessions")
    p.add_argument("--search", metavar="Q", help="full-text search over titles and messages")
    p.add_argument("--json", action="store_true", help="print JSON (see README)")

    p = sub.add_parser("show", help="show one session and its transcript")
    p.add_argument("session_id", metavar="SESSION_ID", help="id or unique prefix (6+ characters)")
    p.add_argument("--json", action="store_true", help="print JSON (see README)")

    p = sub.add_parser("stats", help="value per use per week or month")
    p.add_argument("--by", choices=("week", "month"), default="week")
    p.add_argument("--group", choices=("tool", "label"), help="one row per period and group")
    p.add_argument("--source", choices=SOURCES, help="only this tool's sessions")
    p.add_argument("--label", metavar="L", help="only sessions with this label")
    p.add_argument("--from", dest="date_from", type=_iso_date, metavar="DATE",
                   help="first day (YYYY-MM-DD, local time)")
    p.add_argument("--to", dest="date_to", type=_iso_date, metavar="DATE",
                   help="last day, included (YYYY-MM-DD, local time)")
    p.add_argument("--json", action="store_true", help="print JSON (see README)")

    p = sub.add_parser("summary", help="write a summary card to share: counts only, no content")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the card to write")
    p.add_argument("--from", dest="date_from", type=_iso_date, metavar="DATE",
                   help="first day (YYYY-MM-DD, local time; default: your first session's)")
    p.add_argument("--to", dest="date_to", type=_iso_date, metavar="DATE",
                   help="last day, included (default: your last session's)")
    p.add_argument("--by", choices=("week", "month"), default="week")
    p.add_argument("--no-labels", action="store_true", help="leave the label rows out")
    p.add_argument("--source", action="append", choices=SOURCES, default=[], metavar="S",
                   help="only this tool's sessions (repeat for several)")

    p = sub.add_parser("rate", help="rate a session")
    p.add_argument("session_id", metavar="SESSION_ID", help="id or unique prefix (6+ characters)")
    p.add_argument("verdict", choices=("useful", "not-useful", "clear"))
    p.add_argument("--minutes", type=_minutes, metavar="N",
                   help=f"minutes saved (negative when it cost time; at most "
                        f"{MAX_MINUTES_SAVED} either way)")
    p.add_argument("--label", action="append", metavar="L",
                   help="a label (repeat for several; replaces the existing labels)")
    p.add_argument("--reason", metavar="R", help="why it was not useful")
    p.add_argument("--note", metavar="TEXT", help="a free note")

    add_delete_parser(sub)
    add_rules_parser(sub)
    add_team_parser(sub)
    add_suggest_parser(sub)

    p = sub.add_parser("export", help="write every session and its rating to CSV or JSON")
    p.add_argument("--format", required=True, choices=("csv", "json"),
                   help="csv for spreadsheets; json can be imported again, ratings included")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write")
    p.add_argument("--transcripts", action="store_true", help="include every message's text")

    p = sub.add_parser("backup", help="a consistent copy of the database (the app may run)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the copy to write")

    p = sub.add_parser("demo-data", help="write synthetic history files in a tool's own format")
    p.add_argument("--source", required=True, type=_demo_source, metavar="SOURCE",
                   help="the tool whose format: any source name (chatgpt, claude-code, …)")
    p.add_argument("--sessions", required=True, type=_positive_int, metavar="N",
                   help="how many sessions the files hold")
    p.add_argument("--out", required=True, type=Path, metavar="PATH",
                   help="the file to write (a folder: the tool's usual file name is used), or "
                        "the folder to lay a tool's folders out in (Claude Code, Codex, …)")
    p.add_argument("--seed", type=int, default=2026, help="another seed, another data set")
    return parser


def _demo_source(text: str) -> str:
    # The registry is imported only for this command: it loads every parser.
    from desktop_app.importers.registry import SPECS

    names = [spec.name for spec in SPECS if spec.writer is not None]
    if text not in names:
        raise argparse.ArgumentTypeError(
            f"invalid choice: {text!r} (choose from {', '.join(names)})")
    return text


def _minutes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of minutes: {text!r}") from None
    if abs(value) > MAX_MINUTES_SAVED:
        raise argparse.ArgumentTypeError(
            f"{value} minutes is more than one session can save or cost; give at most "
            f"{MAX_MINUTES_SAVED} ({MAX_MINUTES_SAVED // 60} hours) either way")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        code = _main(args)
        sys.stdout.flush()  # here, so that a closed pipe is caught below, not at exit
    except BrokenPipeError:
        # The reader stopped reading (``| head``): end quietly. Python would still try to
        # flush stdout at exit and print the error: point it at devnull first.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # no real stdout (captured): nothing left to flush
            pass
        return EXIT_PIPE_CLOSED
    return code


def _main(args: argparse.Namespace) -> int:
    try:
        with ExitStack() as stack:
            if args.demo:
                from desktop_app.demo.database import DemoDatabase

                demo = stack.enter_context(DemoDatabase())
                db_path = demo.path
            else:
                db_path = default_db_path(args.db)
            if args.command is None:
                from desktop_app.app import run_app

                return run_app(db_path, demo=args.demo, screenshot=args.screenshot,
                               view=args.view, theme=args.theme)
            from desktop_app.store.db import damage_reported

            stack.enter_context(damage_reported(db_path))  # damage met after opening, too
            return _run_command(args, db_path, sys.stdout)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if not isinstance(exc, _user_errors()):
            raise
        print(f"worthwhile: error: {_message(exc)}", file=sys.stderr)
        return 1


def _user_errors() -> tuple[type[Exception], ...]:
    """The errors said in one line without a traceback (exit 1): a user's mistake, or a problem
    the user can fix."""
    from desktop_app.exporting import ExportError  # loaded only when something failed

    return (CliError, StoreError, DatabaseBusyError, ExportError, SessionNotFoundError,
            AmbiguousSessionIdError)


def _message(exc: Exception) -> str:
    if isinstance(exc, DatabaseDamagedError):
        return f"{exc} {exc.move_aside_hint}"
    # LookupError subclasses repr their argument in str(); show the plain text.
    return str(exc.args[0]) if exc.args else str(exc)


def _run_command(args: argparse.Namespace, db_path: Path, out: TextIO) -> int:
    # Each branch imports its command's module: nothing a command does not use is loaded.
    if args.command == "team":  # cards only: no database
        from desktop_app.sharing.team_command import run_team

        return run_team(args, out, sys.stderr)
    if args.command == "demo-data":
        return _demo_data(args, out)
    if args.command == "import":
        return _import(args, db_path, out)
    if args.command == "scan":
        return _scan(args, out)
    if args.command == "stats":
        return _stats(args, db_path, out)
    if args.command == "delete":
        from desktop_app.deleting import run_delete

        return run_delete(args, db_path, out, sys.stdin, sys.stderr)
    if args.command == "summary":
        from desktop_app.sharing.summary import summary_command

        return summary_command(db_path, args.out, by=args.by, date_from=args.date_from,
                               date_to=args.date_to, labels=not args.no_labels,
                               sources=args.source, out=out)
    if args.command == "export":
        from desktop_app.exporting import export_command

        return export_command(db_path, args.format, args.out, transcripts=args.transcripts,
                              out=out)
    if args.command == "backup":
        from desktop_app.exporting import backup_command

        return backup_command(db_path, args.out, out)
    if args.command == "rules":
        from desktop_app.rules import run_rules

        return run_rules(args, db_path, out, sys.stdin, sys.stderr)
    if args.command == "suggest":
        from desktop_app.suggesting import run_suggest

        return run_suggest(args, db_path, out)
    return _read_or_rate(args, db_path, out)


def _read_or_rate(args: argparse.Namespace, db_path: Path, out: TextIO) -> int:
    """``sessions``, ``show`` and ``rate``: the commands over the sessions themselves."""
    from desktop_app.evidence.refresh import fresh_evidence
    from desktop_app.rules import unsearchable_text
    from desktop_app.store import (
        SessionQuery,
        get_session,
        list_sessions,
        resolve_session_id,
    )
    from desktop_app.store.indexing import finish_index
    from desktop_app.store.sessions import count_unsearchable

    if not db_path.exists():  # reading commands never create the database
        if args.command == "sessions":
            _emit_sessions([], args.json, out)
            return 0
        raise SessionNotFoundError(f"No session with id {args.session_id!r} (no database yet)")
    db = _open_patient(db_path)
    try:
        if args.command == "sessions":
            if args.search:  # what an interrupted import left of the index (store/indexing.py)
                finish_index(db)
            query = SessionQuery(source=args.source, search=args.search)
            evidence = fresh_evidence(db) if args.json else None
            _emit_sessions(list_sessions(db, query), args.json, out,
                           _prices(db) if args.json else None, evidence)
            unsearchable = count_unsearchable(db, query) if args.search else 0
            if unsearchable:
                print(f"Note: {unsearchable_text(unsearchable)}.", file=sys.stderr)
        elif args.command == "show":
            session_id = resolve_session_id(db, args.session_id)
            evidence = fresh_evidence(db) if args.json else None
            _emit_show(get_session(db, session_id), db, args.json, out, evidence)
        elif args.command == "rate":
            session_id = resolve_session_id(db, args.session_id)
            _rate(db, session_id, args)
            row = get_session(db, session_id)
            verdict = row.rating.verdict
            print(f"{row.id}  {_verdict_text(verdict)}  {row.title}", file=out)
        return 0
    finally:
        db.close()


def _open_patient(db_path: Path) -> Database:
    """Open the database for a command that may write: while the app (or another command)
    writes, it waits, and says so once on stderr."""
    from desktop_app.store import open_db
    from desktop_app.store.locking import set_lock_wait

    db = open_db(db_path)
    said = False

    def say() -> None:
        nonlocal said
        if not said:
            said = True
            print("worthwhile: waiting for the database (another Worthwhile is writing)…",
                  file=sys.stderr, flush=True)

    set_lock_wait(db, on_wait=say)
    return db


def _stats(args: argparse.Namespace, db_path: Path, out: TextIO) -> int:
    from sqlite_utils import Database

    from desktop_app.importers.registry import DISPLAY_NAMES, TOOL_NAMES
    from desktop_app.jsonout import emit_json
    from desktop_app.metrics import value_stats
    from desktop_app.metrics.text import format_stats
    from desktop_app.store import open_db
    from desktop_app.store.db import migrate
    from desktop_app.store.stats import StatsReader

    if db_path.exists():
        db = open_db(db_path)
    else:  # nothing to count, and a reading command never creates the database
        db = Database(memory=True)
        migrate(db)
    try:
        stats = value_stats(StatsReader(db), by=args.by, group=args.group, source=args.source,
                            label=args.label, date_from=args.date_from, date_to=args.date_to,
                            prices=_prices(db) if args.json else None)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    if args.json:
        emit_json(stats.to_json(), out)
    else:
        # Tool groups keep a generic tool's own name as written ("le Chat"), labels are
        # capitalised.
        text = format_stats(stats, TOOL_NAMES if args.group == "tool" else DISPLAY_NAMES)
        out.write(text if text.endswith("\n") else text + "\n")
    return 0


def _scan(args: argparse.Namespace, out: TextIO) -> int:
    from desktop_app.importers.aider import FILE_NAME as AIDER_HISTORY
    from desktop_app.importers.discover import find_histories
    from desktop_app.importers.values import size_text
    from desktop_app.jsonout import emit_json

    for folder in args.folder:
        # A folder that is not there is a mistake to say, not an empty result.
        if not folder.exists():
            raise CliError(f"--folder {folder}: no such folder")
        if not folder.is_dir() and folder.name != AIDER_HISTORY:
            raise CliError(f"--folder {folder}: not a folder")
    found = find_histories(extra_folders=args.folder)
    if args.json:
        emit_json([f.to_json() for f in found], out)
        return 0
    if not found:
        print("No AI histories found in the usual places.", file=out)
        return 0
    for f in found:
        newest = f.newest.astimezone().strftime("%Y-%m-%d %H:%M") if f.newest else "-"
        print(f"{display_name(f.source):<12} {f.files:>6,} files "
              f"{size_text(f.bytes):>7}  newest {newest}  {f.path}", file=out)
    print("Import them with: worthwhile import PATH...", file=out)
    return 0


def _import(args: argparse.Namespace, db_path: Path, out: TextIO) -> int:
    from desktop_app.ingest import ImportProgress, import_paths
    from desktop_app.ingest.report import kept_out_text
    from desktop_app.ingest.run import finish_import_index
    from desktop_app.jsonout import emit_json

    show_progress = sys.stderr.isatty() and not args.json

    def progress(p: ImportProgress) -> None:
        if show_progress:
            name = Path(p.current).name if p.current else ""
            sys.stderr.write(f"\r{p.fraction:5.0%}  {p.sessions:,} sessions  {name[:50]:<50}")
            sys.stderr.flush()

    def indexing(share: float) -> None:
        if show_progress:
            sys.stderr.write(f"\r{share:5.0%}  building the search index{'':<40}")
            sys.stderr.flush()

    db = _open_patient(db_path)
    interrupted = False
    try:
        report = import_paths(db, args.paths, progress=progress, index=False)
        try:  # the second phase, after the sessions are stored (see store/indexing.py)
            finish_import_index(db, progress=indexing)
        except KeyboardInterrupt:  # the sessions are in: say what was imported
            interrupted = True
    finally:
        db.close()
        if show_progress:
            sys.stderr.write("\r" + " " * 80 + "\r")
    if args.json:
        emit_json(report.to_json(), out)
    else:
        for file in report.files:
            if file.error:
                # Errors name their file already; don't say it twice.
                text = file.error if file.error.startswith(file.path) else (
                    f"{file.path}: {file.error}")
                print(f"error: {text}", file=out)
                continue
            print(f"{file.path}: {file.source or 'nothing recognised'}: "
                  f"{file.sessions_new:,} new, {file.sessions_updated:,} updated, "
                  f"{file.sessions_unchanged:,} unchanged, {file.messages:,} messages"
                  f"{kept_out_text(file.sessions_deleted_earlier, file.sessions_excluded)}",
                  file=out)
            for skipped in file.skipped:
                print(f"  skipped {skipped.what}: {skipped.reason}", file=out)
        t = report.totals
        print(f"Total: {t['sessions_new']:,} new, {t['sessions_updated']:,} updated, "
              f"{t['sessions_unchanged']:,} unchanged"
              f"{kept_out_text(t['sessions_deleted_earlier'], t['sessions_excluded'])}",
              file=out)
    if interrupted:
        print("Interrupted while building the search index: the sessions are imported; a "
              "search finds the rest once the next import, search or window start finishes it.",
              file=sys.stderr)
        return 130
    return 0 if report.ok else 1


def _demo_data(args: argparse.Namespace, out: TextIO) -> int:
    from desktop_app.demo.exports import write_export
    from desktop_app.importers.values import size_text

    try:
        path = write_export(args.source, args.sessions, args.out, seed=args.seed)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    files = [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]
    size = sum(p.stat().st_size for p in files)
    print(f"{path}: {args.sessions:,} {args.source} sessions, {size_text(size)}", file=out)
    return 0


def _rate(db: Any, session_id: str, args: argparse.Namespace) -> None:
    from desktop_app.store import KEEP, update_rating

    verdict = Verdict.parse(args.verdict)
    if verdict is Verdict.UNRATED:
        given = [opt for opt in ("minutes", "label", "reason", "note")
                 if getattr(args, opt) is not None]
        if given:
            raise CliError(f"'clear' removes the whole rating; --{given[0]} cannot go with it")
        update_rating(db, session_id, verdict)
        return
    labels = KEEP if args.label is None else tuple(
        dict.fromkeys(label.strip() for label in args.label if label.strip())
    )
    update_rating(
        db,
        session_id,
        verdict,
        minutes_saved=KEEP if args.minutes is None else args.minutes,
        labels=labels,
        reason=KEEP if args.reason is None else (args.reason.strip() or None),
        note=KEEP if args.note is None else (args.note.strip() or None),
    )


def _verdict_text(verdict: Verdict) -> str:
    return {Verdict.USEFUL: "useful", Verdict.NOT_USEFUL: "not useful"}.get(verdict, "unrated")


def _emit_sessions(rows: list[SessionRow], as_json: bool, out: TextIO,
                   prices: PriceTable | None = None,
                   evidence: Mapping[str, SessionEvidence] | None = None) -> None:
    if as_json:
        from desktop_app.jsonout import emit_json, session_object

        emit_json([session_object(row, prices, evidence) for row in rows], out)
        return
    if not rows:
        print("No sessions.", file=out)
        return
    print(f"{'ID':<16}  {'STARTED (UTC)':<16}  {'TOOL':<11}  {'VERDICT':<10}  {'MSGS':>4}  TITLE",
          file=out)
    for row in rows:
        started = (utc_iso(row.started_at) or "")[:16].replace("T", " ")
        tool = display_name(row.tool_key)
        verdict = _verdict_text(row.rating.verdict)
        print(f"{row.id:<16}  {started:<16}  {tool:<11}  {verdict:<10}  {row.messages:>4}  "
              f"{row.title}", file=out)
    print(f"{len(rows)} sessions", file=out)


def _prices(db: Any) -> PriceTable:
    """The local price table (shipped prices with the user's edits)."""
    from desktop_app.metrics.cost import PriceTable
    from desktop_app.store.prices import load_prices

    return PriceTable(load_prices(db))


def _tool_feedback_text(thumbs: str | None) -> str:
    if thumbs is None:
        return ""
    shown = {"up": "thumbs up", "down": "thumbs down"}.get(thumbs, "thumbs up and down")
    return f"{shown} (the tool's own feedback, not your verdict)"


def _emit_show(row: SessionRow, db: Any, as_json: bool, out: TextIO,
               evidence: Mapping[str, SessionEvidence] | None = None) -> None:
    from desktop_app.jsonout import emit_json, show_object
    from desktop_app.store import get_transcript
    from desktop_app.store.imports import session_extras

    transcript = get_transcript(db, row.id)
    if as_json:
        # The tool's own thumbs (ChatGPT's message_feedback.json): shown, never a verdict.
        obj = show_object(row, session_extras(db, row.id)[1], transcript, prices=_prices(db),
                          evidence=evidence)
        emit_json(obj, out)
        return
    rating = row.rating
    facts = [
        ("Title", row.title),
        ("Id", row.id),
        ("Tool", display_name(row.tool_key)),
        ("Started", utc_iso(row.started_at) or "unknown"),
        ("Ended", utc_iso(row.ended_at) or "unknown"),
        ("Model", row.model or "unknown"),
        ("Project", row.project or ""),
        ("Tokens", "" if row.tokens_in is None and row.tokens_out is None
         else f"{row.tokens_in or 0:,} in / {row.tokens_out or 0:,} out"),
        ("Verdict", _verdict_text(rating.verdict)),
        ("Tool feedback", _tool_feedback_text(session_extras(db, row.id)[1])),
        ("Minutes saved", "" if rating.minutes_saved is None else str(rating.minutes_saved)),
        ("Labels", ", ".join(rating.labels)),
        ("Reason", rating.reason or ""),
        ("Note", rating.note or ""),
    ]
    for name, value in facts:
        if value:
            print(f"{name + ':':<15}{value}", file=out)
    if row.no_text:
        print("Kept without text by an import rule.", file=out)
    for message in transcript:
        when = (utc_iso(message.time) or "")[11:16]
        print(f"\n--- {message.role} {when}".rstrip(), file=out)
        print("(no text)" if row.no_text else message.text, file=out)
