"""Deliberately naive references for the progress numbers: a walk over the calendar, one day at a time.

They share nothing with `player.progress`, so a test comparing the two can catch a mistake in either.
"""

from __future__ import annotations

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def _calendar(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += ONE_DAY


def runs_by_day(days: set[date], end: date) -> dict[date, int]:
    """For every calendar day up to `end`, how many practice days in a row end on it (0 if not practised)."""
    have = {d for d in days if d <= end}
    if not have:
        return {}
    run, out = 0, {}
    for d in _calendar(min(have), end):
        run = run + 1 if d in have else 0
        out[d] = run
    return out


def current_streak(days: set[date], today: date) -> int:
    """Days in a row ending today, or ending yesterday while today has no practice yet."""
    runs = runs_by_day(days, today)
    return runs.get(today) or runs.get(today - ONE_DAY, 0)


def longest_streak(days: set[date]) -> int:
    if not days:
        return 0
    return max(runs_by_day(days, max(days)).values())


def weeks_goal_streak(days: set[date], today: date, goal: int) -> int:
    """Weeks (Monday to Sunday) in a row with at least `goal` practice days, ending this week or last."""
    have = {d for d in days if d <= today}
    if not have:
        return 0
    # Walk the calendar from the first practised day, counting days per week as we go.
    weeks: list[int] = []  # practice days in each calendar week, oldest first, ending with this week
    first = min(have)
    d = first - timedelta(days=first.weekday())
    while d <= today:
        if d.weekday() == 0:
            weeks.append(0)
        if d in have:
            weeks[-1] += 1
        d += ONE_DAY
    if weeks[-1] < goal:
        weeks.pop()  # this week is still under way: count from last week
    n = 0
    for count in reversed(weeks):
        if count < goal:
            break
        n += 1
    return n
