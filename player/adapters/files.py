"""Writing files safely: temporary name, fsync, rename; and file names that are safe everywhere."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from player.core.errors import WorkFailed

MAX_NAME = 80
#: Who may read what holds the listener's words and practice: this user only.
PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700


def safe_name(text: str, fallback: str = "untitled") -> str:
    """A file-name stem that is safe on every system a listener may copy it to, phones' FAT/exFAT included.

    No separators, no `..`, no control characters, none of `:*?"<>|`, no reserved device names (CON, NUL,
    COM1...), no leading dot (hidden) and no trailing dot or space; at most MAX_NAME characters.
    """
    from pathvalidate import sanitize_filename

    text = unicodedata.normalize("NFKC", text)
    text = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    text = " ".join(text.split())
    text = sanitize_filename(text, replacement_text="-", platform="universal", max_len=MAX_NAME)
    text = re.sub(r"\.{2,}", ".", re.sub(r"-{2,}", "-", text)).strip(" .-")
    # Stripping can uncover a reserved name ("CON." becomes "CON"): check once more.
    text = sanitize_filename(text, platform="universal", max_len=MAX_NAME).strip(" .")
    return text or fallback


def private_folder(folder: Path, *, tighten: bool) -> bool:
    """Make sure `folder` exists; a folder made here is readable by this user only, and so is an existing
    one when `tighten` (the app's own default folder). Returns whether others can still enter it."""
    folder = Path(folder)
    if not folder.is_dir():
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(folder, PRIVATE_FOLDER)
        tighten = True
    if tighten:
        with contextlib.suppress(OSError):
            os.chmod(folder, PRIVATE_FOLDER)
    try:
        return bool(folder.stat().st_mode & 0o077)
    except OSError:
        return False


def private_file(path: Path) -> None:
    """Create `path` empty and readable by this user only, when it is not there yet; an existing one of
    ours is tightened to that (files made before this rule)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    except FileExistsError:
        tighten(path)


def tighten(path: Path) -> None:
    """Make an existing file readable by this user only (nothing happens when it is missing or not ours)."""
    with contextlib.suppress(OSError):
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, PRIVATE_FILE)


def describe_os_error(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC or exc.errno == errno.EFBIG:
        return "the disk is full (or the file is too large for it)"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied"
    return exc.strerror or str(exc)


@contextlib.contextmanager
def atomic_path(target: Path, what: str = "file", *, private: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `target`; on success it is fsynced and renamed over `target`.

    On any error (or Ctrl-C) the temporary file is removed and nothing appears under `target`.
    """
    target = Path(target)
    prefix = f".{target.name[:60]}."
    try:
        if private:
            private_folder(target.parent, tighten=False)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
        _sweep(target.parent, prefix)
        tmp_name = _new_file(target.parent, f"{prefix}{os.getpid()}-", PRIVATE_FILE if private else 0o666)
    except OSError as exc:
        raise WorkFailed(f"cannot write the {what} {target}: {describe_os_error(exc)}") from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except OSError as exc:
        _remove(tmp)
        raise WorkFailed(
            f"cannot write the {what} {target}: {describe_os_error(exc)}",
            "nothing was written; free some space or choose another folder",
        ) from None
    except BaseException:
        _remove(tmp)
        raise


def _new_file(folder: Path, prefix: str, mode: int) -> str:
    """Create an empty file with a new name in `folder`, with `mode` given at creation: the kernel applies
    the user's umask to it (0o666 becomes the usual mode), and a private file is 0600 from its first moment.
    The process's umask is never changed."""
    for _ in range(100):
        name = os.path.join(folder, f"{prefix}{os.urandom(4).hex()}.part")
        try:
            os.close(os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode))
        except FileExistsError:
            continue
        return name
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(folder))


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable: without this, a power cut can undo it (POSIX only)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sweep(folder: Path, prefix: str) -> None:
    """Remove temporaries left by a process that was killed outright (kill -9, power loss) mid-write."""
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix) and n.endswith(".part")]
    except OSError:
        return
    for name in names:
        pid_text = name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and not process_alive(int(pid_text)):
            _remove(folder / name)


def process_alive(pid: int) -> bool:
    """Whether a process with this id is running (one we may not signal counts as running)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_text(target: Path, text: str, what: str = "file", *, private: bool = False) -> None:
    """Write a text file atomically (`private`: readable by this user only)."""
    with atomic_path(target, what, private=private) as tmp:
        tmp.write_text(text, encoding="utf-8")


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
