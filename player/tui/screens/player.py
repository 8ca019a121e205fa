"""Playing a practice: the words as they are heard, where you are, and simple controls."""

from __future__ import annotations

import threading

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.timer import Timer
from textual.widgets import Button, Header, Label, ProgressBar, Static

from player.adapters.playback.captions import Captions
from player.adapters.playback.player import PlaybackState
from player.adapters.speech.synth import Cancelled
from player.app import overview, practice, preferences, timer, wording
from player.app.timer import TimerSpec
from player.app.timer import entry as timer_entry
from player.core.calendar import clock
from player.core.errors import CompassionError
from player.tui.base import Screen
from player.tui.screens import player_keys as keys
from player.tui.widgets.closing import Closing
from player.tui.widgets.footer import KeysFooter

SKIP_S = 10.0


class PlayerScreen(Screen[None]):
    AUTO_FOCUS = None  # nothing to focus while playing: the keys are the player's
    BINDINGS = keys.PLAYER
    PLAYING_ACTIONS = keys.PLAYING_ACTIONS

    def __init__(
        self,
        asked: practice.Request | None,
        mood_before: int | None,
        clamp: bool = True,
        timer: TimerSpec | None = None,
    ) -> None:
        super().__init__()
        #: The practice asked for (None for the timer, which is `timer`).
        self.asked = asked
        self.entry = asked.entry if asked is not None else timer_entry()
        self.timer = timer
        self.title_text = timer.title if timer is not None else asked.script.title if asked is not None else ""
        self.mood_before = mood_before
        self.clamp = clamp
        self.practice: practice.Practice | None = None
        #: Why the session could not start (the lines shown), once that is known.
        self.failed: list[str] | None = None
        self._ticker: Timer | None = None
        self._leaving = False
        self._cancel = threading.Event()
        self._shown_error = False
        self._practice_over = False
        self._levels_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="player"):
            yield Label(self.title_text, id="ex-title")
            with Vertical(id="preparing"):
                yield Label("Preparing…", id="preparing-label")
                yield ProgressBar(total=100, show_eta=False, id="preparing-bar")
            with Vertical(id="captions"):
                yield Label("", id="prev-line", classes="dim-line")
                yield Static("", id="current-line")
                yield Label("", id="next-line", classes="dim-line")
            with Center():
                yield ProgressBar(total=100, show_eta=False, show_percentage=False, id="position")
            yield Label("", id="time")
            yield Label("", id="levels")
            yield Label("", id="audio-notice")
            yield Closing(id="closing")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#captions").display = False
        self.query_one("#closing").display = False
        self.prepare()

    # -- preparing ------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="prepare")
    def prepare(self) -> None:
        """Lay the session out (at once when every length is known; otherwise the speech is made first,
        with progress, and leaving the screen cancels it), then start playing."""
        app = self.shell

        def progress(phase: str, done: int, total: int) -> None:
            share = 100 * done // total if total else 100
            app.call_from_thread(self._show_preparing, "Preparing speech…", share)

        try:
            if self.timer is not None:
                session = timer.open_session(app.ctx, self.timer, app.background)
            elif self.asked is not None:
                session = practice.open_session(app.ctx, self.asked, progress, clamp=self.clamp, cancel=self._cancel)
            else:
                return
        except Cancelled:
            return
        except CompassionError as exc:
            app.call_from_thread(self._failed, exc.lines())
            return
        backend = app.audio_backend()
        app.call_from_thread(self._begin, session, backend)

    def _show_preparing(self, label: str, share: int) -> None:
        self.query_one("#preparing-label", Label).update(label)
        self.query_one("#preparing-bar", ProgressBar).update(progress=share)

    def _failed(self, lines: list[str]) -> None:
        self.failed = lines
        self.query_one("#preparing-label", Label).update("\n".join(lines))
        self.shell.notify(lines[0], severity="error", timeout=10)

    def _begin(self, session: practice.Session, backend) -> None:
        if self._leaving or not self.is_attached:
            session.close()
            return
        self.query_one("#preparing").display = False
        self.query_one("#captions").display = True
        self.query_one("#position", ProgressBar).update(total=session.duration, progress=0)
        if self.shell.audio_notice:
            self.query_one("#audio-notice", Label).update(self.shell.audio_notice)
        captions = Captions(tuple(timer.cues(self.timer))) if self.timer is not None else None
        self.practice = practice.Practice(
            self.shell.ctx,
            session,
            backend,
            self.shell.recorder,
            resume=self.asked.resume if self.asked is not None else None,
            mood_before=self.mood_before,
            captions=captions,
            on_finished=lambda: self.shell.call_from_thread(self._finished),
        )
        if self.practice.resume_refused:
            self.shell.notify(
                "This practice has changed since you stopped (its words, voice, length or ambience), "
                "so it starts again from the beginning.",
                timeout=10,
            )
        self.practice.begin()
        self.refresh_bindings()  # the ambience keys, when there is ambience
        self._show_levels()
        self._ticker = self.set_interval(0.1, self.refresh_position)
        self.refresh_position()

    # -- while playing --------------------------------------------------------------------------------
    def refresh_position(self) -> None:
        now = self.practice
        if now is None:
            return
        player = now.player
        if player.error is not None and not self._shown_error:
            self._shown_error = True
            message = player.error.lines()[0] if isinstance(player.error, CompassionError) else str(player.error)
            self.shell.notify(message, severity="error", timeout=12)
            self.query_one("#audio-notice", Label).update(message)
        pos = player.position
        duration = player.duration
        prev, current, nxt = now.captions.lines_at(pos)
        if self.timer is not None:
            current = timer.countdown(self.timer, pos) or current
        self.query_one("#prev-line", Label).update(prev)
        self.query_one("#current-line", Static).update(current or "·")
        self.query_one("#next-line", Label).update(nxt)
        self.query_one("#position", ProgressBar).update(total=duration, progress=pos)
        state = "preparing speech" if player.waiting and player.state is PlaybackState.PLAYING else player.state.value
        self.query_one("#time", Label).update(f"{clock(pos)} / {clock(duration)} · {state}")

    def action_pause_or_resume(self) -> None:
        if self.practice is not None:
            self.practice.player.toggle()
            self.refresh_position()

    def action_skip(self, seconds: float) -> None:
        if self.practice is not None and self.practice.player.state is not PlaybackState.FINISHED:
            self.practice.player.skip(seconds)
            self.refresh_position()

    def action_louder(self, steps: int) -> None:
        if self.practice is not None:
            self.practice.louder(steps)
            self._remember("volume")

    def action_ambience(self, steps: int) -> None:
        level = self.practice.ambience_louder(steps) if self.practice is not None else None
        if level is not None:
            self._remember("ambience_level")

    def _show_levels(self) -> None:
        now = self.practice
        if now is None:
            return
        shown = [f"Volume {now.player.volume} %  (+ and -)"]
        if now.session.mixer is not None:
            shown.append(f"ambience {round(now.session.mixer.level_db):+d} dB  ([ and ])")
        # Plain text: "[ and ]" would otherwise be read as markup and vanish.
        self.query_one("#levels", Label).update(Text(" · ".join(shown)))

    @work(thread=True, group="levels")
    def _remember(self, key: str) -> None:
        """Kept for the next session too (off the UI thread: it writes the settings file). One write at a
        time, each of the level as it is then, so the last press is the one kept."""
        self.shell.call_from_thread(self._show_levels)
        now = self.practice
        if now is None:
            return
        try:
            with self._levels_lock:
                mixer = now.session.mixer
                value = now.player.volume if key == "volume" else round(mixer.level_db) if mixer else 0
                preferences.change(self.shell.ctx, key, value)
        except CompassionError as exc:
            self.shell.call_from_thread(self.shell.notify, exc.lines()[0], severity="warning")

    def action_previous_line(self) -> None:
        if self.practice is not None:
            self.practice.previous_line()
            self.refresh_position()

    def action_next_line(self) -> None:
        if self.practice is not None:
            self.practice.next_line()
            self.refresh_position()

    # -- ending -----------------------------------------------------------------------------------------
    def _finished(self) -> None:
        if not self.is_attached:
            return
        self.refresh_position()
        if self._ticker is not None:
            self._ticker.stop()
        if self.shell.ctx.settings.check_in:
            from player.tui.screens.checkin import CheckInScreen

            self.shell.push_screen(CheckInScreen(before=False), self._after_check_in)
        else:
            self._after_check_in(None)

    def _after_check_in(self, mood: int | None) -> None:
        if self.practice is not None:
            self.practice.mood_after = mood
        self.report(show_closing=True)

    def report(self, show_closing: bool) -> None:
        # An app-level worker: it must finish even after this screen is gone.
        app = self.shell
        app.run_worker(lambda: self._report_job(app, show_closing), thread=True, group="report")

    def _report_job(self, app, show_closing: bool) -> None:
        outcome = self.practice.finish() if self.practice is not None else None
        if outcome is not None and outcome.lost:
            said = wording.lost_session(outcome.heard_s, outcome.problem, app.ctx.data_dir, str(self.entry.id))
            app.call_from_thread(app.notify, said, severity="error", timeout=30)
        elif outcome is not None and outcome.problem:
            app.call_from_thread(app.notify, outcome.problem, severity="error", timeout=12)
        elif outcome is not None and outcome.kept and not outcome.completed and not show_closing:
            assert self.practice is not None
            at, total = self.practice.player.position, self.practice.session.duration
            said = f"Kept as a part: {clock(at)} of {clock(total)}. Continue is offered next time you open it."
            app.later(app.notify, said, timeout=8)
        app.call_from_thread(app.refresh_progress)
        if show_closing:
            completed = outcome is not None and outcome.kept and outcome.completed
            try:
                what = overview.what_next(app.ctx, str(self.entry.id), completed)
            except CompassionError:
                what = overview.WhatNext(None, "")
            app.call_from_thread(self._show_closing, what)

    def final_report(self) -> None:
        """The app is closing: keep what was heard now (once; later calls do nothing)."""
        self._cancel.set()
        if self.practice is not None:
            self.practice.finish()

    def on_unmount(self) -> None:
        self.final_report()

    def keep_now(self) -> None:
        """The app is closing: what was heard is kept."""
        self.final_report()

    def _show_closing(self, what: overview.WhatNext) -> None:
        if not self.is_attached:
            return
        self._practice_over = True  # the footer first offers only what works now
        self.refresh_bindings()
        # The practice is over: its captions and levels make room for the closing words and buttons.
        for done in ("#captions", "#levels"):
            self.query_one(done).display = False
        closing = self.query_one(Closing)
        closing.show(str(self.entry.id), what)
        self.call_after_refresh(closing.scroll_visible, animate=False)
        self.call_after_refresh(self.refresh_bindings)  # once more, after any footer update still under way

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While playing: the player's keys. Once the closing words are shown: Back, and the buttons."""
        if action in ("previous_line", "next_line") and self.timer is not None:
            return False  # a timer has no lines to move between
        if action == "ambience" and (self.practice is None or self.practice.session.mixer is None):
            return False  # shown only with ambience to change
        if action in self.PLAYING_ACTIONS:
            return not self._practice_over
        if action == "back":
            return self._practice_over
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        chosen = event.button.id
        writes = Closing.writes(chosen)
        following = self.query_one(Closing).next_up
        if chosen == "closing-back":
            self.action_back()
        elif writes is not None:
            self.shell.pop_screen()
            self.shell.action_open_words(writes)
        elif chosen == "closing-next" and following is not None:
            self.shell.pop_screen()
            self.shell.open_target(following)

    def action_back(self) -> None:
        self.action_leave()

    def action_leave(self) -> None:
        """Stop and go back; a partial session is kept without asking; speech still being made is dropped."""
        self._leaving = True
        self._cancel.set()
        if self._ticker is not None:
            self._ticker.stop()
        if self.practice is not None:
            self.report(show_closing=False)
        self.shell.pop_screen()
