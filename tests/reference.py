"""Deliberately naive references for the progress numbers: a walk over the calendar, one day at a time.

They share nothing with `player.core.progress`, so a test comparing the two can catch a mistake in either.
"""

from __future__ import annotations

from datetime import date, timedelta

ONE_DAY = timedelta(days=1)


def _calendar(start: date, end: date):
    d = start
    while d <= end:
        yield d
        d += ONE_DAY


def runs_by_day(days: set[date], end: date, rest: set[date] = frozenset()) -> dict[date, int]:
    """For every calendar day up to `end`: the run of practice days carried through it.

    A practised day adds one; a planned rest day (not practised) carries the run as it is; any other day
    ends it.
    """
    have = {d for d in days if d <= end}
    if not have:
        return {}
    run, out = 0, {}
    for d in _calendar(min(have), end):
        if d in have:
            run += 1
        elif d not in rest:
            run = 0
        out[d] = run
    return out


def current_streak(days: set[date], today: date, rest: set[date] = frozenset()) -> int:
    """Days in a row ending today, or ending yesterday while today has no practice yet (a rest day today
    carries yesterday's run)."""
    runs = runs_by_day(days, today, rest)
    if today in days or today in rest:
        return runs.get(today, 0)
    return runs.get(today - ONE_DAY, 0)


def longest_streak(days: set[date], rest: set[date] = frozenset()) -> int:
    if not days:
        return 0
    return max(runs_by_day(days, max(days), rest).values())


def weeks_goal_streak(days: set[date], today: date, goal) -> int:
    """Weeks (Monday to Sunday) in a row with at least `goal` practice days (a number, or each week's by its
    Monday), ending this week or last."""
    goal_of = goal if callable(goal) else (lambda monday: goal)
    have = {d for d in days if d <= today}
    if not have:
        return 0
    # Walk the calendar from the first practised day, counting days per week as we go.
    weeks: list[tuple[int, int]] = []  # (practice days, goal) of each calendar week, oldest first
    first = min(have)
    d = first - timedelta(days=first.weekday())
    while d <= today:
        if d.weekday() == 0:
            weeks.append((0, goal_of(d)))
        if d in have:
            weeks[-1] = (weeks[-1][0] + 1, weeks[-1][1])
        d += ONE_DAY
    if weeks[-1][0] < weeks[-1][1]:
        weeks.pop()  # this week is still under way: count from last week
    n = 0
    for count, need in reversed(weeks):
        if count < need:
            break
        n += 1
    return n


def practice_strength(full: set[date], half: set[date], rest: set[date], today: date) -> float:
    """Loop's score written out as a sum: each counted day's value, weighted by m to the power of the counted
    days after it. Counted days run from the first practice to today (to yesterday while today has no
    practice yet), rest days left out."""
    m = 0.5 ** (1 / 13)
    practised = {d for d in full | half if d <= today}
    if not practised:
        return 0.0
    end = today if today in practised else today - ONE_DAY
    counted = [d for d in _calendar(min(practised), end) if d in practised or d not in rest]
    total = 0.0
    for i, d in enumerate(counted):
        value = 1.0 if d in full else 0.5 if d in half else 0.0
        total += (1 - m) * value * m ** (len(counted) - 1 - i)
    return total
