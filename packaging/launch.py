"""The bundle's entry point: what the ``worthwhile`` command and ``python -m desktop_app`` run."""

import sys

from desktop_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
