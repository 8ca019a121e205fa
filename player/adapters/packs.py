"""Course packs on disk: a folder, or the same folder zipped as ID-VERSION.cpack, installed into the data
folder's `packs/ID/`. A pack is untrusted input: every zip member's path, kind, size and compression ratio
is checked before anything is written, and nothing in a pack is ever run."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from player.core.course import Course, parse_course
from player.core.errors import CompassionError, Problem, ScriptError
from player.core.pack import MIMETYPE, SUFFIX, Manifest, parse_manifest

FOLDER = "packs"
MOST_MEMBERS = 10_000
MOST_BYTES = 2 * 1024**3
#: A member larger than this whose compression ratio passes RATIO_LIMIT is refused (a "zip bomb").
RATIO_FROM_BYTES = 1024**2
RATIO_LIMIT = 200
#: Members stored without compression when building: audio hardly compresses, and silence compresses so
#: well that it would look like a bomb.
STORED_SUFFIXES = (".wav", ".flac", ".ogg", ".opus", ".mp3")


@dataclass(frozen=True)
class Pack:
    manifest: Manifest
    root: Path
    course: Course

    @property
    def prefix(self) -> str:
        """How its practices' ids begin where they are stored: `pack:ID/`."""
        return f"pack:{self.manifest.id}/"


def packs_dir(data_dir: Path) -> Path:
    return Path(data_dir) / FOLDER


def installed(data_dir: Path) -> dict[str, Path]:
    """Each installed pack's folder, by id (a folder being staged or replaced is not one)."""
    base = packs_dir(data_dir)
    try:
        found = sorted(p for p in base.iterdir() if not p.name.startswith(".") and (p / "pack.toml").is_file())
    except OSError:
        return {}
    return {p.name: p for p in found}


def scripts_of(root: Path) -> tuple[dict[str, str], list[Problem]]:
    """The pack's scripts by practice name (the file's stem), as paths relative to the pack; two scripts
    with one stem are a problem."""
    found: dict[str, str] = {}
    problems = []
    base = root / "scripts"
    for p in sorted(base.rglob("*.toml")) if base.is_dir() else []:
        rel = p.relative_to(root).as_posix()
        if p.stem in found:
            problems.append(Problem(p, 1, f"another script is also called {p.stem}: {found[p.stem]}; names are unique"))
        else:
            found[p.stem] = rel
    return found, problems


def load(root: Path) -> Pack:
    """A pack folder's manifest and course (every problem of both at once, each at its line)."""
    root = Path(root)
    problems: list[Problem] = []
    manifest = course = None
    try:
        manifest = parse_manifest(root / "pack.toml", _read(root / "pack.toml"))
    except ScriptError as exc:
        problems += exc.problems
    scripts, clashes = scripts_of(root)
    problems += clashes
    prefix = f"pack:{manifest.id}/" if manifest else "pack:?/"
    try:
        course = parse_course(root / "course.toml", _read(root / "course.toml"), (), found=scripts, prefix=prefix)
    except ScriptError as exc:
        problems += exc.problems
    if problems:
        raise ScriptError(problems)
    assert manifest is not None and course is not None
    return Pack(manifest, root, course)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ScriptError([Problem(path, 1, f"a pack needs {path.name}; `compassion pack new` makes one")]) from None
    except OSError as exc:
        raise ScriptError([Problem(path, 1, f"cannot read it ({exc.strerror})")]) from None


def inside(root: Path, path: str | Path) -> bool:
    """Whether `path` (already resolved from its script) stays inside the pack."""
    try:
        Path(os.path.normpath(path)).relative_to(os.path.normpath(root))
    except ValueError:
        return False
    return True


# -- the zipped form ----------------------------------------------------------------------------------
def unsafe_member(info: zipfile.ZipInfo) -> str | None:
    """Why a zip member must not be written, or None."""
    name = info.filename
    parts = PurePosixPath(name).parts
    if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or "\\" in name:
        return "an absolute or Windows path"
    if ".." in parts:
        return "a path that leaves the pack (..)"
    mode = info.external_attr >> 16
    if mode and (stat.S_ISLNK(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode)):
        return "a link or device, not a file"
    if info.file_size > RATIO_FROM_BYTES and info.file_size > RATIO_LIMIT * max(1, info.compress_size):
        return f"compressed more than {RATIO_LIMIT} to 1"
    return None


def check_zip(path: Path, zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """Every member, once each was found safe to write; else a CompassionError (exit 2) naming the first
    problem. Nothing is written before this has passed."""
    members = zf.infolist()
    if len(members) > MOST_MEMBERS:
        raise CompassionError(f"{path}: holds {len(members)} files, more than a pack may ({MOST_MEMBERS})")
    if sum(m.file_size for m in members) > MOST_BYTES:
        raise CompassionError(f"{path}: unpacks to more than 2 GB, more than a pack may")
    for m in members:
        why = unsafe_member(m)
        if why:
            raise CompassionError(f"{path}: refused, it holds {m.filename!r}: {why}", "ask its maker for a new copy")
    first = members[0] if members else None
    if first is None or first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        raise CompassionError(f"{path}: not a course pack (its first member is not an uncompressed mimetype)")
    if zf.read(first).decode("ascii", "replace").strip() != MIMETYPE:
        raise CompassionError(f"{path}: not a course pack (its mimetype is not {MIMETYPE})")
    return members


def extract(path: Path, zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], into: Path) -> None:
    """Write the checked members under `into`, each no larger than it said it was."""
    for m in members:
        target = into / m.filename
        if m.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(m) as src, open(target, "wb") as dst:
            left = m.file_size
            while chunk := src.read(min(1 << 20, left + 1)):
                left -= len(chunk)
                if left < 0:
                    raise CompassionError(f"{path}: {m.filename!r} is larger than it says; refused")
                dst.write(chunk)


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Path]:
    """A pack's folder: the folder itself, or a `.cpack` unpacked (after every check) into a temporary one."""
    path = Path(path)
    if path.is_dir():
        yield path
        return
    if not path.is_file():
        raise CompassionError(f"{path}: no such pack", f"give a pack folder or a {SUFFIX} file")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CompassionError(f"{path}: not a course pack ({exc})", f"give a pack folder or a {SUFFIX} file") from None
    with zf, tempfile.TemporaryDirectory(prefix="compassion-pack-") as tmp:
        members = check_zip(path, zf)
        extract(path, zf, members, Path(tmp))
        yield Path(tmp)


def build(root: Path, target: Path) -> int:
    """Zip a checked pack folder into `target`, atomically: `mimetype` first and stored, audio stored,
    the rest deflated. Returns how many files it holds."""
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w") as zf:
            zf.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
            for p in files:
                kind = zipfile.ZIP_STORED if p.suffix.lower() in STORED_SUFFIXES else zipfile.ZIP_DEFLATED
                zf.write(p, p.relative_to(root).as_posix(), compress_type=kind)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return len(files)


def put_in_place(data_dir: Path, source: Path, pack_id: str) -> Path:
    """Copy a checked pack folder to `packs/ID/`: staged beside it, then renamed in; the version before is
    kept until the new one is in place."""
    base = packs_dir(data_dir)
    base.mkdir(parents=True, exist_ok=True)
    final = base / pack_id
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{pack_id}-", dir=base))
    old = None
    try:
        shutil.copytree(source, staging, dirs_exist_ok=True, symlinks=False)
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=f".old-{pack_id}-", dir=base))
            os.replace(final, old / "pack")
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if old is not None and not final.exists():
            os.replace(old / "pack", final)  # the version before stays
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    return final


def remove(data_dir: Path, pack_id: str) -> bool:
    """Remove an installed pack's files (its sessions stay in the progress file)."""
    folder = installed(data_dir).get(pack_id)
    if folder is None:
        return False
    gone = Path(tempfile.mkdtemp(prefix=f".removing-{pack_id}-", dir=folder.parent))
    os.replace(folder, gone / "pack")
    shutil.rmtree(gone, ignore_errors=True)
    return True
