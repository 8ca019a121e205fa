"""Soft background sound under a whole session: looped without a seam, faded in and out, kept quiet.

The loop files are made seamless by `audio/make_sounds.py`; here they are tiled and scaled to sit
`volume_db` below the voice, whatever the voice's own volume, so a quiet voice stays as clear over its
ambience as a full one. Any stretch can be mixed on its own (`mix_at`), so playback can seek freely.
"""

from __future__ import annotations

from collections.abc import Iterator

from player.adapters.sound import pcm as pcmops
from player.adapters.sound.loudness import speech_level
from player.core.script.model import Background


class Mixer:
    """Adds a looping ambience to PCM, by absolute position in the session."""

    def __init__(
        self, loop: bytes, background: Background, rate: int, voice_volume: float = 1.0, level_db: float = 0.0
    ) -> None:
        level = pcmops.rms(loop) or 1
        self._source = loop
        self._gain = speech_level(voice_volume) * 10 ** (background.volume_db / 20) / level
        self.level_db = level_db
        self.loop = pcmops.gain(loop, self._gain * 10 ** (level_db / 20))
        self.loop_frames = max(1, len(self.loop) // 2)
        self.fade_s = background.fade_s
        self.rate = rate

    def set_level(self, level_db: float) -> None:
        """The ambience louder or softer than the script sets it, from the next sound laid out on."""
        self.level_db = level_db
        self.loop = pcmops.gain(self._source, self._gain * 10 ** (level_db / 20))

    def _ambience(self, start: int, n: int) -> bytes:
        out = bytearray()
        at = start % self.loop_frames
        while len(out) < n * 2:
            take = min(n - len(out) // 2, self.loop_frames - at)
            out += self.loop[at * 2 : (at + take) * 2]
            at = 0
        return bytes(out)

    def _envelope(self, piece: bytes, first: int, total: int) -> bytes:
        """Fade-in over the first seconds and fade-out over the last, a millisecond at a time."""
        n = len(piece) // 2
        fade = min(int(self.fade_s * self.rate), total // 2)
        if fade <= 0 or (fade <= first and first + n <= total - fade):
            return piece
        step = max(1, self.rate // 1000)
        out = bytearray()
        for i in range(0, n, step):
            k = first + i
            g = min(1.0, k / fade, (total - k) / fade)
            out += pcmops.gain(piece[i * 2 : min(n, i + step) * 2], max(0.0, g))
        return bytes(out)

    def mix_at(self, piece: bytes, start: int, total: int) -> bytes:
        """`piece` (session frames from `start`) with the ambience added; `total` is the session's length."""
        n = len(piece) // 2
        return pcmops.add(piece, self._envelope(self._ambience(start, n), start, total))

    def mix(self, pieces: Iterator[bytes], total: int) -> Iterator[bytes]:
        pos = 0
        for piece in pieces:
            yield self.mix_at(piece, pos, total)
            pos += len(piece) // 2
