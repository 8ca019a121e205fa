"""Backends without timing from the device: a clock says which frames have been heard.

Silent plays nothing. simpleaudio plays stretches of sound as they come, and a session using it ends only
once its last sound has stopped playing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from player.adapters.playback.backend import Pull


class _Clock:
    """Device frames by the clock, for backends whose device says nothing about timing."""

    def __init__(self) -> None:
        self.rate = 22050
        self._t0: float | None = None
        self._frozen: int | None = None

    def start(self, rate: int) -> None:
        self.rate = rate
        self._t0 = time.monotonic()
        self._frozen = None

    def frames(self) -> int:
        if self._frozen is not None:
            return self._frozen
        if self._t0 is None:
            return 0
        return int((time.monotonic() - self._t0) * self.rate)

    def freeze(self) -> None:
        self._frozen = self.frames()


class SilentBackend:
    """Plays nothing; frames are taken and 'heard' in real time."""

    name = "silent"
    flushes = True
    lead_s = 0.1

    def __init__(self) -> None:
        self._clock = _Clock()
        self._stop = threading.Event()

    def prepare(self, rate: int) -> None:
        pass

    def open(self, rate: int, pull: Pull, handed: Callable[[], int]) -> None:
        # One backend plays session after session: each opening has its own clock and its own stop.
        self._clock.start(rate)
        lead = int(self.lead_s * rate)
        stop = self._stop = threading.Event()

        def run() -> None:
            while not stop.wait(0.02):
                need = self._clock.frames() + lead - handed()
                if need > 0:
                    pull(need)

        threading.Thread(target=run, daemon=True, name="silent-output").start()

    def heard(self) -> int:
        return self._clock.frames()

    def flush(self) -> int:
        return self._clock.frames()

    def drained(self) -> bool:
        return True

    def unsteady(self) -> bool:
        return False

    def close(self) -> None:
        self._clock.freeze()
        self._stop.set()


class SimpleaudioBackend:
    """Fallback: plays stretches of sound with simpleaudio, timed by the clock.

    simpleaudio needs each sound whole before it starts, so frames are taken a few seconds ahead and
    played as stretches that end at a silence (or after SEGMENT_S, which leaves a tiny seam in ambience).
    """

    name = "simpleaudio"
    flushes = True
    lead_s = 10.0
    SEGMENT_S = 8.0
    BLOCK = 2048

    def __init__(self) -> None:
        import simpleaudio

        self._sa = simpleaudio
        self._clock = _Clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._plays: list = []
        self._pending: list[tuple[int, bytes]] = []
        self._epoch = 0

    def prepare(self, rate: int) -> None:
        pass

    def open(self, rate: int, pull: Pull, handed: Callable[[], int]) -> None:
        self._clock.start(rate)
        self.rate = rate
        self._stop = threading.Event()
        threading.Thread(target=self._run, args=(pull, handed), daemon=True, name="simpleaudio-output").start()

    def _run(self, pull: Pull, handed: Callable[[], int]) -> None:
        lead, most = int(self.lead_s * self.rate), int(self.SEGMENT_S * self.rate)
        start, seg, epoch = 0, bytearray(), self._epoch
        stop = self._stop
        while not stop.wait(0.01):
            with self._lock:
                if epoch != self._epoch:  # flushed: start over from the heard frame
                    seg, epoch = bytearray(), self._epoch
            while handed() < self._clock.frames() + lead and not stop.is_set():
                at = handed()
                block = pull(self.BLOCK)
                silent = not any(block)
                if seg and (silent or len(seg) // 2 >= most):
                    self._queue(epoch, start, bytes(seg))
                    seg = bytearray()
                if not silent:
                    if not seg:
                        start = at
                    seg += block
            self._play_due()

    def _queue(self, epoch: int, start: int, pcm: bytes) -> None:
        with self._lock:
            if epoch == self._epoch:
                self._pending.append((start, pcm))

    def _play_due(self) -> None:
        now = self._clock.frames()
        with self._lock:
            due = [p for p in self._pending if p[0] <= now]
            self._pending = [p for p in self._pending if p[0] > now]
            for _, pcm in due:
                self._plays = [p for p in self._plays if p.is_playing()]
                self._plays.append(self._sa.play_buffer(pcm, 1, 2, self.rate))

    def heard(self) -> int:
        return self._clock.frames()

    def flush(self) -> int:
        with self._lock:
            self._epoch += 1
            self._pending.clear()
            for p in self._plays:
                p.stop()
            self._plays.clear()
        return self._clock.frames()

    def drained(self) -> bool:
        with self._lock:
            return not self._pending and not any(p.is_playing() for p in self._plays)

    def unsteady(self) -> bool:
        return False

    def close(self) -> None:
        self._clock.freeze()
        self._stop.set()
        with self._lock:
            for p in self._plays:
                p.stop()
            self._plays.clear()
            self._pending.clear()
