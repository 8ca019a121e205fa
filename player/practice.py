"""One practice session from start to record: lay it out, play it as its speech is made, follow the
captions, report it.

Used by both the TUI and `compassion play --no-tui`; nothing here knows about either.
"""

from __future__ import annotations

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
from player.playback.captions import Captions
from player.playback.device import Backend
from player.playback.handover import merge
from player.playback.player import PlaybackState, Player
from player.store.sessions import Session as SessionRecord
from player.store.sessions import StoredSession
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


def audio_key(plan: service.Plan, minutes: float | None, background: tuple | None) -> str:
    """What a session's audio is made from (lines, voice, pauses, bells, length, ambience), as one key: a
    stopped session can be continued only if this is the same."""
    import hashlib
    import json

    from player.tts.cache import FORMAT_VERSION

    parts: list[object] = [FORMAT_VERSION, minutes, plan.margins.lead_s, plan.margins.tail_s]
    for it in plan.items:
        ev = it.event
        parts.append(it.key or getattr(ev, "name", None) or repr(getattr(ev, "pause", "")))
    if background is not None:
        parts.append(background[1].__dict__)
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


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
    resume: SessionRecord | None = None,
) -> Session:
    """A session ready to start at once.

    `minutes` is checked against the real range: at once when every length is known (made speech or the
    durations manifest); otherwise the speech is made first (with progress), then checked. With `clamp` (a
    length picked from a menu of estimated lengths) it is fitted into the range as playing reveals it.
    To continue a stopped session (`resume`), every line up to where it stopped must be there: the speech
    is made first.
    """
    bed = service.resolve_background(script, background)
    plan = service.plan(ctx, script, engine, synthesize=False)
    if resume is not None or (minutes is not None and not clamp):
        if not plan.exact or resume is not None:
            plan = service.plan(ctx, script, engine, progress, synthesize=True, cancel=cancel)
        plan.check(minutes)
    return Session(ctx, entry, script, plan, minutes, bed)


class Run:
    """Playing one session, and reporting it once when it ends (finished, stopped or the app closing)."""

    def __init__(
        self,
        session: Session,
        backend: Backend,
        recorder,
        started_at: datetime,
        on_finished: Callable[[], None] | None = None,
        resume: StoredSession | None = None,
    ) -> None:
        self.session = session
        #: The stopped part this run continues (only when its audio is the same as this session's).
        self.resume = resume if resume is not None and resume.audio_key == session.audio_key else None
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
        self.player.play(self.resume.position_s or 0.0 if self.resume is not None else 0.0)

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
        """Stop and report the session, once. Whether it counted as completed; None when nothing was heard.

        A continued session adds up everything heard in every part, each moment once, and is completed
        when that reaches 90% of it.
        """
        with self._report_lock:
            if self._reported:
                return self.completed
            self._reported = True
            self.player.stop()
            self.session.close()
            part = self.player.listened
            if part < 1.0:
                return None
            earlier = list(self.resume.heard) if self.resume is not None else []
            heard = merge([*earlier, *self.player.heard_spans()])
            record = SessionRecord(
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
                part_s=part,
            )
            self.completed = bool(self.recorder.record(record))
            return self.completed
