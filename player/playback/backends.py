"""Audio output backends. A backend only starts and stops sound; the Player keeps time.

ALSA prints its own errors on stderr when a device cannot be opened. Textual draws on stderr, so we never
redirect it: instead the device is probed once in a child process (whose stderr goes nowhere), and ALSA's
error printer is replaced with a silent one in this process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import subprocess
import sys
from functools import lru_cache
from typing import Protocol

NO_DEVICE_NOTICE = "no audio device found: playing silently — captions only"


class Backend(Protocol):
    name: str
    #: Audio still heard after stop() (the device drains its buffer); added to the paused position.
    drain_s: float

    def start(self, pcm: memoryview, rate: int) -> None: ...

    def stop(self) -> None: ...


class SilentBackend:
    """Plays nothing; the Player's clock still runs, so captions move in real time."""

    name = "silent"
    drain_s = 0.0

    def start(self, pcm: memoryview, rate: int) -> None:
        pass

    def stop(self) -> None:
        pass


def _sound_server_running() -> bool:
    """Whether ALSA output goes through a sound server (PulseAudio, or PipeWire's pulse socket)."""
    if os.environ.get("PULSE_SERVER"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    return bool(runtime) and os.path.exists(os.path.join(runtime, "pulse", "native"))


class SimpleaudioBackend:
    """simpleaudio's stop() lets the device play out what it already holds: about 0.1 s straight to ALSA,
    about 0.3 s through a sound server (measured by recording a null sink's monitor)."""

    name = "simpleaudio"

    def __init__(self) -> None:
        import simpleaudio

        self._sa = simpleaudio
        self._play = None
        self.drain_s = 0.3 if _sound_server_running() else 0.1

    def start(self, pcm: memoryview, rate: int) -> None:
        self.stop()
        if len(pcm) < 2:
            return
        self._play = self._sa.play_buffer(pcm, 1, 2, rate)

    def stop(self) -> None:
        if self._play is not None:
            self._play.stop()
            self._play = None


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


_PROBE = """
import simpleaudio
p = simpleaudio.play_buffer(bytes(441 * 2), 1, 2, 22050)
p.wait_done()
"""


@lru_cache(maxsize=1)
def device_available() -> bool:
    """Whether an audio device opens, found out in a child process so its complaints never reach us."""
    if os.environ.get("COMPASSION_NO_AUDIO"):
        return False
    try:
        r = subprocess.run([sys.executable, "-c", _PROBE], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return r.returncode == 0


def choose(no_audio: bool) -> tuple[Backend, str | None]:
    """The backend to use, and a notice for the user when sound is not available."""
    if no_audio:
        return SilentBackend(), None
    if not device_available():
        return SilentBackend(), NO_DEVICE_NOTICE
    quiet_alsa()
    try:
        return SimpleaudioBackend(), None
    except Exception:  # simpleaudio missing its ALSA library: same experience as no device
        return SilentBackend(), NO_DEVICE_NOTICE
