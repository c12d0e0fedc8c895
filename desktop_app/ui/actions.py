"""The window's menus: one table of actions (menu, text, shortcuts, slot), built into QActions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow

from desktop_app.domain import Verdict

#: The views, in navigation order: (key, text); Ctrl+1… switch to them.
VIEWS: tuple[tuple[str, str], ...] = (
    ("sessions", "Sessions"), ("reflect", "Reflect"), ("value", "Value"), ("team", "Team"),
)

FILE, EDIT, RATE, VIEW, HELP = "&File", "&Edit", "&Rate", "&View", "&Help"


@dataclass(frozen=True)
class ActionSpec:
    """One menu entry. ``slot`` names a method of the window (``imports.start`` reaches into an
    attribute), called with ``args``. Undo and redo take their text and state from the undo
    stack, and their slot runs them (in turn after changes still waiting to be saved)."""

    name: str
    menu: str
    text: str
    slot: str = ""
    args: tuple[object, ...] = ()
    shortcuts: tuple[str, ...] = ()
    tip: str = ""
    separator_before: bool = False
    #: Enabled only while sessions are shown (not on the first-run screen).
    needs_sessions: bool = False
    undo_stack: Literal["undo", "redo"] | None = None
    #: An on/off entry: its slot is called with ``args`` and then the new state.
    checkable: bool = False


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("import_files", FILE, "&Import Files…", "imports.choose_files", (), ("Ctrl+O",),
               "Import exports or logs: files or zips"),
    ActionSpec("import_folder", FILE, "Import &Folder…", "imports.choose_folder", (),
               ("Ctrl+Shift+O",), "Import every history file in a folder"),
    ActionSpec("discover", FILE, "Find &Histories on This Computer…", "imports.discover",
               tip="Look where AI tools keep their logs and import them"),
    ActionSpec("export", FILE, "&Export Data…", "data.export_data",
               tip="Write every session and its rating to CSV or JSON", separator_before=True,
               needs_sessions=True),
    ActionSpec("backup", FILE, "&Back Up…", "data.back_up",
               tip="Save a copy of the whole database (safe while Worthwhile runs)",
               needs_sessions=True),
    ActionSpec("share", FILE, "&Share Summary…", "share.open",
               tip="Save a card of your counts, without titles or text, to share with a team",
               needs_sessions=True),
    ActionSpec("open_database", FILE, "Open Data&base…", "data.open_database",
               tip="Open a backup or another Worthwhile database"),
    ActionSpec("open_team_cards", FILE, "Open &Team Cards…", "open_team_cards",
               tip="Combine other people's summary cards into one team picture"),
    ActionSpec("demo", FILE, "Try &Demo Data", "_on_first_run_demo_requested",
               tip="Open a throwaway database of synthetic sessions", separator_before=True),
    ActionSpec("leave_demo", FILE, "&Leave Demo", "_on_leave_demo_triggered",
               tip="Close the demo data and go back to your own"),
    ActionSpec("quit", FILE, "&Quit", "close", shortcuts=("Ctrl+Q",), separator_before=True),

    ActionSpec("undo", EDIT, "&Undo", "controller.undo", shortcuts=("Ctrl+Z",),
               undo_stack="undo"),
    ActionSpec("redo", EDIT, "&Redo", "controller.redo", shortcuts=("Ctrl+Shift+Z", "Ctrl+Y"),
               undo_stack="redo"),
    ActionSpec("find", EDIT, "&Find…", "_on_find_triggered", shortcuts=("Ctrl+F",),
               separator_before=True, needs_sessions=True),
    ActionSpec("lists", EDIT, "&Labels and Reasons…", "_on_lists_triggered",
               needs_sessions=True),
    ActionSpec("delete", EDIT, "&Delete…", "deletion.choose",
               tip="Delete sessions for good: the selected ones, a tool's, or all",
               separator_before=True, needs_sessions=True),
    ActionSpec("forget_deleted", EDIT, "Forget Deleted &Sessions…", "deletion.forget",
               tip="Let sessions you deleted be imported again"),
    ActionSpec("rules", EDIT, "Import &Rules…", "rules.open",
               tip="Keep sessions out of imports, or store them without text"),
    ActionSpec("prices", EDIT, "&Prices…", "prices.open",
               tip="The local price table cost is computed from (never fetched)"),
    ActionSpec("accept_suggestions", EDIT, "Accept Su&ggestions…", "suggestions.accept_all",
               tip="Take every suggested verdict as your rating (asks first; one undo step)",
               separator_before=True, needs_sessions=True),

    ActionSpec("rate_useful", RATE, "&Useful", "rate", (Verdict.USEFUL,), ("U",),
               needs_sessions=True),
    ActionSpec("rate_not_useful", RATE, "&Not Useful", "rate", (Verdict.NOT_USEFUL,), ("N",),
               needs_sessions=True),
    ActionSpec("rate_clear", RATE, "&Clear Rating", "rate", (Verdict.UNRATED,), ("0",),
               needs_sessions=True),
    ActionSpec("accept_suggestion", RATE, "&Accept Suggestion", "accept_suggestion", (),
               ("A",), tip="Take the suggested verdict of the session shown as your rating",
               needs_sessions=True),
    ActionSpec("next_session", RATE, "Ne&xt Session", "step_selection", (1,), ("J",),
               separator_before=True),
    ActionSpec("previous_session", RATE, "&Previous Session", "step_selection", (-1,), ("K",)),

    *(ActionSpec(f"view_{key}", VIEW, text, "show_view", (key,), (f"Ctrl+{i + 1}",),
                 needs_sessions=True)
      for i, (key, text) in enumerate(VIEWS)),
    ActionSpec("presentation", VIEW, "&Presentation Mode", "set_presentation",
               shortcuts=("Ctrl+Shift+P",), separator_before=True, checkable=True,
               tip="Hide titles, message text, notes, reasons and paths on a shared screen, "
                   "with larger fonts (off again at the next start)"),

    ActionSpec("shortcuts", HELP, "&Keyboard Shortcuts", "show_shortcuts",
               shortcuts=("F1", "?")),
    ActionSpec("formats", HELP, "Which Files Can I &Import?", "show_formats"),
    ActionSpec("your_data", HELP, "Your &Data…", "data_panel.open",
               tip="Where your data is, what it holds, and taking it out or deleting it"),
    ActionSpec("about", HELP, "&About Worthwhile", "_on_about_triggered"),
)


def _slot(window: QMainWindow, path: str) -> object:
    head, _, rest = path.partition(".")
    if rest and isinstance(getattr(type(window), head, None), cached_property):
        # A controller the window builds on first use: found when the action fires, so the
        # menus do not build it (and import what it needs) with the window.
        def call(*args: object) -> object:
            target: object = getattr(window, head)
            for part in rest.split("."):
                target = getattr(target, part)
            assert callable(target), path
            return target(*args)

        return call
    target: object = window
    for part in path.split("."):
        target = getattr(target, part)  # a typo fails here, when the window is built
    return target


def build_actions(window: QMainWindow, undo_stack: QUndoStack,
                  table: tuple[ActionSpec, ...] = ACTIONS) -> dict[str, QAction]:
    """Create the menus and their actions on ``window``'s menu bar; returns them by name."""
    menus = {}
    actions: dict[str, QAction] = {}
    for spec in table:
        if spec.menu not in menus:
            menus[spec.menu] = window.menuBar().addMenu(spec.menu)
        menu = menus[spec.menu]
        if spec.separator_before:
            menu.addSeparator()
        if spec.undo_stack == "undo":
            action = undo_stack.createUndoAction(window, spec.text)
        elif spec.undo_stack == "redo":
            action = undo_stack.createRedoAction(window, spec.text)
        else:
            action = QAction(spec.text, window)
        if spec.slot:
            if spec.undo_stack is not None:
                action.triggered.disconnect()  # the slot moves the stack, not the action
            slot = _slot(window, spec.slot)
            assert callable(slot), spec.slot
            if spec.checkable:
                action.setCheckable(True)
                action.triggered.connect(lambda on=False, s=slot, a=spec.args: s(*a, on))
            else:
                action.triggered.connect(lambda _=False, s=slot, a=spec.args: s(*a))
        action.setObjectName(f"action_{spec.name}")
        action.setShortcuts([QKeySequence(k) for k in spec.shortcuts])
        if spec.tip:
            action.setStatusTip(spec.tip)
        menu.addAction(action)
        actions[spec.name] = action
    return actions
