"""Progress use cases shared by the command line and the TUI: record, stats, history, export and import."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from player import progress
from player.catalog import Entry
from player.errors import CompassionError, ScriptError
from player.files import write_text
from player.model.course import Week
from player.service import Context
from player.store import db as dbmod
from player.store import sessions as store
from player.store.sessions import Session


class ProgressRecorder(Protocol):
    """Where the player reports every finished or stopped playback."""

    def record(self, session: Session) -> bool:
        """Keep the session; returns whether it counts as completed."""


class MemoryRecorder:
    """Keeps sessions in memory (used where nothing should be written, and by fast tests)."""

    def __init__(self) -> None:
        self.sessions: list[Session] = []

    def record(self, session: Session) -> bool:
        self.sessions.append(session)
        return session.completed


class SqliteRecorder:
    """Records sessions in the user's progress database."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._db: dbmod.Database | None = None

    def record(self, session: Session) -> bool:
        if self._db is None:
            self._db = dbmod.open_database(self.ctx.data_dir)
        _, completed = store.record(self._db, session, self.ctx.settings.day_start_minutes)
        return completed

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def now_local() -> datetime:
    """The current moment with the local UTC offset (read once, at the edge)."""
    return datetime.now(UTC).astimezone()


def practice_today(ctx: Context, moment: datetime | None = None) -> date:
    return progress.practice_date(moment or now_local(), ctx.settings.day_start_minutes)


def parse_at(text: str) -> datetime:
    """`--at`: ISO-8601 with an offset (a bare date or time gets the local offset)."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CompassionError(f"'{text}' is not a date and time", "use ISO-8601, like 2026-11-24T07:30+01:00") from None
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment


def record_manual(
    ctx: Context,
    entry: Entry,
    duration_s: float,
    at: datetime,
    partial: bool,
    listened_s: float | None,
    moods: tuple[int | None, int | None] = (None, None),
    now: datetime | None = None,
) -> tuple[Session, bool]:
    """`compassion record`: log practice done elsewhere (with rendered files on a phone, say)."""
    if at > (now or now_local()) + timedelta(minutes=5):
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
    completed = SqliteRecorder(ctx).record(session)
    return session, completed


@dataclass(frozen=True)
class Stats:
    """Every number about practice, as of `today` (see the README for how each is counted)."""

    today: date
    current_streak: int
    longest_streak: int
    weeks_goal_streak: int
    total_sessions: int
    partial_sessions: int
    total_minutes: float
    practice_days: int
    current_week: int
    last_practiced: date | None
    states: tuple[progress.WeekState, ...]
    day_minutes: dict[date, float]
    moods: tuple[tuple[date, int | None, int | None], ...]

    def as_json(self) -> dict:
        """What `compassion stats --json` prints."""
        return {
            "current_streak": self.current_streak,
            "longest_streak": self.longest_streak,
            "weeks_goal_streak": self.weeks_goal_streak,
            "total_sessions": self.total_sessions,
            "partial_sessions": self.partial_sessions,
            "total_minutes": self.total_minutes,
            "practice_days": self.practice_days,
            "current_week": self.current_week,
            "last_practiced": self.last_practiced.isoformat() if self.last_practiced else None,
            "weeks": [s.as_json() for s in self.states],
        }


def stats(ctx: Context, today: date | None = None) -> Stats:
    """Every number `compassion stats` shows, as of `today` (later sessions are ignored)."""
    today = today or practice_today(ctx)
    db = dbmod.open_database(ctx.data_dir, create=False)
    try:
        weeks = _week_plans(ctx)
        ids = [ex for w in weeks for ex in w.exercises]
        facts = store.facts(db, today, ids)
    finally:
        if db is not None:
            db.close()
    days = list(facts.day_minutes)
    per_week = {w.number: sum(facts.exercise_sessions.get(ex, 0) for ex in w.exercises) for w in weeks}
    states = progress.week_states(weeks, facts.exercise_days, per_week, today, ctx.settings.pace)
    return Stats(
        today=today,
        current_streak=progress.current_streak(days, today),
        longest_streak=progress.longest_streak(days),
        weeks_goal_streak=progress.weeks_goal_streak(days, today, ctx.settings.weekly_goal_days),
        total_sessions=facts.completed_sessions,
        partial_sessions=facts.partial_sessions,
        total_minutes=round(sum(facts.day_minutes.values()), 1),
        practice_days=len(days),
        current_week=progress.current_week(states),
        last_practiced=max(days) if days else None,
        states=tuple(states),
        day_minutes=facts.day_minutes,
        moods=tuple(facts.moods),
    )


def _week_plans(ctx: Context) -> list[Week]:
    try:
        course = ctx.catalog.course
    except ScriptError:
        return []
    return list(course.weeks)


def history(ctx: Context, since: date | None = None) -> list[store.StoredSession]:
    db = dbmod.open_database(ctx.data_dir, create=False)
    if db is None:
        return []
    try:
        return store.history(db, since)
    finally:
        db.close()


EXPORT_FORMAT = "compassion-player/sessions"


def export_file(ctx: Context, target: Path) -> int:
    """Write every session to a JSON file the user owns; returns how many."""
    rows = [store.as_dict(s) for s in history(ctx)]
    doc = {"format": EXPORT_FORMAT, "version": 1, "exported_at": now_local().isoformat(), "sessions": rows}
    write_text(target, json.dumps(doc, indent=1, ensure_ascii=False), "export file")
    return len(rows)


def import_file(ctx: Context, source: Path) -> tuple[int, int]:
    """Add the sessions of an export file; sessions already present are skipped. Returns (added, skipped)."""
    try:
        doc = json.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CompassionError(f"{source}: file not found") from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CompassionError(
            f"{source}: not a compassion-player export ({exc})", "use a file written by `compassion export`"
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT or not isinstance(doc.get("sessions"), list):
        raise CompassionError(f"{source}: not a compassion-player export", "use a file written by `compassion export`")
    parsed = [_session_from(i, item, source) for i, item in enumerate(doc["sessions"], 1)]
    db = dbmod.open_database(ctx.data_dir)
    try:
        return store.import_sessions(db, parsed, ctx.settings.day_start_minutes)
    finally:
        db.close()


def _session_from(index: int, item: object, source: Path) -> Session:
    """One exported session, checked field by field (real checks: they hold under `python -O` too)."""
    problem = CompassionError(
        f"{source}: session {index} is incomplete or invalid",
        "the file may have been edited by hand; nothing was imported",
    )
    if not isinstance(item, dict):
        raise problem
    try:
        started = datetime.fromisoformat(item["started_at"])
        duration, listened = float(item["duration_s"]), float(item["listened_s"])
        variant = item.get("minutes_variant")
        variant = None if variant is None else float(variant)
    except (KeyError, TypeError, ValueError):
        raise problem from None
    exercise, week = item.get("exercise_id"), item.get("week")
    moods = [item.get("mood_before"), item.get("mood_after")]
    valid = (
        started.tzinfo is not None
        and all(math.isfinite(x) for x in (duration, listened))
        and duration >= 0
        and listened >= 0
        and (variant is None or (math.isfinite(variant) and variant >= 0))
        and isinstance(exercise, str)
        and bool(exercise.strip())
        and (week is None or (isinstance(week, int) and not isinstance(week, bool)))
        and all(m is None or (isinstance(m, int) and not isinstance(m, bool) and 0 <= m <= 10) for m in moods)
    )
    if not valid:
        raise problem
    source_kind = item.get("source", "import")
    return Session(
        str(exercise),
        started,
        duration,
        listened,
        source_kind if source_kind in store.SOURCES else "import",
        week,
        variant,
        moods[0],
        moods[1],
    )


def set_setting(ctx: Context, key: str, value: object) -> Path:
    """Change one setting; moving the day start re-derives every practice day."""
    from dataclasses import replace

    from player import config

    before = ctx.settings
    changes: dict[str, Any] = {key: value}
    ctx.settings = replace(before, **changes)
    path = config.save(ctx.config_dir, ctx.settings)
    if key == "day_starts_at" and before.day_starts_at != value:
        db = dbmod.open_database(ctx.data_dir, create=False)
        if db is not None:
            try:
                store.recompute_days(db, ctx.settings.day_start_minutes)
            finally:
                db.close()
    return path
