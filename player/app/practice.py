"""One practice session from start to record: lay it out, play it as its speech is made, follow the
captions, report it.

Used by both the TUI and `compassion play --no-tui`; nothing here knows about either.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from player.adapters.catalog import Entry
from player.adapters.playback.backend import Backend
from player.adapters.playback.captions import Captions
from player.adapters.playback.handover import merge
from player.adapters.playback.player import PlaybackState, Player
from player.adapters.sound import sounds
from player.adapters.sound.ambience import Mixer
from player.adapters.sound.live import LiveLayout
from player.adapters.speech import synth
from player.adapters.store.sessions import Session as SessionRecord
from player.adapters.store.sessions import StoredSession
from player.app import context, library
from player.core.errors import CompassionError, WorkFailed
from player.core.script.model import Script
from player.core.timeline import SAMPLE_RATE, Cue

Progress = context.Progress
#: Silence added inside a pause while the next line is still being made.
WAIT_FRAMES = int(0.1 * SAMPLE_RATE)


def length_choices(low_minutes: float, high_minutes: float) -> list[float]:
    """Lengths to offer for an exercise: its ends and round numbers between (10 / 15 / 20 min)."""
    if high_minutes - low_minutes < 0.5:
        return [low_minutes]
    step = 5 if high_minutes - low_minutes >= 8 else 1
    inner = [float(m) for m in range(int(low_minutes) + 1, int(high_minutes) + 1) if m % step == 0]
    return [low_minutes] + [m for m in inner if low_minutes + 0.5 < m < high_minutes - 0.5] + [high_minutes]


class Session:
    """A practice ready to play: laid out as it plays, its speech made in the background in the order it
    will be heard, its sound read piece by piece (a sixty-minute session needs no more memory than one)."""

    def __init__(
        self,
        ctx: context.Context,
        entry: Entry,
        script: Script,
        plan: library.Plan,
        minutes: float | None,
        background=None,
        progress: Progress | None = None,
    ) -> None:
        self.ctx, self.entry, self.script, self.plan, self.minutes = ctx, entry, script, plan, minutes
        self.audio_key = audio_key(plan, minutes, background)
        self.rate = SAMPLE_RATE
        self.layout = LiveLayout(plan.items, self.rate, minutes, plan.margins)
        self._lock = threading.RLock()
        report = (lambda done, total: progress("speech", done, total)) if progress else None
        self.synthesis = synth.Synthesis(ctx.cache, plan.utterances, report)
        self._learned = -1
        self._speech: dict[str, bytes] = {}
        self.mixer = None
        if background is not None:
            loop, settings = background
            self.mixer = Mixer(loop, settings, self.rate, plan.voice.volume)
        self.synthesis.start()

    # -- what the Player asks --------------------------------------------------------------------------
    def total(self) -> int:
        with self._lock:
            self._learn()
            return self.layout.total

    @property
    def duration(self) -> float:
        return self.total() / self.rate

    def laid_out(self) -> int:
        with self._lock:
            return self.layout.end

    def complete(self) -> bool:
        with self._lock:
            return self.layout.done

    def extend(self, upto: int, wait_if_blocked: bool) -> int:
        with self._lock:
            self._learn()
            end = self.layout.extend(upto, self._ready)
            if end < upto and not self.layout.done and wait_if_blocked:
                self.layout.wait_here(WAIT_FRAMES)
            return self.layout.end

    def wait_for_speech(self, timeout: float) -> None:
        with self._lock:
            key = self.layout.waiting_for()
        if key is not None:
            self.synthesis.wait(key, timeout)

    def read(self, start: int, frames: int) -> bytes:
        """PCM of frames [start, start + frames), which must be laid out."""
        with self._lock:
            clips = self.layout.clips
            i = self.layout.clip_index(start)
            out = bytearray()
            pos, stop = start, start + frames
            while pos < stop and 0 <= i < len(clips):
                clip = clips[i]
                a, b = pos - clip.start, min(clip.length, stop - clip.start)
                if clip.kind == "silence":
                    out += bytes((b - a) * 2)
                else:
                    out += self._pcm(clip.kind, clip.ref)[a * 2 : b * 2]
                pos = clip.start + b
                i += 1
            total = self.layout.total
        if len(out) < frames * 2:
            out += bytes(frames * 2 - len(out))
        pcm = bytes(out)
        return self.mixer.mix_at(pcm, start, total) if self.mixer else pcm

    # -- internals -------------------------------------------------------------------------------------
    def _ready(self, key: str) -> int | None:
        if self.synthesis.failed is not None:
            raise self.synthesis.failed
        return self.synthesis.ready(key)

    def _learn(self) -> None:
        done = self.synthesis.done
        if done != self._learned:
            self._learned = done
            self.layout.learn_many(dict(self.synthesis.frames))

    def _pcm(self, kind: str, ref: str) -> bytes:
        if kind == "bell":
            return sounds.load_bell(ref, self.plan.user_sounds)
        pcm = self._speech.get(ref)
        if pcm is None:
            pcm = self.ctx.cache.read(ref)
            if pcm is None:
                raise WorkFailed(
                    "a spoken line went missing from the speech cache while playing", "play the practice again"
                )
            if len(self._speech) >= 4:
                self._speech.pop(next(iter(self._speech)))
            self._speech[ref] = pcm
        return pcm

    def cues(self) -> tuple[int, list[Cue]]:
        """(layout version, captions as they now stand)."""
        with self._lock:
            self._learn()
            return self.layout.version, self.layout.cues()

    def close(self) -> None:
        """Stop making speech nobody will hear (what is being made is finished and cached)."""
        self.synthesis.cancel()
        if self.synthesis.done:
            self.ctx.tidy_cache({u.key for u in self.plan.utterances})


def audio_key(plan: library.Plan, minutes: float | None, background: tuple | None) -> str:
    """What a session's audio is made from (lines, voice, pauses, bells, length, ambience), as one key: a
    stopped session can be continued only if this is the same."""
    import hashlib
    import json

    from player.adapters.speech.cache import FORMAT_VERSION

    parts: list[object] = [FORMAT_VERSION, minutes, plan.margins.lead_s, plan.margins.tail_s]
    for it in plan.items:
        ev = it.event
        parts.append(it.key or getattr(ev, "name", None) or repr(getattr(ev, "pause", "")))
    if background is not None:
        parts.append(background[1].__dict__)
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def open_session(
    ctx: context.Context,
    entry: Entry,
    script: Script,
    minutes: float | None,
    engine: str | None = None,
    background: str | None = None,
    progress: Progress | None = None,
    *,
    clamp: bool = False,
    cancel: threading.Event | None = None,
    resume: SessionRecord | None = None,
) -> Session:
    """A session ready to start at once.

    `minutes` is checked against the real range: at once when every length is known (made speech or the
    durations manifest); otherwise the speech is made first (with progress), then checked. With `clamp` (a
    length picked from a menu of estimated lengths) it is fitted into the range as playing reveals it.
    To continue a stopped session (`resume`), every line up to where it stopped must be there: the speech
    is made first.
    """
    bed = library.resolve_background(script, background)
    plan = library.plan(ctx, script, engine, synthesize=False)
    if resume is not None or (minutes is not None and not clamp):
        if not plan.exact or resume is not None:
            plan = library.plan(ctx, script, engine, progress, synthesize=True, cancel=cancel)
        plan.check(minutes)
    return Session(ctx, entry, script, plan, minutes, bed)


@dataclass(frozen=True)
class Outcome:
    """How a session ended, as the listener is told it: `kept` only when a record was really written."""

    heard_s: float  # listened to in this part
    completed: bool
    kept: bool
    problem: str | None = None  # one line when it could not be kept


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
        recorder,
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
        self._lock = threading.Lock()
        self._on_finished = on_finished
        self.player = Player(session, backend, self._sound_finished)

    # -- the lifecycle -------------------------------------------------------------------------------------
    def begin(self) -> None:
        """Start the sound (where the stopped part ended, when continuing one)."""
        self.started_at = self.ctx.now()
        self.player.play(self.resume.position_s or 0.0 if self.resume is not None else 0.0)

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
            record = self.checkpoint()
            if record is None or (record.part_s or 0.0) < 1.0:
                self.outcome = Outcome(record.part_s or 0.0 if record else 0.0, False, False)
                return self.outcome
            try:
                completed = bool(self.recorder.record(record))
            except CompassionError as exc:
                self.outcome = Outcome(record.part_s or 0.0, record.completed, False, exc.lines()[0])
                return self.outcome
            self.outcome = Outcome(record.part_s or 0.0, completed, True)
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
