"""The listener's own words in the progress file: up to six phrases, and letters kept with their dates.

They are private: nothing here prints them, and errors never quote them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from player.adapters.store.db import Database


@dataclass(frozen=True)
class StoredLetter:
    id: int
    written_at: datetime
    changed_at: datetime
    text: str


def _now(db: Database) -> str:
    # With the offset in force at that moment: its local date stays the date it was written, anywhere.
    return db.clock.now().isoformat()


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def phrases(db: Database | None) -> tuple[tuple[str, ...], datetime | None]:
    """The phrases, in order, and when they were last changed."""
    if db is None:
        return (), None
    with db.reading() as conn:
        rows = conn.execute("SELECT text, changed_at FROM phrases ORDER BY position").fetchall()
    return tuple(t for t, _ in rows), (max(_moment(c) for _, c in rows) if rows else None)


def set_phrases(db: Database, texts: tuple[str, ...]) -> None:
    """Replace every phrase (an empty tuple clears them). One transaction."""
    changed = _now(db)
    with db.writing() as conn:
        conn.execute("DELETE FROM phrases")
        conn.executemany(
            "INSERT INTO phrases (position, text, changed_at) VALUES (?, ?, ?)",
            [(i, t, changed) for i, t in enumerate(texts, 1)],
        )


def letters(db: Database | None) -> list[StoredLetter]:
    """Every letter, oldest first."""
    if db is None:
        return []
    with db.reading() as conn:
        rows = conn.execute("SELECT id, written_at, changed_at, text FROM letters ORDER BY id").fetchall()
    found = [StoredLetter(i, _moment(w), _moment(c), t) for i, w, c, t in rows]
    return sorted(found, key=lambda x: (x.written_at, x.id))


def add_letter(db: Database, text: str, written_at: datetime | None = None) -> int:
    """Keep a new letter (dated now, or as given when it comes from an export); returns its id. A letter
    with the same date is the same letter: it is not added twice."""
    now = _now(db)
    when = written_at.isoformat() if written_at else now
    with db.writing() as conn:
        found = conn.execute("SELECT id FROM letters WHERE written_at = ?", (when,)).fetchone()
        if found:
            return int(found[0])
        cur = conn.execute("INSERT INTO letters (written_at, changed_at, text) VALUES (?, ?, ?)", (when, now, text))
        return int(cur.lastrowid or 0)


def update_letter(db: Database, letter_id: int, text: str) -> None:
    """Change a letter as it is being written (it keeps its date)."""
    with db.writing() as conn:
        conn.execute("UPDATE letters SET text = ?, changed_at = ? WHERE id = ?", (text, _now(db), letter_id))


def clear_letters(db: Database) -> int:
    """Remove every letter; returns how many there were."""
    with db.writing() as conn:
        return conn.execute("DELETE FROM letters").rowcount
