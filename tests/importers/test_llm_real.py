"""The real ``llm`` CLI writes the logs.db; every prompt in it comes out as a user entry.

llm (0.32 and later: threads, turns, messages and parts) runs with llm-echo's offline ``echo``
model in a subprocess: ``LLM_USER_PATH`` in a temporary folder, only the llm-echo plugin
loaded, and an audit hook that stops the process at any network call. One subprocess runs every
``llm`` command of this module (the click command the ``llm`` script runs), which keeps it fast.

``tests/data/llm/logs-0.31.1.db.gz`` was written by llm 0.31.1 with llm-echo 0.4 (the old
``responses`` schema), by::

    llm -m echo -s 'Answer in one line.' 'What is a ULID?'
    llm -m echo -c 'And a UUIDv7?'
    llm -m echo -f notes.txt --sf rules.txt 'Summarise these notes'
    llm -m echo -a dot.png 'Describe this image'
    llm -m echo --functions 'def example(input: str) -> str: ...' \\
        '{"prompt": "Call the example tool", "tool_calls": [{"name": "example", ...}]}'

and the installed llm continues its first conversation with ``-c --cid``, upgrading it.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from sqlite_utils import Database

from desktop_app.cli import main
from desktop_app.demo.exports import sessions_for
from desktop_app.importers import llm
from desktop_app.ingest import import_paths
from desktop_app.store import list_sessions

pytestmark = pytest.mark.skipif(
    find_spec("llm") is None or find_spec("llm_echo") is None,
    reason="needs the llm CLI and llm-echo (the test extras: pip install -e '.[test]')")

DATA = Path(__file__).parents[1] / "data" / "llm"
#: A 1×1 PNG (llm-echo takes image attachments).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63606060f80f0001040100d8f5e2"
    "c40000000049454e44ae426082")
TOOL = 'def example(input: str) -> str:\n    return f"Example output for {input}"\n'
TOOL_PROMPT = json.dumps({"prompt": "Call the example tool",
                          "tool_calls": [{"name": "example", "arguments": {"input": "hello"}}]})

#: Runs ``llm`` commands (and LogStore.verify()) in one process that may not use the network.
RUNNER = r"""
import contextlib, io, json, os, sqlite3, sys

connect = sqlite3.connect

def unsynced(*args, **kwargs):
    # The same file, not flushed to disk: llm's migrations commit some 500 times.
    conn = connect(*args, **kwargs)
    conn.execute("PRAGMA synchronous = OFF")
    return conn

sqlite3.connect = unsynced

def no_network(event, args):
    if event in ("socket.connect", "socket.getaddrinfo", "socket.bind", "urllib.Request"):
        raise RuntimeError(f"llm used the network: {event} {args!r}")

sys.addaudithook(no_network)

import sqlite_utils
from llm.cli import cli
from llm.logs import LogStore
from llm.plugins import load_plugins, pm

load_plugins()
# Its ~120 option classes are built again on every command; echo is the model used here.
pm.unregister(name="llm.default_plugins.openai_models")

outputs = []
for folder, argv in json.loads(sys.argv[1]):
    os.environ["LLM_USER_PATH"] = folder
    if argv == ["verify"]:
        store = LogStore(sqlite_utils.Database(os.path.join(folder, "logs.db")))
        outputs.append(json.dumps(store.verify()))
        continue
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main(argv, prog_name="llm", standalone_mode=False)
    outputs.append(out.getvalue())
print(json.dumps(outputs))
"""


def run_llm(commands: list[tuple[Path, list[str]]], cwd: Path) -> list[str]:
    """Run ``llm`` commands (each in its ``LLM_USER_PATH``) offline; return what each printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_", "OPENAI_"))}
    env.update(LLM_LOAD_PLUGINS="llm-echo", HOME=str(cwd))
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps([(str(f), argv) for f, argv in commands])],
        cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    outputs: list[str] = json.loads(done.stdout.splitlines()[-1])
    return outputs


@dataclass
class Written:
    fresh: Path  # a logs.db begun with the installed llm
    upgraded: Path  # the llm 0.31.1 database, continued with the installed llm
    demo: Path  # the writer's database
    demo_verified: list[str]  # what llm's LogStore.verify() found broken in it
    logs: dict[Path, list[dict[str, Any]]]  # `llm logs --json` of each database
    thinking: bool  # llm-echo can emit reasoning (0.5+)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Written:
    work = tmp_path_factory.mktemp("llm-real")
    (work / "notes.txt").write_text("Notes: the build takes 9 minutes.\n", encoding="utf-8")
    (work / "rules.txt").write_text("Always answer in English.\n", encoding="utf-8")
    (work / "dot.png").write_bytes(PNG)
    fresh, upgraded, demo = work / "fresh", work / "upgraded", work / "demo"
    upgraded.mkdir()
    with gzip.open(DATA / "logs-0.31.1.db.gz") as source, \
            (upgraded / "logs.db").open("wb") as target:
        shutil.copyfileobj(source, target)
    with sqlite3.connect(upgraded / "logs.db") as conn:
        [(old_id,)] = conn.execute("SELECT conversation_id FROM responses "
                                   "WHERE prompt = 'What is a ULID?'")
    llm.write_demo(sessions_for("llm", 12), demo / "logs.db")
    thinking = int(metadata.version("llm-echo").split(".")[1]) >= 5
    echo = ["prompt", "-m", "echo"]
    commands: list[tuple[Path, list[str]]] = [
        (fresh, [*echo, "What is a ULID?"]),
        (fresh, [*echo, "-c", "And how does it sort?"]),
        (fresh, [*echo, "-s", "Answer in one line.", "Name three sortable ids."]),
        (fresh, [*echo, "-c", "Which one is shortest?"]),
        (fresh, [*echo, "-f", "notes.txt", "Summarise these notes."]),
        (fresh, [*echo, "--sf", "rules.txt", "Say hello."]),
        (fresh, [*echo, "-a", "dot.png", "Describe this image."]),
        (fresh, [*echo, "--functions", TOOL, TOOL_PROMPT]),
        *([(fresh, [*echo, "-o", "thinking", "1", "Think first."])] if thinking else []),
        (upgraded, [*echo, "-c", "--cid", str(old_id), "Continue the old conversation."]),
        (demo, ["verify"]),
    ]
    logs = [fresh, upgraded, demo]
    outputs = run_llm(commands + [(folder, ["logs", "-n", "0", "--json"]) for folder in logs],
                      work)
    return Written(fresh / "logs.db", upgraded / "logs.db", demo / "logs.db",
                   json.loads(outputs[len(commands) - 1]),
                   {folder / "logs.db": json.loads(out)
                    for folder, out in zip(logs, outputs[len(commands):], strict=True)},
                   thinking)


def show(capsys: pytest.CaptureFixture[str], db_path: Path, session_id: str) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["--db", str(db_path), "show", session_id, "--json"]) == 0
    shown: dict[str, Any] = json.loads(capsys.readouterr().out)
    return shown


def imported(db: Database, db_path: Path, path: Path, capsys: pytest.CaptureFixture[str]
             ) -> dict[str, dict[str, Any]]:
    """Import ``path``; each session as ``show --json`` gives it, by the tool's id."""
    report = import_paths(db, [path])
    entry = report.files[0]
    assert entry.error is None, entry.error
    assert entry.skipped == []
    return {row.external_id: show(capsys, db_path, row.id) for row in list_sessions(db)}


def users(session: dict[str, Any]) -> list[str]:
    return [entry["text"] for entry in session["transcript"] if entry["role"] == "user"]


def test_the_real_cli_writes_the_new_schema(written: Written) -> None:
    with sqlite3.connect(written.fresh) as conn:
        assert conn.execute("SELECT count(*) FROM responses").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM turns").fetchone()[0] >= 9
        kinds = {kind for (kind,) in conn.execute("SELECT type FROM parts")}
    assert {"text", "attachment", "tool_call", "tool_result"} <= kinds


def test_every_prompt_is_a_user_entry(written: Written, db: Database, db_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    sessions = imported(db, db_path, written.fresh, capsys)
    by_first = {users(s)[0].splitlines()[-1]: s for s in sessions.values() if users(s)}
    plain = by_first["What is a ULID?"]
    assert users(plain) == ["What is a ULID?", "And how does it sort?"]
    assert [e["role"] for e in plain["transcript"]] == ["user", "assistant"] * 2
    system = by_first["Name three sortable ids."]
    assert [(e["role"], e["text"]) for e in system["transcript"]][:2] == [
        ("system", "Answer in one line."), ("user", "Name three sortable ids.")]
    assert users(system) == ["Name three sortable ids.", "Which one is shortest?"]
    assert (system["messages"], system["user_messages"]) == (5, 2)  # the system prompt once
    quoted = by_first["Summarise these notes."]  # the fragment resolved, as the model saw it
    assert users(quoted) == ["Notes: the build takes 9 minutes.\n\nSummarise these notes."]
    hello = by_first["Say hello."]
    assert hello["transcript"][0] == {**hello["transcript"][0], "role": "system",
                                      "text": "Always answer in English."}
    image = by_first["[attached file: dot.png]"]
    assert users(image) == ["Describe this image.\n\n[attached file: dot.png]"]
    tool = by_first[TOOL_PROMPT]
    assert [e["role"] for e in tool["transcript"]] == ["user", "assistant", "tool", "assistant"]
    assert tool["transcript"][2]["text"] == (
        '[tool example] {"input": "hello"}\n[result] Example output for hello')
    if written.thinking:
        thought = by_first["Think first."]
        assert thought["transcript"][1]["text"].startswith(
            "[thinking] First I consider the prompt, then I decide what to say.\n\n{")
    # Counts, and what llm itself lists: each conversation of `llm logs` is one session with
    # its prompts, tokens as llm recorded them and the model.
    logs = written.logs[written.fresh]
    assert set(sessions) == {row["conversation_id"] for row in logs}
    assert sum(s["user_messages"] for s in sessions.values()) == 8 + written.thinking
    assert sum(s["messages"] for s in sessions.values()) == 20 + 2 * written.thinking
    for conv, session in sessions.items():
        rows = [row for row in logs if row["conversation_id"] == conv]
        prompts = [row["prompt"] for row in sorted(rows, key=lambda r: r["id"]) if row["prompt"]]
        assert users(session) == [prompt + "\n\n[attached file: dot.png]"
                                  if session is image else prompt for prompt in prompts]
        assert session["tokens_in"] == sum(row["input_tokens"] for row in rows) > 0
        assert session["tokens_out"] == sum(row["output_tokens"] for row in rows) > 0
        assert session["model"] == "echo"


def test_a_continued_old_conversation_is_one_session(written: Written, db: Database,
                                                     db_path: Path,
                                                     capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    with sqlite3.connect(written.upgraded) as conn:  # llm migrated it and logged a turn
        assert conn.execute("SELECT count(*) FROM turns").fetchone() == (1,)
        [(old_id, name)] = conn.execute(
            "SELECT id, name FROM conversations WHERE name = 'What is a ULID?'")
        assert conn.execute("SELECT id FROM threads").fetchall() == [(old_id,)]
    sessions = imported(db, db_path, written.upgraded, capsys)
    continued = sessions[old_id]  # the old id kept: ratings stay attached
    assert continued["title"] == name
    assert [(e["role"], e["text"]) for e in continued["transcript"]
            if e["role"] != "assistant"] == [
        ("system", "Answer in one line."), ("user", "What is a ULID?"),
        ("user", "And a UUIDv7?"), ("user", "Continue the old conversation.")]
    assert (continued["messages"], continued["user_messages"]) == (7, 3)
    summary = next(s for s in sessions.values() if s is not continued and
                   users(s) and users(s)[0].endswith("Summarise these notes"))
    assert users(summary) == ["Fragment file content: the quick brown fox.\n\n"
                              "Summarise these notes"]
    assert summary["transcript"][0]["text"] == "Always answer in English."
    image = next(s for s in sessions.values() if "Describe this image" in users(s)[0])
    assert users(image) == ["Describe this image\n\n[attached file: dot.png]"]
    tool = next(s for s in sessions.values() if "Call the example tool" in users(s)[0])
    assert [e["role"] for e in tool["transcript"]] == ["user", "assistant", "tool", "assistant"]
    assert tool["transcript"][2]["text"] == (
        '[tool example] {"input": "hi"}\n[result] Example output for hi')
    logs = written.logs[written.upgraded]
    assert set(sessions) == {row["conversation_id"] for row in logs}
    assert sum(s["user_messages"] for s in sessions.values()) == \
        sum(1 for row in logs if row["prompt"]) == 6
    assert sum(s["tokens_in"] for s in sessions.values()) == \
        sum(row["input_tokens"] for row in logs)


def test_llm_reads_what_the_writer_writes(written: Written) -> None:
    """The demo writer's database is one llm accepts: its message hashes verify, and
    ``llm logs`` lists every prompt of every session."""
    assert written.demo_verified == []
    logs = written.logs[written.demo]
    sessions = list(sessions_for("llm", 12))
    assert {row["conversation_id"] for row in logs} == {s.external_id for s in sessions}
    logged = {(row["conversation_id"], row["prompt"]) for row in logs if row["prompt"]}
    assert logged == {(s.external_id, m.text) for s in sessions for m in s.messages
                      if m.role == "user"}
