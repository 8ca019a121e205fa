"""What the command line shows while it works: progress, and a session playing in the plain terminal."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

LABELS = {"speech": "Preparing speech", "audio": "Writing audio"}


class Progress:
    """A progress bar on stderr (rich), shown only when stderr is a terminal; a context manager.

    Called as `progress(phase, done, total)`, the shape every long task in the service reports with.
    """

    def __init__(self) -> None:
        self._bar: Any = None
        self._tasks: dict[str, int] = {}

    def __enter__(self) -> Progress:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, TaskProgressColumn, TextColumn
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                TaskProgressColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            self._bar.start()
        return self

    def __call__(self, phase: str, done: int, total: int) -> None:
        if self._bar is None or total <= 0:
            return
        kind, _, what = phase.partition(":")
        if phase not in self._tasks:
            label = LABELS.get(kind, kind.capitalize()) + (f" {what}" if what else "")
            self._tasks[phase] = self._bar.add_task(label, total=total)
        self._bar.update(self._tasks[phase], completed=done, total=total)

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()


def clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def span(lo: float, hi: float, exact: bool = True, unit: str = "minutes") -> str:
    """A length range for people: "10 to 20 minutes", or "about 3 minutes" while only estimated."""
    about = "" if exact else "about "
    return f"{about}{lo:g} {unit}" if lo == hi else f"{about}{lo:g} to {hi:g} {unit}"


def plain_playback(run) -> int:
    """Play a session in the terminal: each caption once as it is heard, and (on a terminal) a progress line.

    Ctrl-C stops; what was heard is kept.
    """
    import signal

    tty = sys.stdout.isatty()
    shown = -1
    player = run.player

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # A closed terminal or a shutdown stops the session like Ctrl-C: what was heard is kept.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    run.start()
    # Continuing in a pause: the line before it was heard last time, so it is not printed again.
    start = player.position
    i = run.captions.index_at(start)
    if i >= 0 and start >= run.captions.cues[i].end:
        shown = i
    try:
        while not run.finished and player.error is None:
            pos = player.position
            i = run.captions.index_at(pos)
            if i != shown and i >= 0:
                shown = i
                print(("\r" + " " * 79 + "\r" if tty else "") + run.captions.cues[i].text, flush=True)
            if tty:
                total = max(player.duration, 1e-9)
                filled = min(30, int(30 * pos / total))
                waiting = "  (preparing speech)" if player.waiting else ""
                sys.stdout.write(f"\r[{'=' * filled}{' ' * (30 - filled)}] {clock(pos)} / {clock(total)}{waiting}")
                sys.stdout.flush()
            player.wait(0.1)
    except KeyboardInterrupt:
        if tty:
            print()
        completed = run.report()
        print(
            f"stopped after {player.listened / 60:.1f} minutes; this session has been kept"
            + (" and counts as done" if completed else ""),
            file=sys.stderr,
        )
        return 0
    if tty:
        print()
    completed = run.report()
    if player.error is not None:
        raise player.error
    print("Finished. Thank you for practising." + (" This session counts towards your week." if completed else ""))
    return 0
