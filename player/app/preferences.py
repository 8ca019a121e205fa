"""Changing settings, for the command line and the settings screen alike: the one use case that writes
them, with what each change brings along (practice days for a new day start, the reminder's calendar
file for a reminder time), all in one step."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from player.adapters import settings
from player.adapters.catalog import Entry
from player.adapters.playback.backend import Backend
from player.adapters.playback.player import Player
from player.adapters.settings import Settings
from player.app import library, progress, reminders
from player.app.context import Context
from player.app.session import Session
from player.core import ids
from player.core.errors import CompassionError
from player.core.script.model import Pause, Say, Script


@dataclass(frozen=True)
class Changed:
    path: Path  # the settings file
    reminder: reminders.Written | None = None  # the calendar file written along with it

    @property
    def reminder_said(self) -> str:
        r = self.reminder
        return f"Reminder {r.when} written to {r.path}: import it into your calendar app." if r else ""

    @property
    def said(self) -> str:
        """One line for the listener: where it was saved (and the reminder file, if one was written)."""
        return " ".join(x for x in (self.reminder_said, f"Saved in {self.path}.") if x)


def change(ctx: Context, key: str, value: object) -> Changed:
    """Change one setting (read fresh, only this key changes); it is in force at once in `ctx`. A new
    speech engine clears the voice in the same write: a voice belongs to its engine."""
    written: list[reminders.Written] = []
    changes = {key: value}
    if key == "voice_engine" and value != ctx.settings.voice_engine:
        changes["voice"] = ""

    @contextlib.contextmanager
    def along(before: Settings, after: Settings) -> Iterator[None]:
        with progress.practice_days(ctx, before, after), progress.goals_kept(ctx, before, after):
            if after.reminder_time and after.reminder_time != before.reminder_time:
                written.append(reminders.write_daily(ctx, after.reminder_time))
            yield

    ctx.settings, path = settings.change(ctx.config_dir, changes, along)
    return Changed(path, written[0] if written else None)


#: Settings the listener sees, by the names the settings screen gives them.
NAMES = {
    "reminder_time": "the reminder time",
    "day_starts_at": "the time a new day starts",
    "voice": "the voice",
    "rate": "the pace",
    "volume": "the volume",
}


def refusal(key: str, error: CompassionError) -> str:
    """A change that could not be saved, in the app's own words (no key names, no "error:")."""
    if key in ("reminder_time", "day_starts_at"):
        return "That is not a time this can use. Write one like 7:30 or 19:45" + (
            ", or leave it empty for no reminder." if key == "reminder_time" else "."
        )
    what = NAMES.get(key, "this setting")
    reason = error.message.split(" must be ", 1)[-1] if " must be " in error.message else error.message
    return f"Not saved: {what} needs to be {reason}." if " must be " in error.message else f"Not saved: {reason}."


#: What a settings change reports back: what was saved, or the problem that kept it from being saved.
Done = Callable[[Changed | None, CompassionError | None], None]


class Writer:
    """The settings screen's changes, written one at a time in the order they were made, on one thread
    of its own: an older value never lands over a newer one, however quickly the listener toggles."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._queue: queue.Queue[tuple[str, object, Done]] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def submit(self, key: str, value: object, done: Done) -> None:
        """Queue a change; `done` is called on the writer's thread once it is saved (or refused)."""
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="settings-writer")
                self._thread.start()
        self._queue.put((key, value, done))

    def wait(self, timeout: float = 3.0) -> bool:
        """Wait until every queued change is written (the app is closing); False if time ran out."""
        ends = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < ends:
            time.sleep(0.01)
        return not self._queue.unfinished_tasks

    def _run(self) -> None:
        while True:
            key, value, done = self._queue.get()
            try:
                try:
                    changed = change(self.ctx, key, value)
                except CompassionError as exc:
                    done(None, exc)
                else:
                    done(changed, None)
            finally:
                self._queue.task_done()


PREVIEW_WORDS = "Hello. This is the voice your practices will use. Take your time, and breathe gently."


def preview(ctx: Context) -> Session:
    """A few seconds of the voice, engine and rate in force now, ready to play (its speech made first)."""
    script = Script(
        id="preview", title="Voice preview", steps=(Say(PREVIEW_WORDS, Pause.fixed(0.0), 1),), path=Path("preview")
    )
    plan = library.plan(ctx, script, synthesize=True)
    return Session(ctx, Entry(ids.path("voice-preview"), Path("voice-preview")), script, plan, None)  # never recorded


class Preview:
    """The voice preview playing (the app's volume applies); `stop` ends it."""

    def __init__(self, ctx: Context, backend: Backend) -> None:
        self.session = preview(ctx)
        self.player = Player(self.session, backend)
        self.player.set_volume(ctx.settings.volume)
        self.player.play()

    def stop(self) -> None:
        self.player.stop()
        self.session.close()


#: How an ambience is called where people choose it (its name, where none is needed).
AMBIENCE_TITLES = {"brown": "Brown noise", "drone": "A soft drone", "rain": "Rain"}


def ambience_title(name: str) -> str:
    return AMBIENCE_TITLES.get(name, name.replace("-", " ").replace("_", " ").capitalize())


def ambience_names() -> list[str]:
    """The ambiences that can be chosen, by name."""
    from player.adapters.sound import sounds

    return sorted(sounds.ambiences())
