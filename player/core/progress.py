"""Practice days, streaks and course progression: pure functions over what was recorded.

Nothing here reads the clock; "today" is always a parameter. Streaks are derived from the days practised,
never kept as counters, so they can never drift from the history.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from player.core.calendar import ONE_DAY, day_label, week_start
from player.core.course import DEFAULT_GOAL_DAYS, Week

UNLOCK_AFTER_DAYS = 7

#: How streaks are counted, as `stats --json` states it (the README says the same).
STREAK_RULES = (
    "A practice day is a day with at least one completed session (90% heard). Days in a row count practice "
    "days ending today, or yesterday while today has no practice yet. A planned rest day keeps a run going "
    "but is not counted in it, and a run never starts or ends on one. Weekly goals count practice days only."
)


def current_streak(days: Iterable[date], today: date, rest: Iterable[date] = ()) -> int:
    """Practice days in a row ending today, or yesterday while today has no practice yet.

    A planned rest day keeps a run going without counting in it: runs are bridged across rest days, and
    since a run is made of practice days, it never starts or ends on one.
    """
    have = {d for d in days if d <= today}
    resting = {d for d in rest if d <= today} - have
    day = today if today in have else today - ONE_DAY
    while day in resting:
        day -= ONE_DAY
    n = 0
    while day in have or day in resting:
        n += day in have
        day -= ONE_DAY
    return n


def longest_streak(days: Iterable[date], rest: Iterable[date] = ()) -> int:
    """The longest run of practice days, bridged across planned rest days."""
    ordered = sorted(set(days))
    resting = set(rest) - set(ordered)
    best = run = 0
    prev: date | None = None
    for d in ordered:
        bridged = prev is not None and all(prev + ONE_DAY * k in resting for k in range(1, (d - prev).days))
        run = run + 1 if bridged else 1
        best = max(best, run)
        prev = d
    return best


def weeks_goal_streak(days: Iterable[date], today: date, goal_of: Callable[[date], int]) -> int:
    """Consecutive calendar weeks (Monday to Sunday) that met their own goal (`goal_of(monday)`), ending this
    week, or last week while this one is under way."""
    per_week: dict[date, int] = {}
    for d in {d for d in days if d <= today}:
        per_week[week_start(d)] = per_week.get(week_start(d), 0) + 1
    monday = week_start(today)
    if per_week.get(monday, 0) < goal_of(monday):
        monday -= timedelta(days=7)
    n = 0
    while per_week.get(monday, 0) >= goal_of(monday):
        n += 1
        monday -= timedelta(days=7)
    return n


def week_goal(
    weeks: Sequence[Week],
    exercise_days: dict[str, set[date]],
    monday: date,
    pace: str = "course",
    own_goal: int | None = None,
) -> int:
    """The goal of the calendar week that starts on `monday`, as it was decided when that week started: the
    listener's own goal, or else the goal of the course week that was current that Monday (from what was
    done before it, so practice during the week never moves its goal)."""
    if own_goal:
        return own_goal
    before = {ex: {d for d in found if d < monday} for ex, found in exercise_days.items()}
    return current_goal(week_states(weeks, before, {}, monday, pace), None)


def week_goals(
    weeks: Sequence[Week],
    exercise_days: dict[str, set[date]],
    kept: Mapping[date, int],
    pace: str = "course",
    own_goal: int | None = None,
) -> Callable[[date], int]:
    """Each calendar week's goal, by its Monday: the one `kept` when it was decided (before a change of
    goal or pace), else decided now by `week_goal`. The one owner of "the goal of a week"."""
    decided: dict[date, int] = dict(kept)

    def goal_of(monday: date) -> int:
        if monday not in decided:
            decided[monday] = week_goal(weeks, exercise_days, monday, pace, own_goal)
        return decided[monday]

    return goal_of


@dataclass(frozen=True)
class WeekState:
    number: int
    theme: str
    unlocked: bool
    completed: bool
    sessions: int
    days_practiced: int
    goal_days: int
    exercises_done: tuple[str, ...]
    unlocks_on: date | None
    locked_reason: str

    def as_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "theme": self.theme,
            "unlocked": self.unlocked,
            "completed": self.completed,
            "sessions": self.sessions,
            "days_practiced": self.days_practiced,
            "goal_days": self.goal_days,
        }


def week_states(
    weeks: Sequence[Week],
    exercise_days: dict[str, set[date]],
    sessions_per_week: dict[int, int],
    today: date,
    pace: str = "course",
    goal_days: int | None = None,
) -> list[WeekState]:
    """Which weeks are unlocked and completed as of `today`.

    Week N is completed when each of its exercises was completed at least once and its exercises were
    completed on at least its goal of different days (`goal_days` when the listener set their own, else
    the course week's). Week N+1 opens when week N is completed, or a week
    after week N was first practised, whichever comes first. `pace = "free"` opens every week.
    """
    out: list[WeekState] = []
    previous_open_on: date | None = None  # when the previous week opened the next one (None: not yet)
    for i, week in enumerate(weeks):
        days = [d for ex in week.exercises for d in exercise_days.get(ex, ()) if d <= today]
        distinct = set(days)
        done_ids = tuple(ex for ex in week.exercises if any(d <= today for d in exercise_days.get(ex, ())))
        completed = _completed_on(week, exercise_days, today, goal_for(week, goal_days)) is not None
        if i == 0 or pace == "free":
            unlocked, reason, unlocks_on = True, "", None
        else:
            unlocked = previous_open_on is not None and previous_open_on <= today
            unlocks_on = previous_open_on
            prev = weeks[i - 1].number
            if unlocked:
                reason = ""
            elif not out[-1].unlocked:
                reason = f"unlocks after week {prev}"
            elif unlocks_on is not None:
                reason = f"unlocks when week {prev} is done, or on {day_label(unlocks_on)}"
            else:
                reason = f"unlocks when week {prev} is done, or a week after you first practise it"
        # When does this week open the next one? Its seven days count from when it opened, or from its
        # first practice if that came later: listening early to a locked week never shortens them.
        if unlocked:
            opened_on = unlocks_on if i > 0 and pace != "free" else None
            opens = []
            done_on = _completed_on(week, exercise_days, today, goal_for(week, goal_days))
            if done_on is not None:
                opens.append(max(done_on, opened_on) if opened_on else done_on)
            if distinct:
                start = max(min(distinct), opened_on) if opened_on else min(distinct)
                opens.append(start + timedelta(days=UNLOCK_AFTER_DAYS))
            previous_open_on = min(opens) if opens else None
        else:
            previous_open_on = None
        out.append(
            WeekState(
                week.number,
                week.theme,
                unlocked,
                completed,
                sessions_per_week.get(week.number, 0),
                len(distinct),
                goal_for(week, goal_days),
                done_ids,
                None if unlocked else unlocks_on,
                reason,
            )
        )
    return out


def goal_for(week: Week, goal_days: int | None) -> int:
    """The days a week aims for: the listener's own goal when they set one, else the course week's."""
    return goal_days or week.goal_days


def _completed_on(week: Week, exercise_days: dict[str, set[date]], today: date, goal: int) -> date | None:
    """The first day on which the week's completion rule was met (None: not met by `today`). A practice
    that joined the week later is not needed by a week finished without it before it joined."""
    done = _completion_day(week.exercises, exercise_days, today, goal)
    if done is not None or not week.joined:
        return done
    before = dict(week.joined)
    earlier = _completion_day(tuple(ex for ex in week.exercises if ex not in before), exercise_days, today, goal)
    if earlier is not None and all(earlier < on for on in before.values()):
        return earlier
    return None


def _completion_day(
    exercises: tuple[str, ...], exercise_days: dict[str, set[date]], today: date, goal: int
) -> date | None:
    """The first day on which each of `exercises` was done and they were done on `goal` days."""
    firsts = [min((d for d in exercise_days.get(ex, ()) if d <= today), default=None) for ex in exercises]
    all_days = sorted({d for ex in exercises for d in exercise_days.get(ex, ()) if d <= today})
    if not exercises or any(f is None for f in firsts) or len(all_days) < goal:
        return None
    return max(max(f for f in firsts if f is not None), all_days[goal - 1])


def current_week(states: Sequence[WeekState]) -> int:
    """The highest unlocked week."""
    return max((s.number for s in states if s.unlocked), default=1)


def current_goal(states: Sequence[WeekState], goal_days: int | None) -> int:
    """The goal of the current course week (or the listener's own)."""
    number = current_week(states)
    return next((s.goal_days for s in states if s.number == number), goal_days or DEFAULT_GOAL_DAYS)


def next_practice(weeks: Sequence[Week], states: Sequence[WeekState], just_done: str) -> str | None:
    """What to offer after a session: the current week's first practice not done yet (not the one just
    done); None when the week's practices are all done."""
    number = current_week(states)
    week = next((w for w in weeks if w.number == number), None)
    state = next((s for s in states if s.number == number), None)
    if week is None or state is None:
        return None
    return next((ex for ex in week.exercises if ex not in state.exercises_done and ex != just_done), None)


#: Practice strength (as in Loop Habit Tracker): every day the score moves towards that day's value,
#: keeping `STRENGTH_M` of itself, so a day's effect halves every 13 days.
STRENGTH_HALF_LIFE_DAYS = 13
STRENGTH_M = 0.5 ** (1 / STRENGTH_HALF_LIFE_DAYS)
STRENGTH_RULE = (
    "Practice strength moves a little each day: score = score x 0.948 + 0.052 x v, where v is 1 for a day "
    "with a completed session, 0.5 for a day with only a partial one, and 0 for a day without practice; a "
    "planned rest day leaves it as it is. A day's effect halves in 13 days, so a few missed days lower it "
    "a little and never erase it. Today counts once you have practised."
)


def practice_strength(completed: Iterable[date], partial: Iterable[date], rest: Iterable[date], today: date) -> float:
    """The practice strength as of `today`, 0 to 1 (see STRENGTH_RULE). Today without practice yet is not
    counted: the score is then yesterday's."""
    full = {d for d in completed if d <= today}
    half = {d for d in partial if d <= today} - full
    resting = set(rest) - full - half
    if not full and not half:
        return 0.0
    end = today if today in full or today in half else today - ONE_DAY
    score = 0.0
    day = min(full | half)
    while day <= end:
        if day not in resting:
            value = 1.0 if day in full else 0.5 if day in half else 0.0
            score = score * STRENGTH_M + (1 - STRENGTH_M) * value
        day += ONE_DAY
    return score
