"""What the command line shows while it works: progress, and a session playing in the plain terminal."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from player.app.wording import lost_session
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


def plain_playback(practice, term: Terminal | None = None) -> int:
    """Play a session in the terminal: each caption once as it is heard, and (on a terminal, unless plain)
    a progress line.

    Ctrl-C, a closed terminal (SIGHUP) and a shutdown (SIGTERM) stop it: what was heard is kept, and the
    exit status says which signal it was (128 + N).
    """
    term = term or Terminal()
    tty = term.redraw
    player = practice.player
    clear = "\r" + " " * 79 + "\r" if tty else ""

    def caption(i: int) -> None:
        cue = practice.captions.cues[i]
        when = f"[{clock(cue.start)}] " if term.times else ""
        print(f"{clear}{when}{cue.text}", flush=True)

    practice.begin()
    # Continuing in a pause: the line before it was heard last time, so it is not printed again.
    shown = practice.captions.index_at(player.position)
    if shown >= 0 and player.position < practice.captions.cues[shown].end:
        shown -= 1
    announced = shown
    try:
        while not practice.finished and player.error is None:
            pos = player.position
            cues = practice.captions.cues
            i = practice.captions.index_at(pos) if player.sounding else shown  # heard, not only due
            while shown < i:  # every line once, in order, even if two were passed between looks
                shown += 1
                caption(shown)
            if term.announce_pauses and announced < i and 0 <= i < len(cues) - 1 and pos >= cues[i].end:
                announced = i
                gap = cues[i + 1].start - cues[i].end
                if gap >= 2.0:
                    when = f"[{clock(cues[i].end)}] " if term.times else ""
                    print(f"{clear}{when}pause, {seconds_text(gap)}", flush=True)
            if tty:
                total = max(player.duration, 1e-9)
                filled = min(30, int(30 * pos / total))
                waiting = "  (preparing speech)" if player.waiting else ""
                sys.stdout.write(f"\r[{'=' * filled}{' ' * (30 - filled)}] {clock(pos)} / {clock(total)}{waiting}")
                sys.stdout.flush()
            player.wait(0.1)
    except KeyboardInterrupt as stop:
        if tty:
            print()
        outcome = practice.finish()
        print(stopped_message(outcome, practice.session), file=sys.stderr)
        from player.adapters.stopping import exit_status

        return exit_status(stop)
    if tty:
        print()
    outcome = practice.finish()
    if player.error is not None:
        raise player.error
    if outcome.lost:
        print(
            lost_session(
                outcome.heard_s, outcome.problem, practice.session.ctx.data_dir, str(practice.session.entry.id)
            ),
            file=sys.stderr,
        )
        return 1
    if outcome.problem:
        print(outcome.problem, file=sys.stderr)
    term.say(
        "Finished. Thank you for practising."
        + (" This session counts towards your week." if outcome.kept and outcome.completed else "")
    )
    return 0


def stopped_message(outcome, session=None) -> str:
    """What the listener is told when they stop part-way: "kept" only when it was."""
    if outcome.lost and session is not None:
        return "stopped. " + lost_session(outcome.heard_s, outcome.problem, session.ctx.data_dir, str(session.entry.id))
    if outcome.problem:
        return f"stopped after {minutes_text(outcome.heard_s)}; {outcome.problem}"
    if not outcome.kept:
        return "stopped before the practice really began; nothing was recorded"
    done = " and counts as done" if outcome.completed else ""
    return f"stopped after {minutes_text(outcome.heard_s)}; this session has been kept{done}"
