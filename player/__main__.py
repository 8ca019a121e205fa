"""The program's entry point (`compassion`, `python -m player`): the command line, able to open the app.

This is the one place that joins the two: the command line and the core never import the TUI.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def open_app(ctx, **options) -> int:
    """Open the TUI (imported only now, so quick commands stay quick)."""
    from player.tui.app import run_app

    return run_app(ctx, **options)


def run(argv: Sequence[str] | None = None) -> int:
    from player.cli import main

    return main(argv, open_app)


if __name__ == "__main__":
    sys.exit(run())
