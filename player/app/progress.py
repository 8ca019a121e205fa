"""Progress use cases shared by the command line and the TUI: record, stats, history, export and import."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from player.adapters.catalog import Entry
from player.adapters.settings import Settings
from player.adapters.store import db as dbmod
from player.adapters.store import goals as goals_store
from player.adapters.store import rest
from player.adapters.store import sessions as store
from player.app.context import Context
from player.app.recording import Saved, SqliteRecorder, open_store, pending_sessions
from player.core import calendar, checkins, progress
from player.core.course import Week
from player.core.errors import CompassionError, ScriptError
from player.core.session import Session, StoredSession


def _open(ctx: Context, create: bool = True) -> dbmod.Database | None:
    return open_store(ctx, create)


def parse_at(ctx: Context, text: str) -> datetime:
    """`--at`: ISO-8601 with an offset (a bare date or time gets the offset the listener's zone had then)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CompassionError(f"'{text}' is not a date and time", "use ISO-8601, like 2026-11-24T07:30+01:00") from None
    if not calendar.in_range(moment.date()):
        raise CompassionError(f"{text} is outside the dates the app keeps", f"use a date from {calendar.range_text()}")
    if moment.tzinfo is None:
        moment = ctx.local(moment)
    return moment


def record_manual(
    ctx: Context,
    entry: Entry,
    duration_s: float,
    at: datetime,
    partial: bool,
    listened_s: float | None,
    moods: tuple[int | None, int | None] = (None, None),
) -> tuple[Session, Saved]:
    """`compassion record`: log practice done elsewhere (with rendered files on a phone, say)."""
    if at > ctx.now() + timedelta(minutes=5):
        raise CompassionError(f"{at.isoformat()} is in the future", "record practice that has already happened")
    if partial:
        if listened_s is None:
            raise CompassionError("--partial needs --listened SECONDS", "say how much of it you listened to")
        listened = min(listened_s, duration_s)
    else:
        listened = duration_s if listened_s is None else min(listened_s, duration_s)
    session = Session(
        entry.id, at, duration_s, listened, "manual", entry.week, round(duration_s / 60, 2), moods[0], moods[1]
    )
    if partial and session.completed:
        raise CompassionError(
            "with --partial, --listened must be under 90% of the length",
            "leave out --partial to record a completed session",
        )
    recorder = SqliteRecorder(ctx)
    try:
        return session, recorder.save(session, final=True)
    finally:
        recorder.close()


@dataclass(frozen=True)
class Stats:
    """Every number about practice, as of `today` (see the README for how each is counted)."""

    today: date
    current_streak: int
    longest_streak: int
    weeks_goal_streak: int
    #: The goal of this calendar week (Monday to Sunday), decided when it began.
    goal_days: int
    #: Practice days so far in this calendar week.
    this_week_days: int
    total_sessions: int
    partial_sessions: int
    total_minutes: float
    practice_days: int
    current_week: int
    last_practiced: date | None
    states: tuple[progress.WeekState, ...]
    day_minutes: dict[date, float]
    moods: tuple[tuple[date, int | None, int | None], ...]
    check_ins: checkins.CheckInSummary
    strength: float = 0.0  # practice strength, 0 to 1
    rest_days: frozenset[date] = frozenset()
    #: Completed sessions of each course practice.
    per_exercise: Mapping[str, int] = field(default_factory=dict)
    #: Practices stopped part-way that Continue is offered for: (where it stopped, its length) in seconds.
    stopped: Mapping[str, tuple[float, float]] = field(default_factory=dict)

    @property
    def strength_percent(self) -> int:
        """Practice strength as people read it: a whole percentage."""
        return round(100 * self.strength)

    def as_json(self) -> dict[str, object]:
        """What `compassion stats --json` prints."""
        return {
            "current_streak": self.current_streak,
            "longest_streak": self.longest_streak,
            "weeks_goal_streak": self.weeks_goal_streak,
            "goal_days": self.goal_days,
            "this_week_days": self.this_week_days,
            "practice_strength": self.strength_percent,
            "total_sessions": self.total_sessions,
            "partial_sessions": self.partial_sessions,
            "total_minutes": self.total_minutes,
            "practice_days": self.practice_days,
            "current_week": self.current_week,
            "last_practiced": self.last_practiced.isoformat() if self.last_practiced else None,
            "weeks": [s.as_json() for s in self.states],
            "rest_days": sorted(d.isoformat() for d in self.rest_days),
            "check_ins": {
                "change_after_practice": self.check_ins.change,
                "with_before_and_after": self.check_ins.paired,
                "this_week_after": self.check_ins.week_after,
                "this_week_change": self.check_ins.week_change,
            },
            "rules": progress.STREAK_RULES + " " + progress.STRENGTH_RULE,
        }


def stats(ctx: Context, today: date | None = None) -> Stats:
    """Every number `compassion stats` shows, as of `today` (later sessions are ignored)."""
    today = today or ctx.today()
    db = _open(ctx, create=False)
    try:
        weeks = _week_plans(ctx)
        ids = [ex for w in weeks for ex in w.exercises]
        facts = store.facts(db, today, ids)
        resting = rest.days(db)
        kept = goals_store.kept(db)
        stopped = _stopped_parts(ctx, db)
    finally:
        if db is not None:
            db.close()
    days = list(facts.day_minutes)
    per_week = {w.number: sum(facts.exercise_sessions.get(ex, 0) for ex in w.exercises) for w in weeks}
    own_goal = ctx.settings.weekly_goal_days or None
    states = progress.week_states(weeks, facts.exercise_days, per_week, today, ctx.settings.pace, own_goal)
    goal_of = progress.week_goals(weeks, facts.exercise_days, kept, ctx.settings.pace, own_goal)
    return Stats(
        today=today,
        current_streak=progress.current_streak(days, today, resting),
        longest_streak=progress.longest_streak(days, {d for d in resting if d <= today}),
        weeks_goal_streak=progress.weeks_goal_streak(days, today, goal_of),
        goal_days=goal_of(calendar.week_start(today)),
        this_week_days=len(calendar.in_week(facts.day_minutes, today)),
        total_sessions=facts.completed_sessions,
        partial_sessions=facts.partial_sessions,
        total_minutes=round(sum(facts.day_minutes.values()), 1),
        practice_days=len(days),
        current_week=progress.current_week(states),
        last_practiced=max(days) if days else None,
        states=tuple(states),
        day_minutes=facts.day_minutes,
        moods=tuple(facts.moods),
        check_ins=checkins.summary(facts.moods, today),
        strength=progress.practice_strength(days, facts.partial_days, resting, today),
        rest_days=frozenset(resting),
        per_exercise=dict(facts.exercise_sessions),
        stopped=stopped,
    )


def _week_plans(ctx: Context) -> list[Week]:
    try:
        course = ctx.catalog.course
    except ScriptError:
        return []
    return list(course.weeks)


def history(ctx: Context, since: date | None = None) -> list[StoredSession]:
    """Every session, oldest first: those in the progress file, and those still waiting beside it."""
    db = _open(ctx, create=False)
    rows: list[StoredSession] = []
    if db is not None:
        try:
            rows = store.history(db, since)
        finally:
            db.close()
    have = {(r.exercise_id, r.started_at) for r in rows}
    for s in pending_sessions(ctx):
        day = s.local_date(ctx.settings.day_start_minutes)
        if (s.exercise_id, s.started_at) not in have and (since is None or day >= since):
            fields = {f.name: getattr(s, f.name) for f in dataclasses.fields(Session)}
            rows.append(StoredSession(**fields, local_date_=day, completed_=s.completed, pending_=True))
    return sorted(rows, key=lambda r: r.started_at)


@contextlib.contextmanager
def practice_days(ctx: Context, before: Settings, after: Settings) -> Iterator[None]:
    """Every session's practice day for the day start in `after`, kept only if the block ends well."""
    db = _open(ctx, create=False) if before.day_starts_at != after.day_starts_at else None
    if db is None:
        yield
        return
    try:
        with db.writing() as conn:
            store.recompute_days(conn, after.day_start_minutes)
            yield
    finally:
        db.close()


@contextlib.contextmanager
def goals_kept(ctx: Context, before: Settings, after: Settings) -> Iterator[None]:
    """Before a change of the weekly goal or the pace, keep the goal of every calendar week so far as it was
    decided: the change applies from the next calendar week (and never rewrites a past one)."""
    changes = (before.weekly_goal_days, before.pace, before.course) != (
        after.weekly_goal_days,
        after.pace,
        after.course,
    )
    db = _open(ctx, create=False) if changes else None
    if db is None:
        yield
        return
    try:
        weeks = _week_plans(ctx)
        today = ctx.today()
        facts = store.facts(db, today, [ex for w in weeks for ex in w.exercises])
        if facts.day_minutes:
            goal_of = progress.week_goals(
                weeks, facts.exercise_days, goals_store.kept(db), before.pace, before.weekly_goal_days or None
            )
            monday, last = calendar.week_start(min(facts.day_minutes)), calendar.week_start(today)
            mondays = [monday + timedelta(days=7 * n) for n in range((last - monday).days // 7 + 1)]
            goals_store.keep(db, {m: goal_of(m) for m in mondays})
        yield
    finally:
        db.close()


def mark_rest(ctx: Context, day: date) -> None:
    """Plan a rest day (at most `rest_days_per_week` in a week); a day already practised stays practised."""
    db = open_store(ctx)
    assert db is not None
    try:
        rest.add(db, day, ctx.settings.rest_days_per_week)
    finally:
        db.close()


def unmark_rest(ctx: Context, day: date) -> bool:
    """Take back a planned rest day; whether there was one."""
    db = _open(ctx, create=False)
    if db is None:
        return False
    try:
        return rest.remove(db, day)
    finally:
        db.close()


#: A session stopped longer ago than this is no longer offered to continue.
RESUME_WITHIN = timedelta(days=7)


def rest_days(ctx: Context) -> set[date]:
    """Every planned rest day."""
    db = _open(ctx, create=False)
    if db is None:
        return set()
    try:
        return rest.days(db)
    finally:
        db.close()


def rename_practices(ctx: Context, renamed: Mapping[str, str]) -> int:
    """Sessions of renamed practices follow them (a pack's new version renamed them); how many moved."""
    if not renamed:
        return 0
    db = _open(ctx, create=False)
    if db is None:
        return 0
    try:
        return store.rename(db, renamed)
    finally:
        db.close()


def kept_goals(ctx: Context) -> dict[date, int]:
    """The goals of calendar weeks kept when a change of goal or pace came, by their Monday."""
    db = _open(ctx, create=False)
    try:
        return goals_store.kept(db)
    finally:
        if db is not None:
            db.close()


def resumable(ctx: Context, exercise_id: str) -> StoredSession | None:
    """The last session of this exercise, if it stopped part-way within the last week (to continue it)."""
    db = _open(ctx, create=False)
    try:
        found = store.resumable(db, exercise_id, ctx.now() - RESUME_WITHIN)
    finally:
        if db is not None:
            db.close()
    return found if found is not None and _worth_continuing(found) else None


def _stopped_parts(ctx: Context, db: dbmod.Database | None) -> dict[str, tuple[float, float]]:
    """Each practice stopped part-way within the last week that Continue is offered for: (where it
    stopped, its length)."""
    found = store.stopped(db, ctx.now() - RESUME_WITHIN)
    return {ex: (s.position_s or 0.0, s.duration_s) for ex, s in found.items() if _worth_continuing(s)}


def _worth_continuing(found: StoredSession) -> bool:
    """A part is offered to continue from 5 s in until 5 s before its end."""
    return found.position_s is not None and 5 <= found.position_s <= found.duration_s - 5
