"""Privacy, proven: a summary card holds counts and nothing a person wrote or a tool recorded.

Histories holding distinctive secrets in titles, message text, paths, projects, models and ids
are imported, some sessions are rated with secret notes and reasons, and cards are written in
every way the command line and the app make them: none of the secrets, session ids or external
ids appears in the card's bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.cli import main
from desktop_app.sharing.summary import count_card, write_card
from desktop_app.store import open_db
from tests.builders import gpt_conversation, gpt_message, write_json, write_jsonl

#: Every secret planted in the histories and ratings (each distinctive: found nowhere else).
TITLE = "Zanzibar merger plan TITLESECRET"
TEXT = "the launch code is PLUTONIUM-TEXTSECRET-4471"
ANSWER = "noted, MARMALADE-ANSWERSECRET"
PATH = "/home/quentinsecretuser/clients/acme-PATHSECRET"
FILE = "/home/quentinsecretuser/clients/acme-PATHSECRET/payroll_FILESECRET.py"
MODEL_A = "gpt-secretmodel-MODELSECRET-a"
MODEL_B = "claude-secretmodel-MODELSECRET-b"
MODEL_C = "sonar-secretmodel-MODELSECRET-c"
NOTE = "talked to Dr. Orlova about the NOTESECRET diagnosis"
REASON = "it leaked the REASONSECRET salary table"
EXTERNAL_GPT = "gptconv-EXTSECRET-0001"
EXTERNAL_CC = "7e3f9a51-5ec2-4e7b-9b1d-EXTSECRET000"
EXTERNAL_CSV = "csvsession-EXTSECRET-77"
SECRETS = [TITLE, TEXT, ANSWER, PATH, FILE, MODEL_A, MODEL_B, MODEL_C, NOTE,
           REASON, EXTERNAL_GPT, EXTERNAL_CC, EXTERNAL_CSV]
#: Pieces of them that must not leak either (a name, a word of a title, a file name).
FRAGMENTS = ["SECRET", "quentinsecretuser", "Zanzibar", "PLUTONIUM", "MARMALADE", "Orlova",
             "payroll", "acme", "MODELSECRET"]


def write_histories(folder: Path) -> list[Path]:
    """A ChatGPT export, a Claude Code project and a generic CSV, full of secrets."""
    start = 1_772_441_000.0  # early March 2026
    chats = [gpt_conversation(
        EXTERNAL_GPT if i == 0 else f"gptconv-{i:04d}",
        [gpt_message(f"u{i}", "user", f"{TEXT} {i}", start + 86_400 * 3 * i),
         gpt_message(f"a{i}", "assistant", ANSWER, start + 86_400 * 3 * i + 5, model=MODEL_A)],
        title=f"{TITLE} {i}", start=start + 86_400 * 3 * i) for i in range(6)]
    gpt = write_json(folder / "chatgpt" / "conversations.json", chats)

    def cc(kind: str, uuid: str, ts: str, content: Any) -> dict[str, Any]:
        record: dict[str, Any] = {
            "type": kind, "uuid": uuid, "parentUuid": None, "isSidechain": False,
            "userType": "external", "cwd": PATH, "sessionId": EXTERNAL_CC, "version": "2.1.38",
            "timestamp": ts, "gitBranch": "feature/PATHSECRET-branch"}
        if kind == "user":
            record["message"] = {"role": "user", "content": content}
        else:
            record["requestId"] = f"req-{uuid}"
            record["message"] = {"id": f"msg-{uuid}", "type": "message", "role": "assistant",
                                 "model": MODEL_B, "content": content,
                                 "usage": {"input_tokens": 10, "output_tokens": 20}}
        return record

    project = folder / "claude" / "projects" / PATH.replace("/", "-")
    cc_file = write_jsonl(project / f"{EXTERNAL_CC}.jsonl", [
        cc("user", "u1", "2026-03-05T09:00:00.000Z", f"Read {FILE} and {TEXT}"),
        cc("assistant", "a1", "2026-03-05T09:00:05.000Z",
           [{"type": "tool_use", "id": "t1", "name": "Read", "input": {"file_path": FILE}}]),
        cc("user", "u2", "2026-03-05T09:00:06.000Z",
           [{"type": "tool_result", "tool_use_id": "t1", "content": ANSWER}]),
        cc("assistant", "a2", "2026-03-05T09:00:09.000Z", [{"type": "text", "text": ANSWER}]),
        {"type": "summary", "summary": TITLE, "leafUuid": "a2"},
    ])
    rows = ["session_id,time,role,text,title,tool,model"]
    for i in range(4):
        sid = EXTERNAL_CSV if i == 0 else f"csv-{i}"
        rows.append(f'{sid},2026-03-{10 + i:02d}T10:00:00Z,user,"{TEXT}","{TITLE}",Perplexity,')
        rows.append(f'{sid},2026-03-{10 + i:02d}T10:00:30Z,assistant,"{ANSWER}",,,{MODEL_C}')
    csv_file = folder / "generic" / "chats.csv"
    csv_file.parent.mkdir(parents=True)
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return [gpt, cc_file.parent.parent.parent, csv_file]


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_a_card_holds_no_secret_and_no_id(capsys: pytest.CaptureFixture[str], db_path: Path,
                                          tmp_path: Path) -> None:
    db = ["--db", str(db_path)]
    report = json.loads(cli(capsys, *db, "import", *map(str, write_histories(tmp_path / "in")),
                            "--json"))
    assert [f["error"] for f in report["files"]] == [None, None, None]
    sessions = json.loads(cli(capsys, *db, "sessions", "--json"))
    assert len(sessions) == 11
    # The secrets really are in the database: the test could fail.
    stored = json.dumps(sessions)
    for planted in (TITLE, PATH, MODEL_A, MODEL_B, MODEL_C, EXTERNAL_GPT,
                    EXTERNAL_CC, EXTERNAL_CSV):
        assert planted in stored, planted
    assert TEXT in cli(capsys, *db, "show", sessions[0]["id"], "--json")
    for n, session in enumerate(sessions):
        if n % 3 == 0:
            cli(capsys, *db, "rate", session["id"], "not-useful", "--reason", REASON,
                "--note", NOTE, "--minutes", "-5", "--label", "coding")
        elif n % 3 == 1:
            cli(capsys, *db, "rate", session["id"], "useful", "--note", NOTE, "--minutes",
                "20", "--label", "research", "--label", "writing")
    rated = json.loads(cli(capsys, *db, "sessions", "--json"))
    assert any(s["note"] == NOTE for s in rated)
    assert any(s["reason"] == REASON for s in rated)

    cards = []
    for name, args in [("week", []), ("month", ["--by", "month"]),
                       ("bare", ["--no-labels"]), ("some", ["--source", "claude-code",
                                                            "--source", "generic"]),
                       ("range", ["--from", "2026-03-04", "--to", "2026-03-12"])]:
        target = tmp_path / f"{name}.json"
        cli(capsys, *db, "summary", "--out", str(target), *args)
        cards.append(target.read_bytes())
    # The card the app's preview makes, with nothing left out.
    store = open_db(db_path)
    try:
        preview = count_card(store, per_tool=True).card()
        write_card(store, tmp_path / "preview.json", preview)
    finally:
        store.close()
    cards.append((tmp_path / "preview.json").read_bytes())

    forbidden = [*SECRETS, *FRAGMENTS]
    forbidden += [s["id"] for s in sessions] + [s["external_id"] for s in sessions]
    forbidden += [s["model"] for s in sessions if s["model"]]
    forbidden += [s["project"] for s in sessions if s["project"]]
    forbidden += [s["title"] for s in sessions]
    forbidden += [str(db_path), db_path.name, str(tmp_path)]
    for data in cards:
        text = data.decode("utf-8")
        lowered = text.lower()
        for secret in forbidden:
            assert secret.lower() not in lowered, f"{secret!r} is in a card"
        card = json.loads(text)
        assert card["tools"]  # counts are there
        assert {row["tool"] for row in card["tools"]} <= {"ChatGPT", "Claude Code", "Perplexity"}
        assert {row["label"] for row in card["labels"]} <= {"coding", "research", "writing",
                                                             "(no label)"}
    week = json.loads(cards[0])
    assert sum(row["uses"] for row in week["tools"]) == 11
    assert sum(row["rated"] for row in week["tools"]) == 8
