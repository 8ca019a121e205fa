"""What the app says about progress: warm, plain, never shaming. Shared by the command line and the TUI."""

from __future__ import annotations

from datetime import date, timedelta

SELF_HELP_NOTICE = (
    "This course is self-help, not therapy or medical care. If you are in crisis, please contact "
    "a health professional or your local emergency services."
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def days_this_week(day_minutes: dict[date, float], today: date) -> int:
    monday = today - timedelta(days=today.weekday())
    return sum(1 for d in day_minutes if monday <= d <= today)


def greeting(last_practiced: str | None, today: date) -> str:
    """One kind line about where the person is: first time, today, or coming back after a gap."""
    if last_practiced is None:
        return "Welcome. Whenever you are ready, the first practice is waiting."
    last = date.fromisoformat(last_practiced)
    gap = (today - last).days
    if gap <= 0:
        return "You have practised today. Thank you for making the time."
    if gap == 1:
        return "Good to see you again."
    return "Welcome back. Whatever happened in between, you can simply start again from here."


def summary_line(data: dict, day_minutes: dict[date, float], today: date, show_streaks: bool) -> str:
    """The one-line summary on the home screen."""
    parts = [f"{_plural(days_this_week(day_minutes, today), 'practice day')} this week"]
    if show_streaks and data["current_streak"] > 0:
        parts.append(f"{_plural(data['current_streak'], 'day')} in a row")
    return " · ".join(parts)


def stats_summary(st, show_streaks: bool) -> list[str]:
    """The human form of `compassion stats`."""
    d = st.data
    lines = [greeting(d["last_practiced"], st.today), ""]
    if show_streaks:
        if d["current_streak"]:
            lines.append(f"Days in a row: {d['current_streak']}  (your longest run: {d['longest_streak']})")
        else:
            lines.append(f"Days in a row: starting fresh  (your longest run: {d['longest_streak']})")
        lines.append(f"Weeks meeting your goal in a row: {d['weeks_goal_streak']}")
    lines.append(f"Practice days: {d['practice_days']}, {days_this_week(st.day_minutes, st.today)} of them this week")
    lines.append(f"Sessions completed: {d['total_sessions']}  ({d['total_minutes']:g} minutes)")
    if d["partial_sessions"]:
        lines.append(f"Sessions started and paused along the way: {d['partial_sessions']}")
    lines.append(f"Current week: {d['current_week']}")
    lines.append("")
    for w in st.states:
        lines.append(f"  Week {w.number}  {w.theme:<42} {week_state(w)}")
    return lines


def week_state(w, locked: str | None = None) -> str:
    """A week's state in a few words: done, days so far, or why it is not open yet."""
    if w.completed:
        return "done"
    if w.unlocked:
        return f"{w.days_practiced} of {w.goal_days} days"
    return locked or w.locked_reason
