"""The sound assets a script may name: bells (and the user's own sounds) and ambience loops.

Names are plain words (`bowl`, `rain`); they map to files only inside the app's `audio/` folder and the
user's scripts folder, so a name can never reach a file elsewhere.
"""

from __future__ import annotations

import re
import wave
from functools import lru_cache
from pathlib import Path

from player.adapters import paths
from player.adapters.sound import pcm as pcmops
from player.core.errors import CompassionError
from player.core.timeline import SAMPLE_RATE

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _names(folder: Path) -> dict[str, Path]:
    out: dict[str, Path] = {}
    try:
        entries = sorted(folder.glob("*.wav"))
    except OSError:
        return out
    for p in entries:
        if _NAME.match(p.stem) and p.is_file():
            out[p.stem] = p
    return out


def bells(user_dir: Path | None = None) -> dict[str, Path]:
    """Bell names and their files: the app's own, plus `.wav` files in the user's scripts folder."""
    found = _names(paths.sounds_dir())
    if user_dir is not None:
        for name, p in _names(user_dir).items():
            found.setdefault(name, p)
    return found


def ambiences() -> dict[str, Path]:
    """Ambience loop names and their files."""
    return _names(paths.sounds_dir() / "ambience")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


@lru_cache(maxsize=32)
def load(path: Path) -> bytes:
    """A sound file as mono 16-bit PCM at the app's sample rate."""
    try:
        with wave.open(str(path), "rb") as w:
            raw = w.readframes(w.getnframes())
            raw = pcmops.to_mono16(raw, w.getsampwidth(), w.getnchannels())
            return pcmops.resample(raw, w.getframerate(), SAMPLE_RATE)
    except (OSError, EOFError, wave.Error, ValueError) as exc:
        raise CompassionError(
            f"cannot read the sound file {path} ({exc})", "use a mono or stereo 16-bit WAV file"
        ) from None


def load_bell(name: str, user_dir: Path | None = None) -> bytes:
    """The PCM of a named bell; only files inside the sound folders are ever opened, besides a sound file
    a script names by its path (a pack's own bell, checked to be inside its pack)."""
    if "/" in name:
        from player.adapters.sound import recorded

        return recorded.decode(Path(name))
    found = bells(user_dir)
    if not _NAME.match(name) or name not in found:
        raise CompassionError(f"no bell called '{name}'", f"available: {', '.join(sorted(found))}")
    p = found[name]
    folders = [paths.sounds_dir()] + ([user_dir] if user_dir is not None else [])
    if not any(_inside(p, f) for f in folders):
        raise CompassionError(
            f"the bell '{name}' points outside the sound folders", "use a plain .wav file, not a link"
        )
    return load(p)
