"""Sessions the progress file could not take (busy past its timeout, a full disk, a read-only folder),
kept in a small file of their own until it can: nothing practised is dropped.

The file is `pending-sessions.json` in the data folder or, when that cannot be written, in the state
folder. It is readable by this user only (the listener's practice is private). Each session appears once,
as it last stood, keyed by its exercise and start.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from player.adapters import paths
from player.adapters.files import write_text
from player.core.errors import CompassionError
from player.core.session import Session

FILE_NAME = "pending-sessions.json"
FORMAT = "compassion-player/pending"


def places(data_dir: Path) -> list[Path]:
    """Where pending sessions of this data folder may be, in the order they are tried: beside the progress
    file, else in the state folder under the data folder's own name (never shared with another data
    folder). The state folder's shared file, from earlier versions, belongs to the default data folder."""
    own = [Path(data_dir) / FILE_NAME, paths.state_dir() / f"pending-sessions-{paths.folder_id(data_dir)}.json"]
    if paths.is_default_data_dir(data_dir):
        own.append(paths.state_dir() / FILE_NAME)
    return own


def _key(s: Session) -> tuple[str, str]:
    return s.exercise_id, s.started_at.isoformat()


def _to_json(s: Session, final: bool) -> dict[str, Any]:
    return {
        "exercise_id": s.exercise_id,
        "started_at": s.started_at.isoformat(),
        "duration_s": s.duration_s,
        "listened_s": s.listened_s,
        "source": s.source,
        "week": s.week,
        "minutes_variant": s.minutes_variant,
        "mood_before": s.mood_before,
        "mood_after": s.mood_after,
        "resumes": s.resumes,
        "position_s": s.position_s,
        "heard": [list(span) for span in s.heard],
        "audio_key": s.audio_key,
        "part_s": s.part_s,
        "final": final,
    }


def _from_json(d: dict[str, Any]) -> tuple[Session, bool]:
    session = Session(
        str(d["exercise_id"]),
        datetime.fromisoformat(d["started_at"]),
        float(d["duration_s"]),
        float(d["listened_s"]),
        str(d.get("source", "app")),
        d.get("week"),
        d.get("minutes_variant"),
        d.get("mood_before"),
        d.get("mood_after"),
        resumes=d.get("resumes"),
        position_s=d.get("position_s"),
        heard=tuple((float(a), float(b)) for a, b in d.get("heard") or ()),
        audio_key=d.get("audio_key"),
        part_s=d.get("part_s"),
    )
    return session, bool(d.get("final", True))


def _read(path: Path) -> list[tuple[Session, bool]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError):
        return []  # unreadable: left in place for the listener, never overwritten (see `keep`)
    out = []
    for item in doc.get("sessions", []) if isinstance(doc, dict) else []:
        with contextlib.suppress(KeyError, TypeError, ValueError):
            out.append(_from_json(item))
    return out


def load(data_dir: Path) -> list[tuple[Path, Session, bool]]:
    """Every pending session: (the file it is in, the session, whether it had ended)."""
    return [(path, s, final) for path in places(data_dir) for s, final in _read(path)]


def keep(data_dir: Path, session: Session, final: bool) -> Path:
    """Keep a session the progress file could not take; returns the file it is in now. Raises a
    CompassionError when no place can be written."""
    problems = []
    for path in places(data_dir):
        if path.exists() and not _read(path) and path.stat().st_size > 0:
            continue  # a damaged pending file is not ours to overwrite
        held = {_key(s): (s, f) for s, f in _read(path)}
        held[_key(session)] = (session, final)
        doc = {"format": FORMAT, "sessions": [_to_json(s, f) for s, f in held.values()]}
        try:
            write_text(path, json.dumps(doc, indent=1, ensure_ascii=False), "pending sessions file", private=True)
        except CompassionError as exc:
            problems.append(exc.message)
            continue
        return path
    raise CompassionError("nowhere to keep this session: " + "; ".join(problems))


def superseded(data_dir: Path, session: Session) -> None:
    """A later write of this session reached the progress file: an earlier copy kept aside is forgotten,
    so that it can never be added back over it."""
    for path in places(data_dir):
        if path.exists() and any(_key(s) == _key(session) for s, _ in _read(path)):
            forget(path, [session])


def forget(path: Path, done: list[Session]) -> None:
    """Remove sessions that are now in the progress file (the file goes when it is empty)."""
    keys = {_key(s) for s in done}
    held = _read(path)
    left = [(s, f) for s, f in held if _key(s) not in keys]
    if len(left) == len(held):
        return
    with contextlib.suppress(OSError, CompassionError):
        if left:
            doc = {"format": FORMAT, "sessions": [_to_json(s, f) for s, f in left]}
            write_text(path, json.dumps(doc, indent=1, ensure_ascii=False), "pending sessions file", private=True)
        else:
            path.unlink()
