"""Soft background sound under a whole session: looped without a seam, faded in and out, kept quiet.

The loop files are made seamless by `audio/make_sounds.py`; here they are tiled, scaled to sit
`volume_db` below the speech level, and added to the session's PCM piece by piece as it streams out.
"""

from __future__ import annotations

from collections.abc import Iterator

from player.audio import pcm as pcmops
from player.audio.loudness import SPEECH_RMS_DBFS
from player.model.script import Background


class Mixer:
    """Adds a looping ambience to a stream of PCM pieces."""

    def __init__(self, loop: bytes, background: Background, total_frames: int, rate: int) -> None:
        level = pcmops.rms(loop) or 1
        target = 32767 * 10 ** ((SPEECH_RMS_DBFS + background.volume_db) / 20)
        self.loop = pcmops.gain(loop, target / level)
        self.loop_frames = len(self.loop) // 2
        self.total = total_frames
        self.fade = min(int(background.fade_s * rate), total_frames // 2)
        self.rate = rate
        self.pos = 0

    def _ambience(self, n: int) -> bytes:
        out = bytearray()
        start = self.pos % self.loop_frames
        while len(out) < n * 2:
            take = min(n - len(out) // 2, self.loop_frames - start)
            out += self.loop[start * 2 : (start + take) * 2]
            start = 0
        return bytes(out)

    def _envelope(self, piece: bytes, first: int) -> bytes:
        """Fade-in over the first `fade` frames and fade-out over the last, a millisecond at a time."""
        n = len(piece) // 2
        if self.fade <= 0 or (self.fade <= first and first + n <= self.total - self.fade):
            return piece
        step = max(1, self.rate // 1000)
        out = bytearray()
        for i in range(0, n, step):
            k = first + i
            g = min(1.0, k / self.fade, (self.total - k) / self.fade)
            out += pcmops.gain(piece[i * 2 : min(n, i + step) * 2], max(0.0, g))
        return bytes(out)

    def mix(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            n = len(piece) // 2
            bed = self._envelope(self._ambience(n), self.pos)
            self.pos += n
            yield pcmops.add(piece, bed)
