"""The Player: play, pause, resume, seek and stop over rendered PCM, with a monotonic clock.

Position is driven by the clock while playing and is exact after pause and seek. "Listened" is the
amount of audio actually played (overlaps counted once); skipping ahead does not add to it.
"""

from __future__ import annotations

import enum
import threading
import time
from collections.abc import Callable

from player.playback.backends import Backend


class PlaybackState(enum.Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"
    FINISHED = "finished"


class Player:
    def __init__(self, pcm: bytes, rate: int, backend: Backend, on_finished: Callable[[], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._pcm = memoryview(pcm)
        self.rate = rate
        self.backend = backend
        self.on_finished = on_finished
        self._clock = clock
        self._lock = threading.RLock()
        self._state = PlaybackState.STOPPED
        self._offset = 0.0        # position when the clock was last anchored
        self._anchor = 0.0        # clock reading at that moment
        self._played: list[tuple[float, float]] = []
        self._timer: threading.Timer | None = None
        self._starter: threading.Timer | None = None
        self._generation = 0
        self._silent_until = 0.0  # the device is still playing out audio stopped before this moment

    # -- reading -------------------------------------------------------------------------------
    @property
    def duration(self) -> float:
        return len(self._pcm) // 2 / self.rate

    @property
    def state(self) -> PlaybackState:
        with self._lock:
            return self._state

    @property
    def position(self) -> float:
        with self._lock:
            if self._state is PlaybackState.PLAYING:
                return min(self.duration, self._offset + max(0.0, self._clock() - self._anchor))
            return self._offset

    @property
    def listened(self) -> float:
        """Seconds of audio actually played, each moment counted once."""
        with self._lock:
            spans = list(self._played)
            if self._state is PlaybackState.PLAYING:
                spans.append((self._offset, self.position))
        total, end = 0.0, -1.0
        for a, b in sorted(spans):
            if b <= end:
                continue
            total += b - max(a, end)
            end = b
        return total

    # -- control -------------------------------------------------------------------------------
    def play(self, start_at: float = 0.0) -> None:
        with self._lock:
            self._close_span()
            self._start(start_at)

    def pause(self) -> None:
        with self._lock:
            if self._state is not PlaybackState.PLAYING:
                return
            pos = self.position
            self.backend.stop()
            self._cancel_timer()
            # What was already in the device buffer is still heard after stop(): resume after it.
            pos = min(self.duration, pos + self.backend.drain_s)
            self._silent_until = self._clock() + self.backend.drain_s
            self._played.append((self._offset, pos))
            self._offset = pos
            self._state = PlaybackState.PAUSED

    def resume(self) -> None:
        with self._lock:
            if self._state is PlaybackState.PAUSED:
                self._start(self._offset)

    def toggle(self) -> None:
        with self._lock:
            if self._state is PlaybackState.PLAYING:
                self.pause()
            elif self._state is PlaybackState.PAUSED:
                self.resume()
            elif self._state is PlaybackState.FINISHED:
                self.play(0)

    def seek(self, seconds: float) -> None:
        """Jump to an absolute position; keeps playing if playing, stays paused if paused."""
        with self._lock:
            target = min(max(0.0, seconds), self.duration)
            if self._state is PlaybackState.PLAYING:
                self._close_span()
                self.backend.stop()
                self._silent_until = self._clock() + self.backend.drain_s
                self._start(target)
            else:
                self._offset = target
                if self._state is PlaybackState.FINISHED:
                    self._state = PlaybackState.PAUSED

    def skip(self, delta: float) -> None:
        self.seek(self.position + delta)

    def stop(self) -> None:
        with self._lock:
            self._close_span()
            self.backend.stop()
            self._cancel_timer()
            self._state = PlaybackState.STOPPED

    # -- internals -------------------------------------------------------------------------------
    def _close_span(self) -> None:
        if self._state is PlaybackState.PLAYING:
            pos = self.position
            if pos > self._offset:
                self._played.append((self._offset, pos))
            self._offset = pos

    def _start(self, at: float) -> None:
        at = min(max(0.0, at), self.duration)
        self._cancel_timer()
        # New sound waits until the device has played out what it held, so voices never overlap.
        delay = max(0.0, self._silent_until - self._clock())
        self._offset = at
        self._anchor = self._clock() + delay
        self._state = PlaybackState.PLAYING
        self._generation += 1
        gen = self._generation
        chunk = self._pcm[int(round(at * self.rate)) * 2 :]
        if delay > 0:
            self._starter = threading.Timer(delay, self._deferred_start, args=(gen, chunk))
            self._starter.daemon = True
            self._starter.start()
        else:
            self.backend.start(chunk, self.rate)
        self._timer = threading.Timer(delay + max(0.0, self.duration - at), self._finish, args=(gen,))
        self._timer.daemon = True
        self._timer.start()

    def _deferred_start(self, generation: int, chunk: memoryview) -> None:
        with self._lock:
            if generation == self._generation and self._state is PlaybackState.PLAYING:
                self.backend.start(chunk, self.rate)

    def _cancel_timer(self) -> None:
        for timer in (self._timer, self._starter):
            if timer is not None:
                timer.cancel()
        self._timer = self._starter = None

    def _finish(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation or self._state is not PlaybackState.PLAYING:
                return
            self._played.append((self._offset, self.duration))
            self._offset = self.duration
            self.backend.stop()
            self._state = PlaybackState.FINISHED
        if self.on_finished:
            self.on_finished()
