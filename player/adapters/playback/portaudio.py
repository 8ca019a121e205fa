"""The PortAudio backend (python-sounddevice): heard frames from the time each buffer reaches the DAC."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from player.adapters.playback.backend import Pull


class PortAudioBackend:
    """A PortAudio callback stream. Each callback says when its buffer reaches the DAC: heard frames follow
    from that and the stream's clock, never running ahead of what was handed over.

    At the start, PortAudio fills the device's buffer in one burst of callbacks whose DAC times assume the
    device starts at once. A sound server may take much longer (an idle PulseAudio waited 0.3 to 0.8 s in
    our measurements), so those are not trusted: the heard frame stays at the start until the first
    callback paced by the device itself."""

    name = "portaudio"
    flushes = False
    lead_s = 0.0
    LATENCY_S = 0.2
    BLOCK = 1024
    #: More output underflows than this in the first second of a stream means it is struggling.
    STORM = 8

    def __init__(self) -> None:
        import sounddevice

        self._sd = sounddevice
        self._stream = None
        self._anchor: tuple[float, int] | None = None
        self._base = 0  # device frame of this stream's first frame (after a restart, not 0)
        self._count = 0  # frames handed to this stream
        self._final: int | None = None
        self._underflows = 0
        self._started_at = time.monotonic()  # set again when the stream starts
        self._latency = self.LATENCY_S
        self._restarted = False
        self._ready: tuple[int, float, Any] | None = None  # a stream made by prepare, not yet started

    def prepare(self, rate: int) -> None:
        """Make the stream now, while the first sound is being made; `open` then only starts it."""
        if self._ready is None:
            try:
                self._ready = (rate, self._latency, self._new_stream(rate))
            except Exception:  # open will try again, and say what went wrong
                self._ready = None

    def open(self, rate: int, pull: Pull, handed: Callable[[], int]) -> None:
        self.rate, self._pull, self._handed = rate, pull, handed
        self._start(handed())

    def _new_stream(self, rate: int):
        return self._sd.RawOutputStream(
            samplerate=rate,
            channels=1,
            dtype="int16",
            blocksize=self.BLOCK,
            latency=self._latency,
            callback=self._callback,
        )

    def _start(self, base: int) -> None:
        self._base, self._count, self._anchor, self._underflows = base, 0, None, 0
        self._first_time: float | None = None
        self._final = None
        ready, self._ready = self._ready, None
        if ready is not None and ready[:2] == (self.rate, self._latency):
            stream = ready[2]
        else:
            if ready is not None:
                self._close_quietly(ready[2])
            stream = self._new_stream(self.rate)
        self._stream = stream
        stream.start()
        self._started_at = time.monotonic()

    def _callback(self, outdata, frames, timing, status) -> None:
        if status.output_underflow:
            self._underflows += 1
        outdata[:] = self._pull(frames)
        dac, now = timing.outputBufferDacTime, timing.currentTime
        if dac <= 0:  # a host that cannot tell: assume the stream's stated latency
            dac = now + (self._stream.latency if self._stream is not None else self._latency)
        if self._first_time is None:
            self._first_time = now
        if now - self._first_time >= 0.5 * frames / self.rate:  # paced by the device, not the first fill
            self._anchor = (dac, self._base + self._count)
        self._count += frames

    def heard(self) -> int:
        if self._final is not None:
            return self._final
        anchor, stream = self._anchor, self._stream
        if anchor is None or stream is None:
            return self._base
        dac, first = anchor
        try:
            now = stream.time
        except Exception:  # the stream is being closed
            return self._base
        return int(max(self._base, min(first + (now - dac) * self.rate, self._base + self._count)))

    def drained(self) -> bool:
        return True  # the Player waits for the heard frame itself

    def unsteady(self) -> bool:
        return not self._restarted and self._underflows > self.STORM and time.monotonic() - self._started_at < 1.5

    def flush(self) -> int:
        """Stop a struggling stream (the Player then opens it again, with more latency); returns the frame
        heard."""
        h = self.heard()
        self._abort()
        self._restarted = True
        self._latency *= 2
        return h

    def _abort(self) -> None:
        stream, self._stream = self._stream, None
        self._final = self.heard() if stream is not None else self._final
        if stream is not None:
            self._close_quietly(stream)

    @staticmethod
    def _close_quietly(stream) -> None:
        try:
            stream.abort()
            stream.close()
        except Exception:
            pass

    def close(self) -> None:
        ready, self._ready = self._ready, None
        if ready is not None:  # stopped before the first sound was ready
            self._close_quietly(ready[2])
        if self._stream is not None:
            self._final = self.heard()
            self._abort()
