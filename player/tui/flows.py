"""How one screen leads to the next: opening an exercise (continue or start again, then a length), the
timer's choices, and the check-in before a practice. Reads that touch the progress file run off the UI
thread."""

from __future__ import annotations

from textual import work

from player.adapters.catalog import Entry
from player.app import library, practice, progress, wording
from player.app.timer import TimerSpec
from player.core.errors import CompassionError
from player.core.script.model import Script
from player.tui.base import Shell


class Flows(Shell):
    """The app's flows: every one a method the screens and the palette call."""

    def open_target(self, target: str) -> None:
        """Open an exercise by id (from the command palette)."""
        try:
            entry, script = library.resolve_script(self.ctx, target)
        except CompassionError as exc:
            self.notify(exc.lines()[0], severity="error")
            return
        note = wording.early_note(self.stats, entry.week)
        if note:
            self.notify(note, timeout=8)
        self.open_exercise(entry, script)

    @work(thread=True, group="open")
    def open_exercise(self, entry: Entry, script: Script) -> None:
        """Open an exercise from a week or the palette: offer to continue it when it was stopped part-way,
        otherwise (or to start again) offer its lengths. The progress file is read here, off the UI thread."""
        practice.warm_up(self.ctx, script, self.engine)  # while the listener chooses how long
        try:
            stopped = progress.resumable(self.ctx, entry.id)
        except CompassionError:
            stopped = None
        self.call_from_thread(self._offer, entry, script, stopped)

    def _offer(self, entry: Entry, script: Script, stopped) -> None:
        from player.tui.screens.resume import ResumeScreen

        if stopped is None:
            self.choose_length(entry, script)
            return

        def chosen(go_on: bool | None) -> None:
            if go_on is None:
                return
            if go_on:
                asked = self.asking(entry, script, stopped.minutes_variant, resume=stopped)
                self.start_practice(asked, clamp=False)
            else:
                self.choose_length(entry, script)

        self.push_screen(ResumeScreen(script.title, stopped.position_s or 0.0), chosen)

    def asking(self, entry: Entry, script: Script, minutes: float | None, resume=None) -> practice.Request:
        """A practice asked for in the app, with the command line's `--engine` and `--background`."""
        return practice.Request(entry, script, minutes, self.engine, self.background, resume)

    def choose_length(self, entry: Entry, script: Script) -> None:
        """Offer lengths for an elastic exercise, then start it."""
        from player.tui.screens.length import LengthScreen

        try:
            plan = library.plan(self.ctx, script, self.engine, synthesize=False)
        except CompassionError as exc:
            self.notify(exc.lines()[0], severity="error", timeout=10)
            return
        choices = practice.length_choices(*plan.range_minutes())
        if len(choices) == 1:
            self.start_practice(self.asking(entry, script, None))
            return

        def chosen(minutes: float | None) -> None:
            if minutes is not None:
                self.start_practice(self.asking(entry, script, minutes), clamp=not plan.exact)

        self.push_screen(LengthScreen(script.title, choices, exact=plan.exact), chosen)

    def choose_timer(self, shown: TimerSpec | None = None) -> None:
        """Offer the timer's choices (the last ones used first); check them, and only then remember them
        and start. A choice that cannot be made is said, and the choices are offered again."""
        from player.app import timer
        from player.tui.screens.timer import TimerScreen, bell_names

        def chosen(spec: TimerSpec | None) -> None:
            if spec is None:
                return
            try:
                timer.plan(self.ctx, spec)
            except CompassionError as exc:
                self.notify(exc.message + (f". {exc.hint.capitalize()}." if exc.hint else ""), severity="error")
                self.call_after_refresh(self.choose_timer, spec)  # once this form has gone
                return
            try:
                timer.remember(self.ctx, spec)
            except CompassionError as exc:
                self.notify(exc.lines()[0], severity="warning")
            self.start_timer(spec)

        offered = shown or timer.last_used(self.ctx)
        self.push_screen(TimerScreen(offered, bell_names(self.ctx.catalog.user_dir)), chosen)

    def start_timer(self, spec: TimerSpec) -> None:
        self.start_practice(None, timer=spec)

    def start_practice(
        self, asked: practice.Request | None, clamp: bool = True, timer: TimerSpec | None = None
    ) -> None:
        """Start a practice (after the check-in). `clamp`: a length picked from estimates is fitted into
        the real range; a length given on the command line is checked instead, as with --no-tui."""
        from player.tui.screens.checkin import CheckInScreen
        from player.tui.screens.player import PlayerScreen

        def go(mood: int | None) -> None:
            self.push_screen(PlayerScreen(asked, mood, clamp=clamp, timer=timer))

        continuing = asked is not None and asked.resume is not None
        if self.ctx.settings.check_in and not continuing:  # a session continued was asked about already
            self.push_screen(CheckInScreen(before=True), go)
        else:
            go(None)
