"""One practice session from start to record: lay it out, play it as its speech is made, follow the
captions, report it.

Used by both the TUI and `compassion play --no-tui`; nothing here knows about either.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from datetime import datetime

from player import service
from player.audio import sounds
from player.audio.ambience import Mixer
from player.audio.live import LiveLayout
from player.audio.timeline import Cue
from player.catalog import Entry
from player.errors import WorkFailed
from player.model.script import Script
from player.playback.device import Backend
from player.playback.player import PlaybackState, Player
from player.store.sessions import Session as SessionRecord
from player.tts import synth
from player.tts.base import SAMPLE_RATE

Progress = service.Progress
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
        ctx: service.Context,
        entry: Entry,
        script: Script,
        plan: service.Plan,
        minutes: float | None,
        background=None,
        progress: Progress | None = None,
    ) -> None:
        self.ctx, self.entry, self.script, self.plan, self.minutes = ctx, entry, script, plan, minutes
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


def open_session(
    ctx: service.Context,
    entry: Entry,
    script: Script,
    minutes: float | None,
    engine: str | None = None,
    background: str | None = None,
    progress: Progress | None = None,
    *,
    clamp: bool = False,
    cancel: threading.Event | None = None,
) -> Session:
    """A session ready to start at once.

    `minutes` is checked against the real range: at once when every length is known (made speech or the
    durations manifest); otherwise the speech is made first (with progress), then checked. With `clamp` (a
    length picked from a menu of estimated lengths) it is fitted into the range as playing reveals it.
    """
    bed = service.resolve_background(script, background)
    plan = service.plan(ctx, script, engine, synthesize=False)
    if minutes is not None and not clamp:
        if not plan.exact:
            plan = service.plan(ctx, script, engine, progress, synthesize=True, cancel=cancel)
        plan.check(minutes)
    return Session(ctx, entry, script, plan, minutes, bed)


class Captions:
    """Which caption belongs to a moment, and the lines around it (following the session as it is laid out)."""

    def __init__(self, source: Session | tuple[Cue, ...]) -> None:
        self._source = source if isinstance(source, Session) else None
        self._version = -1
        self._cues: tuple[Cue, ...] = () if isinstance(source, Session) else tuple(source)
        self._starts = [c.start for c in self._cues]

    @property
    def cues(self) -> tuple[Cue, ...]:
        if self._source is not None:
            version, cues = self._source.cues()
            if version != self._version:
                self._version, self._cues = version, tuple(cues)
                self._starts = [c.start for c in self._cues]
        return self._cues

    def index_at(self, position: float) -> int:
        """The cue being spoken, or the last one spoken (-1 before the first)."""
        self.cues  # noqa: B018 - refresh
        return bisect.bisect_right(self._starts, position + 1e-6) - 1

    def lines_at(self, position: float) -> tuple[str, str, str]:
        """(previous, current, next) caption text at `position`; current is empty during silences."""
        cues = self.cues
        i = self.index_at(position)
        speaking = i >= 0 and position < cues[i].end
        prev_i = i - 1 if speaking else i
        current = cues[i].text if speaking else ""
        nxt = cues[i + 1].text if i + 1 < len(cues) else ""
        prev = cues[prev_i].text if 0 <= prev_i < len(cues) else ""
        return prev, current, nxt

    def previous_start(self, position: float) -> float:
        """Where 'previous line' goes: the start of the line before the one being heard."""
        cues = self.cues
        i = self.index_at(position)
        if i < 0:
            return 0.0
        # A moment into a line, 'previous' restarts it; right at its start, it goes to the one before.
        if position - cues[i].start > 1.0 or i == 0:
            return cues[i].start
        return cues[i - 1].start

    def next_start(self, position: float) -> float | None:
        cues = self.cues
        i = self.index_at(position)
        return cues[i + 1].start if i + 1 < len(cues) else None


class Run:
    """Playing one session, and reporting it once when it ends (finished, stopped or the app closing)."""

    def __init__(
        self,
        session: Session,
        backend: Backend,
        recorder,
        started_at: datetime,
        on_finished: Callable[[], None] | None = None,
    ) -> None:
        self.session = session
        self.captions = Captions(session)
        self.recorder = recorder
        self.started_at = started_at
        self.mood_before: int | None = None
        self.mood_after: int | None = None
        self.completed: bool | None = None
        self._reported = False
        self._report_lock = threading.Lock()
        self._on_finished = on_finished
        self.player = Player(session, backend, self._finished)

    def _finished(self) -> None:
        if self._on_finished:
            self._on_finished()

    def start(self) -> None:
        self.player.play(0)

    def previous_line(self) -> None:
        self.player.seek(self.captions.previous_start(self.player.position))

    def next_line(self) -> None:
        target = self.captions.next_start(self.player.position)
        if target is not None:
            self.player.seek(target)

    @property
    def finished(self) -> bool:
        return self.player.state is PlaybackState.FINISHED

    def report(self) -> bool | None:
        """Stop and report the session, once. Whether it counted as completed; None when nothing was heard."""
        with self._report_lock:
            if self._reported:
                return self.completed
            self._reported = True
            self.player.stop()
            self.session.close()
            listened = self.player.listened
            if listened < 1.0:
                return None
            record = SessionRecord(
                self.session.entry.id,
                self.started_at,
                round(self.session.duration, 3),
                round(listened, 3),
                "app",
                self.session.entry.week,
                self.session.minutes,
                self.mood_before,
                self.mood_after,
            )
            self.completed = bool(self.recorder.record(record))
            return self.completed
