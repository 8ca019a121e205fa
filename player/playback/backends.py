"""Audio output backends. The Player hands frames over; a backend says which of them have been heard.

- PortAudio (python-sounddevice), the normal one: a callback stream whose buffers carry the time they reach
  the DAC, so the heard frame is known to within milliseconds, through a sound server or straight to ALSA.
- simpleaudio (the `simpleaudio-patched` build, which fixes the original's crash on Python 3.12+), a
  fallback where PortAudio is missing: it keeps time with a clock and plays each stretch of sound as it
  comes, and a session ends only once its last sound has stopped playing.
- Silent: plays nothing; the clock still runs, so captions move in real time.

ALSA prints its own complaints on stderr, where Textual draws. The device is first tried in a child process
(whose stderr goes nowhere), and ALSA's error printer is replaced with a silent one in this process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from functools import lru_cache
from typing import Protocol

NO_DEVICE_NOTICE = "no audio device found: playing silently — captions only"
PORTAUDIO_HINT = "install PortAudio: `sudo apt-get install libportaudio2` (or run `make run`)"

Pull = Callable[[int], bytes]


class Backend(Protocol):
    name: str
    #: True when pausing and seeking can drop what the backend holds (they then act at once).
    flushes: bool
    #: How far ahead of the heard frame the backend takes frames (the Player keeps that much ready).
    lead_s: float

    def open(self, rate: int, pull: Pull, handed: Callable[[], int]) -> None:
        """Start output; `pull(n)` gives the next n frames, `handed()` how many were given so far."""

    def heard(self) -> int:
        """Device frames heard so far (the Player never counts more than it handed over)."""

    def flush(self) -> int:
        """Drop what is held and not yet heard; returns the device frame heard now (the next to hand)."""

    def drained(self) -> bool:
        """Whether everything handed over has finished sounding."""

    def unsteady(self) -> bool:
        """Whether the output keeps running dry and should be restarted (with flush)."""

    def close(self) -> None:
        """Stop at once; heard() keeps its last value."""


class _Clock:
    """Device frames by the clock, for backends whose device says nothing about timing."""

    def __init__(self) -> None:
        self.rate = 22050
        self._t0: float | None = None
        self._frozen: int | None = None

    def start(self, rate: int) -> None:
        self.rate = rate
        self._t0 = time.monotonic()

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

    def open(self, rate: int, pull: Pull, handed: Callable[[], int]) -> None:
        self._clock.start(rate)
        lead = int(self.lead_s * rate)

        def run() -> None:
            while not self._stop.wait(0.02):
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
        self._base = 0          # device frame of this stream's first frame (after a restart, not 0)
        self._count = 0         # frames handed to this stream
        self._final: int | None = None
        self._underflows = 0
        self._latency = self.LATENCY_S
        self._restarted = False

    def open(self, rate: int, pull: Pull, handed: Callable[[], int]) -> None:
        self.rate, self._pull, self._handed = rate, pull, handed
        self._start(handed())

    def _start(self, base: int) -> None:
        self._base, self._count, self._anchor, self._underflows = base, 0, None, 0
        self._first_time: float | None = None
        self._final = None
        self._stream = self._sd.RawOutputStream(
            samplerate=self.rate, channels=1, dtype="int16", blocksize=self.BLOCK, latency=self._latency,
            callback=self._callback)
        self._stream.start()
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
        return (not self._restarted and self._underflows > self.STORM
                and time.monotonic() - self._started_at < 1.5)

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
            try:
                stream.abort()
                stream.close()
            except Exception:
                pass

    def close(self) -> None:
        if self._stream is not None:
            self._final = self.heard()
            self._abort()


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

    def open(self, rate: int, pull: Pull, handed: Callable[[], int]) -> None:
        self._clock.start(rate)
        self.rate = rate
        threading.Thread(target=self._run, args=(pull, handed), daemon=True, name="simpleaudio-output").start()

    def _run(self, pull: Pull, handed: Callable[[], int]) -> None:
        lead, most = int(self.lead_s * self.rate), int(self.SEGMENT_S * self.rate)
        start, seg, epoch = 0, bytearray(), self._epoch
        while not self._stop.wait(0.01):
            with self._lock:
                if epoch != self._epoch:  # flushed: start over from the heard frame
                    seg, epoch = bytearray(), self._epoch
            while handed() < self._clock.frames() + lead and not self._stop.is_set():
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


# -- finding a device ---------------------------------------------------------------------------------

_HANDLER = None


def quiet_alsa() -> None:
    """Replace ALSA's stderr error printer with a silent one (this process only)."""
    global _HANDLER
    if _HANDLER is not None or not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("asound") or "libasound.so.2"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return
    proto = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p)
    _HANDLER = proto(lambda *args: None)
    lib.snd_lib_error_set_handler(_HANDLER)


_PROBE = r"""
import sys
try:
    import sounddevice as sd
except (OSError, ImportError) as exc:
    print("missing", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    sys.exit(0)
try:
    sd.query_devices(kind="output")
    s = sd.RawOutputStream(samplerate=22050, channels=1, dtype="int16", latency=0.2, blocksize=1024)
    s.start(); s.stop(); s.close()
except Exception:
    print("no-device")
    sys.exit(0)
print("ok")
"""

_PROBE_SIMPLEAUDIO = """
import simpleaudio
simpleaudio.play_buffer(bytes(441 * 2), 1, 2, 22050).wait_done()
"""


def _child(code: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run([sys.executable, "-c", code], stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=15)
    except (OSError, subprocess.TimeoutExpired):
        return None


@lru_cache(maxsize=1)
def probe() -> tuple[str, str]:
    """("portaudio" | "simpleaudio" | "none", notice): what can play here, found out in child processes
    so that a crashing or complaining audio library never reaches this one."""
    if os.environ.get("COMPASSION_NO_AUDIO"):
        return "none", NO_DEVICE_NOTICE
    r = _child(_PROBE)
    answer = (r.stdout.strip() if r is not None and r.returncode == 0 else "") or "failed"
    if answer == "ok":
        return "portaudio", ""
    if answer == "no-device":
        return "none", NO_DEVICE_NOTICE
    s = _child(_PROBE_SIMPLEAUDIO)
    if answer.startswith("missing"):
        if s is not None and s.returncode == 0:
            return "simpleaudio", f"PortAudio is not installed, so captions are timed less exactly; {PORTAUDIO_HINT}"
        return "none", f"no sound: the PortAudio library is missing; {PORTAUDIO_HINT}. Playing silently."
    if s is not None and s.returncode == 0:
        return "simpleaudio", "PortAudio could not start; playing through simpleaudio instead"
    return "none", "no sound: the audio libraries could not start (PortAudio and simpleaudio); playing silently"


def choose(no_audio: bool) -> tuple[Backend, str | None]:
    """The backend to use, and a notice for the user when sound is not available as it should be."""
    if no_audio:
        return SilentBackend(), None
    kind, notice = probe()
    if kind == "portaudio":
        quiet_alsa()
        try:
            return PortAudioBackend(), None
        except Exception:
            return SilentBackend(), f"no sound: PortAudio could not start in this process; {PORTAUDIO_HINT}"
    if kind == "simpleaudio":
        quiet_alsa()
        try:
            return SimpleaudioBackend(), notice
        except Exception:
            return SilentBackend(), "no sound: simpleaudio could not start; playing silently"
    return SilentBackend(), notice
