"""The program's entry point (`compassion`, `python -m player`): the command line, able to open the app.

This is the one place that joins the two: the command line and the core never import the TUI.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence


def open_app(ctx, **options) -> int:
    """Open the TUI (imported only now, so quick commands stay quick)."""
    from player.tui.app import run_app

    return run_app(ctx, **options)


def run(argv: Sequence[str] | None = None) -> int:
    from player.cli import main

    try:
        return main(argv, open_app)
    finally:
        # Everything is written and closed by now. On its way out Python's last collections would walk every
        # object of every module loaded (some 15 ms); frozen, they are left for the system to reclaim.
        gc.freeze()


if __name__ == "__main__":
    sys.exit(run())
