"""Generate the app's own sound assets: bells by additive synthesis, and loopable ambience.

Every file in this folder is made by this script (no recordings, no samples from elsewhere):

    python audio/make_sounds.py

Bells are sums of decaying partials at the inharmonic ratios of a struck bowl, each partial a pair of
slightly detuned sines so it beats gently as real bowls do. Ambience loops are built so that their last
sample flows into their first: noise is generated circularly (the loop is cross-faded with its own tail).
Output: mono, 16-bit, 22050 Hz WAV, the app's one sample rate.
"""

from __future__ import annotations

import array
import math
import random
import sys
import wave
from pathlib import Path

RATE = 22050
HERE = Path(__file__).resolve().parent


def write_wav(path: Path, samples: list[float], peak: float) -> None:
    """Normalise to `peak` (0..1 of full scale) and write mono 16-bit."""
    top = max(1e-9, max(abs(s) for s in samples))
    scale = peak * 32767 / top
    data = array.array("h", (int(round(s * scale)) for s in samples))
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data.tobytes())


def struck(
    fundamental: float, partials: list[tuple[float, float, float]], seconds: float, strike: float
) -> list[float]:
    """A struck metal tone. `partials` holds (ratio, amplitude, decay time constant in seconds)."""
    n = int(seconds * RATE)
    out = [0.0] * n
    for ratio, amp, tau in partials:
        f = fundamental * ratio
        beat = 0.6 + 0.25 * ratio  # upper partials beat a little faster
        w1 = 2 * math.pi * (f - beat / 2) / RATE
        w2 = 2 * math.pi * (f + beat / 2) / RATE
        k = math.exp(-1 / (tau * RATE))
        env = amp
        for i in range(n):
            out[i] += env * (math.sin(w1 * i) + 0.8 * math.sin(w2 * i + 0.7))
            env *= k
    # A soft mallet: a few milliseconds of rising onset and a short, muted knock.
    attack = int(0.006 * RATE)
    rng = random.Random(7)
    for i in range(n):
        if i < attack:
            out[i] *= i / attack
        if i < int(0.02 * RATE):
            out[i] += strike * rng.uniform(-1, 1) * math.exp(-i / (0.004 * RATE))
    # The last half second fades to true silence, so the file ends where the sound does.
    tail = int(0.5 * RATE)
    for j in range(tail):
        out[n - tail + j] *= 0.5 * (1 + math.cos(math.pi * j / tail))
    return out


def bowl() -> list[float]:
    return struck(196.0, [(1.0, 1.0, 2.4), (2.71, 0.55, 1.5), (5.15, 0.22, 0.9), (8.4, 0.08, 0.5)], 7.0, 0.05)


def bell() -> list[float]:
    return struck(523.3, [(1.0, 1.0, 1.6), (2.4, 0.5, 1.0), (3.9, 0.3, 0.6), (5.5, 0.12, 0.35)], 5.0, 0.08)


def chime() -> list[float]:
    return struck(880.0, [(1.0, 1.0, 1.1), (2.76, 0.35, 0.6), (5.4, 0.12, 0.3)], 3.5, 0.04)


def seamless(samples: list[float], overlap: int) -> list[float]:
    """Make a loop: cross-fade the tail into the head so the end flows into the start."""
    body = samples[: len(samples) - overlap]
    tail = samples[len(samples) - overlap :]
    for i in range(overlap):
        t = i / overlap
        a = math.sin(0.5 * math.pi * t)  # equal-power fade keeps the level steady through the joint
        b = math.cos(0.5 * math.pi * t)
        body[i] = body[i] * a + tail[i] * b
    return body


def brown_noise(seconds: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    n = int(seconds * RATE)
    out, level = [], 0.0
    for _ in range(n):
        level = 0.995 * level + 0.05 * rng.uniform(-1, 1)
        out.append(level)
    # A gentle high-pass removes the slow wandering that would sound like wind gusts.
    hp, prev, y = [], 0.0, 0.0
    for x in out:
        y = 0.999 * (y + x - prev)
        prev = x
        hp.append(y)
    return hp


def rain(seconds: float, seed: int) -> list[float]:
    rng = random.Random(seed)
    base = brown_noise(seconds, seed + 1)
    n = len(base)
    hiss, prev = [], 0.0
    for _ in range(n):
        x = rng.uniform(-1, 1)
        prev = 0.6 * prev + 0.4 * x  # soft, not sharp: a low-passed white noise
        hiss.append(prev)
    out = [0.5 * b + 0.35 * h for b, h in zip(base, hiss)]
    # Scattered, soft droplets.
    for _ in range(int(seconds * 9)):
        at = rng.randrange(n)
        amp = rng.uniform(0.05, 0.25)
        length = int(RATE * rng.uniform(0.01, 0.03))
        freq = rng.uniform(1800, 4200)
        for i in range(length):
            if at + i < n:
                out[at + i] += amp * math.sin(2 * math.pi * freq * i / RATE) * math.exp(-i / (0.004 * RATE))
    return out


def drone(seconds: float) -> list[float]:
    n = int(seconds * RATE)
    # Every partial makes a whole number of cycles in the loop, so the loop joins without a step.
    tones = [(110.0, 1.0), (164.8, 0.45), (220.0, 0.35), (277.2, 0.15)]
    out = []
    for i in range(n):
        t = i / RATE
        swell = 0.8 + 0.2 * math.sin(2 * math.pi * t / seconds)
        out.append(swell * sum(a * math.sin(2 * math.pi * round(f * seconds) / seconds * t) for f, a in tones))
    return out


def main() -> None:
    for name, make in (("bowl", bowl), ("bell", bell), ("chime", chime)):
        write_wav(HERE / f"{name}.wav", make(), 0.5)
    ambience = HERE / "ambience"
    ambience.mkdir(exist_ok=True)
    overlap = int(1.5 * RATE)
    write_wav(ambience / "brown.wav", seamless(brown_noise(12.0 + 1.5, 11), overlap), 0.5)
    write_wav(ambience / "rain.wav", seamless(rain(12.0 + 1.5, 23), overlap), 0.5)
    write_wav(ambience / "drone.wav", drone(12.0), 0.5)
    print("wrote", ", ".join(sorted(p.name for p in HERE.rglob("*.wav"))))


if __name__ == "__main__":
    main()
