"""Keeping every engine, voice and week at the same loudness.

Each utterance is scaled so its speech (silences excluded) reaches one RMS level; a small per-engine
correction, measured once with ffmpeg's EBU R128 meter, brings the finished mix to about -17 LUFS.
"""

from __future__ import annotations

import math

from player.adapters.sound import pcm as pcmops

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
    levels = pcmops.window_levels(pcm, max(1, int(_WINDOW_S * rate)))
    if not levels:
        return float(pcmops.rms(pcm))
    loudest = max(levels)
    active = [lv for lv in levels if lv > loudest * 0.1]
    return math.sqrt(sum(lv * lv for lv in active) / len(active)) if active else 0.0


def speech_level(volume: float = 1.0) -> float:
    """The RMS (in sample units) that speech is levelled to, for a voice `volume` (0..1, 0.5 is -6 dB)."""
    return 32767 * 10 ** (SPEECH_RMS_DBFS / 20) * volume


def level_speech(pcm: bytes, rate: int, engine: str) -> bytes:
    """Scale one utterance to the common speech level (a voice's volume is applied afterwards).

    Every engine lands at the same loudness; a gentle limiter keeps peaks below -1 dBFS.
    """
    level = active_rms(pcm, rate)
    if level <= 0:
        return pcm
    target = speech_level() * 10 ** (ENGINE_TRIM_DB.get(engine, 0.0) / 20)
    factor = target / level
    if pcmops.peak(pcm) * factor <= PEAK_LIMIT:
        return pcmops.gain(pcm, factor)
    # Turning peaks down lowers the level a little: make that up, so every volume lands where it should.
    peaks = _Peaks(pcm, rate)
    out = _limited(pcm, factor, peaks)
    for _ in range(3):
        reached = active_rms(out, rate)
        if reached <= 0 or abs(20 * math.log10(target / reached)) < 0.1:
            break
        factor *= target / reached
        out = _limited(pcm, factor, peaks)
    return out


class _Peaks:
    """The peak of each 4 ms block of a line, measured once however often the limiter runs over it: first
    per 64 ms, then per block only within the stretches that come near the limit."""

    def __init__(self, pcm: bytes, rate: int) -> None:
        self.block = block = max(1, rate // 250)
        self.coarse = coarse = block * 16
        self.view = view = memoryview(pcm)
        self.n = n = len(pcm) // 2
        self.coarse_peaks = [(c, pcmops.peak(view[c * 2 : (c + coarse) * 2])) for c in range(0, n, coarse)]
        self._fine: dict[int, list[tuple[int, int]]] = {}

    def above(self, limit: float) -> dict[int, float]:
        """{block number: limit / its peak} for every block whose peak passes `limit`."""
        need: dict[int, float] = {}
        block, view, peak = self.block, self.view, pcmops.peak
        for c, top in self.coarse_peaks:
            if top <= limit:
                continue
            blocks = self._fine.get(c)
            if blocks is None:
                starts = range(c, min(self.n, c + self.coarse), block)
                blocks = self._fine[c] = [(b // block, peak(view[b * 2 : (b + block) * 2])) for b in starts]
            for i, top_of_block in blocks:
                if top_of_block > limit:
                    need[i] = limit / top_of_block
        return need


def _limited(pcm: bytes, factor: float, peaks: _Peaks) -> bytes:
    """Apply `factor`, turning down only the brief moments that would pass the peak limit.

    The gain is worked out per 4 ms block: each block gets at most the gain that keeps its own peak
    under the limit; dips start two blocks ahead of a peak and recover over two blocks after, so the
    voice stays natural where hard clipping would crackle. Only the blocks near peaks are touched.
    """
    block, view, n = peaks.block, peaks.view, peaks.n
    # Raw peaks above this would pass the limit once the gain is applied.
    need = peaks.above(PEAK_LIMIT / factor)
    # Each block's dip is the deepest need within two blocks of it; its gain, the lower of its dip and the
    # mean dip of the five blocks around it (blocks without a dip count as 1).
    dip: dict[int, float] = {}
    for i, g in need.items():
        for j in (i - 2, i - 1, i, i + 1, i + 2):
            if g < dip.get(j, 1.0):
                dip[j] = g
    get = dip.get
    out = bytearray(pcmops.gain(pcm, factor))
    for i in {j for k in dip for j in (k - 2, k - 1, k, k + 1, k + 2)}:
        g = min(get(i, 1.0), (get(i - 2, 1.0) + get(i - 1, 1.0) + get(i, 1.0) + get(i + 1, 1.0) + get(i + 2, 1.0)) / 5)
        b = i * block
        if g < 1.0 and 0 <= b < n:
            out[b * 2 : (b + block) * 2] = pcmops.gain(view[b * 2 : (b + block) * 2], factor * g)
    return bytes(out)
