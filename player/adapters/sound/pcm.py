"""Small operations on raw mono 16-bit PCM (bytes), in C speed through `audioop`."""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

WIDTH = 2
#: Raw mono 16-bit samples, or a view into them.
Pcm = bytes | bytearray | memoryview
#: Windows quieter than this RMS (about -50 dBFS) count as silence.
SILENCE_RMS = 100
#: Kept around speech when trimming so soft consonants at the edges stay intact.
EDGE_PAD_S = 0.01


def _is_loud(pcm: bytes, start: int, window: int, n: int) -> bool:
    return audioop.rms(pcm[start * WIDTH : min(n, start + window) * WIDTH], WIDTH) > SILENCE_RMS


def trim_silence(pcm: bytes, rate: int) -> bytes:
    """Cut leading and trailing silence, keeping a few milliseconds around the speech.

    Speech starts at the first 5 ms window louder than about -50 dBFS RMS, the level at which a listener
    (and a level meter) would say the sound has begun.
    """
    pcm = pcm[: len(pcm) - len(pcm) % WIDTH]
    window = max(1, rate // 200)
    n = len(pcm) // WIDTH
    first = next((s for s in range(0, n, window) if _is_loud(pcm, s, window, n)), None)
    if first is None:
        return b""
    last = next(s for s in range((n - 1) // window * window, -1, -window) if _is_loud(pcm, s, window, n))
    pad = int(EDGE_PAD_S * rate)
    start, end = max(0, first - pad), min(n, last + window + pad)
    return fade(pcm[start * WIDTH : end * WIDTH], rate, 0.004, 0.004)


def fade(pcm: bytes, rate: int, fade_in_s: float, fade_out_s: float) -> bytes:
    """Linear fades at both ends (short fades stop clicks)."""
    n = len(pcm) // WIDTH
    fin = min(n // 2, int(fade_in_s * rate))
    fout = min(n - fin, int(fade_out_s * rate))
    if fin == 0 and fout == 0:
        return pcm
    data = bytearray(pcm)
    step = max(1, rate // 1000)  # apply the ramp a millisecond at a time: smooth enough, and fast
    for start in range(0, fin, step):
        end = min(fin, start + step)
        seg = bytes(data[start * WIDTH : end * WIDTH])
        data[start * WIDTH : end * WIDTH] = audioop.mul(seg, WIDTH, start / fin)
    for k in range(0, fout, step):
        end = min(fout, k + step)
        a, b = n - fout + k, n - fout + end
        seg = bytes(data[a * WIDTH : b * WIDTH])
        data[a * WIDTH : b * WIDTH] = audioop.mul(seg, WIDTH, 1 - end / fout)
    return bytes(data)


def resample(pcm: bytes, from_rate: int, to_rate: int) -> bytes:
    """Convert mono 16-bit PCM between sample rates."""
    if from_rate == to_rate:
        return pcm
    out, _ = audioop.ratecv(pcm, WIDTH, 1, from_rate, to_rate, None)
    return out


def gain(pcm: Pcm, factor: float) -> bytes:
    """Scale PCM by `factor` (clipping at full scale)."""
    if factor == 1.0:
        return bytes(pcm)
    return audioop.mul(pcm, WIDTH, factor)


def add(a: bytes, b: bytes) -> bytes:
    """Sum two equal-length PCM buffers (clipping at full scale)."""
    return audioop.add(a, b, WIDTH)


def rms(pcm: Pcm) -> int:
    return audioop.rms(pcm, WIDTH) if pcm else 0


def peak(pcm: Pcm) -> int:
    return audioop.max(pcm, WIDTH) if pcm else 0


def window_levels(pcm: Pcm, size: int) -> list[int]:
    """The RMS of each whole window of `size` frames, in order."""
    view, step, rms = memoryview(pcm), size * WIDTH, audioop.rms
    return [rms(view[i : i + step], WIDTH) for i in range(0, len(view) - step + 1, step)]


def to_mono16(pcm: bytes, width: int, channels: int) -> bytes:
    """Convert PCM of any width and channel count to mono 16-bit."""
    if width != WIDTH:
        if width == 1:
            pcm = audioop.bias(pcm, 1, -128)
        pcm = audioop.lin2lin(pcm, width, WIDTH)
    if channels == 2:
        pcm = audioop.tomono(pcm, WIDTH, 0.5, 0.5)
    elif channels != 1:
        raise ValueError(f"unsupported channel count {channels}")
    return pcm
