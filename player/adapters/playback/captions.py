"""Which caption belongs to a moment of a playing session, and the lines around it."""

from __future__ import annotations

import bisect
from typing import Protocol

from player.core.timeline import Cue


class CueSource(Protocol):
    def cues(self) -> tuple[int, list[Cue]]:
        """(a version that changes when the captions may have, the captions as they now stand)."""
        ...


RESTART_AFTER_S = 2.0


class Captions:
    """Which caption belongs to a moment, and the lines around it (following the session as it is laid out)."""

    def __init__(self, source: CueSource | tuple[Cue, ...]) -> None:
        self._source = None if isinstance(source, tuple) else source
        self._version = -1
        self._cues: tuple[Cue, ...] = tuple(source) if isinstance(source, tuple) else ()
        self._starts = [c.start for c in self._cues]

    @property
    def cues(self) -> tuple[Cue, ...]:
        if self._source is not None:
            version, cues = self._source.cues()
            if version != self._version:
                self._version, self._cues = version, tuple(cues)
                self._starts = [c.start for c in self._cues]
        return self._cues

    def index_at(self, position: float) -> int:
        """The cue being spoken, or the last one spoken (-1 before the first)."""
        self.cues  # noqa: B018 - refresh
        return bisect.bisect_right(self._starts, position + 1e-6) - 1

    def lines_at(self, position: float) -> tuple[str, str, str]:
        """(previous, current, next) caption text at `position`; current is empty during silences."""
        cues = self.cues
        i = self.index_at(position)
        speaking = i >= 0 and position < cues[i].end
        prev_i = i - 1 if speaking else i
        current = cues[i].text if speaking else ""
        nxt = cues[i + 1].text if i + 1 < len(cues) else ""
        prev = cues[prev_i].text if 0 <= prev_i < len(cues) else ""
        return prev, current, nxt

    def previous_start(self, position: float) -> float:
        """Where 'previous line' goes: the start of the line before the one being heard."""
        cues = self.cues
        i = self.index_at(position)
        if i < 0:
            return 0.0
        # Within its first two seconds, 'previous' goes to the line before, as media players do; later
        # into a line (or in the quiet after it), it starts that line again.
        if position - cues[i].start >= RESTART_AFTER_S or i == 0:
            return cues[i].start
        return cues[i - 1].start

    def next_start(self, position: float) -> float | None:
        cues = self.cues
        i = self.index_at(position)
        return cues[i + 1].start if i + 1 < len(cues) else None
