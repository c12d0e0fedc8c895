"""Deleting sessions as people ask for it: what the confirmation says (the app and the command
line say the same), and ``worthwhile delete ID... | --source S | --all [--yes]``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from desktop_app.importers.registry import SOURCES, display_name
from desktop_app.store import SessionNotFoundError, open_db, resolve_session_id
from desktop_app.store.deletion import (
    DeletionCount,
    DeletionResult,
    count_all_to_delete,
    count_sessions_to_delete,
    count_source_to_delete,
    delete_all,
    delete_sessions,
    delete_source,
)

#: Exit code of ``delete`` when it needed a confirmation and could not ask (no terminal).
EXIT_NEEDS_CONFIRMATION = 2
#: Exit code when the person answered no: nothing was deleted.
EXIT_DECLINED = 1

#: Said in every confirmation and after every deletion.
STAYS_DELETED = "Importing the same files again will not bring them back."
BACKUPS_UNTOUCHED = "Backups you made of the database are your own copies: they are not touched."
#: Said when a reader (Worthwhile open meanwhile, say) kept the log from being emptied.
WAL_PENDING = ("The database was in use elsewhere, so its write-ahead log (-wal) could not be "
               "emptied yet: the deleted text leaves it once every program using the database "
               "has closed it.")
FOR_GOOD = ("Their text, ratings, labels, reasons and notes are removed from the database for "
            "good. This cannot be undone.")


def plural(n: int, word: str) -> str:
    """``"1 session"``, ``"3 sessions"``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def amount(count: DeletionCount) -> str:
    """``"3 sessions and 2 ratings"``: what goes."""
    return f"{plural(count.sessions, 'session')} and {plural(count.ratings, 'rating')}"


@dataclass(frozen=True, slots=True)
class Target:
    """What to delete: some sessions by id, all of one source, or everything."""

    ids: tuple[str, ...] = ()
    source: str | None = None
    everything: bool = False

    def scope(self, count: DeletionCount) -> str:
        """How the confirmation names it: "the selected session", "all Claude Code sessions"."""
        if self.everything:
            return "every session"
        if self.source is not None:
            return f"all {display_name(self.source)} sessions"
        return "this session" if count.sessions == 1 else "these sessions"


def confirmation_question(target: Target, count: DeletionCount) -> str:
    """The first line of a confirmation: ``Delete all Claude Code sessions: 12 sessions and 3
    ratings?``"""
    return f"Delete {target.scope(count)}: {amount(count)}?"


def confirmation_details(extra: str | None = None, separator: str = "\n") -> str:
    """What every confirmation says under its question: gone for good, stays deleted on
    re-import (``extra``: how to allow that again, where there is a way), backups untouched."""
    stays = STAYS_DELETED if extra is None else f"{STAYS_DELETED} {extra}"
    return separator.join([FOR_GOOD, stays, BACKUPS_UNTOUCHED])


def confirmation_text(target: Target, count: DeletionCount, extra: str | None = None) -> str:
    """The whole confirmation: the question, then :func:`confirmation_details`."""
    return f"{confirmation_question(target, count)}\n{confirmation_details(extra)}"


def done_text(result: DeletionResult) -> str:
    """What is said after a deletion."""
    return f"Deleted {amount(DeletionCount(result.sessions, result.ratings))}. {STAYS_DELETED}"


# --- the command line -------------------------------------------------------------------------

def add_delete_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``delete`` subcommand's arguments."""
    p = sub.add_parser(
        "delete", help="delete sessions for good (they stay deleted when imported again)",
        description="Delete sessions with their messages and ratings. Their ids are remembered, "
                    "so importing the same files again does not bring them back. Backups you "
                    "made are not touched.")
    p.add_argument("session_ids", nargs="*", metavar="ID",
                   help="session ids or unique prefixes (6+ characters)")
    p.add_argument("--source", choices=SOURCES, help="every session of this tool")
    p.add_argument("--all", dest="everything", action="store_true", help="every session")
    p.add_argument("--yes", action="store_true",
                   help="do not ask for confirmation (without it, --source and --all ask on a "
                        "terminal and refuse when not run on one)")


def _usage_error(err: TextIO, text: str) -> int:
    print(f"worthwhile delete: error: {text}", file=err)
    return 2


def run_delete(args: argparse.Namespace, db_path: Path, out: TextIO, stdin: TextIO,
               err: TextIO) -> int:
    """``worthwhile delete``: resolve what goes, confirm, delete; returns the exit code.

    Every form asks on a terminal unless ``--yes`` is given. Without a terminal, ``--source``
    and ``--all`` refuse (exit 2); ids given one by one are deleted (scripts name what they
    mean). An unknown id deletes nothing and is an error (exit 1).
    """
    ids: Sequence[str] = args.session_ids
    forms = sum([bool(ids), args.source is not None, bool(args.everything)])
    if forms != 1:
        return _usage_error(err, "give session ids, or --source S, or --all (one of them)")
    if not db_path.exists():  # never create a database just to find it empty
        if ids:
            raise SessionNotFoundError(f"No session with id {ids[0]!r} (no database yet)")
        print("No sessions to delete.", file=out)
        return 0
    db = open_db(db_path)
    try:
        if ids:
            # Every id is resolved before anything is deleted: one typo deletes nothing.
            target = Target(ids=tuple(dict.fromkeys(resolve_session_id(db, i) for i in ids)))
            count = count_sessions_to_delete(db, target.ids)
        elif args.source is not None:
            target = Target(source=args.source)
            count = count_source_to_delete(db, args.source)
        else:
            target = Target(everything=True)
            count = count_all_to_delete(db)
        if count.sessions == 0:
            what = (f"No {display_name(target.source)} sessions" if target.source
                    else "No sessions")
            print(f"{what} to delete.", file=out)
            return 0
        if not args.yes:
            interactive = stdin.isatty()
            if not interactive and not ids:
                return _usage_error(
                    err, f"this would delete {target.scope(count)} ({amount(count)}); "
                         "run it on a terminal to confirm, or add --yes")
            if interactive:
                err.write(f"{confirmation_text(target, count)}\nType yes to delete: ")
                err.flush()
                answer = stdin.readline().strip().lower()
                if answer not in ("y", "yes"):
                    print("Nothing was deleted.", file=err)
                    return EXIT_DECLINED
        if target.everything:
            result = delete_all(db)
        elif target.source is not None:
            result = delete_source(db, target.source)
        else:
            result = delete_sessions(db, target.ids)
    finally:
        db.close()
    print(done_text(result), file=out)
    if not result.wal_cleared:
        print(WAL_PENDING, file=err)
    return 0
