"""Synthetic data: the demo database and export files in each tool's own format (no Qt).

:mod:`.corpus` (text tables), :mod:`.story` (deterministic sessions and ratings),
:mod:`.database` (the story in a database; the throwaway ``--demo`` database),
:mod:`.exports` (``demo-data``: files each source's own writer lays out).
"""
