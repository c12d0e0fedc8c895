"""``worthwhile team CARD...``: merge summary cards, print the shown cells as a table or JSON.

Exit codes: 0 when every file was read as a card (even if everything is hidden), 1 when a file
was rejected (the others are still merged), 2 for a usage error: no card given, cards per week
and per month mixed, or a ``--by`` the cards cannot be shown in.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

EXIT_REJECTED = 1
EXIT_USAGE = 2


def add_team_parser(sub: Any) -> None:
    """The ``team`` subcommand's arguments."""
    p = sub.add_parser(
        "team", help="merge summary cards into a team picture (cells under 3 people hidden)")
    p.add_argument("cards", nargs="*", type=Path, metavar="CARD",
                   help="summary card files (with --demo and none given: the demo team's)")
    p.add_argument("--by", choices=("week", "month"), default=None,
                   help="per week or month (default: as the cards were made; week cards "
                        "cannot be shown per month)")
    p.add_argument("--group", choices=("tool", "label"), help="one row per period and group")
    p.add_argument("--json", action="store_true", help="print JSON (see README)")


def run_team(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``worthwhile team``; returns the exit code."""
    # Loaded here, not with the parser: the command line starts the app too, and stays light.
    from desktop_app.jsonout import emit_json
    from desktop_app.sharing.team import MergeError, merge, read_cards
    from desktop_app.sharing.team_text import format_team

    if not args.cards and not args.demo:
        print("worthwhile team: error: give at least one summary card file (CARD)", file=err)
        return EXIT_USAGE
    if args.cards:
        cards, rejected = read_cards(args.cards)
    else:
        from desktop_app.demo.cards import demo_team

        cards, rejected = demo_team(), []
    try:
        team = merge(cards, by=args.by, group=args.group)
    except MergeError as exc:
        print(f"worthwhile team: error: {exc}", file=err)
        return EXIT_USAGE
    if args.json:
        emit_json(team.to_json(rejected), out)
    else:
        out.write(format_team(team, rejected))
    for r in rejected:
        if args.json:  # the text output lists them already
            print(f"worthwhile team: not read: {r.path}: {r.reason}", file=err)
    return EXIT_REJECTED if rejected else 0
