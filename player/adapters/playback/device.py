"""Audio output: choosing the backend this machine can use (the interface is in `backend`).

- PortAudio (python-sounddevice), the normal one: it knows when its sound reaches the speakers.
- simpleaudio (the `simpleaudio-patched` build, which fixes the original's crash on Python 3.12+), a
  fallback where PortAudio is missing.
- Silent: plays nothing; the clock still runs, so captions move in real time.

ALSA prints its own complaints on stderr, where Textual draws. The device is first tried in a child process
(whose stderr goes nowhere), and ALSA's error printer is replaced with a silent one in this process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import subprocess
import sys
from functools import lru_cache

from player.adapters.playback.backend import Backend

NO_DEVICE_NOTICE = "no audio device found: playing silently — captions only"
PORTAUDIO_HINT = "install PortAudio: `sudo apt-get install libportaudio2` (or run `make run`)"

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
        return subprocess.run(
            [sys.executable, "-c", code], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=15
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


@lru_cache(maxsize=1)
def probe() -> tuple[str, str]:
    """("portaudio" | "simpleaudio" | "none", notice): what can play here, found out in child processes
    so that a crashing or complaining audio library never reaches this one."""
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


def probe_here() -> tuple[str, str]:
    """The same answer as `probe`, found in this process when PortAudio answers at once (the plain
    terminal has no screen for a complaining library to spoil); otherwise asked of child processes."""
    try:
        quiet_alsa()
        import sounddevice as sd

        sd.query_devices(kind="output")
    except Exception:  # no library, no device, or an odd one: the careful way says which, and what to do
        return probe()
    return "portaudio", ""


def choose(no_audio: bool, here: bool = False) -> tuple[Backend, str | None]:
    """The backend to use, and a notice for the user when sound is not available as it should be.
    `here`: look in this process first (the plain terminal, where every tenth of a second counts)."""
    from player.adapters.playback.clocked import SilentBackend, SimpleaudioBackend
    from player.adapters.playback.portaudio import PortAudioBackend

    if no_audio:
        return SilentBackend(), None
    kind, notice = probe_here() if here else probe()
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
