"""The app's root: start-up, global keys, the command palette and shared state. How screens lead to one
another is in `flows`; what each screen shows is in `screens/`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import date

from textual import work
from textual.app import App
from textual.binding import Binding

from player.adapters.playback import device
from player.adapters.stopping import STOP_SIGNALS
from player.app import context, practice, preferences, progress, recording
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
        Binding("home", "list_end(0)", "First", id="list_first", show=False),
        Binding("end", "list_end(-1)", "Last", id="list_last", show=False),
    ]
    COMMANDS = App.COMMANDS | {ExerciseCommands}
    #: Each screen gets a class for its size, so the smallest window the app claims (60x20) keeps every
    #: control whole: -narrow under 80 columns, -short under 26 rows.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (26, "-tall")]

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
        notices: Sequence[str] = (),
    ) -> None:
        super().__init__()
        self._early_notices = list(notices)
        self.ctx = ctx
        # Textual draws on standard error: a notice is shown in the app instead, from whichever thread.
        ctx.on_notice = self._notice
        self.no_audio = no_audio
        #: `compassion play X`: the practice to start at once (checked by the command line).
        self.first_play = play
        #: `--engine` and `--background` from the command line, for every practice started here.
        self.engine = play.engine if play is not None else None
        self.background = play.background if play is not None else background
        self.first_timer = timer
        self.stats: progress.Stats | None = None
        self.store_problem: str | None = None
        self.recorder = recording.SqliteRecorder(ctx)
        #: The one writer of settings changed in the app: in the order they were made.
        self.settings_writer = preferences.Writer(ctx)
        self._backend = backend
        self.audio_notice = notice
        self._audio_ready = threading.Event()
        if backend is not None:
            self._audio_ready.set()

    def _notice(self, line: str) -> None:
        """Show a notice from any thread without waiting for it to be shown: the thread may hold a lock
        the UI thread is about to take (a save under way)."""
        self.later(self.notify, line, timeout=10)

    def later(self, callback: Callable[..., object], *args: object, **kwargs: object) -> None:
        """Run `callback` on the UI thread soon, from any thread, without waiting for it (a writer thread
        must never wait on the UI while the UI may wait on it)."""
        if threading.get_ident() == self._thread_id or self._loop is None:
            callback(*args, **kwargs)
            return

        async def run() -> None:
            with self._context():
                callback(*args, **kwargs)

        asyncio.run_coroutine_threadsafe(run(), self._loop)

    # -- start-up ------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from player.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        self._fit()
        for line in self._early_notices:
            self.notify(line, timeout=10)
        if self._backend is None:
            self.find_audio()
        self.refresh_progress()
        self.set_interval(20, self._roll_over)
        self.set_interval(30, self._keep_trying)
        if self.is_headless:
            pass  # pilot tests: no terminal to lose, and signals are the test runner's
        else:
            loop = asyncio.get_running_loop()
            for signum in STOP_SIGNALS:
                loop.add_signal_handler(signum, self.stop_by_signal, signum)
            self.set_interval(0.5, self._check_terminal)
        if self.first_play is not None:
            self.start_practice(self.first_play, clamp=False)
        elif self.first_timer is not None:
            self.start_timer(self.first_timer)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        """Below 60 x 20, one line asking for a bigger window covers the app until it is big enough."""
        from player.tui.screens.small import TooSmallScreen, too_small

        if too_small(self.size.width, self.size.height) and not isinstance(self.screen, TooSmallScreen):
            self.push_screen(TooSmallScreen())

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
    def action_list_end(self, which: int) -> None:
        """Home and End in a list (option lists have their own): the first or the last item."""
        from textual.widgets import ListView

        listing = self.focused
        if isinstance(listing, ListView) and len(listing.children):
            listing.index = 0 if which == 0 else len(listing.children) - 1

    def action_help(self) -> None:
        from player.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_open_stats(self) -> None:
        from player.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def action_open_settings(self) -> None:
        from player.tui.screens.settings import SettingsScreen

        if not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_open_words(self, focus: str = "phrases") -> None:
        """Your words: the phrases, or (`letter`) straight to a new letter."""
        from player.tui.screens.letter import LetterScreen
        from player.tui.screens.words import WordsScreen

        self.push_screen(WordsScreen(focus))
        if focus == "letter":
            self.push_screen(LetterScreen(None))

    def action_open_courses(self) -> None:
        from player.tui.screens.courses import CoursesScreen

        if not isinstance(self.screen, CoursesScreen):
            self.push_screen(CoursesScreen())

    def course_changed(self) -> None:
        """Another course is followed: back to a home screen made anew for it, with its progress."""
        from player.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(HomeScreen())
        self.notify(f"You follow {self.ctx.catalog.course.title} now.", timeout=6)
        self.refresh_progress()

    def open_week(self, number: int | None) -> None:
        """A course week, or (None) My scripts."""
        from player.tui.screens.week import WeekScreen

        self.push_screen(WeekScreen(number))

    # -- however the app ends, what was heard is kept -----------------------------------------------------
    def stop_by_signal(self, signum: int) -> None:
        """A closed terminal (SIGHUP) or a logout or shutdown (SIGTERM): keep the session now, then exit with
        128 + the signal, as Ctrl-C does in the plain terminal.

        With the terminal gone, the app leaves at once: putting a terminal back that is no longer there
        can hang (writes to it block), and everything worth keeping is already kept."""
        self._keep_sessions()
        if signum == int(signal.SIGHUP) or not _terminal_present():
            self.recorder.close()
            workers = sys.modules.get("player.adapters.speech.workers")
            if workers is not None:
                workers.shutdown(now=True)
            os._exit(128 + signum)
        self.exit(return_code=128 + signum)

    def _check_terminal(self) -> None:
        """The terminal went away without a hang-up signal: stop the same way."""
        if not _terminal_present():
            self.stop_by_signal(int(signal.SIGHUP))

    def _keep_trying(self) -> None:
        """Sessions that could be saved nowhere are tried again while the app stays open."""
        self.run_worker(self.recorder.retry, thread=True, group="retry")

    def _keep_sessions(self) -> None:
        """Whatever is in hand is kept now: a session being played, a letter being written."""
        for screen in self.screen_stack:
            keep = getattr(screen, "keep_now", None)
            if keep is not None:
                keep()

    def on_unmount(self) -> None:
        # However the app closes (ctrl+q mid-session or at the check-in after it), what was heard is kept;
        # the store closes once every write under way has finished.
        self._keep_sessions()
        self.settings_writer.wait()
        self.recorder.close()


def _terminal_present() -> bool:
    """Whether the app still has a terminal to read keys from and draw on."""
    try:
        return os.isatty(0) and os.isatty(2)  # keys come in on stdin; Textual draws on stderr
    except OSError:
        return False


def run_app(
    ctx: context.Context,
    *,
    no_audio: bool = False,
    play: practice.Request | None = None,
    background: str | None = None,
    timer: TimerSpec | None = None,
    notices: Sequence[str] = (),
) -> int:
    """Open the app. `notices` are lines for the listener from before it opened, shown once it is open."""
    if not _terminal_present():
        for line in notices:  # no app to show them in: said here, where they can still be read
            print(line, file=sys.stderr)
        what = "compassion play EXERCISE --plain" if play is None else f"compassion play {play.entry.id} --plain"
        print(f"error: the app needs a terminal; without one, use `{what}`", file=sys.stderr)
        return 2
    app = CompassionApp(ctx, no_audio=no_audio, play=play, background=background, timer=timer, notices=notices)
    try:
        app.run()
    except OSError:
        # The terminal went away as the app was putting it back: the session was already kept.
        return app.return_code or 128 + int(signal.SIGHUP)
    return app.return_code or 0
