"""Measuring rendered audio the way a listener would notice it: lengths, silences, onsets."""

from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: A 10 ms window quieter than this (about -50 dBFS RMS) is silence.
SILENT_RMS = 100


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
        return data, w.getframerate()


def decode(path: Path, rate: int = 22050) -> np.ndarray:
    """Any audio file decoded by ffmpeg to mono 16-bit samples."""
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64)


def _step(rate: int) -> float:
    """Seconds per analysis window (exactly, so long files do not drift)."""
    return int(rate * 0.01) / rate


def window_rms(samples: np.ndarray, rate: int) -> np.ndarray:
    n = int(rate * 0.01)
    usable = len(samples) // n * n
    frames = samples[:usable].reshape(-1, n)
    return np.sqrt((frames**2).mean(axis=1))


@dataclass(frozen=True)
class Run:
    start: float
    end: float

    @property
    def length(self) -> float:
        return self.end - self.start


def silences(samples: np.ndarray, rate: int, min_len: float = 0.6) -> list[Run]:
    """Stretches of silence at least `min_len` seconds long, in order."""
    quiet = window_rms(samples, rate) < SILENT_RMS
    WINDOW_S = _step(rate)
    runs, start = [], None
    for i, q in enumerate(quiet):
        if q and start is None:
            start = i
        elif not q and start is not None:
            if (i - start) * WINDOW_S >= min_len:
                runs.append(Run(start * WINDOW_S, i * WINDOW_S))
            start = None
    if start is not None and (len(quiet) - start) * WINDOW_S >= min_len:
        runs.append(Run(start * WINDOW_S, len(quiet) * WINDOW_S))
    return runs


def sounds(samples: np.ndarray, rate: int, min_gap: float = 0.6) -> list[Run]:
    """Stretches of sound (from first to last loud window) separated by silences of at least `min_gap`."""
    loud = np.nonzero(window_rms(samples, rate) >= SILENT_RMS)[0]
    WINDOW_S = _step(rate)
    out: list[Run] = []
    if not len(loud):
        return out
    start = prev = loud[0]
    for i in loud[1:]:
        if (i - prev - 1) * WINDOW_S >= min_gap:
            out.append(Run(start * WINDOW_S, (prev + 1) * WINDOW_S))
            start = i
        prev = i
    out.append(Run(start * WINDOW_S, (prev + 1) * WINDOW_S))
    return out


def first_sound(samples: np.ndarray, rate: int) -> float:
    loud = np.nonzero(window_rms(samples, rate) >= SILENT_RMS)[0]
    return float(loud[0] * _step(rate)) if len(loud) else float("nan")


def last_sound(samples: np.ndarray, rate: int) -> float:
    loud = np.nonzero(window_rms(samples, rate) >= SILENT_RMS)[0]
    return float((loud[-1] + 1) * _step(rate)) if len(loud) else float("nan")
