"""Synthesized speech, cached by a hash of everything that shapes the sound, and kept to a size.

Each entry is a small WAV file holding one trimmed utterance. Entries are written to a temporary name and
renamed, so a crash or a full disk never leaves a half entry under a real name; a damaged entry (header and
size disagree) is treated as missing and synthesized again. Reading an entry marks it as used; when the
cache grows past its bound, the entries used longest ago go first.

Sessions are not cached as audio: they are assembled from these entries as they play, so a cached line is
all a replay needs.

Speech made of the listener's own words (their phrases, their letter) is private and kept apart, in
`words/OWNER/KIND/` (OWNER names the data folder the words belong to): those folders are 0700, their files
0600, and clearing the words removes the whole folder, whatever voice, pace or script made its speech.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from player.adapters.files import describe_os_error
from player.adapters.speech import prepared
from player.adapters.speech.base import SpeakAs
from player.core.errors import WorkFailed
from player.core.timeline import SAMPLE_RATE

#: Bump when trimming or anything else about stored entries changes, so old entries are not reused.
FORMAT_VERSION = 10
_HEADER = 44
#: Folders earlier versions kept in the cache that nothing reads any more.
_OBSOLETE = ("sessions",)


@dataclass(frozen=True)
class CacheUsage:
    entries: int
    bytes: int


#: The kinds of the listener's own words whose speech is kept apart.
OWN_KINDS = ("phrases", "letter")


def own_key(kind: str, owner: str, key: str) -> str:
    """The key of speech made of the listener's own words: it names where it is kept (`kind`, `owner`)."""
    if kind not in OWN_KINDS or not owner.isalnum():
        raise ValueError(f"not a kind of own words: {kind!r}/{owner!r}")
    return f"{kind}-{owner}-{key}"


def cache_key(text: str, voice: SpeakAs, model: str) -> str:
    """The one place that decides when two utterances sound the same: the same text, spoken by the same
    voice model at the same rate and volume. An engine's version is not part of it, so an upgraded
    library keeps every cached line and every length shipped with the app."""
    blob = json.dumps(
        [FORMAT_VERSION, voice.engine, model, voice.rate, round(voice.volume, 3), text],
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class SpeechCache:
    """A folder of cached utterances."""

    def __init__(self, root: Path) -> None:
        self.base = Path(root)
        self.root = self.base / "speech"

    def path(self, key: str) -> Path:
        kind, _, rest = key.partition("-")
        if rest:
            owner, _, digest = rest.partition("-")
            return self.own_folder(owner, kind) / digest[:2] / f"{key}.wav"
        return self.root / key[:2] / f"{key}.wav"

    def own_folder(self, owner: str, kind: str | None = None) -> Path:
        """Where speech of a listener's own words is kept (all of it, or one `kind`)."""
        folder = self.base / "words" / owner
        return folder / kind if kind else folder

    def frames(self, key: str) -> int | None:
        """Number of samples in a sound entry, or None when missing or damaged (checked cheaply)."""
        p = self.path(key)
        try:
            size = p.stat().st_size
            with open(p, "rb") as f:
                header = f.read(_HEADER)
        except OSError:
            return None
        if len(header) < _HEADER or header[:4] != b"RIFF" or header[8:12] != b"WAVE" or header[36:40] != b"data":
            return None
        data_len = int.from_bytes(header[40:44], "little")
        if data_len + _HEADER != size or data_len % 2:
            return None
        return data_len // 2

    def read(self, key: str) -> bytes | None:
        """The PCM of an entry, or None when missing or damaged. Marks the entry as recently used."""
        p = self.path(key)
        with contextlib.suppress(OSError):
            os.utime(p)
        try:
            with wave.open(str(p), "rb") as w:
                if w.getframerate() != SAMPLE_RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
                    return None
                n = w.getnframes()
                data = w.readframes(n)
        except (OSError, EOFError, wave.Error):
            return None
        if len(data) != n * 2:
            return None
        return data

    def write(self, key: str, pcm: bytes) -> int:
        """Store an entry atomically; returns its number of samples. An entry, once there, never changes:
        if another process stored the same line first (espeak-ng can differ by a few samples from one
        making to the next), that one is kept and its length returned, so no render or session ever sees
        a line change under it."""
        p = self.path(key)
        tmp = None
        try:
            if "-" in key:
                _private_folders(p.parent, self.base)
            else:
                p.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=p.parent)  # 0600
            with os.fdopen(fd, "wb") as f, wave.open(f, "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(SAMPLE_RATE)
                w.writeframes(pcm)
            try:
                os.link(tmp, p)  # only where there is none yet
            except FileExistsError:
                there = self.frames(key)
                if there is not None:
                    return there
                os.replace(tmp, p)  # the one there was damaged
                tmp = None
            except OSError:
                os.replace(tmp, p)  # a file system without links
                tmp = None
        except OSError as exc:
            raise WorkFailed(
                f"could not write the speech cache in {self.root}: {describe_os_error(exc)}",
                "free some disk space, or point COMPASSION_CACHE_DIR at a folder with room",
            ) from None
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        return len(pcm) // 2

    # -- size --------------------------------------------------------------------------------------
    def _entries(self) -> list[tuple[float, int, Path]]:
        out: list[tuple[float, int, Path]] = []
        try:
            folders = list(os.scandir(self.root))
        except OSError:
            return out
        for d in folders:
            try:
                files = list(os.scandir(d.path)) if d.is_dir() else []
            except OSError:
                continue
            for f in files:
                try:
                    st = f.stat()
                except OSError:
                    continue
                out.append((st.st_mtime, st.st_size, Path(f.path)))
        return out

    def usage(self) -> CacheUsage:
        entries = self._entries()
        # Voices made ready for quick loading (see `prepared`) and anything earlier versions kept count too.
        other = sum(_tree_size(self.base / name) for name in (prepared.FOLDER, *_OBSOLETE))
        return CacheUsage(len(entries), sum(size for _, size, _ in entries) + other)

    def prune(self, max_bytes: int, keep: frozenset[str] = frozenset()) -> int:
        """Remove the least recently used entries until the cache fits in `max_bytes` (never those in
        `keep`, the lines in use right now); returns bytes freed."""
        freed = sum(_remove_tree(self.base / name) for name in _OBSOLETE)
        entries = sorted(self._entries())
        total = sum(size for _, size, _ in entries)
        for _, size, path in entries:
            if total <= max_bytes:
                break
            if path.stem in keep:
                continue
            try:
                path.unlink()
            except OSError:
                continue
            total -= size
            freed += size
        return freed

    def forget_own(self, owner: str, kind: str | None = None) -> int:
        """Remove every entry made of a listener's words (of one `kind`, or all); returns how many."""
        folder = self.own_folder(owner, kind)
        count = sum(len([n for n in files if n.endswith(".wav")]) for _, _, files in os.walk(folder))
        _remove_tree(folder)
        return count

    def own_entries(self, owner: str) -> int:
        """How many entries of a listener's words are kept."""
        return sum(len([n for n in files if n.endswith(".wav")]) for _, _, files in os.walk(self.own_folder(owner)))

    def clear(self) -> int:
        """Remove every entry, the voices made ready, and anything earlier versions kept; returns bytes freed."""
        freed = self.usage().bytes + _tree_size(self.base / "words")
        for name in ("speech", "words", prepared.FOLDER, *_OBSOLETE):
            _remove_tree(self.base / name)
        return freed


def _private_folders(folder: Path, base: Path) -> None:
    """Make `folder` and the folders between it and `base` readable by this user only (0700)."""
    base.mkdir(parents=True, exist_ok=True)
    missing = []
    at = folder
    while at != base and not at.is_dir():
        missing.append(at)
        at = at.parent
    for each in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(each, 0o700)
        os.chmod(each, 0o700)


def _tree_size(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(dirpath, name)).st_size
    return total


def _remove_tree(folder: Path) -> int:
    size = _tree_size(folder)
    if folder.exists():
        shutil.rmtree(folder, ignore_errors=True)
    return size
