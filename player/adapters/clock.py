"""The one wall clock. Every "now" and "today" in the app comes from the context's clock.

The real clock reads the system time; tests (and the processes they start, through `COMPASSION_TEST_NOW`)
use a clock set to a chosen moment, which runs on from there like a real one so that durations stay true.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, with the local UTC offset."""
        ...


class SystemClock:
    """The computer's clock, in its local time zone."""

    def now(self) -> datetime:
        return datetime.now(UTC).astimezone()


class SetClock:
    """A clock set to `start`. Running (the default), it moves on with real time from there; stopped, it
    stays put until `set` or `advance` moves it. `set_at` (a Unix time) is when it showed `start`, so that
    several processes given the same setting agree; by default, the moment it was made."""

    def __init__(self, start: datetime, *, running: bool = True, set_at: float | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock needs a moment with its UTC offset")
        self._start = start
        self._running = running
        self._since = time.monotonic()
        if set_at is not None:
            self._since -= max(0.0, time.time() - set_at)

    def now(self) -> datetime:
        moment = self._start
        if self._running:
            moment += timedelta(seconds=time.monotonic() - self._since)
        return moment  # in the UTC offset it was set with: that is the local time it stands for

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("a clock needs a moment with its UTC offset")
        self._start, self._since = moment, time.monotonic()

    def advance(self, by: timedelta) -> None:
        self.set(self.now() + by)


def localize(wall: datetime, clock: Clock) -> datetime:
    """A wall-clock time given without an offset (`record --at 07:30`), as it was where the listener is:
    with the zone's own rules for that date (summer time included) when the clock keeps the system's
    zone, else with the clock's offset."""
    now = clock.now()
    if now.astimezone().utcoffset() == now.utcoffset():
        return wall.astimezone()  # the system zone's offset on that date
    return wall.replace(tzinfo=now.tzinfo)


def parse_moment(text: str) -> datetime:
    """An ISO-8601 moment with its offset (`Z` allowed); ValueError otherwise."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset")
    return moment


def setting(moment: datetime, set_at: float) -> str:
    """COMPASSION_TEST_NOW for a clock that showed `moment` at Unix time `set_at` and runs on from there."""
    return f"{moment.isoformat()}@{set_at:.6f}"


def from_setting(text: str | None) -> Clock:
    """The clock for this process: as COMPASSION_TEST_NOW sets it (`MOMENT` or `MOMENT@UNIXTIME`, see
    `setting`), else the system clock."""
    if not text:
        return SystemClock()
    moment, _, when = text.partition("@")
    try:
        return SetClock(parse_moment(moment), set_at=float(when) if when else None)
    except ValueError:
        from player.core.errors import CompassionError

        raise CompassionError(
            f"COMPASSION_TEST_NOW={text!r} is not a moment like 2026-11-24T09:00:00+01:00",
            "it is meant for tests; unset it to use the computer's clock",
        ) from None
