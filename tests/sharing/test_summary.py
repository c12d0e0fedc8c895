"""``worthwhile summary``: the card's shape, its counts (equal to ``stats --json``), its id, its
options and its file, run as a user would."""

from __future__ import annotations

import json
import os
import stat
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.domain import utc_iso
from desktop_app.importers.registry import display_name
from desktop_app.sharing.cards import read_card
from desktop_app.sharing.summary import ROW_KEYS, count_card
from desktop_app.store import open_db
from desktop_app.store.meta import card_id
from tests.conftest import AddSession

CARD_KEYS = ["format", "version", "card_id", "app_version", "created_at", "by", "from", "to",
             "tools", "labels"]
LABEL_ROW_KEYS = [k if k != "tool" else "label" for k in ROW_KEYS]
COUNTS = ("uses", "rated", "useful", "not_useful", "minutes_sum", "minutes_n")

Key = tuple[str, str]
Rows = dict[Key, tuple[int, ...]]


@pytest.fixture
def filled(db: Database, add_session: AddSession, db_path: Path) -> Path:
    """Sessions of four tools over ten weeks across a month's end, some rated, labelled, with
    minutes; a generic row naming its own tool, and one calling itself "ChatGPT"."""
    day = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
    plan = [
        ("chatgpt", None), ("chatgpt", None), ("claude-code", None), ("codex", None),
        ("generic", "Perplexity"), ("generic", None), ("generic", "ChatGPT"),
    ]
    verdicts = ["useful", "not_useful", None, "useful", "useful", None, "not_useful"]
    label_sets: list[tuple[str, ...]] = [("coding",), ("coding", "research"), (), ("writing",),
                                         (), ("research",), ()]
    n = 0
    for week in range(10):
        for k, (source, tool) in enumerate(plan):
            if (week + k) % 4 == 3:
                continue  # gaps: not every tool every week
            for extra in range(1 + (week * k) % 3):
                n += 1
                started = day + timedelta(days=7 * week + (k + extra) % 6, hours=extra)
                verdict = verdicts[(k + extra + week) % len(verdicts)]
                add_session(source, utc_iso(started), verdict=verdict,
                            minutes=(5 * (k - 2) if verdict else None) if n % 3 else None,
                            labels=label_sets[(k + week) % len(label_sets)] if verdict or n % 5
                            else (), tool_name=tool)
    return db_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def make_card(capsys: pytest.CaptureFixture[str], db_path: Path, out: Path,
              *args: str) -> dict[str, Any]:
    code, said, err = run(capsys, "--db", str(db_path), "summary", "--out", str(out), *args)
    assert code == 0, err
    assert said.startswith(f"{out}: summary card of ")
    card: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return card


def card_rows(card: dict[str, Any], kind: str) -> Rows:
    name = "tool" if kind == "tools" else "label"
    rows: Rows = {}
    for row in card[kind]:
        key = (row["period"], row[name])
        assert key not in rows, f"two rows for {key}"
        rows[key] = tuple(row[k] for k in COUNTS)
    return rows


def stats_rows(capsys: pytest.CaptureFixture[str], db_path: Path, group: str,
               *args: str) -> Rows:
    """``stats --json --group G``'s non-empty entries as card rows (tool keys named as the card
    names them; entries of one name summed)."""
    code, out, err = run(capsys, "--db", str(db_path), "stats", "--json", "--group", group,
                         *args)
    assert code == 0, err
    sums: dict[Key, Counter[str]] = {}
    for p in json.loads(out)["periods"]:
        if not p["uses"]:
            continue
        name = display_name(p["group"]) if group == "tool" else p["group"]
        minutes = round(p["minutes_saved_mean"] * p["minutes_n"]) if p["minutes_n"] else 0
        counter = sums.setdefault((p["start"], name), Counter())
        counter.update({"uses": p["uses"], "rated": p["rated"], "useful": p["useful"],
                        "not_useful": p["not_useful"], "minutes_sum": minutes,
                        "minutes_n": p["minutes_n"]})
    return {key: tuple(c[k] for k in COUNTS) for key, c in sums.items()}


def add_rows(*many: Rows) -> Rows:
    total: dict[Key, tuple[int, ...]] = {}
    for rows in many:
        for key, values in rows.items():
            old = total.get(key, (0,) * len(COUNTS))
            total[key] = tuple(a + b for a, b in zip(old, values, strict=True))
    return total


# --- shape ---------------------------------------------------------------------------------


def test_a_card_has_exactly_the_contract_keys(capsys: pytest.CaptureFixture[str],
                                              filled: Path, tmp_path: Path) -> None:
    card = make_card(capsys, filled, tmp_path / "card.json")
    assert list(card) == CARD_KEYS
    assert (card["format"], card["version"], card["by"]) == ("worthwhile-card", 1, "week")
    assert card["app_version"]
    assert datetime.fromisoformat(card["created_at"].replace("Z", "+00:00")).tzinfo is not None
    assert card["tools"]
    assert card["labels"]
    assert all(list(row) == list(ROW_KEYS) for row in card["tools"])
    assert all(list(row) == LABEL_ROW_KEYS for row in card["labels"])
    # Display names, a generic row's own tool, "Other" for generic rows without one; the
    # generic "ChatGPT" rows join ChatGPT's.
    assert {row["tool"] for row in card["tools"]} == {
        "ChatGPT", "Claude Code", "Codex", "Perplexity", "Other"}
    assert "(no label)" in {row["label"] for row in card["labels"]}
    # Periods are Mondays; no row without a use; rows sorted by period.
    periods = [row["period"] for row in card["tools"]]
    assert periods == sorted(periods)
    assert all(date.fromisoformat(p).weekday() == 0 for p in periods)
    assert all(row["uses"] > 0 for row in card["tools"] + card["labels"])
    # from / to: the first and last day of the data.
    _code, out, _ = run(capsys, "--db", str(filled), "sessions", "--json")
    days = sorted(datetime.fromisoformat(s["started_at"].replace("Z", "+00:00")).astimezone()
                  .date().isoformat() for s in json.loads(out))
    assert (card["from"], card["to"]) == (days[0], days[-1])


def test_from_and_to_default_to_the_first_and_last_day_of_the_data(
        capsys: pytest.CaptureFixture[str], db: Database, add_session: AddSession,
        tmp_path: Path, db_path: Path) -> None:
    add_session("chatgpt", "2026-03-04T12:00:00Z")
    add_session("codex", "2026-04-16T12:00:00Z")
    card = make_card(capsys, db_path, tmp_path / "card.json")
    assert (card["from"], card["to"]) == ("2026-03-04", "2026-04-16")
    only = make_card(capsys, db_path, tmp_path / "codex.json", "--source", "codex")
    assert (only["from"], only["to"]) == ("2026-04-16", "2026-04-16")
    given = make_card(capsys, db_path, tmp_path / "given.json", "--from", "2026-01-01",
                      "--to", "2026-12-31", "--by", "month")
    assert (given["from"], given["to"], given["by"]) == ("2026-01-01", "2026-12-31", "month")
    assert [row["period"] for row in given["tools"]] == ["2026-03-01", "2026-04-01"]


def test_the_file_is_private_and_written_whole(capsys: pytest.CaptureFixture[str],
                                               filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.json"
    out.write_text("an older card", encoding="utf-8")
    make_card(capsys, filled, out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.json", "data"]  # no leftovers
    # One row per line: a person can read it.
    text = out.read_text(encoding="utf-8")
    card = json.loads(text)
    assert text.count("\n") == 14 + len(card["tools"]) + len(card["labels"])


# --- counts equal stats --json -------------------------------------------------------------


@pytest.mark.parametrize("by", ["week", "month"])
@pytest.mark.parametrize("sources", [(), ("chatgpt",), ("generic",), ("chatgpt", "generic")])
def test_the_counts_equal_stats_json(capsys: pytest.CaptureFixture[str], filled: Path,
                                     tmp_path: Path, by: str, sources: tuple[str, ...]) -> None:
    args = ["--by", by]
    for source in sources:
        args += ["--source", source]
    card = make_card(capsys, filled, tmp_path / "card.json", *args)
    for kind, group in (("tools", "tool"), ("labels", "label")):
        if sources:
            expected = add_rows(*(stats_rows(capsys, filled, group, "--by", by,
                                             "--source", s) for s in sources))
        else:
            expected = stats_rows(capsys, filled, group, "--by", by)
        assert card_rows(card, kind) == expected
        assert expected  # the comparison compares something


def test_the_counts_equal_stats_json_over_a_range(capsys: pytest.CaptureFixture[str],
                                                  filled: Path, tmp_path: Path) -> None:
    # A range that cuts weeks and months in the middle.
    span = ("--from", "2026-03-11", "--to", "2026-04-14")
    for by in ("week", "month"):
        card = make_card(capsys, filled, tmp_path / f"{by}.json", "--by", by, *span)
        assert (card["from"], card["to"]) == ("2026-03-11", "2026-04-14")
        assert card_rows(card, "tools") == stats_rows(capsys, filled, "tool", "--by", by, *span)
        assert card_rows(card, "labels") == stats_rows(capsys, filled, "label", "--by", by,
                                                       *span)


@contextmanager
def _in_auckland() -> Iterator[None]:
    """The process's local time zone is Auckland's (UTC+13 in March) inside the block."""
    original = os.environ.get("TZ")
    os.environ["TZ"] = "Pacific/Auckland"
    time.tzset()
    try:
        yield
    finally:
        if original is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = original
        time.tzset()


def test_periods_and_days_are_local_as_in_stats(capsys: pytest.CaptureFixture[str],
                                                filled: Path, tmp_path: Path,
                                                add_session: AddSession) -> None:
    # Sunday 12:30 in UTC, Monday 01:30 in Auckland: another week.
    add_session("codex", "2026-03-08T12:30:00Z", verdict="useful")
    utc = make_card(capsys, filled, tmp_path / "utc.json", "--from", "2026-03-03")
    with _in_auckland():
        local = make_card(capsys, filled, tmp_path / "local.json", "--from", "2026-03-03")
        assert card_rows(local, "tools") == stats_rows(capsys, filled, "tool", "--from",
                                                       "2026-03-03")
        assert card_rows(local, "labels") == stats_rows(capsys, filled, "label", "--from",
                                                        "2026-03-03")
    # A session late in the UTC day falls on the next local day, in the next week.
    assert card_rows(utc, "tools")[("2026-03-02", "Codex")][:2] == (1, 1)
    assert ("2026-03-02", "Codex") not in card_rows(local, "tools")
    assert card_rows(local, "tools")[("2026-03-09", "Codex")][0] == card_rows(
        utc, "tools")[("2026-03-09", "Codex")][0] + 1


def test_label_rows_may_sum_to_more_than_uses(capsys: pytest.CaptureFixture[str],
                                              filled: Path, tmp_path: Path) -> None:
    card = make_card(capsys, filled, tmp_path / "card.json")
    uses = sum(row["uses"] for row in card["tools"])
    labelled = sum(row["uses"] for row in card["labels"])
    assert labelled > uses  # a session with two labels counts under both


def test_partial_periods_are_in_the_card_with_their_counts_so_far(
        capsys: pytest.CaptureFixture[str], db: Database, add_session: AddSession,
        tmp_path: Path, db_path: Path) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    add_session("chatgpt", utc_iso(now - timedelta(days=40)), verdict="useful")
    add_session("chatgpt", utc_iso(now - timedelta(minutes=1)), verdict="useful", minutes=5)
    card = make_card(capsys, db_path, tmp_path / "card.json")
    _code, out, _ = run(capsys, "--db", str(db_path), "stats", "--json", "--group", "tool")
    periods = json.loads(out)["periods"]
    current = periods[-1]
    assert current["partial"] is True
    assert current["uses"] == 1
    # The card keeps the contract's shape (no "partial"): its "to" says how far it counts.
    assert list(card) == CARD_KEYS
    assert all("partial" not in row for row in card["tools"] + card["labels"])
    today = datetime.fromisoformat(utc_iso(now - timedelta(minutes=1)).replace(  # type: ignore[union-attr]
        "Z", "+00:00")).astimezone().date()
    assert card["to"] == today.isoformat()
    assert card["tools"][-1]["period"] == current["start"]
    assert card_rows(card, "tools") == stats_rows(capsys, db_path, "tool")


# --- the card id ---------------------------------------------------------------------------


def test_the_card_id_is_made_once_per_database(capsys: pytest.CaptureFixture[str],
                                               filled: Path, tmp_path: Path,
                                               add_session: AddSession) -> None:
    first = make_card(capsys, filled, tmp_path / "one.json")
    add_session("codex", "2026-05-20T10:00:00Z")
    again = make_card(capsys, filled, tmp_path / "two.json", "--by", "month", "--no-labels")
    assert again["card_id"] == first["card_id"]
    assert len(first["card_id"]) == 32
    assert int(first["card_id"], 16) >= 0
    other = tmp_path / "other" / "worthwhile.db"
    other_db = open_db(other)
    try:
        other_id = card_id(other_db)
    finally:
        other_db.close()
    assert other_id != first["card_id"]


def test_a_lost_card_id_is_made_again_and_kept(db: Database, db_path: Path) -> None:
    made = card_id(db)
    assert made == card_id(db)
    with db.atomic():
        db.execute("DELETE FROM meta")
    remade = count_card(db).card_id
    assert remade != made
    assert remade == card_id(db)
    db.close()
    again = open_db(db_path)
    try:
        assert card_id(again) == remade  # kept, not lost with the read snapshot
    finally:
        again.close()


# --- options -------------------------------------------------------------------------------


def test_no_labels_leaves_the_label_rows_out(capsys: pytest.CaptureFixture[str],
                                             filled: Path, tmp_path: Path) -> None:
    full = make_card(capsys, filled, tmp_path / "full.json")
    bare = make_card(capsys, filled, tmp_path / "bare.json", "--no-labels")
    assert bare["labels"] == []
    assert bare["tools"] == full["tools"]
    assert list(bare) == CARD_KEYS


def test_the_preview_counts_per_tool_make_the_same_card(filled: Path) -> None:
    db = open_db(filled)
    try:
        whole = count_card(db).card()
        per_tool = count_card(db, per_tool=True)
        assert per_tool.card(created_at=datetime.now(UTC)).to_json() | {
            "created_at": None} == whole.to_json() | {"created_at": None}
        # Leaving tools out leaves their sessions out of the label rows too: the same card as
        # one of only the other sources.
        dropped = per_tool.card(drop_tools={"Codex", "Claude Code"})
        kept = count_card(db, sources=("chatgpt", "generic")).card()
        assert dropped.tools == kept.tools
        assert dropped.labels == kept.labels
        assert (dropped.date_from, dropped.date_to) == (kept.date_from, kept.date_to)
    finally:
        db.close()


def test_leaving_labels_and_weeks_out(filled: Path) -> None:
    db = open_db(filled)
    try:
        counts = count_card(db, per_tool=True)
        whole = counts.card()
        periods = counts.periods
        assert len(periods) == 10
        card = counts.card(drop_labels={"research", "(no label)"},
                           drop_periods={periods[0], periods[1], periods[5], periods[-1]})
    finally:
        db.close()
    assert {row.name for row in card.labels} == {"coding", "writing"}
    left = {row.period for row in card.tools} | {row.period for row in card.labels}
    assert left == set(periods) - {periods[0], periods[1], periods[5], periods[-1]}
    # from / to move past the weeks left out at either end, not past the one in the middle.
    assert card.date_from == periods[2]
    assert card.date_to == periods[-1] - timedelta(days=1)
    assert whole.date_from is not None
    assert whole.date_from < periods[1]
    unchanged = [r for r in whole.tools if r.period == periods[3]]
    assert [r for r in card.tools if r.period == periods[3]] == unchanged


# --- errors and exit codes -----------------------------------------------------------------


def test_problems_exit_1_with_a_message_and_write_nothing(
        capsys: pytest.CaptureFixture[str], filled: Path, tmp_path: Path) -> None:
    out = tmp_path / "card.json"
    missing = tmp_path / "nowhere" / "worthwhile.db"
    code, _, err = run(capsys, "--db", str(missing), "summary", "--out", str(out))
    assert code == 1
    assert "No database" in err
    assert "import" in err
    assert not missing.exists()
    code, _, err = run(capsys, "--db", str(filled), "summary", "--out", str(out),
                       "--from", "2030-01-01")
    assert code == 1
    assert "No sessions to summarise with those filters" in err
    code, _, err = run(capsys, "--db", str(filled), "summary", "--out", str(out),
                       "--from", "2026-05-01", "--to", "2026-04-01")
    assert code == 1
    assert "after the end date" in err
    code, _, err = run(capsys, "--db", str(filled), "summary", "--out",
                       str(tmp_path / "no-folder" / "card.json"))
    assert code == 1
    assert "Cannot write" in err
    code, _, err = run(capsys, "--db", str(filled), "summary", "--out", str(filled))
    assert code == 1
    assert "the database itself" in err
    code, _, err = run(capsys, "--db", str(filled), "summary", "--out", str(tmp_path))
    assert code == 1
    assert "is a folder" in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_an_empty_range_given_in_full_is_an_empty_card(capsys: pytest.CaptureFixture[str],
                                                       filled: Path, tmp_path: Path) -> None:
    card = make_card(capsys, filled, tmp_path / "card.json", "--from", "2030-01-01",
                     "--to", "2030-01-31")
    assert (card["from"], card["to"], card["tools"], card["labels"]) == (
        "2030-01-01", "2030-01-31", [], [])


@pytest.mark.parametrize("args", [
    ["summary"],
    ["summary", "--out", "x.json", "--by", "day"],
    ["summary", "--out", "x.json", "--source", "nonesuch"],
    ["summary", "--out", "x.json", "--from", "yesterday"],
])
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], filled: Path,
                             args: list[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(filled), *args])
    assert exit_info.value.code == 2
    capsys.readouterr()


def test_the_card_file_is_never_group_or_world_readable_even_with_a_loose_umask(
        capsys: pytest.CaptureFixture[str], filled: Path, tmp_path: Path) -> None:
    old = os.umask(0o000)
    try:
        make_card(capsys, filled, tmp_path / "card.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "card.json").stat().st_mode) == 0o600


def test_a_written_card_reads_back_as_the_same_card(capsys: pytest.CaptureFixture[str],
                                                    filled: Path, tmp_path: Path) -> None:
    """What `summary` writes is what `team` reads: one card model for both ends."""
    target = tmp_path / "card.json"
    written = make_card(capsys, filled, target)
    read = read_card(target)
    assert read.to_json() == written
    assert read.card_id == written["card_id"]
    assert sum(row.uses for row in read.tools) == sum(row["uses"] for row in written["tools"])
