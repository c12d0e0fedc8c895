"""Builders shared by the importer, ingest and demo tests: export writers in each tool's format,
a parser runner and a database dump. (Fixtures live in ``tests/conftest.py``.)"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlite_utils import Database

from desktop_app.domain import Session
from desktop_app.importers.contract import Skipped, SourceSpec

DATA = Path(__file__).resolve().parent / "data"


def dump(db: Database) -> list[str]:
    """Every row of every table as SQL text, to compare a database before and after."""
    return list(db.conn.iterdump())


def parse_bytes(parser: ModuleType | SourceSpec, data: bytes, name: str = "file.json"
                ) -> tuple[list[Session], list[Skipped]]:
    """Run one parser (a source module or its spec) over bytes; return its sessions and what
    it skipped."""
    skipped: list[Skipped] = []
    sessions = list(parser.parse(io.BytesIO(data), name, skipped.append))
    return sessions, skipped


def write_json(path: Path, value: Any) -> Path:
    """Write ``value`` as compact JSON (as the exports are) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, separators=(",", ":")), encoding="utf-8")
    return path


def write_zip(path: Path, members: dict[str, bytes | str | Any]) -> Path:
    """A zip with the given members (bytes and str as they are; anything else as JSON)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in members.items():
            if isinstance(content, bytes):
                zf.writestr(name, content)
            elif isinstance(content, str):
                zf.writestr(name, content.encode())
            else:
                zf.writestr(name, json.dumps(content))
    return path


# --- ChatGPT --------------------------------------------------------------------------------------


def gpt_message(mid: str, role: str, text: str | None, t: float | None, *,
                model: str | None = None, content: dict[str, Any] | None = None,
                recipient: str = "all", name: str | None = None,
                metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """One ChatGPT message object."""
    meta = dict(metadata or {})
    if model:
        meta["model_slug"] = model
    return {
        "id": mid,
        "author": {"role": role, "name": name, "metadata": {}},
        "create_time": t,
        "update_time": None,
        "content": content or {"content_type": "text", "parts": [text or ""]},
        "status": "finished_successfully",
        "weight": 1.0,
        "metadata": meta,
        "recipient": recipient,
    }


def gpt_conversation(cid: str, turns: list[dict[str, Any]], *, title: str | None = "A chat",
                     start: float = 1_737_552_322.0, current: str | None = "last",
                     extra_nodes: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """A linear ChatGPT conversation (root → hidden system → ``turns``), plus extra nodes."""
    mapping: dict[str, dict[str, Any]] = {
        "client-created-root": {"id": "client-created-root", "message": None, "parent": None,
                                "children": ["sys"]},
        "sys": {"id": "sys", "parent": "client-created-root", "children": [],
                "message": gpt_message("sys", "system", "", None)},
    }
    parent = "sys"
    last = "sys"
    for i, message in enumerate(turns):
        node_id = f"n{i}"
        mapping[node_id] = {"id": node_id, "parent": parent, "children": [],
                            "message": message}
        mapping[parent]["children"].append(node_id)
        parent = last = node_id
    for node_id, node in (extra_nodes or {}).items():
        mapping[node_id] = node
        if node.get("parent") in mapping:
            mapping[node["parent"]]["children"].append(node_id)
    return {
        "id": cid,
        "conversation_id": cid,
        "title": title,
        "create_time": start,
        "update_time": start + 600,
        "current_node": last if current == "last" else current,
        "default_model_slug": "gpt-4o",
        "mapping": mapping,
    }


def simple_gpt(cid: str, n_pairs: int = 1, *, start: float = 1_737_552_322.0,
               title: str | None = "A chat", model: str = "gpt-4o") -> dict[str, Any]:
    """A conversation of ``n_pairs`` user/assistant exchanges."""
    turns = []
    for i in range(n_pairs):
        turns.append(gpt_message(f"u{i}", "user", f"question {i} of {cid}", start + 10 * i))
        turns.append(gpt_message(f"a{i}", "assistant", f"answer {i} of {cid}", start + 10 * i + 5,
                                 model=model))
    return gpt_conversation(cid, turns, title=title, start=start)


# --- Claude.ai ------------------------------------------------------------------------------------


def claude_message(uuid: str, sender: str, text: str, created: str, *,
                   parent: str | None = None, content: list[dict[str, Any]] | None = None,
                   attachments: list[dict[str, Any]] | None = None,
                   files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One Claude.ai chat message (``content`` blocks when given, else the flat text only)."""
    message: dict[str, Any] = {
        "uuid": uuid, "sender": sender, "text": text, "created_at": created,
        "updated_at": created, "attachments": attachments or [], "files": files or [],
    }
    if content is not None:
        message["content"] = content
    if parent is not None:
        message["parent_message_uuid"] = parent
    return message


def claude_conversation(uuid: str, messages: list[dict[str, Any]], *, name: str = "A chat",
                        created: str = "2025-07-06T03:10:13.076141Z") -> dict[str, Any]:
    """One Claude.ai conversation."""
    return {
        "uuid": uuid, "name": name, "summary": "", "created_at": created,
        "updated_at": created, "account": {"uuid": "acc-1"}, "chat_messages": messages,
    }


def simple_claude(uuid: str, n_pairs: int = 1, *, day: int = 6) -> dict[str, Any]:
    """A flat-text Claude.ai conversation of ``n_pairs`` exchanges."""
    messages = []
    for i in range(n_pairs):
        messages.append(claude_message(f"{uuid}-h{i}", "human", f"ask {i} in {uuid}",
                                       f"2025-07-{day:02d}T03:{10 + i:02d}:13.609691Z"))
        messages.append(claude_message(f"{uuid}-a{i}", "assistant", f"reply {i} in {uuid}",
                                       f"2025-07-{day:02d}T03:{10 + i:02d}:24.798798+00:00"))
    return claude_conversation(uuid, messages, created=f"2025-07-{day:02d}T03:10:13.076141Z")
