"""The two interfaces the Player sits between: the Source it plays (a session laid out as it plays) and
the Backend it plays through (PortAudio, simpleaudio or silent)."""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Protocol

Pull = Callable[[int], bytes]


class PlaybackState(enum.Enum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"
    FINISHED = "finished"


class Backend(Protocol):
    name: str
    #: True when pausing and seeking can drop what the backend holds (they then act at once).
    flushes: bool
    #: How far ahead of the heard frame the backend takes frames (the Player keeps that much ready).
    lead_s: float

    def prepare(self, rate: int) -> None:
        """Get ready to start output at once (called when play is pressed, before the first sound is ready)."""

    def open(self, rate: int, pull: Pull, handed: Callable[[], int]) -> None:
        """Start output; `pull(n)` gives the next n frames, `handed()` how many were given so far."""

    def heard(self) -> int:
        """Device frames heard so far (the Player never counts more than it handed over)."""

    def flush(self) -> int:
        """Drop what is held and not yet heard; returns the device frame heard now (the next to hand)."""

    def drained(self) -> bool:
        """Whether everything handed over has finished sounding."""

    def unsteady(self) -> bool:
        """Whether the output keeps running dry and should be restarted (with flush)."""

    def close(self) -> None:
        """Stop at once; heard() keeps its last value."""


class Source(Protocol):
    """What the Player plays: a session that can be laid out ahead and read as PCM (see app.session.Session)."""

    rate: int

    def total(self) -> int: ...

    def laid_out(self) -> int: ...

    def complete(self) -> bool: ...

    def extend(self, upto: int, wait_if_blocked: bool) -> int: ...

    def read(self, start: int, frames: int) -> bytes: ...

    def wait_for_speech(self, timeout: float) -> None: ...
