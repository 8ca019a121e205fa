"""Sessions in the progress database: recording, reading back, and the aggregates stats need."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from player.adapters.store.db import Database
from player.adapters.store.merge import GROWS
from player.core import calendar
from player.core.session import Session, StoredSession

SOURCES = ("app", "manual", "import")
#: A part shorter than this is not counted among the sessions left part-way (it is still in the history).
PART_WORTH_COUNTING_S = 60


def utc_text(moment: datetime) -> str:
    """Started-at as stored: UTC, microseconds, so two sessions never share a start by accident."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_FIELDS = (
    "exercise_id, week, started_at, utc_offset_minutes, local_date, duration_s, listened_s, completed, "
    "minutes_variant, mood_before, mood_after, source, recorded_at, resumes, position_s, heard, audio_key, part_s"
)
_INSERT = f"INSERT INTO sessions ({_FIELDS}) VALUES ({', '.join('?' * 18)})"
#: Every write of a session (as it plays, at its end, from the pending file, from an import): the same
#: session (exercise and start) is merged in place, and its record only ever grows (`merge.GROWS`).
_SAVE = f"""INSERT INTO sessions ({_FIELDS}, live_owner) VALUES ({", ".join("?" * 19)})
    ON CONFLICT (exercise_id, started_at) DO UPDATE SET {GROWS}"""


def record(db: Database, session: Session, day_start_minutes: int) -> tuple[int, bool]:
    """Store one session; returns (row id, completed). One short transaction."""
    with db.writing() as conn:
        cur = conn.execute(_INSERT, _row(session, day_start_minutes, db.clock.now()))
        return int(cur.lastrowid or 0), session.completed


def save(db: Database, session: Session, day_start_minutes: int, live_owner: str | None) -> None:
    """Write a session as it stands: while it plays (`live_owner` names the process playing it), and once
    more when it ends (`live_owner` None). One short transaction each time."""
    with db.writing() as conn:
        conn.execute(_SAVE, (*_row(session, day_start_minutes, db.clock.now()), live_owner))


def discard(db: Database, session: Session) -> None:
    """Remove a session written as it played that turned out too short to keep (under a second heard)."""
    with db.writing() as conn:
        conn.execute(
            "DELETE FROM sessions WHERE exercise_id = ? AND started_at = ? AND live_owner IS NOT NULL",
            (session.exercise_id, utc_text(session.started_at)),
        )


def close_orphans(db: Database, alive: Callable[[str], bool], stale_before: datetime) -> int:
    """Close, as partial with what was heard, every session still marked as playing whose process is gone
    (or that has not been written for a day). Sessions other app windows are playing are left alone."""
    with db.reading() as conn:
        rows = conn.execute("SELECT id, live_owner, recorded_at FROM sessions WHERE live_owner IS NOT NULL").fetchall()
    stale = utc_text(stale_before)
    gone = [i for i, owner, written in rows if (written or "") < stale or not alive(owner)]
    if gone:
        with db.writing() as conn:
            conn.executemany("UPDATE sessions SET live_owner = NULL WHERE id = ?", [(i,) for i in gone])
    return len(gone)


def _row(session: Session, day_start_minutes: int, recorded_at: datetime) -> tuple[object, ...]:
    return (
        session.exercise_id,
        session.week,
        utc_text(session.started_at),
        session.utc_offset_minutes,
        session.local_date(day_start_minutes).isoformat(),
        round(session.duration_s, 3),
        round(session.listened_s, 3),
        int(session.completed),
        session.minutes_variant,
        session.mood_before,
        session.mood_after,
        session.source,
        utc_text(recorded_at),
        session.resumes,
        None if session.position_s is None else round(session.position_s, 3),
        json.dumps([[round(a, 3), round(b, 3)] for a, b in session.heard]) if session.heard else None,
        session.audio_key,
        None if session.part_s is None else round(session.part_s, 3),
    )


def import_sessions(
    db: Database, sessions: Iterable[tuple[Session, datetime | None]], day_start_minutes: int
) -> tuple[int, int]:
    """Add sessions (each with the start of the part it continues, if any); one already present (same
    exercise and start) is merged with it, and only grows. Returns (added, merged)."""
    added = skipped = 0
    with db.writing() as conn:
        for s, resumes_start in sessions:
            if resumes_start is not None:  # ids differ between files: find the part it continues by its start
                found = conn.execute("SELECT id FROM sessions WHERE started_at = ?", (utc_text(resumes_start),))
                row = found.fetchone()
                s = replace(s, resumes=row[0] if row else None)
            there = conn.execute(
                "SELECT 1 FROM sessions WHERE exercise_id = ? AND started_at = ?",
                (s.exercise_id, utc_text(s.started_at)),
            ).fetchone()
            conn.execute(_SAVE, (*_row(s, day_start_minutes, db.clock.now()), None))
            if there:
                skipped += 1
            else:
                added += 1
    return added, skipped


def recompute_days(conn: sqlite3.Connection, day_start_minutes: int) -> None:
    """Re-derive every practice day after `day_starts_at` changes (each in the offset it was recorded in),
    inside the caller's write transaction. The rule is the one `Session.local_date` uses, never SQL's."""
    rows = conn.execute("SELECT id, started_at, utc_offset_minutes FROM sessions").fetchall()
    conn.executemany(
        "UPDATE sessions SET local_date = ? WHERE id = ?",
        [
            (calendar.practice_date(_started(text, offset), day_start_minutes).isoformat(), i)
            for i, text, offset in rows
        ],
    )


def _started(text: str, offset_minutes: int) -> datetime:
    """A stored start (UTC text) back in the offset where the session happened."""
    started = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return started.astimezone(timezone(timedelta(minutes=offset_minutes)))


_COLUMNS = (
    "id, exercise_id, week, started_at, utc_offset_minutes, local_date, duration_s, listened_s, "
    "completed, minutes_variant, mood_before, mood_after, source, resumes, position_s, heard, audio_key, part_s, "
    "live_owner"
)


def history(db: Database, since: date | None = None) -> list[StoredSession]:
    """Every session, oldest first (optionally from a practice date on)."""
    sql = f"SELECT {_COLUMNS} FROM sessions"
    args: tuple[str, ...] = ()
    if since is not None:
        sql += " WHERE local_date >= ?"
        args = (since.isoformat(),)
    sql += " ORDER BY started_at, id"
    with db.reading() as conn:
        return [_from_row(r) for r in conn.execute(sql, args)]


def _from_row(r: tuple[Any, ...]) -> StoredSession:
    local = _started(r[3], r[4])
    return StoredSession(
        exercise_id=r[1],
        week=r[2],
        started_at=local,
        duration_s=r[6],
        listened_s=r[7],
        minutes_variant=r[9],
        mood_before=r[10],
        mood_after=r[11],
        source=r[12],
        resumes=r[13],
        position_s=r[14],
        heard=tuple((a, b) for a, b in json.loads(r[15])) if r[15] else (),
        audio_key=r[16],
        part_s=r[17],
        id=r[0],
        local_date_=date.fromisoformat(r[5]),
        completed_=bool(r[8]),
        in_progress_=r[18] is not None,
    )


def resumable(db: Database | None, exercise_id: str, since: datetime) -> StoredSession | None:
    """The latest session of an exercise played in the app since `since`, if it stopped part-way: not
    completed and not continued since (continuing it makes the later part the latest)."""
    return stopped(db, since, exercise_id).get(exercise_id)


def rename(db: Database, renamed: Mapping[str, str]) -> int:
    """Move sessions from old exercise ids to new ones; returns how many moved."""
    with db.writing() as conn:
        return sum(
            conn.execute("UPDATE OR IGNORE sessions SET exercise_id = ? WHERE exercise_id = ?", (new, old)).rowcount
            for old, new in renamed.items()
        )


def stopped(db: Database | None, since: datetime, exercise_id: str | None = None) -> dict[str, StoredSession]:
    """Each exercise (or just `exercise_id`) whose latest session played in the app since `since` stopped
    part-way, with that session."""
    if db is None:
        return {}
    sql = f"SELECT {_COLUMNS} FROM sessions WHERE source = 'app' AND started_at >= ? AND live_owner IS NULL"
    args: list[object] = [utc_text(since)]
    if exercise_id is not None:
        sql, args = sql + " AND exercise_id = ?", [*args, exercise_id]
    latest: dict[str, StoredSession] = {}
    with db.reading() as conn:
        for row in conn.execute(sql + " ORDER BY started_at, id", args):
            found = _from_row(row)
            latest[found.exercise_id] = found
    return {ex: s for ex, s in latest.items() if not s.completed_ and s.position_s is not None}


def as_dict(s: StoredSession, starts: dict[int, datetime] | None = None) -> dict[str, Any]:
    """A session as exported and printed by `history --json`. A continued part names the part it continues
    by that part's start (`resumes_started_at`), which stays true in another file, unlike a row id."""
    d = asdict(s)
    for internal in ("local_date_", "completed_", "in_progress_", "pending_"):
        d.pop(internal)
    d["heard"] = [list(span) for span in s.heard]
    resumed = (starts or {}).get(s.resumes) if s.resumes is not None else None
    d["resumes_started_at"] = resumed.isoformat() if resumed else None
    d["started_at"] = s.started_at.isoformat()
    d["local_date"] = s.local_date_.isoformat() if s.local_date_ else None
    d["completed"] = s.completed_
    if s.in_progress_:
        d["in_progress"] = True
    if s.pending_:
        d["pending"] = True
    return d


@dataclass(frozen=True)
class Facts:
    """What stats are computed from, read in a few indexed queries."""

    day_minutes: dict[date, float]  # completed practice per practice day
    partial_sessions: int
    completed_sessions: int
    exercise_days: dict[str, set[date]]  # exercise id -> days it was completed (course exercises only)
    exercise_sessions: dict[str, int]  # exercise id -> completed sessions (course exercises only)
    moods: list[tuple[date, int | None, int | None]]
    partial_days: set[date] = field(default_factory=set)  # days with a session stopped part-way


def facts(db: Database | None, today: date, exercise_ids: Iterable[str]) -> Facts:
    """Everything stats needs, as of `today` (later sessions are ignored)."""
    if db is None:
        return Facts({}, 0, 0, {}, {}, [])
    t = today.isoformat()
    ids = list(exercise_ids)
    with db.reading() as conn:
        day_minutes = {
            date.fromisoformat(d): m / 60
            for d, m in conn.execute(
                "SELECT local_date, SUM(listened_s) FROM sessions WHERE completed = 1 AND local_date <= ? "
                "GROUP BY local_date",
                (t,),
            )
        }
        # A part that was later continued is not a session of its own: the continuing part counts. A part
        # of under a minute is a look, not a session "left part-way".
        counts = dict(
            conn.execute(
                "SELECT completed, COUNT(*) FROM sessions WHERE local_date <= ? "
                f"AND (completed = 1 OR listened_s >= {PART_WORTH_COUNTING_S}) AND id NOT IN "
                "(SELECT resumes FROM sessions WHERE resumes IS NOT NULL AND local_date <= ?) GROUP BY completed",
                (t, t),
            ).fetchall()
        )
        exercise_days: dict[str, set[date]] = {}
        marks = ",".join("?" * len(ids))
        if ids:
            for ex, d in conn.execute(
                f"SELECT DISTINCT exercise_id, local_date FROM sessions INDEXED BY sessions_by_exercise "
                f"WHERE exercise_id IN ({marks}) AND completed = 1 AND local_date <= ?",
                (*ids, t),
            ):
                exercise_days.setdefault(ex, set()).add(date.fromisoformat(d))
            per_exercise = dict(
                conn.execute(
                    f"SELECT exercise_id, COUNT(*) FROM sessions WHERE exercise_id IN ({marks}) AND completed = 1 "
                    f"AND local_date <= ? GROUP BY exercise_id",
                    (*ids, t),
                ).fetchall()
            )
        else:
            per_exercise = {}
        moods = [
            (date.fromisoformat(d), b, a)
            for d, b, a in conn.execute(
                # A session continued later is one check-in: "before" from its first part, "after" from its last.
                "SELECT s.local_date, COALESCE(s.mood_before, p.mood_before), s.mood_after FROM sessions s "
                "LEFT JOIN sessions p ON p.id = s.resumes "
                "WHERE NOT EXISTS (SELECT 1 FROM sessions c WHERE c.resumes = s.id) AND s.local_date <= ? "
                "AND COALESCE(s.mood_before, p.mood_before, s.mood_after) IS NOT NULL "
                "ORDER BY s.started_at DESC LIMIT 60",
                (t,),
            )
        ]
        partial_days = {
            date.fromisoformat(d)
            for (d,) in conn.execute(
                "SELECT DISTINCT local_date FROM sessions WHERE completed = 0 AND local_date <= ?", (t,)
            )
        }
    moods.reverse()
    return Facts(day_minutes, counts.get(0, 0), counts.get(1, 0), exercise_days, per_exercise, moods, partial_days)
