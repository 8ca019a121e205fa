"""The app's root: start-up, global keys, the command palette and shared state. How screens lead to one
another is in `flows`; what each screen shows is in `screens/`."""

from __future__ import annotations

import threading
from datetime import date

from textual import work
from textual.app import App
from textual.binding import Binding

from player.adapters.playback import device
from player.app import context, practice, progress
from player.app.timer import TimerSpec
from player.core.errors import CompassionError
from player.tui.commands import ExerciseCommands
from player.tui.flows import Flows
from player.tui.messages import ProgressLoaded, StoreProblem


class CompassionApp(Flows):
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
        play: practice.Request | None = None,
        backend=None,
        notice: str | None = None,
        background: str | None = None,
        timer: TimerSpec | None = None,
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.no_audio = no_audio
        #: `compassion play X`: the practice to start at once (checked by the command line).
        self.first_play = play
        #: `--engine` and `--background` from the command line, for every practice started here.
        self.engine = play.engine if play is not None else None
        self.background = play.background if play is not None else background
        self.first_timer = timer
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
            self.start_practice(self.first_play, clamp=False)
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
    play: practice.Request | None = None,
    background: str | None = None,
    timer: TimerSpec | None = None,
) -> int:
    CompassionApp(ctx, no_audio=no_audio, play=play, background=background, timer=timer).run()
    return 0
