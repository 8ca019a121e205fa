"""Practising: what `play` asks for (checked before anything starts), a session ready to play, and the
one session lifecycle (begin, checkpoint, finish) every way to practise drives.

Used by the TUI, `compassion play --no-tui`, `--plain` and the timer; nothing here knows about any of them.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from player.adapters.catalog import Entry
from player.adapters.playback.backend import Backend
from player.adapters.playback.captions import Captions
from player.adapters.playback.player import PlaybackState, Player
from player.app import context, library
from player.app import progress as records
from player.app.recording import Recorder
from player.app.session import Session
from player.core.script.model import Script
from player.core.session import Session as SessionRecord
from player.core.session import StoredSession, merge

Progress = context.Progress
#: How often a playing session is written with what has been heard (a kill loses at most this much).
VOLUME_STEP = 10
AMBIENCE_STEP_DB = 3
CHECKPOINT_S = 5.0

__all__ = ["Captions", "Outcome", "Practice", "Request", "Session", "length_choices", "open_session", "request"]


@dataclass(frozen=True)
class Request:
    """A practice someone asked to play, checked: the exercise, its length and the part to continue."""

    entry: Entry
    script: Script
    minutes: float | None
    engine: str | None = None
    background: str | None = None
    #: The stopped part to continue (`--resume`), when there is one from the last week.
    resume: StoredSession | None = None
    #: `--resume` was asked for but there is nothing to continue.
    nothing_to_resume: bool = False
    #: `--course-words`: the course's own wording instead of the listener's phrases and letter.
    course_words: bool = False
    #: The plan made while checking (as this listener hears it), which the session then uses.
    plan: library.Plan | None = None


def request(
    ctx: context.Context,
    target: str,
    minutes: float | None = None,
    engine: str | None = None,
    background: str | None = None,
    resume: bool = False,
    course_words: bool = False,
) -> Request:
    """`play TARGET`: the same checks whatever the screen (the voice, the ambience, a length the exercise
    can run to when every length is known), and the stopped part to continue."""
    entry, script = library.resolve_script(ctx, target)
    warm_up(ctx, script, engine)
    library.resolve_background(script, background)
    plan = library.plan(ctx, script, engine, synthesize=False, course_words=course_words)
    stopped = records.resumable(ctx, entry.id) if resume else None
    if stopped is not None and minutes is None:
        minutes = stopped.minutes_variant
    if minutes is not None and plan.exact:
        plan.check(minutes)
    nothing = resume and stopped is None
    return Request(entry, script, minutes, engine, background, stopped, nothing, course_words, plan)


def warm_up(ctx: context.Context, script: Script, engine: str | None = None) -> None:
    """Have the voice loaded while the practice is read, laid out or its length chosen, so its first line is
    made without waiting for the model (the neural voice; nothing to do for the others). Never fails: a
    voice that cannot be used is said when the practice starts."""
    from player.adapters.speech import synth
    from player.core.errors import CompassionError

    with contextlib.suppress(CompassionError):
        synth.warm_up(ctx.cache, library.speak_as(script, ctx.settings, engine))


def length_choices(low_minutes: float, high_minutes: float) -> list[float]:
    """Lengths to offer for an exercise: its ends and round numbers between (10 / 15 / 20 min)."""
    if high_minutes - low_minutes < 0.5:
        return [low_minutes]
    step = 5 if high_minutes - low_minutes >= 8 else 1
    inner = [float(m) for m in range(int(low_minutes) + 1, int(high_minutes) + 1) if m % step == 0]
    return [low_minutes] + [m for m in inner if low_minutes + 0.5 < m < high_minutes - 0.5] + [high_minutes]


def open_session(
    ctx: context.Context,
    asked: Request,
    progress: Progress | None = None,
    *,
    clamp: bool = False,
    cancel: threading.Event | None = None,
) -> Session:
    """A session ready to start at once.

    `minutes` is checked against the real range: at once when every length is known (made speech or the
    durations manifest); otherwise the speech is made first (with progress), then checked. With `clamp` (a
    length picked from a menu of estimated lengths) it is fitted into the range as playing reveals it.
    To continue a stopped session (`resume`), every line up to where it stopped must be there: the speech
    is made first.
    """
    script, engine, minutes, resume = asked.script, asked.engine, asked.minutes, asked.resume
    bed = library.resolve_background(script, library.chosen_ambience(ctx, asked.background))
    plan = asked.plan or library.plan(ctx, script, engine, synthesize=False, course_words=asked.course_words)
    if resume is not None or (minutes is not None and not clamp):
        if not plan.exact or resume is not None:
            plan = library.plan(
                ctx, script, engine, progress, synthesize=True, cancel=cancel, course_words=asked.course_words
            )
        plan.check(minutes)
    return Session(ctx, asked.entry, script, plan, minutes, bed)


@dataclass(frozen=True)
class Outcome:
    """How a session ended, as the listener is told it: `kept` only when a record was really written."""

    heard_s: float  # listened to in this part
    completed: bool
    kept: bool
    problem: str | None = None  # one line when it did not simply go into the progress file

    @property
    def lost(self) -> bool:
        """A real session (a second or more heard) that could be kept nowhere: neither the progress file
        nor the pending file took it."""
        return not self.kept and self.heard_s >= 1.0


class Practice:
    """One session's lifecycle, the only one: every way to practise (the app, `--no-tui`, `--plain`, the
    timer) drives it and draws it.

    - `begin`: the sound starts; the session starts now, by the context's clock.
    - `checkpoint`: the record of what has been heard so far (each moment once).
    - `finish`: stop and record it, once, however the session ends (it finished, it was stopped, the app
      is closing or the process was told to stop). Later calls return the same outcome.

    A session that continues a stopped part adds up what every part heard, each moment once.
    """

    def __init__(
        self,
        ctx: context.Context,
        session: Session,
        backend: Backend,
        recorder: Recorder,
        *,
        resume: StoredSession | None = None,
        mood_before: int | None = None,
        captions: Captions | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.session = session
        #: The stopped part this session continues (only when its audio is the same as this session's).
        self.resume = resume if resume is not None and resume.audio_key == session.audio_key else None
        #: Whether a part to continue was asked for but its audio has changed since (so it starts again).
        self.resume_refused = resume is not None and self.resume is None
        self.captions = captions or Captions(session)
        self.recorder = recorder
        self.mood_before = mood_before
        self.mood_after: int | None = None
        self.started_at: datetime | None = None
        self.outcome: Outcome | None = None
        #: What the last checkpoint could not write, for the listener (None while all is well).
        self.save_problem: str | None = None
        self._lock = threading.Lock()
        self._ended = threading.Event()
        self._saver: threading.Thread | None = None
        self._on_finished = on_finished
        self.player = Player(session, backend, self._sound_finished)
        self.player.set_volume(ctx.settings.volume)

    # -- loudness ------------------------------------------------------------------------------------------
    def louder(self, steps: int) -> int:
        """The volume `steps` of 10 % up (or down); the new volume, in percent."""
        self.player.set_volume(self.player.volume + VOLUME_STEP * steps)
        return self.player.volume

    def ambience_louder(self, steps: int) -> int | None:
        """The ambience `steps` of 3 dB up (or down), -12 to 12; None when this practice has none."""
        mixer = self.session.mixer
        if mixer is None:
            return None
        mixer.set_level(max(-12, min(12, round(mixer.level_db) + AMBIENCE_STEP_DB * steps)))
        return round(mixer.level_db)

    # -- the lifecycle -------------------------------------------------------------------------------------
    def begin(self) -> None:
        """Start the sound (where the stopped part ended, when continuing one). The session is written at
        once, marked as playing, and again every few seconds with what has been heard (off the caller's
        thread), so a process that is killed loses at most that much."""
        self.started_at = self.ctx.now()
        self.player.play(self.resume.position_s or 0.0 if self.resume is not None else 0.0)
        self._saver = threading.Thread(target=self._keep_saving, daemon=True, name="session-checkpoints")
        self._saver.start()

    def _keep_saving(self) -> None:
        while True:
            record = self.checkpoint()
            if record is not None:
                saved = self.recorder.save(record, final=False)
                self.save_problem = saved.note
            if self._ended.wait(CHECKPOINT_S):
                return

    def checkpoint(self) -> SessionRecord | None:
        """The session as it stands: what has been heard so far (None before the sound started)."""
        if self.started_at is None:
            return None
        earlier = list(self.resume.heard) if self.resume is not None else []
        heard = merge([*earlier, *self.player.heard_spans()])
        return SessionRecord(
            self.session.entry.id,
            self.started_at,
            round(self.session.duration, 3),
            round(sum(b - a for a, b in heard), 3),
            "app",
            self.session.entry.week,
            self.session.minutes,
            self.mood_before,
            self.mood_after,
            resumes=self.resume.id if self.resume is not None else None,
            position_s=self.player.position,
            heard=tuple(heard),
            audio_key=self.session.audio_key,
            part_s=self.player.listened,
        )

    def finish(self) -> Outcome:
        """Stop, and record the session (once). Less than a second heard is not a session: nothing is kept."""
        with self._lock:
            if self.outcome is not None:
                return self.outcome
            self.player.stop()
            self.session.close()
            self._ended.set()
            if self._saver is not None:
                self._saver.join()  # the last checkpoint is written before the final record
            record = self.checkpoint()
            if record is None or (record.part_s or 0.0) < 1.0:
                if record is not None:
                    self.recorder.discard(record)
                self.outcome = Outcome(record.part_s or 0.0 if record else 0.0, False, False)
                return self.outcome
            saved = self.recorder.save(record, final=True)
            self.outcome = Outcome(record.part_s or 0.0, record.completed, saved.kept, saved.note)
            return self.outcome

    # -- while playing ---------------------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """Whether the last sound has been heard."""
        return self.player.state is PlaybackState.FINISHED

    def previous_line(self) -> None:
        self.player.seek(self.captions.previous_start(self.player.position))

    def next_line(self) -> None:
        target = self.captions.next_start(self.player.position)
        if target is not None:
            self.player.seek(target)

    def _sound_finished(self) -> None:
        if self._on_finished:
            self._on_finished()
