"""The app's composition root: screens, global keys, the command palette, and shared state."""

from __future__ import annotations

import threading
from datetime import date

from textual import work
from textual.app import App
from textual.binding import Binding

from player.adapters.catalog import Entry
from player.adapters.playback import device
from player.app import context, library, progress
from player.app.timer import TimerSpec
from player.core.errors import CompassionError
from player.core.script.model import Script
from player.tui.commands import ExerciseCommands
from player.tui.messages import ProgressLoaded, StoreProblem


class CompassionApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "compassion-player"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True, show=False),
        Binding("f1", "help", "Help", id="help"),
    ]
    COMMANDS = App.COMMANDS | {ExerciseCommands}

    def __init__(
        self,
        ctx: context.Context,
        *,
        no_audio: bool = False,
        play: tuple[Entry, Script] | None = None,
        minutes: float | None = None,
        backend=None,
        notice: str | None = None,
        engine: str | None = None,
        background: str | None = None,
        timer: TimerSpec | None = None,
        resume=None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.no_audio = no_audio
        self.first_play = play
        self.first_minutes = minutes
        #: `--engine` and `--background` from the command line, for every practice started here.
        self.engine = engine
        self.background = background
        self.first_timer = timer
        #: `play --resume`: the stopped session the first practice continues.
        self.first_resume = resume
        self.stats: progress.Stats | None = None
        self.store_problem: str | None = None
        self.recorder = progress.SqliteRecorder(ctx)
        self._backend = backend
        self.audio_notice = notice
        self._audio_ready = threading.Event()
        if backend is not None:
            self._audio_ready.set()

    # -- start-up ------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from player.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self._backend is None:
            self.find_audio()
        self.refresh_progress()
        self.set_interval(20, self._roll_over)
        if self.first_play is not None:
            entry, script = self.first_play
            self.start_practice(entry, script, self.first_minutes, clamp=False, resume=self.first_resume)
        elif self.first_timer is not None:
            self.start_timer(self.first_timer)

    @work(thread=True, exclusive=True, group="audio")
    def find_audio(self) -> None:
        backend, notice = device.choose(self.no_audio)
        self._backend, self.audio_notice = backend, notice
        self._audio_ready.set()

    def audio_backend(self):
        """The audio backend (waits for the start-up device check; call from a worker thread)."""
        self._audio_ready.wait()
        return self._backend

    @property
    def today(self) -> date:
        """Today's practice date, from the context's clock (it rolls over at the day start)."""
        return self.ctx.today()

    def _roll_over(self) -> None:
        """A new practice day began while the app was open: everything "today" is read again."""
        if self.stats is not None and self.stats.today != self.today:
            self.refresh_progress()

    @work(thread=True, exclusive=True, group="progress")
    def refresh_progress(self) -> None:
        """Read progress off the UI thread; screens update when it arrives."""
        try:
            stats = progress.stats(self.ctx, self.today)
        except CompassionError as exc:
            self.post_message(StoreProblem(exc.lines()[0]))
            return
        self.post_message(ProgressLoaded(stats))

    def on_progress_loaded(self, message: ProgressLoaded) -> None:
        self.stats = message.stats
        for screen in self.screen_stack:
            if hasattr(screen, "show_progress"):
                screen.show_progress(message.stats)

    def on_store_problem(self, message: StoreProblem) -> None:
        self.store_problem = message.text
        self.notify(message.text, title="Progress", severity="warning", timeout=12)
        for screen in self.screen_stack:
            if hasattr(screen, "show_store_problem"):
                screen.show_store_problem(message.text)

    # -- navigation ----------------------------------------------------------------------------------
    def action_help(self) -> None:
        from player.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_open_stats(self) -> None:
        from player.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def open_week(self, number: int) -> None:
        from player.tui.screens.week import WeekScreen

        self.push_screen(WeekScreen(number))

    def open_target(self, target: str) -> None:
        """Open an exercise by id (from the command palette)."""
        try:
            entry, script = library.resolve_script(self.ctx, target)
        except CompassionError as exc:
            self.notify(exc.lines()[0], severity="error")
            return
        self.open_exercise(entry, script)

    def open_exercise(self, entry: Entry, script: Script) -> None:
        """Open an exercise from a week or the palette: offer to continue it when it was stopped part-way,
        otherwise (or to start again) offer its lengths."""
        from player.tui.screens.resume import ResumeScreen

        try:
            stopped = progress.resumable(self.ctx, entry.id)
        except CompassionError:
            stopped = None
        if stopped is None:
            self.choose_length(entry, script)
            return

        def chosen(go_on: bool | None) -> None:
            if go_on is None:
                return
            if go_on:
                self.start_practice(entry, script, stopped.minutes_variant, clamp=False, resume=stopped)
            else:
                self.choose_length(entry, script)

        self.push_screen(ResumeScreen(script.title, stopped.position_s or 0.0), chosen)

    def choose_length(self, entry: Entry, script: Script) -> None:
        """Offer lengths for an elastic exercise, then start it."""
        from player.app import practice
        from player.tui.screens.length import LengthScreen

        try:
            plan = library.plan(self.ctx, script, self.engine, synthesize=False)
        except CompassionError as exc:
            self.notify(exc.lines()[0], severity="error", timeout=10)
            return
        choices = practice.length_choices(*plan.range_minutes())
        if len(choices) == 1:
            self.start_practice(entry, script, None)
            return

        def chosen(minutes: float | None) -> None:
            if minutes is not None:
                self.start_practice(entry, script, minutes, clamp=not plan.exact)

        self.push_screen(LengthScreen(script.title, choices, exact=plan.exact), chosen)

    def choose_timer(self) -> None:
        """Offer the timer's choices (the last ones used first), then start it."""
        from player.app import timer
        from player.tui.screens.timer import TimerScreen, bell_names

        def chosen(spec: TimerSpec | None) -> None:
            if spec is None:
                return
            try:
                timer.remember(self.ctx, spec)
            except CompassionError as exc:
                self.notify(exc.lines()[0], severity="warning")
            self.start_timer(spec)

        self.push_screen(TimerScreen(timer.last_used(self.ctx), bell_names(self.ctx.catalog.user_dir)), chosen)

    def start_timer(self, spec: TimerSpec) -> None:
        from player.app import timer

        self.start_practice(timer.entry(), None, spec.minutes, timer=spec)

    def start_practice(
        self,
        entry: Entry,
        script: Script | None,
        minutes: float | None,
        clamp: bool = True,
        timer: TimerSpec | None = None,
        resume=None,
    ) -> None:
        """Start a practice (after the check-in). `clamp`: a length picked from estimates is fitted into
        the real range; a length given on the command line is checked instead, as with --no-tui."""
        from player.tui.screens.checkin import CheckInScreen
        from player.tui.screens.player import PlayerScreen

        def go(mood: int | None) -> None:
            self.push_screen(PlayerScreen(entry, script, minutes, mood, clamp=clamp, timer=timer, resume=resume))

        if self.ctx.settings.check_in:
            self.push_screen(CheckInScreen(before=True), go)
        else:
            go(None)

    def on_unmount(self) -> None:
        # However the app closes (ctrl+q mid-session or at the check-in after it), what was heard is kept.
        from player.tui.screens.player import PlayerScreen

        for screen in self.screen_stack:
            if isinstance(screen, PlayerScreen):
                screen.final_report()
        self.recorder.close()


def run_app(
    ctx: context.Context,
    *,
    no_audio: bool = False,
    play=None,
    minutes: float | None = None,
    engine: str | None = None,
    background: str | None = None,
    timer: TimerSpec | None = None,
    resume=None,
) -> int:
    CompassionApp(
        ctx,
        no_audio=no_audio,
        play=play,
        minutes=minutes,
        engine=engine,
        background=background,
        timer=timer,
        resume=resume,
    ).run()
    return 0
