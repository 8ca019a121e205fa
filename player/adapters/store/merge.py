"""The rule every write of a session goes through: a session's record only grows.

The progress file's upsert calls these functions (registered on every connection), so the checkpoint, the
final save, the pending file, an import and a closed orphan all merge the same way: what was heard is the
union of every part written (each moment once), the listened time comes from that union, the position and
the part heard take the larger value, "completed" stays true once true, and a value that is set (a check-in,
the length chosen) is never replaced by an empty one.
"""

from __future__ import annotations

import json
import sqlite3

from player.core.session import is_completed, merge


def _spans(text: str | None) -> list[tuple[float, float]]:
    if not text:
        return []
    try:
        return [(float(a), float(b)) for a, b in json.loads(text)]
    except (ValueError, TypeError):
        return []


def heard_union(old: str | None, new: str | None) -> str | None:
    """Both records' heard spans, joined: each moment once."""
    spans = merge([*_spans(old), *_spans(new)])
    return json.dumps([[round(a, 3), round(b, 3)] for a, b in spans]) if spans else None


def heard_seconds(text: str | None) -> float | None:
    """How long the union of spans lasts (None when no spans were recorded)."""
    spans = _spans(text)
    return round(sum(b - a for a, b in spans), 3) if spans else None


def completed(listened_s: float | None, duration_s: float | None) -> int:
    """The one "completed" rule (core.session), for the upsert."""
    return int(listened_s is not None and duration_s is not None and is_completed(listened_s, duration_s))


def register(conn: sqlite3.Connection) -> None:
    """Make the merge rule available to SQL on this connection."""
    conn.create_function("heard_union", 2, heard_union, deterministic=True)
    conn.create_function("heard_seconds", 1, heard_seconds, deterministic=True)
    conn.create_function("is_completed", 2, completed, deterministic=True)


#: The upsert's SET clause: nothing stored ever goes back.
GROWS = """
        duration_s = excluded.duration_s,
        heard = heard_union(sessions.heard, excluded.heard),
        listened_s = MAX(sessions.listened_s, excluded.listened_s,
                         COALESCE(heard_seconds(heard_union(sessions.heard, excluded.heard)), 0)),
        completed = MAX(sessions.completed, excluded.completed,
                        is_completed(MAX(sessions.listened_s, excluded.listened_s,
                                         COALESCE(heard_seconds(heard_union(sessions.heard, excluded.heard)), 0)),
                                     excluded.duration_s)),
        position_s = MAX(COALESCE(sessions.position_s, excluded.position_s),
                         COALESCE(excluded.position_s, sessions.position_s)),
        part_s = MAX(COALESCE(sessions.part_s, excluded.part_s), COALESCE(excluded.part_s, sessions.part_s)),
        minutes_variant = COALESCE(excluded.minutes_variant, sessions.minutes_variant),
        mood_before = COALESCE(excluded.mood_before, sessions.mood_before),
        mood_after = COALESCE(excluded.mood_after, sessions.mood_after),
        audio_key = COALESCE(excluded.audio_key, sessions.audio_key),
        recorded_at = excluded.recorded_at,
        live_owner = excluded.live_owner"""
