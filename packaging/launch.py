"""The bundle's entry point: what the ``worthwhile`` command and ``python -m desktop_app`` run."""

import multiprocessing
import sys

from desktop_app.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a bundled worker process (importers/workers.py) runs here
    sys.exit(main())
