"""The `compassion` command line: parse, call the library, and turn expected problems into one message.

Expected problems print one clear message and exit 2 (input or set-up) or 1 (the work failed); only real
bugs may show a traceback. The command line never imports the TUI: whoever starts it (`player.__main__`)
passes in how to open the app.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Sequence

from player.adapters.stopping import STOP_SIGNALS, exit_status, stop_on
from player.core.errors import CompassionError

OpenApp = Callable[..., int]


def main(argv: Sequence[str] | None = None, open_app: OpenApp | None = None) -> int:
    """Run one command; with no command, open the app (when `open_app` is given)."""
    from player.cli.parser import build_parser

    # A file-size limit should surface as an error we can report, not kill the process.
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    stop_on(STOP_SIGNALS)
    args = build_parser().parse_args(argv)
    try:
        if not getattr(args, "command", None):
            return _open_home(args, open_app)
        if args.command in ("play", "timer"):
            from player.cli.practice import cmd_play, cmd_timer

            return (cmd_play if args.command == "play" else cmd_timer)(args, open_app)
        return int(args.func(args))
    except CompassionError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as stop:
        said = "nothing half-written was left behind" if args.command == "render" else "nothing was recorded"
        print(f"\nstopped; {said}", file=sys.stderr)
        return exit_status(stop)
    except BrokenPipeError:
        return 0
    finally:
        _stop_workers()


def _stop_workers() -> None:
    """Exiting never waits for speech being made in the background (nobody will hear it)."""
    workers = sys.modules.get("player.adapters.speech.workers")
    if workers is not None:
        workers.shutdown(now=True)


def _open_home(args, open_app: OpenApp | None) -> int:
    from player.adapters import paths
    from player.app import context

    if open_app is None:
        print("error: the app cannot open from here; run `compassion`", file=sys.stderr)
        return 2
    ctx = context.open_context(args.data_dir)
    return open_app(ctx, no_audio=paths.audio_disabled())
