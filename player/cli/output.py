"""What the command line shows while it works: progress, and a session playing in the plain terminal."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from player.core.calendar import clock, minutes_range, minutes_text, seconds_text

LABELS = {"speech": "Preparing speech", "audio": "Writing audio"}


class Progress:
    """A progress bar on stderr (rich), shown only when stderr is a terminal; a context manager.

    Called as `progress(phase, done, total)`, the shape every long task in the service reports with.
    """

    def __init__(self, quiet: bool = False) -> None:
        self._bar: Any = None
        self._tasks: dict[str, int] = {}
        self._quiet = quiet

    def __enter__(self) -> Progress:
        if sys.stderr.isatty() and not self._quiet:
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


def span(lo_minutes: float, hi_minutes: float, exact: bool = True) -> str:
    """A length range for people: "10 to 20 minutes", or "about 3 minutes" while only estimated."""
    return minutes_range(lo_minutes * 60, hi_minutes * 60, about=not exact)


def plain_wanted(asked: bool) -> bool:
    """Plain mode: asked for, or the output is not a terminal (a log, a pipe, some screen readers), or
    the terminal says it can do nothing more (TERM=dumb)."""
    import os

    return asked or not sys.stdout.isatty() or os.environ.get("TERM") == "dumb"


class Terminal:
    """How a session is shown in the terminal. Plain: stdout carries only the captions (and announced
    pauses), each once on its own line; everything else goes to stderr, and nothing is ever redrawn."""

    def __init__(self, plain: bool = False, times: bool = False, announce_pauses: bool = False) -> None:
        self.plain, self.times, self.announce_pauses = plain, times, announce_pauses
        self.redraw = not plain and sys.stdout.isatty()

    def say(self, text: str) -> None:
        """A message about the session (title, where it continues, how it ended)."""
        print(text, file=sys.stderr if self.plain else sys.stdout, flush=True)


def plain_playback(run, term: Terminal | None = None) -> int:
    """Play a session in the terminal: each caption once as it is heard, and (on a terminal, unless plain)
    a progress line.

    Ctrl-C stops; what was heard is kept.
    """
    import signal

    term = term or Terminal()
    tty = term.redraw
    player = run.player
    clear = "\r" + " " * 79 + "\r" if tty else ""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    def caption(i: int) -> None:
        cue = run.captions.cues[i]
        when = f"[{clock(cue.start)}] " if term.times else ""
        print(f"{clear}{when}{cue.text}", flush=True)

    # A closed terminal or a shutdown stops the session like Ctrl-C: what was heard is kept.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)
    run.start()
    # Continuing in a pause: the line before it was heard last time, so it is not printed again.
    shown = run.captions.index_at(player.position)
    if shown >= 0 and player.position < run.captions.cues[shown].end:
        shown -= 1
    announced = shown
    try:
        while not run.finished and player.error is None:
            pos = player.position
            cues = run.captions.cues
            i = run.captions.index_at(pos)
            while shown < i:  # every line once, in order, even if two were passed between looks
                shown += 1
                caption(shown)
            if term.announce_pauses and announced < i and 0 <= i < len(cues) - 1 and pos >= cues[i].end:
                announced = i
                gap = cues[i + 1].start - cues[i].end
                if gap >= 2.0:
                    print(f"{clear}pause, {seconds_text(gap)}", flush=True)
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
            f"stopped after {minutes_text(player.listened)}; this session has been kept"
            + (" and counts as done" if completed else ""),
            file=sys.stderr,
        )
        return 0
    if tty:
        print()
    completed = run.report()
    if player.error is not None:
        raise player.error
    term.say("Finished. Thank you for practising." + (" This session counts towards your week." if completed else ""))
    return 0
