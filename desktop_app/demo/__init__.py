"""Synthetic data: the demo database and export files in each tool's own format (no Qt).

:mod:`.corpus` (topic records and the tables around them), :mod:`.chat_topics` and
:mod:`.code_topics` (what people ask the chat apps and the coding assistants; each session's
title and transcript come from one topic), :mod:`.story` (deterministic sessions and ratings),
:mod:`.database` (the story in a database; the throwaway ``--demo`` database),
:mod:`.exports` (``demo-data``: files each source's own writer lays out).
"""
