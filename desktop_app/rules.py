"""Import rules as people use them: what the app and the command line say about a rule, and
``worthwhile rules add skip|no-text --project GLOB | --title GLOB | --source S [--apply-now]``,
``rules list [--json]`` and ``rules remove ID``.

The rules themselves, their matching and applying them live in :mod:`desktop_app.store.rules`;
every import applies them (:func:`desktop_app.store.sessions.save_sessions`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from desktop_app.deleting import BACKUPS_UNTOUCHED, WAL_PENDING, plural
from desktop_app.domain import parse_utc
from desktop_app.importers.registry import SOURCES, display_name, no_text_title
from desktop_app.jsonout import emit_json
from desktop_app.store import open_db
from desktop_app.store.deletion import DeletionCount
from desktop_app.store.rules import (
    ApplyResult,
    Rule,
    RuleAction,
    RuleError,
    Selector,
    add_rule,
    apply_rule,
    count_matching,
    list_rules,
    remove_rule,
)

__all__ = ["no_text_title"]

#: Exit code of ``rules remove`` for an id that is no rule.
EXIT_NO_SUCH_RULE = 1
#: Exit code of a usage error (an empty pattern).
EXIT_USAGE = 2

#: What the app and the README say about the patterns.
GLOB_HELP = ("* is any run of characters (/ included), ? one character; the whole project or "
             "title must match, ignoring case. ~/work/acme* takes every project below "
             "~/work/acme.")
#: What removing a rule does (said in the dialog and after `rules remove`).
REMOVED_EFFECT = ("The next import reads the files that held sessions it kept out again: "
                  "skipped sessions are stored, and sessions kept without text get their text "
                  "back where the file still has it. Until then nothing stored changes.")
NO_TEXT_KEEPS = ("Times, message counts, model, tokens, project and your ratings stay; they "
                 "cannot be searched.")


def describe(rule: Rule) -> str:
    """``Skip sessions whose project matches ~/work/acme*``, ``Keep Claude Code sessions
    without text``."""
    if rule.selector is Selector.SOURCE:
        which = f"{display_name(rule.pattern)} sessions"
    else:
        which = f"sessions whose {rule.selector.value} matches {rule.pattern}"
    if rule.action is RuleAction.SKIP:
        return f"Skip {which}"
    return f"Keep {which} without text"


def apply_question(rule: Rule, count: DeletionCount) -> str:
    """The question before applying ``rule`` to the sessions stored already."""
    matching = plural(count.sessions, "stored session")
    if rule.action is RuleAction.SKIP:
        return (f"{matching} match{'es' if count.sessions == 1 else ''} this rule. Delete "
                f"{'it' if count.sessions == 1 else 'them'} ({plural(count.sessions, 'session')}"
                f" and {plural(count.ratings, 'rating')})?")
    return (f"{matching} match{'es' if count.sessions == 1 else ''} this rule. Remove "
            f"{'its' if count.sessions == 1 else 'their'} text and "
            f"{'title' if count.sessions == 1 else 'titles'}?")


def apply_details(rule: Rule, separator: str = "\n") -> str:
    """What applying a rule means: for good, what stays, backups untouched."""
    if rule.action is RuleAction.SKIP:
        what = ("Their text, ratings, labels, reasons and notes are removed from the database "
                "for good. This cannot be undone. The rule keeps them out of later imports; "
                "once it is removed, importing their files again stores them again.")
    else:
        what = ("Their message text and titles are removed from the database for good. "
                f"This cannot be undone. {NO_TEXT_KEEPS}")
    return separator.join([what, BACKUPS_UNTOUCHED])


def future_only_text(count: DeletionCount) -> str:
    """Said when a rule was added without applying it to the sessions it matches."""
    one = count.sessions == 1
    return ("The rule applies to future imports only: the "
            f"{plural(count.sessions, 'stored session')} it matches {'is' if one else 'are'} "
            f"left as {'it is' if one else 'they are'}.")


def applied_text(rule: Rule, result: ApplyResult) -> str:
    """What is said after applying a rule."""
    if rule.action is RuleAction.SKIP:
        return (f"Deleted {plural(result.sessions, 'session')} and "
                f"{plural(result.ratings, 'rating')} that the rule matches.")
    return f"Removed the text of {plural(result.sessions, 'session')} for good."


def unsearchable_text(n: int) -> str:
    """``3 sessions are kept without text and cannot be searched``."""
    return (f"{plural(n, 'session')} {'is' if n == 1 else 'are'} kept without text and "
            "cannot be searched")


# --- the command line -------------------------------------------------------------------------

def add_rules_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The ``rules`` subcommand and its ``add``, ``list`` and ``remove``."""
    p = sub.add_parser(
        "rules", help="import rules: keep sessions out, or store them without text",
        description="Rules that every import applies: skip (never store) or no-text (store "
                    "times, counts, model, tokens and project, but no text and no title).")
    rules = p.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    add = rules.add_parser("add", help="add a rule",
                           description=f"Add an import rule with one selector. {GLOB_HELP}")
    add.add_argument("action", choices=[a.value for a in RuleAction])
    selector = add.add_mutually_exclusive_group(required=True)
    selector.add_argument("--project", metavar="GLOB", help="the project or workspace folder")
    selector.add_argument("--title", metavar="GLOB", help="the session's title as the tool "
                                                          "gave it")
    selector.add_argument("--source", choices=SOURCES, help="every session of this tool")
    add.add_argument("--apply-now", action="store_true",
                     help="also apply it to the sessions stored already, for good, without "
                          "asking")
    listing = rules.add_parser("list", help="list the rules")
    listing.add_argument("--json", action="store_true", help="print JSON (see README)")
    remove = rules.add_parser("remove", help="remove a rule")
    remove.add_argument("rule_id", type=int, metavar="ID", help="the rule's id (rules list)")


def run_rules(args: argparse.Namespace, db_path: Path, out: TextIO, stdin: TextIO,
              err: TextIO) -> int:
    """``worthwhile rules ...``; returns the exit code."""
    command = args.rules_command
    if command == "list":
        return _list(args, db_path, out)
    if command == "remove":
        return _remove(args.rule_id, db_path, out, err)
    return _add(args, db_path, out, stdin, err)


def _list(args: argparse.Namespace, db_path: Path, out: TextIO) -> int:
    rules: list[Rule] = []
    if db_path.exists():  # a reading command never creates the database
        db = open_db(db_path)
        try:
            rules = list_rules(db)
        finally:
            db.close()
    if args.json:
        emit_json([r.to_json() for r in rules], out)
        return 0
    if not rules:
        print("No import rules.", file=out)
        return 0
    print(f"{'ID':>4}  {'ACTION':<8} {'SELECTOR':<9} {'CREATED (UTC)':<16}  PATTERN", file=out)
    for rule in rules:
        created = rule.created_at[:16].replace("T", " ")
        print(f"{rule.id:>4}  {rule.action.value:<8} {rule.selector.value:<9} {created:<16}  "
              f"{rule.pattern}", file=out)
    return 0


def _remove(rule_id: int, db_path: Path, out: TextIO, err: TextIO) -> int:
    removed = None
    if db_path.exists():
        db = open_db(db_path)
        try:
            removed = remove_rule(db, rule_id)
        finally:
            db.close()
    if removed is None:
        print(f"worthwhile: error: no rule with id {rule_id} (see: worthwhile rules list)",
              file=err)
        return EXIT_NO_SUCH_RULE
    print(f"Removed rule {removed.id}: {describe(removed)}. {REMOVED_EFFECT}", file=out)
    return 0


def _add(args: argparse.Namespace, db_path: Path, out: TextIO, stdin: TextIO,
         err: TextIO) -> int:
    if args.project is not None:
        selector, pattern = Selector.PROJECT, str(args.project)
    elif args.title is not None:
        selector, pattern = Selector.TITLE, str(args.title)
    else:
        selector, pattern = Selector.SOURCE, str(args.source)
    if not pattern.strip():
        print(f"worthwhile rules add: error: --{selector.value} needs a pattern", file=err)
        return EXIT_USAGE
    db = open_db(db_path)
    try:
        try:
            rule, new = add_rule(db, args.action, selector.value, pattern)
        except RuleError as exc:
            print(f"worthwhile rules add: error: {exc}", file=err)
            return EXIT_USAGE
        said = f"Added rule {rule.id}" if new else f"Rule {rule.id} exists already"
        print(f"{said}: {describe(rule)}.", file=out)
        count = count_matching(db, rule)
        if count.sessions == 0:
            print("No stored session matches it.", file=out)
            return 0
        apply = bool(args.apply_now)
        if not apply and stdin.isatty():
            err.write(f"{apply_question(rule, count)}\n{apply_details(rule)}\n"
                      "Type yes to apply it to them now: ")
            err.flush()
            apply = stdin.readline().strip().lower() in ("y", "yes")
        if not apply:
            hint = "" if stdin.isatty() else " Add --apply-now to apply it to them as well."
            print(future_only_text(count) + hint, file=out)
            return 0
        result = apply_rule(db, rule, no_text_title)
    finally:
        db.close()
    print(applied_text(rule, result), file=out)
    if not result.wal_cleared:
        print(WAL_PENDING, file=err)
    return 0


def created_local(rule: Rule) -> str:
    """When the rule was made, in local time (``2026-11-17 10:02``)."""
    moment = parse_utc(rule.created_at)
    return "" if moment is None else moment.astimezone().strftime("%Y-%m-%d %H:%M")
