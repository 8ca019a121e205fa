"""Planned rest days in the progress database: marked, unmarked, and read back for the streak rules."""

from __future__ import annotations

from datetime import UTC, date

from player.adapters.store.db import Database
from player.core import calendar
from player.core.errors import CompassionError


def add(db: Database, day: date, per_week: int) -> None:
    """Mark `day` as a planned rest day; at most `per_week` in its week (Monday to Sunday). A day already
    practised needs no rest day: it is refused, kindly."""
    monday, sunday = calendar.week_of(day)
    with db.writing() as conn:
        if conn.execute("SELECT 1 FROM rest_days WHERE day = ?", (day.isoformat(),)).fetchone():
            return
        practised = "SELECT 1 FROM sessions WHERE local_date = ? AND completed = 1 LIMIT 1"
        if conn.execute(practised, (day.isoformat(),)).fetchone():
            raise CompassionError(
                f"{calendar.long_day_label(day)} already counts as a practice day, so it needs no rest day",
                "rest days are for days without practice; this one is already part of your days in a row",
            )
        planned = [
            date.fromisoformat(d)
            for (d,) in conn.execute(
                "SELECT day FROM rest_days WHERE day BETWEEN ? AND ? ORDER BY day",
                (monday.isoformat(), sunday.isoformat()),
            )
        ]
        if len(planned) >= per_week:
            shown = calendar.day_list(planned) or "none allowed"
            raise CompassionError(
                f"the week of {calendar.day_label(monday)} already has its rest "
                f"{'day' if per_week == 1 else 'days'} ({shown})",
                f"undo one with `compassion rest --undo DATE`, or allow more with "
                f"`compassion config set rest_days_per_week {per_week + 1}`",
            )
        conn.execute(
            "INSERT INTO rest_days (day, created_at) VALUES (?, ?)",
            (day.isoformat(), db.clock.now().astimezone(UTC).isoformat()),
        )


def restore(db: Database, found: list[date]) -> int:
    """Add planned rest days from an export (they were allowed where they were planned); those already
    here are left as they are. Returns how many were added."""
    with db.writing() as conn:
        before = conn.execute("SELECT COUNT(*) FROM rest_days").fetchone()[0]
        conn.executemany(
            "INSERT OR IGNORE INTO rest_days (day, created_at) VALUES (?, ?)",
            [(d.isoformat(), db.clock.now().astimezone(UTC).isoformat()) for d in found],
        )
        return int(conn.execute("SELECT COUNT(*) FROM rest_days").fetchone()[0] - before)


def remove(db: Database, day: date) -> bool:
    """Unmark a rest day; whether it was marked."""
    with db.writing() as conn:
        return conn.execute("DELETE FROM rest_days WHERE day = ?", (day.isoformat(),)).rowcount > 0


def days(db: Database | None, upto: date | None = None) -> set[date]:
    """Every planned rest day (up to `upto`, when given)."""
    if db is None:
        return set()
    sql, args = "SELECT day FROM rest_days", []
    if upto is not None:
        sql, args = sql + " WHERE day <= ?", [upto.isoformat()]
    with db.reading() as conn:
        return {date.fromisoformat(d) for (d,) in conn.execute(sql, args)}
