"""The session record: one practice as a person would describe it, what was heard of it, and the one rule
for when it is completed (at least 90% heard)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from player.core import calendar

#: A session counts as done when at least this share of it was listened to.
COMPLETED_SHARE = 0.9

Num = TypeVar("Num", int, float)


def is_completed(listened_s: float, duration_s: float) -> bool:
    """The one place that decides whether a session is completed."""
    if duration_s <= 0:
        return listened_s >= 0
    return listened_s >= COMPLETED_SHARE * duration_s - 1e-9


def merge(spans: Iterable[tuple[Num, Num]]) -> list[tuple[Num, Num]]:
    """Overlapping or touching stretches joined into one, in order: each moment counted once."""
    out: list[tuple[Num, Num]] = []
    for a, b in sorted(spans):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


@dataclass(frozen=True)
class Session:
    """One practice, as a user would describe it. `started_at` carries the UTC offset where it happened."""

    exercise_id: str
    started_at: datetime
    duration_s: float
    listened_s: float
    source: str = "app"
    week: int | None = None
    minutes_variant: float | None = None
    mood_before: int | None = None
    mood_after: int | None = None
    #: Continuing where an earlier part stopped: that part's row id. `listened_s` is then the whole
    #: session's (every part's listening, each moment once) and `part_s` this part's alone.
    resumes: int | None = None
    #: Where in the session this part stopped (to continue from), and which stretches it heard (seconds).
    position_s: float | None = None
    heard: tuple[tuple[float, float], ...] = ()
    #: What the audio was made from (script, voice, length, ambience): a part continues only the same audio.
    audio_key: str | None = None
    part_s: float | None = None

    @property
    def completed(self) -> bool:
        return is_completed(self.listened_s, self.duration_s)

    @property
    def utc_offset_minutes(self) -> int:
        offset = self.started_at.utcoffset() or timedelta(0)
        return int(offset.total_seconds() // 60)

    def local_date(self, day_start_minutes: int) -> date:
        return calendar.practice_date(self.started_at, day_start_minutes)


@dataclass(frozen=True)
class StoredSession(Session):
    """A session as the progress file (or the pending file) holds it."""

    id: int = 0
    local_date_: date | None = None
    completed_: bool = False
    #: Still playing, in this or another app window (written as it plays).
    in_progress_: bool = False
    #: Not in the progress file yet: kept in the pending file until it can be written.
    pending_: bool = False
