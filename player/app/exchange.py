"""Your progress, in a file you own: `compassion export` and `compassion import`."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from player.adapters.files import write_text
from player.adapters.store import goals as goals_store
from player.adapters.store import rest
from player.adapters.store import sessions as store
from player.adapters.store import words as words_store
from player.app import words
from player.app.context import Context
from player.app.progress import history, kept_goals, rest_days
from player.app.recording import open_store
from player.core import calendar, ids
from player.core.errors import CompassionError
from player.core.session import Session

EXPORT_FORMAT = "compassion-player/sessions"
#: 3: planned rest days (`rest_days`) and the kept goals of calendar weeks (`week_goals`, optional) are part
#: of the record; 2: exercise ids carry their kind (`mine:NAME`,
#: `path:FILE`, `timer`), and the listener's own words (`phrases`, `letters`) may be there; 1: the
#: listener's own scripts had bare ids.
EXPORT_VERSION = 3


@dataclass(frozen=True)
class Imported:
    added: int
    #: Sessions already here, merged with the file's copy (a record only grows: nothing here is lost).
    merged: int
    letters_added: int = 0
    #: The file's phrases were set (none were saved here), kept (yours were), or there were none.
    phrases: str = "none"
    #: Planned rest days from the file that were not here yet.
    rest_days_added: int = 0


def export_file(ctx: Context, target: Path, personal: bool = True) -> int:
    """Write every session, and (unless `personal` is false) the listener's phrases and letters, to a JSON
    file readable by this user only; returns how many sessions."""
    sessions = history(ctx)
    starts = {s.id: s.started_at for s in sessions}
    rows = [store.as_dict(s, starts) for s in sessions]
    doc: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": ctx.now().isoformat(),
        "sessions": rows,
        "rest_days": sorted(d.isoformat() for d in rest_days(ctx)),
        "week_goals": {m.isoformat(): g for m, g in sorted(kept_goals(ctx).items())},
    }
    if personal:
        found = words.phrases(ctx)
        if found.texts:
            doc["phrases"] = list(found.texts)
        doc["letters"] = [{"written_at": x.written_at.isoformat(), "text": x.text} for x in words.letters(ctx)]
    write_text(target, json.dumps(doc, indent=1, ensure_ascii=False), "export file", private=True)
    return len(rows)


def import_file(ctx: Context, source: Path) -> Imported:
    """Add the sessions of an export file (one already present is merged with its copy, and only grows), the letters this machine
    does not have, and the phrases when none are saved here (yours are never replaced)."""
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
    new_phrases, new_letters = _words_from(doc, source)
    new_rest = _rest_days_from(doc, source)
    new_goals = _week_goals_from(doc, source)
    db = open_store(ctx)
    assert db is not None
    try:
        added, merged = store.import_sessions(db, parsed, ctx.settings.day_start_minutes)
        rested = rest.restore(db, new_rest)
        goals_store.keep(db, new_goals)
        have = {x.written_at for x in words_store.letters(db)}
        fresh = [(when, text) for when, text in new_letters if when not in have]
        for when, text in fresh:
            words_store.add_letter(db, text, when)
        phrases = "none"
        if new_phrases:
            phrases = "kept" if words_store.phrases(db)[0] else "set"
            if phrases == "set":
                words_store.set_phrases(db, new_phrases)
    finally:
        db.close()
    return Imported(added, merged, len(fresh), phrases, rested)


def _rest_days_from(doc: dict[str, Any], source: Path) -> list[date]:
    """The planned rest days in an export file (version 3 on), checked."""
    raw = doc.get("rest_days", [])
    try:
        found = [date.fromisoformat(str(d)) for d in (raw if isinstance(raw, list) else [None])]
    except ValueError:
        found = []
        raw = None
    if raw is None or not all(calendar.in_range(d) for d in found):
        raise CompassionError(
            f"{source}: its rest days are not in the expected form", "the file may have been edited by hand"
        )
    return found


def _week_goals_from(doc: dict[str, Any], source: Path) -> dict[date, int]:
    """The kept goals of calendar weeks in an export file (a Monday and 1 to 7 days each), checked."""
    raw = doc.get("week_goals", {})
    found: dict[date, int] = {}
    try:
        for monday, goal in raw.items():
            day = date.fromisoformat(str(monday))
            if day.weekday() != 0 or not calendar.in_range(day) or isinstance(goal, bool) or goal not in range(1, 8):
                raise ValueError
            found[day] = int(goal)
    except (AttributeError, ValueError, TypeError):
        raise CompassionError(
            f"{source}: its weekly goals are not in the expected form", "the file may have been edited by hand"
        ) from None
    return found


def _words_from(doc: dict[str, Any], source: Path) -> tuple[tuple[str, ...], list[tuple[datetime, str]]]:
    """The listener's words in an export file, checked like words typed in (never quoted in errors)."""
    raw_phrases, raw_letters = doc.get("phrases"), doc.get("letters", [])
    try:
        phrases = words.check_phrases(raw_phrases) if raw_phrases else ()
        letters = []
        for item in raw_letters if isinstance(raw_letters, list) else [None]:
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise CompassionError("a letter in it is incomplete")
            when = datetime.fromisoformat(str(item.get("written_at")))
            if when.tzinfo is None or not calendar.in_range(when.date()):
                raise CompassionError("a letter in it has no usable date")
            letters.append((when, words.check_letter(item["text"])))
    except (CompassionError, TypeError, ValueError) as exc:
        reason = exc.message if isinstance(exc, CompassionError) else "its words are not in the expected form"
        raise CompassionError(
            f"{source}: {reason}", "the file may have been edited by hand; nothing was imported"
        ) from None
    return phrases, letters


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
