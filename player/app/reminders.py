"""Practice reminders: the calendar file for a time and days, named after this week's practice. The one
place that decides what a reminder says and where the app's own reminder file lives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path

from player.adapters import files, reminder
from player.app import library, progress
from player.app.context import Context
from player.core.errors import CompassionError

FILE_NAME = "compassion-reminder.ics"


@dataclass(frozen=True)
class Written:
    path: Path | None  # None when printed
    title: str
    when: str  # "every day at 08:30"


def app_file(ctx: Context) -> Path:
    """Where the reminder set in the settings is written: beside the progress file."""
    return Path(ctx.data_dir) / FILE_NAME


def calendar(ctx: Context, at: time, days: tuple[int, ...]) -> tuple[bytes, Written]:
    """The .ics for a reminder at `at` on `days` (0 = Monday), named after the current week's practice."""
    title, exercise = _this_weeks_practice(ctx, progress.stats(ctx).current_week)
    how = f"Open compassion-player, or run: compassion play {exercise}" if exercise else "Open compassion-player."
    data = reminder.calendar_bytes(reminder.Reminder(at, days, title, f"{reminder.KIND_LINE}\n\n{how}"), ctx.now())
    when = "every day" if len(days) == 7 else ", ".join(reminder.DAYS[d].capitalize() for d in days)
    return data, Written(None, title, f"{when} at {at:%H:%M}")


def write(ctx: Context, at: time, days: tuple[int, ...], target: Path) -> Written:
    """Write the reminder to `target` (a folder gets compassion-reminder.ics), whole or not at all."""
    data, written = calendar(ctx, at, days)
    if target.is_dir():
        target = target / FILE_NAME
    with files.atomic_path(target, "calendar file") as tmp:
        tmp.write_bytes(data)
    return Written(target, written.title, written.when)


def write_daily(ctx: Context, hh_mm: str) -> Written:
    """The reminder from the settings: every day at `hh_mm`, in the app's own file."""
    return write(ctx, reminder.parse_time(hh_mm), tuple(range(7)), app_file(ctx))


def _this_weeks_practice(ctx: Context, week: int) -> tuple[str, str | None]:
    """The title for the reminder: the current week's core practice (its first exercise otherwise)."""
    course_week = ctx.catalog.course.week(week)
    if course_week is None or not course_week.exercises:
        return "Compassion practice", None
    found: list[tuple[str, str]] = []
    for exercise in course_week.exercises:
        try:
            _, script = library.resolve_script(ctx, exercise)
        except CompassionError:
            continue
        if script.kind == "core":
            return f"Week {week} · {script.title}", exercise
        found.append((script.title, exercise))
    if found:
        return f"Week {week} · {found[0][0]}", found[0][1]
    return f"Week {week} · {course_week.theme}", None
