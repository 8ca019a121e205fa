"""Your progress, in a file you own: `compassion export` and `compassion import`."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

from player.adapters.files import write_text
from player.adapters.store import sessions as store
from player.app.context import Context
from player.app.progress import history
from player.app.recording import open_store
from player.core import calendar, ids
from player.core.errors import CompassionError
from player.core.session import Session

EXPORT_FORMAT = "compassion-player/sessions"
#: 2: exercise ids carry their kind (`mine:NAME`, `path:FILE`, `timer`); 1: the listener's own scripts
#: had bare ids.
EXPORT_VERSION = 2


def export_file(ctx: Context, target: Path) -> int:
    """Write every session to a JSON file the user owns; returns how many."""
    sessions = history(ctx)
    starts = {s.id: s.started_at for s in sessions}
    rows = [store.as_dict(s, starts) for s in sessions]
    doc = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "exported_at": ctx.now().isoformat(), "sessions": rows}
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
    version = doc.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= EXPORT_VERSION:
        raise CompassionError(
            f"{source}: written by a newer version of compassion-player (export version {version})",
            "update compassion-player to import it",
        )
    parsed = [_session_from(i, item, source, version) for i, item in enumerate(doc["sessions"], 1)]
    db = open_store(ctx)
    assert db is not None
    try:
        return store.import_sessions(db, parsed, ctx.settings.day_start_minutes)
    finally:
        db.close()


def _session_from(index: int, item: object, source: Path, version: int) -> tuple[Session, datetime | None]:
    """One exported session and the start of the part it continues (if any), checked field by field
    (real checks: they hold under `python -O` too)."""
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
        resumed = item.get("resumes_started_at")
        resumed_at = None if resumed is None else datetime.fromisoformat(resumed)
        position = item.get("position_s")
        position = None if position is None else float(position)
        part = item.get("part_s")
        part = None if part is None else float(part)
        heard = tuple((float(a), float(b)) for a, b in item.get("heard") or ())
        audio_key = item.get("audio_key")
    except (KeyError, TypeError, ValueError):
        raise problem from None
    exercise, week = item.get("exercise_id"), item.get("week")
    moods = [item.get("mood_before"), item.get("mood_after")]
    for moment in (started, resumed_at):
        if moment is not None and not calendar.in_range(moment.date()):
            raise CompassionError(
                f"{source}: session {index} is dated {moment.date().isoformat()}, outside the dates the app "
                f"keeps ({calendar.range_text()})",
                "the file may have been edited by hand; nothing was imported",
            )
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
        and all(x is None or (math.isfinite(x) and x >= 0) for x in (position, part))
        and all(math.isfinite(a) and math.isfinite(b) and 0 <= a <= b for a, b in heard)
        and (audio_key is None or isinstance(audio_key, str))
        and (resumed_at is None or resumed_at.tzinfo is not None)
    )
    if not valid or not isinstance(exercise, str):
        raise problem
    source_kind = item.get("source", "import")
    exercise = ids.from_legacy(exercise) if version == 1 else exercise
    if not ids.parse(exercise).counts_for_course:
        week = None
    session = Session(
        exercise,
        started,
        duration,
        listened,
        source_kind if source_kind in store.SOURCES else "import",
        week,
        variant,
        moods[0],
        moods[1],
        position_s=position,
        heard=heard,
        audio_key=audio_key,
        part_s=part,
    )
    return session, resumed_at
