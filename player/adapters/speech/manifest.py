"""The durations manifest: how long every line of the built-in course is, for each bundled voice.

With it, `list`, `info`, the week screen and the length choices are exact before any speech is made. It
maps utterance cache keys (the text, the voice model and the rate: what makes the sound) to sample counts,
so a changed line or voice simply misses and falls back to an estimate until measured. The engine's version
is only a soft check: an upgraded espeak-ng or Piper keeps every length, and `soft_check` says when the
installed engine differs from the one the lengths were measured with.

`make durations` (python -m player.app.durations) makes it again after a script or a voice changes; a test
fails while it is stale.
"""

from __future__ import annotations

import contextlib
import json
from functools import lru_cache
from pathlib import Path

from player.adapters import paths

FOLDER = "durations"


def folder(course_root: Path | None = None) -> Path:
    return (course_root or paths.course_dir()) / FOLDER


@lru_cache(maxsize=4)
def known(course_root: Path | None = None) -> dict[str, int]:
    """Every utterance key in the shipped manifests, with its length in samples."""
    out: dict[str, int] = {}
    try:
        files = sorted(folder(course_root).glob("*.json"))
    except OSError:
        return out
    for path in files:
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            frames = doc["frames"]
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged manifest only means estimates, never a failure
        if isinstance(frames, dict):
            out.update({k: v for k, v in frames.items() if isinstance(k, str) and isinstance(v, int) and v >= 0})
    return out


def lookup(key: str, course_root: Path | None = None) -> int | None:
    return known(course_root).get(key)


def measured_with(course_root: Path | None = None) -> dict[str, str]:
    """engine -> the engine (and version) the shipped lengths were measured with."""
    out: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for path in sorted(folder(course_root).glob("*.json")):
            try:
                doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(doc, dict) and isinstance(doc.get("engine"), str) and isinstance(doc.get("identity"), str):
                out[doc["engine"]] = doc["identity"]
    return out


def soft_check(engine: str, course_root: Path | None = None) -> str | None:
    """A note when the installed engine is not the one the shipped lengths were measured with (they are
    still used: a line may come out a fraction of a second longer or shorter)."""
    from player.adapters.speech.engines import get_engine

    recorded = measured_with(course_root).get(engine)
    if recorded is None:
        return None
    installed = get_engine(engine).identity()
    if installed == recorded:
        return None
    return (
        f"the course's lengths were measured with {recorded} and this computer has {installed}; "
        "they are still used, and may be off by a fraction of a second"
    )
