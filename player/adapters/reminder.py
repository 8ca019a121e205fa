"""Practice reminders without a daemon: an iCalendar file (RFC 5545) that any calendar app imports.

One weekly recurring event on the chosen days at the chosen local time, with an alarm at its start. The
time is "floating" (no time zone): 07:30 stays 07:30 wherever the calendar is, as a habit should.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from player.core.errors import CompassionError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
#: A fixed namespace, so the same reminder gets the same UID: importing it again updates it, never doubles it.
_NAMESPACE = uuid.UUID("8f6f8f9e-0c1a-4c3e-9d55-2b7b8e0c6a41")

KIND_LINE = (
    "A few minutes of kindness towards yourself. If today is not the day, that is all right: "
    "you can simply begin again tomorrow."
)


@dataclass(frozen=True)
class Reminder:
    at: time
    days: tuple[int, ...]  # 0 = Monday
    title: str
    description: str = KIND_LINE
    minutes: int = 15


def parse_time(text: str) -> time:
    """HH:MM, 24-hour clock."""
    try:
        hours, minutes = text.strip().split(":")
        if len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
            raise ValueError
        return time(int(hours), int(minutes))
    except ValueError:
        raise CompassionError(
            f"--at {text!r} is not a time of day", "write it as HH:MM on a 24-hour clock, for example 07:30 or 19:15"
        ) from None


def parse_days(text: str | None) -> tuple[int, ...]:
    """A comma-separated list of mon..sun (default: every day), in week order without repeats."""
    if text is None or text.strip().lower() in ("", "all", "daily", "every"):
        return tuple(range(7))
    found: set[int] = set()
    for part in text.lower().replace(" ", "").split(","):
        name = part[:3]
        if name not in DAYS or not _NAMES[DAYS.index(name)].startswith(part):
            raise CompassionError(
                f"--days: {part!r} is not a day of the week",
                "use mon,tue,wed,thu,fri,sat,sun (for example mon,wed,fri)",
            )
        found.add(DAYS.index(name))
    return tuple(sorted(found))


def first_start(reminder: Reminder, now: datetime) -> datetime:
    """The first reminder from `now` on (local, floating time): today if its time is still to come."""
    day = now.date()
    for ahead in range(8):
        d = day + timedelta(days=ahead)
        start = datetime.combine(d, reminder.at)
        if d.weekday() in reminder.days and start > now.replace(tzinfo=None):
            return start
    raise AssertionError("a weekly reminder always has a day within a week")


def calendar_bytes(reminder: Reminder, now: datetime) -> bytes:
    """The .ics file for `reminder`, written with the icalendar library."""
    import icalendar

    cal = icalendar.Calendar()
    cal.add("prodid", "-//compassion-player//reminder//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Compassion practice")

    event = icalendar.Event()
    key = f"{reminder.at.isoformat()}|{','.join(DAYS[d] for d in reminder.days)}"
    event.add("uid", f"{uuid.uuid5(_NAMESPACE, key)}@compassion-player")
    event.add("dtstamp", now.astimezone(UTC))
    start = first_start(reminder, now)
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=reminder.minutes))
    event.add("rrule", {"freq": "weekly", "byday": [_ICAL_DAYS[d] for d in reminder.days]})
    event.add("summary", reminder.title)
    event.add("description", reminder.description)
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy meeting

    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", reminder.title)
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    cal.add_component(event)
    return cal.to_ical()
