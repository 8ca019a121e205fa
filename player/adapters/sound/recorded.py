"""Recorded lines: a person's own recording of a line, decoded to the app's PCM (mono, 16-bit, at the app's
sample rate). WAV is read directly; FLAC, Ogg/Opus and MP3 go through ffmpeg, as pydub runs it."""

from __future__ import annotations

import hashlib
import subprocess
import wave
from functools import lru_cache
from pathlib import Path

from player.adapters.sound import pcm as pcmops
from player.core.errors import CompassionError, MissingTool
from player.core.timeline import SAMPLE_RATE

#: The kinds of recording a line may have.
SUFFIXES = (".wav", ".flac", ".ogg", ".opus", ".mp3")
#: A recording longer than this is surely not one line (and would hold a practice's memory).
MOST_SECONDS = 30 * 60


def decode(path: Path) -> bytes:
    """The recording's PCM, or a CompassionError naming the file and what to do."""
    path = Path(path)
    if not path.is_file():
        raise CompassionError(f"the recording {path} is missing", "put the file there, or fix the audio path")
    if path.suffix.lower() == ".wav":
        try:
            with wave.open(str(path), "rb") as w:
                if w.getnframes() > MOST_SECONDS * w.getframerate():
                    raise CompassionError(f"the recording {path} is longer than {MOST_SECONDS // 60} minutes")
                raw = pcmops.to_mono16(w.readframes(w.getnframes()), w.getsampwidth(), w.getnchannels())
                return pcmops.resample(raw, w.getframerate(), SAMPLE_RATE)
        except (EOFError, wave.Error, ValueError):
            pass  # a WAV that Python's reader does not know (float, 24-bit...): ffmpeg reads it
        except OSError as exc:
            raise CompassionError(f"cannot read the recording {path} ({exc.strerror})") from None
    return _through_ffmpeg(path)


def _through_ffmpeg(path: Path) -> bytes:
    from player.adapters.sound.export import ffmpeg_path

    exe = ffmpeg_path()
    if exe is None:
        raise MissingTool(
            f"ffmpeg is needed to read the recording {path}",
            "install it with `sudo apt-get install ffmpeg` (macOS: `brew install ffmpeg`), or use a WAV file",
        )
    command = [exe, "-v", "error", "-nostdin", "-i", str(path), "-t", str(MOST_SECONDS)]
    command += ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(SAMPLE_RATE), "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CompassionError(f"cannot read the recording {path} ({exc})") from None
    if done.returncode != 0 or not done.stdout:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CompassionError(
            f"cannot read the recording {path}" + (f" ({why[-1]})" if why else ""),
            f"use a WAV, FLAC, Ogg/Opus or MP3 file ({', '.join(SUFFIXES)})",
        )
    return done.stdout


def fingerprint(path: Path) -> str:
    """What the recording holds, as a short hash: a changed file is a new line (and a new cache entry)."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        return "missing"
    return _hashed(str(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=512)
def _hashed(path: str, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:20]
