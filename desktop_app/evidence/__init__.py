"""Evidence from outside the sessions, read-only: commits in the git repositories of coding
sessions (``git.py``), and bringing the store's evidence cache up to date (``refresh.py``)."""
