"""What the screens may ask of the app, typed: the shared state and the flows they start. The app itself
(`player.tui.app.CompassionApp`) fills these in; screens reach it as `self.shell` through `Screen` below,
so they never import it (that would go round in a circle)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Generic, TypeVar, cast

from textual.app import App
from textual.screen import Screen as TextualScreen

from player.adapters.catalog import Entry
from player.adapters.playback.backend import Backend
from player.app.context import Context
from player.app.preferences import Writer
from player.app.progress import Stats
from player.app.recording import SqliteRecorder
from player.app.timer import TimerSpec
from player.core.script.model import Script

ResultType = TypeVar("ResultType")


class Shell(App[None]):
    """The app as screens see it."""

    ctx: Context
    stats: Stats | None
    store_problem: str | None
    #: `--engine` and `--background` from the command line, for every practice started in the app.
    engine: str | None
    background: str | None
    recorder: SqliteRecorder
    settings_writer: Writer
    audio_notice: str | None

    @property
    def today(self) -> date:
        """Today's practice date, from the context's clock (it rolls over at the day start)."""
        return self.ctx.today()

    def later(self, callback: Callable[..., object], *args: object, **kwargs: object) -> None:
        """Run `callback` on the UI thread soon, from any thread, without waiting for it."""
        raise NotImplementedError

    def refresh_progress(self) -> object:
        """Read progress again (off the UI thread); screens get `show_progress` when it arrives."""
        raise NotImplementedError

    def audio_backend(self) -> Backend:
        raise NotImplementedError

    def open_week(self, number: int | None) -> None:
        raise NotImplementedError

    def course_changed(self) -> None:
        """Another course is followed now: home shows it, and progress is read again."""
        raise NotImplementedError

    def open_target(self, target: str) -> None:
        raise NotImplementedError

    def open_exercise(self, entry: Entry, script: Script) -> object:
        raise NotImplementedError

    def choose_timer(self, shown: TimerSpec | None = None) -> None:
        raise NotImplementedError

    def action_open_stats(self) -> None:
        raise NotImplementedError

    def action_open_courses(self) -> None:
        raise NotImplementedError

    def action_help(self) -> None:
        raise NotImplementedError

    def action_open_settings(self) -> None:
        raise NotImplementedError

    def action_open_words(self, focus: str = "phrases") -> None:
        raise NotImplementedError


class Screen(TextualScreen[ResultType], Generic[ResultType]):
    """A screen of this app: `self.shell` is the app, typed as the Shell."""

    @property
    def shell(self) -> Shell:
        return cast(Shell, self.app)
