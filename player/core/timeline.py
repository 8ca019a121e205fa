"""From a script's events and the length of each sound to an exact, sample-accurate timeline.

Pure functions: lengths come in, positions come out. Elastic pauses all move together, at the same
fraction of their range, so a longer session brings more quiet everywhere rather than slower talk.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from player.core.errors import OutOfRange
from player.core.script.model import BellSound, Event, Gap, Speech

#: One sample rate for everything the app assembles: speech, bells and ambience.
SAMPLE_RATE = 22050
#: The longest a practice may last (a day): its sound then fits every format, WAV's 4 GiB included.
MAX_SESSION_S = 24 * 3600.0

#: Silence before the first sound and after the last one, whatever the script says.
LEAD_S = 0.25
TAIL_S = 0.75
#: A requested length this close outside the range still counts as inside it.
TOLERANCE_S = 1.0


@dataclass(frozen=True)
class Margins:
    """Silence before the first sound and after the last (a timer's quiet countdown is its lead)."""

    lead_s: float = LEAD_S
    tail_s: float = TAIL_S
    #: The lead is a countdown the listener sees (a timer's settling time), not just quiet.
    countdown: bool = False

    @property
    def live(self) -> Margins:
        """The margins when playing live: no quiet ahead of the first sound (files keep their lead), a
        timer's countdown kept."""
        return self if self.countdown else Margins(0.0, self.tail_s)


MARGINS = Margins()


@dataclass(frozen=True)
class Clip:
    """One piece of the session: speech (ref = cache key), a bell (ref = name) or silence. While playing, a
    line may be heard in two clips: its first sentence ("first", made ahead of the rest), then the rest of
    the line ("speech" from `offset` frames in)."""

    start: int
    length: int
    kind: str
    ref: str = ""
    text: str = ""
    line: int = 0
    offset: int = 0

    @property
    def end(self) -> int:
        return self.start + self.length


@dataclass(frozen=True)
class Cue:
    """A caption: the words of one spoken segment and where they are heard, in seconds."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Timeline:
    clips: tuple[Clip, ...]
    total: int
    rate: int
    fraction: float = 0.0

    @property
    def duration(self) -> float:
        return self.total / self.rate

    def cues(self) -> list[Cue]:
        return [Cue(c.start / self.rate, c.end / self.rate, c.text) for c in self.clips if c.kind == "speech"]


@dataclass(frozen=True)
class Sized:
    """An event with its length in samples (speech and bells) and, for speech, its cache key.

    `exact` is false while a speech length is only estimated from its words (not yet made or measured).
    """

    event: Event
    frames: int = 0
    key: str = ""
    exact: bool = True


def core(items: Sequence[Sized]) -> list[Sized]:
    """The items from the first sound to the last (silences outside them are replaced by LEAD_S/TAIL_S)."""
    return _core(items)[2]


def _core(items: Sequence[Sized]) -> tuple[int, int, list[Sized]]:
    """The part of the session between its first and last sound: [first, last] indexes and the items."""
    sounds = [i for i, s in enumerate(items) if not isinstance(s.event, Gap)]
    if not sounds:
        return 0, -1, []
    return sounds[0], sounds[-1], list(items[sounds[0] : sounds[-1] + 1])


def length_range(items: Sequence[Sized], rate: int, margins: Margins = MARGINS) -> tuple[float, float]:
    """Shortest and longest length of the session in seconds."""
    _, _, core = _core(items)
    fixed = margins.lead_s + margins.tail_s
    low = high = 0.0
    for s in core:
        if isinstance(s.event, Gap):
            low += s.event.pause.low
            high += s.event.pause.high if s.event.pause.elastic else s.event.pause.low
        else:
            fixed += s.frames / rate
    return fixed + low, fixed + high


def fraction_for(
    items: Sequence[Sized], rate: int, minutes: float | None, name: str, margins: Margins = MARGINS
) -> float:
    """The elastic fraction (0..1) giving `minutes`, or 0 when no length is asked for."""
    if minutes is None:
        return 0.0
    low, high = length_range(items, rate, margins)
    target = minutes * 60
    lo_m, hi_m = range_minutes(low, high)
    # A fixed length is shown rounded to a tenth of a minute; that shown value is accepted as it is.
    shown = lo_m == hi_m and abs(minutes - lo_m) < 0.05 + 1e-9
    if not math.isfinite(target) or (not shown and not low - TOLERANCE_S <= target <= high + TOLERANCE_S):
        if lo_m == hi_m:
            raise OutOfRange(f"{name} has a fixed length of about {_fmt(lo_m)} minutes", "leave out --minutes")
        raise OutOfRange(f"{name} can run between {_fmt(lo_m)} and {_fmt(hi_m)} minutes")
    if high - low < 1e-9:
        return 0.0
    return min(1.0, max(0.0, (target - low) / (high - low)))


def range_minutes(low_s: float, high_s: float) -> tuple[float, float]:
    """A range in minutes to show people: rounded inwards to 0.1, so every shown value is accepted."""
    lo = math.ceil(low_s / 6 - 1e-9) / 10
    hi = math.floor(high_s / 6 + 1e-9) / 10
    if hi < lo:
        lo = hi = round(low_s / 60, 1)
    return lo, hi


def _fmt(minutes: float) -> str:
    return f"{minutes:g}"


def build(items: Sequence[Sized], rate: int, fraction: float = 0.0, margins: Margins = MARGINS) -> Timeline:
    """Lay the items end to end with exact silences; leading and trailing silence become the margins."""
    _, _, core = _core(items)
    clips: list[Clip] = []
    pos = 0
    residue = 0.0  # carry rounding so long sessions do not drift from the exact sum of pauses

    def silence(seconds: float) -> None:
        nonlocal pos, residue
        exact = seconds * rate + residue
        n = int(round(exact))
        residue = exact - n
        if n > 0:
            clips.append(Clip(pos, n, "silence"))
            pos += n

    silence(margins.lead_s)
    for s in core:
        ev = s.event
        if isinstance(ev, Gap):
            silence(ev.pause.at(fraction))
        elif isinstance(ev, Speech):
            if s.frames > 0:
                clips.append(Clip(pos, s.frames, "speech", s.key, ev.text, ev.line))
                pos += s.frames
        elif isinstance(ev, BellSound):
            clips.append(Clip(pos, s.frames, "bell", ev.name))
            pos += s.frames
    silence(margins.tail_s)
    return Timeline(tuple(clips), pos, rate, fraction)
