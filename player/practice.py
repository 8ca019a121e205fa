"""One practice session from start to record: prepare the audio, play it, follow the captions, report it.

Used by both the TUI and `compassion play --no-tui`; nothing here knows about either.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import wave
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from player import service
from player.audio import export
from player.audio.timeline import Cue
from player.catalog import Entry
from player.model.script import Script
from player.playback.backends import Backend
from player.playback.player import PlaybackState, Player
from player.store.sessions import Session
from player.tts.engines import get_engine

Progress = service.Progress


@dataclass(frozen=True)
class Prepared:
    """A session ready to play: its audio (mono 16-bit PCM), captions and length."""

    entry: Entry
    script: Script
    pcm: bytes
    rate: int
    cues: tuple[Cue, ...]
    minutes: float | None

    @property
    def duration(self) -> float:
        return len(self.pcm) // 2 / self.rate


def length_choices(low_minutes: float, high_minutes: float) -> list[float]:
    """Lengths to offer for an exercise: its ends and round numbers between (10 / 15 / 20 min)."""
    if high_minutes - low_minutes < 0.5:
        return [low_minutes]
    step = 5 if high_minutes - low_minutes >= 8 else 1
    inner = [float(m) for m in range(int(low_minutes) + 1, int(high_minutes) + 1) if m % step == 0]
    out = [low_minutes] + [m for m in inner if low_minutes + 0.5 < m < high_minutes - 0.5] + [high_minutes]
    return out


def prepare(ctx: service.Context, entry: Entry, script: Script, minutes: float | None,
            engine: str | None = None, progress: Progress | None = None, clamp: bool = False,
            background: str | None = None) -> Prepared:
    """Synthesize and assemble the session for `minutes` (cached, so a second play starts at once).

    With `clamp`, a length chosen from an estimate is moved into the exercise's real range.
    """
    bed = service.resolve_background(script, background)
    plan = service.plan(ctx, script, engine, progress)
    if clamp and minutes is not None:
        lo, hi = plan.range_minutes()
        minutes = min(max(minutes, lo), hi)
    timeline = plan.fit(minutes)
    sig = hashlib.sha256(json.dumps([
        script.digest, plan.voice.engine, get_engine(plan.voice.engine).identity(), plan.voice.voice,
        plan.voice.rate, plan.voice.volume, round(timeline.fraction, 6), timeline.total,
        bed[1].__dict__ if bed else None,
    ]).encode()).hexdigest()
    path = ctx.cache.base / "sessions" / f"{sig}.wav"
    pcm = _read_wav(path, timeline.total)
    if pcm is None:
        report = (lambda d, t: progress("audio", d, t)) if progress else None
        export.write(timeline, service.clip_source(ctx, plan.user_sounds), path, "wav", export.Tags(script.title),
                     report, bed)
        pcm = _read_wav(path, timeline.total)
        assert pcm is not None
    return Prepared(entry, script, pcm, timeline.rate, tuple(timeline.cues()), minutes)


def _read_wav(path: Path, frames: int) -> bytes | None:
    try:
        with wave.open(str(path), "rb") as w:
            if w.getnframes() != frames:
                return None
            data = w.readframes(frames)
    except (OSError, EOFError, wave.Error):
        return None
    return data if len(data) == frames * 2 else None


class Captions:
    """Which caption belongs to a moment, and the lines around it."""

    def __init__(self, cues: tuple[Cue, ...]) -> None:
        self.cues = cues
        self._starts = [c.start for c in cues]

    def index_at(self, position: float) -> int:
        """The cue being spoken, or the last one spoken (-1 before the first)."""
        return bisect.bisect_right(self._starts, position + 1e-6) - 1

    def lines_at(self, position: float) -> tuple[str, str, str]:
        """(previous, current, next) caption text at `position`; current is empty during silences."""
        i = self.index_at(position)
        speaking = i >= 0 and position < self.cues[i].end
        prev_i = i - 1 if speaking else i
        current = self.cues[i].text if speaking else ""
        nxt = self.cues[i + 1].text if i + 1 < len(self.cues) else ""
        prev = self.cues[prev_i].text if 0 <= prev_i < len(self.cues) else ""
        return prev, current, nxt

    def previous_start(self, position: float) -> float:
        """Where 'previous line' goes: the start of the line before the one being heard."""
        i = self.index_at(position)
        if i < 0:
            return 0.0
        # A moment into a line, 'previous' restarts it; right at its start, it goes to the one before.
        if position - self.cues[i].start > 1.0 or i == 0:
            return self.cues[i].start
        return self.cues[i - 1].start

    def next_start(self, position: float) -> float | None:
        i = self.index_at(position)
        return self.cues[i + 1].start if i + 1 < len(self.cues) else None


class Run:
    """Playing one prepared session, and reporting it once when it ends (finished or stopped)."""

    def __init__(self, prepared: Prepared, backend: Backend, recorder, started_at: datetime,
                 on_finished: Callable[[], None] | None = None) -> None:
        self.prepared = prepared
        self.captions = Captions(prepared.cues)
        self.recorder = recorder
        self.started_at = started_at
        self.mood_before: int | None = None
        self.mood_after: int | None = None
        self.completed: bool | None = None
        self._reported = False
        self._on_finished = on_finished
        self.player = Player(prepared.pcm, prepared.rate, backend, self._finished)

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
        if self._reported:
            return self.completed
        self._reported = True
        if self.player.state is not PlaybackState.FINISHED:
            self.player.stop()
        listened = self.player.listened
        if listened < 1.0:
            return None
        session = Session(self.prepared.entry.id, self.started_at, round(self.prepared.duration, 3),
                          round(listened, 3), "app", self.prepared.entry.week, self.prepared.minutes,
                          self.mood_before, self.mood_after)
        self.completed = bool(self.recorder.record(session))
        return self.completed
