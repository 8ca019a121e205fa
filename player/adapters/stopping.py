"""How a process is asked to stop: Ctrl-C, a closed terminal window (SIGHUP), a logout or shutdown
(SIGTERM). Each stops a command the same way, keeping what was heard and leaving no half-written file,
and the exit status says which it was: 128 + the signal (130 for Ctrl-C)."""

from __future__ import annotations

import signal
from collections.abc import Iterable

#: Signals that stop a command the way Ctrl-C does: a closed terminal window, a logout or shutdown.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(KeyboardInterrupt):
    """A stop asked for by a signal other than Ctrl-C; everything that cleans up after Ctrl-C runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


def stop_on(signals: Iterable[int]) -> None:
    """From now on, these signals raise `Stopped` (a KeyboardInterrupt) wherever this process is."""
    for signum in signals:
        signal.signal(signum, _stop)


def exit_status(stop: KeyboardInterrupt) -> int:
    """128 + the signal that stopped the command (130 for Ctrl-C)."""
    return 128 + (stop.signum if isinstance(stop, Stopped) else int(signal.SIGINT))
