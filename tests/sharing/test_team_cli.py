"""``worthwhile team``: JSON, the table, exit codes, rejected files, and cards made from real
databases adding up to each person's ``stats --json``."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli import main
from desktop_app.domain import Rating, Session, Verdict, parse_utc
from desktop_app.importers.registry import display_name
from desktop_app.metrics.periods import period_start
from desktop_app.store import open_db, save_sessions, set_rating
from tests.sharing.builders import NEXT_WEEK, WEEK, card, label_row, row, write

Capsys = pytest.CaptureFixture[str]


def _person(card_id: str, scale: int = 1, cursor: bool = False) -> dict[str, Any]:
    tools = [row(WEEK, "ChatGPT", 4 * scale, 3, 2), row(NEXT_WEEK, "Claude Code", 6, 5, 4)]
    if cursor:
        tools.append(row(WEEK, "Cursor", 7, 2, 1))
    return card(card_id, tools, [label_row(WEEK, "coding", 4 * scale, 3, 2)])


def _team(capsys: Capsys, *args: str) -> tuple[int, Any, str]:
    code = main(["team", *args])
    captured = capsys.readouterr()
    out = json.loads(captured.out) if "--json" in args and captured.out else captured.out
    return code, out, captured.err


def test_three_cards_merge(tmp_path: Path, capsys: Capsys) -> None:
    paths = [str(write(tmp_path, f"{n}.json", _person(n, i + 1))) for i, n in enumerate("abc")]
    code, obj, err = _team(capsys, *paths, "--json", "--group", "tool")
    assert code == 0
    assert err == ""
    assert obj["cards"] == 3
    assert obj["by"] == "week"
    assert obj["rejected"] == []
    assert [(p["start"], p["group"], p["uses"], p["contributors"]) for p in obj["periods"]] == [
        (WEEK, "ChatGPT", 24, 3), (NEXT_WEEK, "Claude Code", 18, 3)]


def test_nothing_says_who_sent_what(tmp_path: Path, capsys: Capsys) -> None:
    """No card id, no accepted file's name, no per-card figure: only merged cells."""
    ids = ["id-of-ann-7f3a", "id-of-bob-91c2", "id-of-cy-00d1"]
    paths = [str(write(tmp_path, f"sent-by-{n}.json", _person(i, scale)))
             for n, i, scale in zip(("ann", "bob", "cy"), ids, (1, 2, 3), strict=True)]
    outputs = []
    for args in (["--json"], ["--json", "--group", "tool"], ["--group", "label"], []):
        code, out, err = _team(capsys, *paths, *args)
        assert code == 0
        outputs.append(json.dumps(out) + err)
    for text in outputs:
        for secret in (*ids, "sent-by"):
            assert secret not in text
    # One card's own counts (4, 8 or 12 ChatGPT uses) appear nowhere as a cell: only the sum.
    by_tool = json.loads(outputs[1])
    assert [p["uses"] for p in by_tool["periods"] if p["group"] == "ChatGPT"] == [24]


def test_a_foreign_or_inconsistent_file_is_rejected_and_the_rest_merged(
        tmp_path: Path, capsys: Capsys) -> None:
    good = [str(write(tmp_path, f"{n}.json", _person(n))) for n in "abc"]
    foreign = str(write(tmp_path, "export.json", {"format": "worthwhile-export", "version": 1}))
    bad = _person("d")
    bad["tools"][0]["useful"] = 9  # more useful than rated
    inconsistent = str(write(tmp_path, "d.json", bad))
    code, obj, err = _team(capsys, good[0], foreign, good[1], inconsistent, good[2], "--json")
    assert code == 1
    assert obj["cards"] == 3
    assert [p["uses"] for p in obj["periods"]] == [12, 18]
    assert obj["rejected"] == [
        {"path": foreign, "reason": "not a Worthwhile summary card"},
        {"path": inconsistent, "reason": "not a valid summary card: tools[0] (tool 'ChatGPT', "
                                         "week of 2026-11-02): useful (9) + not useful (1) is "
                                         "more than rated (3)"},
    ]
    assert f"not read: {foreign}: not a Worthwhile summary card" in err
    code, text, _ = _team(capsys, *good, foreign)
    assert code == 1
    assert f"Not read (1 file):\n  {foreign}: not a Worthwhile summary card" in text


def test_two_cards_print_only_the_sentence(tmp_path: Path, capsys: Capsys) -> None:
    paths = [str(write(tmp_path, f"{n}.json", _person(n))) for n in "ab"]
    code, obj, _ = _team(capsys, *paths, "--json")
    assert code == 0  # every file was a card, even if nothing can be shown
    assert obj["periods"] == []
    assert obj["hidden"] == 2
    code, text, _ = _team(capsys, *paths, "--group", "tool")
    assert code == 0
    assert "Nothing is shown: fewer than 3 people." in text
    assert "ChatGPT" not in text
    assert "Week of" not in text


def test_the_table_hides_a_tool_of_two_people(tmp_path: Path, capsys: Capsys) -> None:
    paths = [str(write(tmp_path, f"{n}.json", _person(n, cursor=n != "c"))) for n in "abc"]
    code, text, _ = _team(capsys, *paths, "--group", "tool")
    assert code == 0
    assert "Team: 3 cards, per week, by tool." in text
    assert "Cursor" not in text
    # Cursor's week had ChatGPT too, hidden with it (else total minus ChatGPT is Cursor).
    assert "2 cells hidden: fewer than 3 people" in text
    lines = text.splitlines()
    assert any(line.startswith("2026-11-09  Claude Code") for line in lines)
    assert any(line.startswith("Total       Claude Code") for line in lines)
    assert not any("ChatGPT" in line for line in lines)


def test_usage_errors_exit_2(tmp_path: Path, capsys: Capsys) -> None:
    week = str(write(tmp_path, "w.json", _person("a")))
    month = str(write(tmp_path, "m.json", card("b", [row("2026-11-01", "ChatGPT", 2)],
                                               by="month")))
    code, out, err = _team(capsys)
    assert (code, out) == (2, "")
    assert "give at least one summary card file" in err
    code, out, err = _team(capsys, week, month, "--json")
    assert (code, out) == (2, "")
    assert "some are per week and some per month" in err
    code, out, err = _team(capsys, week, "--by", "month")
    assert (code, out) == (2, "")
    assert "a week can straddle two months" in err
    with pytest.raises(SystemExit) as exited:
        main(["team", week, "--group", "model"])
    assert exited.value.code == 2


def test_the_same_card_twice_counts_once(tmp_path: Path, capsys: Capsys) -> None:
    paths = [str(write(tmp_path, f"{n}.json", _person(n))) for n in "abc"]
    remade = _person("c", scale=10)
    remade["created_at"] = "2026-11-21T10:00:00Z"
    newer = str(write(tmp_path, "c-again.json", remade))
    code, obj, _ = _team(capsys, *paths, paths[0], newer, "--json")
    assert code == 0
    assert (obj["cards"], obj["duplicates"]) == (3, 2)
    assert obj["periods"][0]["uses"] == 4 + 4 + 40


def test_the_demo_team(capsys: Capsys) -> None:
    code, obj, _ = _team(capsys, "--json", "--group", "tool")
    assert code == 2  # no --demo: cards are needed
    assert main(["--demo", "team", "--json", "--group", "tool"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["cards"] == 8
    assert obj["hidden"] > 0
    tools = {p["group"] for p in obj["periods"]}
    assert {"ChatGPT", "Claude Code", "Copilot"} <= tools
    assert "Cursor" not in tools
    assert "Gemini" not in tools
    last = max(p["start"] for p in obj["periods"])
    assert date.fromisoformat(last) <= date.today() - timedelta(days=1)


# --- cards made from real databases -------------------------------------------------------


def _database(path: Path, sessions: list[tuple[str, str, str | None, int | None, tuple[str, ...]]]
              ) -> None:
    """A person's database: (source, started, verdict, minutes, labels) per session."""
    db = open_db(path)
    try:
        for i, (source, started, verdict, minutes, labels) in enumerate(sessions):
            session = Session(source=source, external_id=f"{path.stem}-{i}", title="secret",
                              started_at=parse_utc(started))
            save_sessions(db, [session])
            rating = Rating(verdict=Verdict(verdict) if verdict else Verdict.UNRATED,
                            minutes_saved=minutes, labels=labels)
            if not rating.is_empty:
                set_rating(db, session.id, rating)
    finally:
        db.close()


def _stats(capsys: Capsys, path: Path, *args: str) -> Any:
    assert main(["--db", str(path), "stats", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def _card_from_stats(capsys: Capsys, path: Path, card_id: str) -> dict[str, Any]:
    """A card made from a database through ``stats --json`` (what ``summary`` promises)."""
    def rows(group: str) -> list[dict[str, Any]]:
        out = []
        for p in _stats(capsys, path, "--group", group)["periods"]:
            if not p["uses"]:
                continue
            name = display_name(p["group"]) if group == "tool" else p["group"]
            mean, n = p["minutes_saved_mean"], p["minutes_n"]
            out.append({"period": p["start"], group: name, "uses": p["uses"],
                        "rated": p["rated"], "useful": p["useful"],
                        "not_useful": p["not_useful"],
                        "minutes_sum": round(mean * n) if n else 0, "minutes_n": n})
        return out

    return card(card_id, rows("tool"), rows("label"))


def test_cards_from_three_databases_add_up_to_their_stats(tmp_path: Path,
                                                          capsys: Capsys) -> None:
    monday = period_start(date(2026, 10, 14), "week")
    day = [(monday + timedelta(days=d)).isoformat() for d in range(14)]
    people = {
        "ann": [("chatgpt", f"{day[0]}T09:00:00Z", "useful", 10, ("coding",)),
                ("chatgpt", f"{day[1]}T09:00:00Z", "not_useful", -5, ()),
                ("claude-code", f"{day[2]}T09:00:00Z", "useful", None, ("coding", "data")),
                ("chatgpt", f"{day[8]}T09:00:00Z", None, None, ()),
                ("claude-code", f"{day[9]}T09:00:00Z", "useful", 30, ("coding",))],
        "bob": [("chatgpt", f"{day[3]}T10:00:00Z", "useful", None, ("writing",)),
                ("claude-code", f"{day[4]}T10:00:00Z", "not_useful", 0, ("coding",)),
                ("chatgpt", f"{day[10]}T10:00:00Z", "useful", 15, ()),
                ("claude-code", f"{day[11]}T10:00:00Z", None, None, ("coding",))],
        "cy": [("chatgpt", f"{day[0]}T11:00:00Z", None, None, ()),
               ("claude-code", f"{day[1]}T11:00:00Z", "useful", 45, ("coding",)),
               ("chatgpt", f"{day[12]}T11:00:00Z", "not_useful", None, ("research",)),
               ("claude-code", f"{day[13]}T11:00:00Z", "useful", 20, ("coding",))],
    }
    paths = []
    totals = []
    for name, sessions in people.items():
        db_path = tmp_path / f"{name}.db"
        _database(db_path, sessions)
        totals.append(_stats(capsys, db_path)["totals"])
        paths.append(str(write(tmp_path, f"{name}.json", _card_from_stats(capsys, db_path,
                                                                          name))))
    code, obj, _ = _team(capsys, *paths, "--json")
    assert code == 0
    assert obj["hidden"] == 0
    for key in ("uses", "rated", "useful", "not_useful", "minutes_n"):
        assert sum(p[key] for p in obj["periods"]) == sum(t[key] for t in totals), key
    code, by_tool, _ = _team(capsys, *paths, "--json", "--group", "tool")
    assert by_tool["hidden"] == 0
    assert {p["group"] for p in by_tool["periods"]} == {"ChatGPT", "Claude Code"}
    assert sum(p["uses"] for p in by_tool["periods"]) == sum(t["uses"] for t in totals)
    minutes = sum(p["minutes_saved_mean"] * p["minutes_n"] for p in by_tool["periods"]
                  if p["minutes_n"])
    assert minutes == pytest.approx(sum(t["minutes_saved_mean"] * t["minutes_n"]
                                        for t in totals if t["minutes_n"]))
    # Labels: only "coding" and unlabelled reach three people in a week.
    code, by_label, _ = _team(capsys, *paths, "--json", "--group", "label")
    assert code == 0
    assert {p["group"] for p in by_label["periods"]} <= {"coding", "(no label)"}
    assert by_label["hidden"] > 0
