"""What the app says about progress: warm, plain, never shaming. Shared by the command line and the TUI."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from player.core import calendar

if TYPE_CHECKING:
    from player.app.progress import Stats
    from player.core.progress import WeekState

SELF_HELP_NOTICE = (
    "This course is self-help, not therapy or medical care. If you are in crisis, please contact "
    "a health professional or your local emergency services."
)


def lost_session(heard_s: float, problem: str | None, data_dir: object, exercise_id: str) -> str:
    """A session that could be kept nowhere, said plainly, with what to do (never "Finished")."""
    minutes = max(1, round(heard_s / 60))
    why = (problem or "the progress file could not be written").split("; this session")[0]
    return (
        f"This session ({calendar.minutes_text(heard_s)} heard) could not be saved anywhere: {why}. "
        f"Free some disk space or make {data_dir} writable, then add it with "
        f"`compassion record {exercise_id} --minutes {minutes}`."
    )


#: Practice strength is shown once there are this many practice days to base it on.
STRENGTH_AFTER_DAYS = 3


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def greeting(last_practiced: date | None, today: date) -> str:
    """One kind line about where the person is: first time, today, or coming back after a gap."""
    if last_practiced is None:
        return "Welcome. Whenever you are ready, the first practice is waiting."
    gap = (today - last_practiced).days
    if gap <= 0:
        return "You have practised today. Thank you for making the time."
    if gap == 1:
        return "Good to see you again."
    return "Welcome back. Whatever happened in between, you can simply start again from here."


def summary_line(st: Stats, show_streaks: bool) -> str:
    """The one-line summary on the home screen."""
    parts = [this_week(st)]
    if show_streaks and st.current_streak > 0:
        parts.append(f"{plural(st.current_streak, 'day')} in a row")
    return " · ".join(parts)


def stats_summary(st: Stats, show_streaks: bool) -> list[str]:
    """The human form of `compassion stats`."""
    lines = [greeting(st.last_practiced, st.today), ""]
    if show_streaks:
        if st.current_streak:
            lines.append(f"Days in a row: {st.current_streak}  (your longest run: {st.longest_streak})")
        else:
            lines.append(f"Days in a row: starting fresh  (your longest run: {st.longest_streak})")
        lines.append(f"Weeks in a row at their goal: {st.weeks_goal_streak}")
        if st.practice_days >= STRENGTH_AFTER_DAYS:  # on the first days a small number would read as failure
            lines.append(
                f"Practice strength: {st.strength_percent}%  (a missed day lowers it a little; it never resets)"
            )
    lines.append(f"Practice days: {st.practice_days}")
    lines.append(f"{this_week(st)} (Monday to Sunday)")
    lines.append(f"Sessions completed: {st.total_sessions}  ({calendar.minutes_text(st.total_minutes * 60)})")
    if st.partial_sessions:
        lines.append(f"Sessions left part-way (kept in your history): {st.partial_sessions}")
    lines.append(f"Course week: {st.current_week} (a course week starts when it opens)")
    if st.check_ins.words():
        lines.append(f"Check-ins: {st.check_ins.words()}")
    lines.append("")
    for w in st.states:
        lines.append(f"  Course week {w.number}  {w.theme:<42} {week_state(w)}")
    return lines


def this_week(st: Stats) -> str:
    """The calendar week's count against its goal: "This week: 2 of 4 practice days"."""
    return f"This week: {week_count(st)}"


def week_count(st: Stats, unit: str = "practice day") -> str:
    """This calendar week's practice days against its goal, as every screen says it ("2 of 4 practice
    days"; `unit` "day" where the label already says what is counted)."""
    n, goal = st.this_week_days, st.goal_days
    if n > goal:
        return f"{plural(n, unit)}, your goal of {goal} met"
    return f"{n} of {plural(goal, unit)}"


def week_state(w: WeekState, locked: str | None = None) -> str:
    """A week's state in a few words: done, days so far, or why it is not open yet."""
    if w.completed:
        return "done"
    if w.unlocked:
        return f"{w.days_practiced} of {w.goal_days} days"
    return locked or w.locked_reason


def rest_days_this_week(rest: frozenset[date], today: date) -> str:
    """The planned rest days of this week, for people: "Wed 18 Nov", or "" when there are none."""
    monday, sunday = calendar.week_of(today)
    return calendar.day_list(sorted(d for d in rest if monday <= d <= sunday))


def early_note(st: Stats | None, week: int | None) -> str:
    """A gentle word when a practice from a week not open yet is played (from the palette): "" otherwise."""
    if st is None or week is None:
        return ""
    state = next((w for w in st.states if w.number == week), None)
    if state is None or state.unlocked:
        return ""
    return (
        f"This practice is from week {week}, which opens later in the course. Listening early is fine, "
        "and it still counts towards that week."
    )


def opens(w: WeekState) -> str:
    """When a week not open yet opens, in few words (it fits on one line beside the week's theme)."""
    before = f"week {w.number - 1}"
    if w.unlocks_on is not None:
        return f"opens {calendar.day_label(w.unlocks_on)} or after {before}"
    return f"opens after {before}"
