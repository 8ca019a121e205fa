"""The goals of calendar weeks, kept as they were decided: a week's goal never moves once it has begun."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date

from player.adapters.store.db import Database


def kept(db: Database | None) -> dict[date, int]:
    """Every kept goal, by the Monday of its week."""
    if db is None:
        return {}
    with db.reading() as conn:
        return {date.fromisoformat(m): int(g) for m, g in conn.execute("SELECT monday, goal FROM week_goals")}


def keep(db: Database, goals: Mapping[date, int]) -> int:
    """Keep these goals; a week whose goal is kept already keeps it (the first decision stands). Returns how
    many were added."""
    with db.writing() as conn:
        before = conn.execute("SELECT COUNT(*) FROM week_goals").fetchone()[0]
        conn.executemany(
            "INSERT OR IGNORE INTO week_goals (monday, goal, kept_at) VALUES (?, ?, ?)",
            [(m.isoformat(), g, db.clock.now().astimezone(UTC).isoformat()) for m, g in sorted(goals.items())],
        )
        return int(conn.execute("SELECT COUNT(*) FROM week_goals").fetchone()[0] - before)
