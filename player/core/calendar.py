"""Days, weeks and lengths as people count them: the one place each is decided.

- The practice day of a moment: its local date where it happened, moved back by the day start.
- The week: Monday to Sunday (ISO), everywhere a week is counted.
- Dates on screen: "Tue 24 Nov", or "Tuesday 24 November" where there is room.
- Lengths: whole minutes, rounded half up ("10 minutes"), and positions as m:ss, counted down to the
  whole second like any media player ("6:12" until 6:13 has been reached).
- Dates the app accepts: 1971-01-01 to 9998-12-31.

Nothing here reads the clock: "now" and "today" are always given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

ONE_DAY = timedelta(days=1)
#: Dates the app accepts, shown and stored (a moment on them stays a valid date in every time zone).
FIRST_DATE = date(1971, 1, 1)
LAST_DATE = date(9998, 12, 31)


def practice_date(moment: datetime, day_start_minutes: int = 0) -> date:
    """The practice day of a moment: its local date where it happened, moved back by the day-start time.

    With a day start of 03:00, a session at 01:30 belongs to the day before. The UTC date is never used,
    and a change of clocks (summer time) never moves a session to another day: the local time is what
    counts.
    """
    if moment.tzinfo is None:
        raise ValueError("a moment needs its UTC offset")
    return (moment.replace(tzinfo=None) - timedelta(minutes=day_start_minutes)).date()


def day_start_minutes(text: str) -> int:
    """'03:00' as minutes after midnight."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def week_start(day: date) -> date:
    """Monday of the week holding `day` (weeks run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def week_of(day: date) -> tuple[date, date]:
    """(Monday, Sunday) of the week holding `day`."""
    monday = week_start(day)
    return monday, monday + timedelta(days=6)


def in_week(days: Iterable[date], today: date) -> list[date]:
    """The days of `today`'s week up to today, in order."""
    monday = week_start(today)
    return sorted(d for d in days if monday <= d <= today)


def in_range(day: date) -> bool:
    return FIRST_DATE <= day <= LAST_DATE


def range_text() -> str:
    return f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"


def day_label(day: date) -> str:
    """A date on screen: "Tue 24 Nov"."""
    return f"{day:%a} {day.day} {day:%b}"


def long_day_label(day: date) -> str:
    """A date where there is room: "Tuesday 24 November"."""
    return f"{day:%A} {day.day} {day:%B}"


def day_list(days: Sequence[date]) -> str:
    """Several dates: "Wed 18 Nov, Sat 21 Nov"."""
    return ", ".join(day_label(d) for d in days)


def whole_minutes(seconds: float) -> int:
    """The one rounding rule for minutes: to the nearest whole minute, halves up."""
    return int(math.floor(seconds / 60 + 0.5 + 1e-9))


def minutes_text(seconds: float, *, about: bool = False) -> str:
    """A length for people: "1 minute", "10 minutes", "less than a minute" (with "about" for estimates)."""
    n = whole_minutes(seconds)
    prefix = "about " if about else ""
    if n == 0:
        return "less than a minute" if seconds > 0 else "0 minutes"
    return f"{prefix}{n} minute" if n == 1 else f"{prefix}{n} minutes"


def minutes_choices(choices: Sequence[float], *, about: bool = False) -> str:
    """Several lengths: "10, 15 or 19 minutes" (each rounded by the one rule)."""
    shown = list(dict.fromkeys(whole_minutes(m * 60) for m in choices))
    prefix = "about " if about else ""
    if len(shown) == 1:
        return minutes_text(shown[0] * 60, about=about)
    head = ", ".join(str(n) for n in shown[:-1])
    return f"{prefix}{head} or {shown[-1]} minutes"


def minutes_range(low_s: float, high_s: float, *, about: bool = False) -> str:
    """A range of lengths: "10 to 20 minutes", or one length when both ends round alike."""
    lo, hi = whole_minutes(low_s), whole_minutes(high_s)
    if lo == hi:
        return minutes_text(low_s, about=about)
    return f"{'about ' if about else ''}{lo} to {hi} minutes"


def clock(seconds: float) -> str:
    """A position or a length in a session, m:ss: "5:17", "15:00" (counted down to the whole second)."""
    s = max(0, int(math.floor(seconds + 1e-6)))
    return f"{s // 60}:{s % 60:02d}"


def seconds_text(seconds: float) -> str:
    """A pause for people: "20 seconds", "2 minutes 5 seconds"."""
    s = int(round(seconds))
    if s < 90:
        return f"{s} second" if s == 1 else f"{s} seconds"
    m, rest = divmod(s, 60)
    return f"{m} minutes" + (f" {rest} seconds" if rest else "")
