"""The log of what was handed to the audio device: which session frames each stretch of device frames held.

From it follow, for any device frame heard: the session frame being heard, and how much of the session
has actually been heard (each moment once, however often it was sought back to).
"""

from __future__ import annotations

from dataclasses import dataclass

from player.core.session import merge


@dataclass
class Run:
    """Device frames [d, d+n) carried session frames [t, t+n) (`moving`), or silence at session frame t."""

    d: int
    n: int
    t: int
    moving: bool


class Handover:
    def __init__(self) -> None:
        self.runs: list[Run] = []

    def note(self, d: int, n: int, t: int, moving: bool) -> None:
        """Device frames from `d` got `n` session frames from `t` (or, not moving, silence while at `t`)."""
        if self.runs:
            last = self.runs[-1]
            if (
                last.d + last.n == d
                and last.moving == moving
                and ((moving and last.t + last.n == t) or (not moving and last.t == t))
            ):
                last.n += n
                return
        self.runs.append(Run(d, n, t, moving))

    def frame_at(self, h: int, otherwise: int) -> int:
        """The session frame heard at device frame `h` (`otherwise` before anything was handed over)."""
        for run in reversed(self.runs):
            if run.d <= h:
                return run.t + min(h - run.d, run.n) if run.moving else run.t
        return self.runs[0].t if self.runs else otherwise

    def heard_spans(self, h: int) -> list[tuple[int, int]]:
        """The stretches of session frames heard up to device frame `h`, merged, in order."""
        return merge((r.t, r.t + min(r.n, h - r.d)) for r in self.runs if r.moving and r.d < h)

    def heard_frames(self, h: int) -> int:
        """Session frames heard up to device frame `h`, each counted once."""
        return sum(b - a for a, b in self.heard_spans(h))

    def forget_after(self, h: int) -> None:
        """Drop everything handed over from device frame `h` on (the backend dropped it unheard)."""
        while self.runs and self.runs[-1].d >= h:
            self.runs.pop()
        if self.runs:
            last = self.runs[-1]
            last.n = min(last.n, h - last.d)

    def last_sound_end(self) -> int:
        """The device frame just after the last session frame handed over."""
        for run in reversed(self.runs):
            if run.moving:
                return run.d + run.n
        return 0
