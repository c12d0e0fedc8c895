"""The transcript pane: a session's facts and its visible thread, rendered locally only."""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QUrl, Slot
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from desktop_app.domain import Message, SessionRow
from desktop_app.importers.registry import display_name
from desktop_app.ui import formatting
from desktop_app.ui.presentation import HIDDEN, masked_title
from desktop_app.ui.theme import colors

#: Messages rendered at once; the rest follow on "Show all" so a huge session opens quickly.
FIRST_CHUNK = 400
_FENCE = re.compile(r"```([\w+#.-]*)[^\n]*\n(.*?)(?:```|\Z)", re.DOTALL)
_SHOW_ALL = "worthwhile:show-all"
#: Said instead of the text of a session an import rule keeps without text.
NO_TEXT = "Kept without text by an import rule"


_INLINE = re.compile(r"`([^`\n]+)`|\*\*([^*\n]+)\*\*")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def search_pattern(search: str | None) -> re.Pattern[str] | None:
    """A case-insensitive pattern for the words of a search, to highlight them."""
    if not search:
        return None
    words = [w for w in re.findall(r"\w[\w'-]*", search) if w.upper() not in ("AND", "OR", "NOT")]
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)),
                      re.IGNORECASE)


#: Shown for a session whose messages are not stored (restored from an export without them).
MESSAGES_NOT_HERE = ("Its messages are not in this database: the session was restored from an "
                     "export without transcripts. Import the tool's own history files to add "
                     "them; your rating stays.")

class _Highlighter:
    """Escapes text and marks search hits; the first hit gets an anchor to scroll to."""

    def __init__(self, pattern: re.Pattern[str] | None) -> None:
        self.pattern = pattern
        self.hits = 0

    def escape(self, text: str) -> str:
        if self.pattern is None:
            return html.escape(text)
        out: list[str] = []
        pos = 0
        for match in self.pattern.finditer(text):
            out.append(html.escape(text[pos:match.start()]))
            anchor = '<a name="first-hit"></a>' if self.hits == 0 else ""
            out.append(f'{anchor}<span style="background-color:#ffe066; color:#000000;">'
                       f"{html.escape(match.group(0))}</span>")
            self.hits += 1
            pos = match.end()
        out.append(html.escape(text[pos:]))
        return "".join(out)

    def inline(self, text: str) -> str:
        """Escaped prose with `code` and **bold**, line breaks kept, # headings bold."""
        lines = []
        for line in text.split("\n"):
            heading = _HEADING.match(line)
            if heading:
                lines.append(f"<b>{self._inline_line(heading.group(2))}</b>")
            else:
                lines.append(self._inline_line(line))
        return "<br>".join(lines)

    def _inline_line(self, line: str) -> str:
        out: list[str] = []
        pos = 0
        for match in _INLINE.finditer(line):
            out.append(self.escape(line[pos:match.start()]))
            if match.group(1) is not None:
                out.append(f'<code style="font-family:monospace;">{self.escape(match.group(1))}'
                           "</code>")
            else:
                out.append(f"<b>{self.escape(match.group(2))}</b>")
            pos = match.end()
        out.append(self.escape(line[pos:]))
        return "".join(out)


def message_body_html(text: str, marker: _Highlighter | None = None) -> str:
    """A message as HTML: everything escaped (its own HTML never runs), light markdown applied."""
    marker = marker or _Highlighter(None)
    c = colors()
    out: list[str] = []
    pos = 0
    for match in _FENCE.finditer(text):
        before = text[pos:match.start()].strip("\n")
        if before:
            out.append(f"<p>{marker.inline(before)}</p>")
        code = match.group(2).rstrip("\n")
        out.append(
            f'<pre style="background-color:{c.code_bg}; white-space:pre-wrap; '
            f'font-family:monospace; padding:6px;">{marker.escape(code)}</pre>'
        )
        pos = match.end()
    rest = text[pos:].strip("\n")
    if rest:
        out.append(f"<p>{marker.inline(rest)}</p>")
    return "".join(out) or f'<p style="color:{c.muted};"><i>(empty)</i></p>'


class TranscriptView(QTextBrowser):
    """Read-only transcript. Never fetches anything: links and images are not loaded."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcriptView")
        self.setAccessibleName("Transcript")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_anchor_clicked)
        self._session: SessionRow | None = None
        self._messages: list[Message] = []
        self._pattern: re.Pattern[str] | None = None
        self._header = True
        self._extras: tuple[int, str | None] = (0, None)
        #: Presentation mode: the title, project and every message's text are stand-ins.
        self._masked = False
        self.show_placeholder()

    def loadResource(self, type: int, name: QUrl | str) -> object:
        """Refuse every resource: no remote (or local) image, font or stylesheet is loaded."""
        return None

    def show_placeholder(self, text: str = "Select a session to read its transcript.") -> None:
        """Show a hint instead of a transcript."""
        self._session = None
        self._messages = []
        self.setHtml(f'<p style="color:{colors().muted};">{html.escape(text)}</p>')

    def show_session(self, session: SessionRow, messages: list[Message],
                     search: str | None = None, header: bool = True,
                     extras: tuple[int, str | None] = (0, None)) -> None:
        """Render one session's facts and transcript; words of ``search`` are highlighted.

        ``extras`` is (hidden branches, the tool's own thumbs) as the import recorded them.
        """
        self._header = header
        self._extras = extras
        self._session = session
        self._messages = messages
        self._pattern = search_pattern(search)
        self._render(limit=FIRST_CHUNK)

    def set_masked(self, masked: bool) -> None:
        """Presentation mode on or off: the session shown is rendered again."""
        if masked == self._masked:
            return
        self._masked = masked
        if self._session is not None:
            self._render(limit=FIRST_CHUNK)

    def _header_html(self, session: SessionRow, extras: tuple[int, str | None]) -> list[str]:
        c = colors()
        masked = self._masked
        title = masked_title(session) if masked else session.title or "(untitled)"
        parts = [f"<h2>{html.escape(title)}</h2>"]
        project = HIDDEN if masked and session.project else session.project or ""
        first = [display_name(session.tool_key), session.model or "", project]
        when = formatting.local_time(session.started_at)
        if session.ended_at is not None and session.started_at is not None:
            same_day = (session.started_at.astimezone().date()
                        == session.ended_at.astimezone().date())
            end = formatting.local_time(session.ended_at, with_date=not same_day)
            when = f"{when} – {end} ({formatting.duration(session.duration_seconds)})"
        second = [when, f"{session.messages} messages, {session.user_messages} from you"]
        if session.tokens_in is not None or session.tokens_out is not None:
            second.append(f"{formatting.tokens(session.tokens_in or 0)} tokens in, "
                          f"{formatting.tokens(session.tokens_out or 0)} out")
        if session.cost is not None:
            second.append(f"cost ${session.cost:,.2f}")
        branches, thumbs = extras
        third = []
        if thumbs:
            word = {"up": "thumbs up", "down": "thumbs down", "mixed": "thumbs up and down"}
            third.append(f"the tool's own feedback: {word.get(thumbs, thumbs)} "
                         "(not your verdict)")
        if branches:
            third.append(f"{branches} regenerated or edited "
                         f"{'branch' if branches == 1 else 'branches'} not shown")
        for line in (first, second, third):
            text = " · ".join(html.escape(f) for f in line if f)
            if text:
                parts.append(f'<p style="color:{c.muted}; margin:0;">{text}</p>')
        return parts

    def _render(self, limit: int | None) -> None:
        session = self._session
        if session is None:
            return
        c = colors()
        parts: list[str] = []
        if self._header:
            parts.extend(self._header_html(session, self._extras))
        if session.no_text:
            parts.append(f'<p style="color:{c.muted};"><i>{NO_TEXT}: its times, counts, model, '
                         "tokens and project are kept, its title and messages are not "
                         "(Edit → Import Rules…).</i></p>")
        role_colors = {"user": c.user, "assistant": c.assistant, "tool": c.tool,
                       "system": c.system}
        shown = self._messages if limit is None else self._messages[:limit]
        # Masked text is never searched: a highlight would tell where a word is.
        marker = _Highlighter(None if self._masked else self._pattern)
        for message in shown:
            color = role_colors.get(message.role, c.system)
            name = {"user": "You"}.get(message.role, message.role.capitalize())
            when = formatting.local_time(message.time, with_date=False)
            model = f" · {message.model}" if message.model and message.role == "assistant" else ""
            parts.append(
                f'<p style="margin-top:14px; margin-bottom:2px;"><b style="color:{color};">'
                f"{html.escape(name)}</b>"
                f'<span style="color:{c.muted};"> {html.escape(when + model)}</span></p>'
            )
            if session.no_text:
                parts.append(f'<p style="color:{c.muted};"><i>(no text kept)</i></p>')
            elif self._masked:
                parts.append(f'<p style="color:{c.muted};"><i>{html.escape(HIDDEN)}</i></p>')
            elif message.text.strip():
                parts.append(message_body_html(message.text, marker))
            else:  # e.g. a Claude.ai export that blanked it: the message was still there
                parts.append(f'<p style="color:{c.muted};"><i>No text in the history file.'
                             "</i></p>")
        hidden = len(self._messages) - len(shown)
        if hidden > 0:
            parts.append(f'<p><a href="{_SHOW_ALL}">Show the other {hidden:,} messages</a></p>')
        if not self._messages and session.messages:
            # Restored from an export written without transcripts: counts, but no text here.
            parts.append(f'<p style="color:{c.muted};"><i>{MESSAGES_NOT_HERE}</i></p>')
        elif not self._messages:
            parts.append(f'<p style="color:{c.muted};"><i>No messages recorded.</i></p>')
        self.setHtml("".join(parts))
        if marker.hits:
            self.scrollToAnchor("first-hit")

    @Slot(QUrl)
    def _on_anchor_clicked(self, url: QUrl) -> None:
        # Only our own "show all" link exists: message text is escaped, so it has no anchors.
        if url.toString() == _SHOW_ALL:
            self._render(limit=None)

    def plain_text(self) -> str:
        """What the pane shows, as plain text (for tests and copy)."""
        doc: QTextDocument = self.document()
        return doc.toPlainText()
