"""Keeping every engine, voice and week at the same loudness.

Each utterance is scaled so its speech (silences excluded) reaches one RMS level; a small per-engine
correction, measured once with ffmpeg's EBU R128 meter, brings the finished mix to about -17 LUFS.
"""

from __future__ import annotations

import math

from player.audio import pcm as pcmops

TARGET_LUFS = -17.0
#: RMS of active speech that lands near TARGET_LUFS (dBFS), before the per-engine correction.
SPEECH_RMS_DBFS = -14.6
#: Measured correction (dB) per engine: espeak-ng's bright formant voice reads louder on the K-weighted
#: meter than Piper's at the same RMS.
ENGINE_TRIM_DB = {"pyttsx3": -0.6, "piper": 0.6}
PEAK_LIMIT = int(0.89 * 32767)  # -1 dBFS: speech never clips, and leaves room for ambience
_WINDOW_S = 0.02


def active_rms(pcm: bytes, rate: int) -> float:
    """RMS over the windows that hold speech (quiet gaps between words do not count)."""
    n = max(1, int(_WINDOW_S * rate)) * 2
    windows = [pcm[i : i + n] for i in range(0, len(pcm) - n + 1, n)]
    levels = [pcmops.rms(w) for w in windows]
    if not levels:
        return float(pcmops.rms(pcm))
    loudest = max(levels)
    active = [lv for lv in levels if lv > loudest * 0.1]
    return math.sqrt(sum(lv * lv for lv in active) / len(active)) if active else 0.0


def level_speech(pcm: bytes, rate: int, engine: str) -> bytes:
    """Scale one utterance to the common speech level; a gentle limiter keeps peaks below -1 dBFS."""
    level = active_rms(pcm, rate)
    if level <= 0:
        return pcm
    target = 32767 * 10 ** ((SPEECH_RMS_DBFS + ENGINE_TRIM_DB.get(engine, 0.0)) / 20)
    factor = target / level
    if pcmops.peak(pcm) * factor <= PEAK_LIMIT:
        return pcmops.gain(pcm, factor)
    return _limited(pcm, factor, rate)


def _limited(pcm: bytes, factor: float, rate: int) -> bytes:
    """Apply `factor`, turning down only the brief moments that would pass the peak limit.

    The gain dips a few milliseconds ahead of each peak and recovers smoothly, which keeps the voice
    natural where hard clipping would crackle.
    """
    import numpy as np
    from numpy.lib.stride_tricks import sliding_window_view

    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64) * factor
    need = np.minimum(1.0, PEAK_LIMIT / np.maximum(np.abs(x), 1.0))
    half = max(1, int(0.004 * rate))
    padded = np.pad(need, half, mode="edge")
    dip = sliding_window_view(padded, 2 * half + 1).min(axis=1)
    kernel = np.hanning(2 * half + 1)
    kernel /= kernel.sum()
    smooth = np.convolve(np.pad(dip, half, mode="edge"), kernel, mode="valid")
    y = np.clip(x * np.minimum(smooth, dip), -PEAK_LIMIT, PEAK_LIMIT)
    return np.round(y).astype("<i2").tobytes()
