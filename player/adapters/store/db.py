"""Opening the progress database safely: WAL, busy timeout, migrations under a lock, backups first.

Every write is one short `BEGIN IMMEDIATE` transaction. In WAL mode with `synchronous = FULL` the log is
synced at every commit, so a committed session survives a crash or a power cut, not only the app dying
(NORMAL would keep the file consistent but could lose the last commits). Checkpoints are SQLite's own
automatic ones: they copy synced log pages into the file and never decide what is kept. A damaged file or
one from a newer version is refused with a clear message and left untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, overload

from player.adapters import files, paths
from player.adapters.clock import Clock
from player.adapters.store import merge
from player.adapters.store.migrations import CURRENT_VERSION, MIGRATIONS
from player.core.errors import StoreError

FILE_NAME = "progress.db"
#: How many of the backups made before upgrades are kept (the newest).
KEEP_BACKUPS = 3
#: Beside the progress file once the listener has been told that others can enter its folder.
OPEN_FOLDER_NOTED = ".open-folder-noted"


def database_path(data_dir: Path) -> Path:
    return Path(data_dir) / FILE_NAME


def _damaged(path: Path) -> StoreError:
    return StoreError(
        f"the progress file {path} is damaged or is not a progress database; it was left as it is",
        f"to restore, copy the newest {path.name}.backup-* file in that folder over {path.name}; "
        f"or move {path.name} aside and the app will start a fresh record",
    )


class Database:
    """One connection to the progress file, safe to share between threads (calls are serialised)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, readonly: bool, clock: Clock) -> None:
        self.path = path
        #: The app's clock, for the moments the store notes itself (when a row was recorded, backups).
        self.clock = clock
        self.conn = conn
        self.readonly = readonly
        #: One line for the listener, once: their folder can be entered by others (None otherwise).
        self.notice: str | None = None
        self._lock = threading.RLock()

    def truncate_log(self) -> None:
        """Empty the write-ahead log into the file (after words were cleared: no old page stays in it)."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self.conn
            except sqlite3.ProgrammingError:
                raise self._closed() from None
            except sqlite3.DatabaseError as exc:
                raise self._translate(exc) from None

    def _closed(self) -> StoreError:
        return StoreError(f"the progress file {self.path} was closed while the app was saving to it", "try again")

    @contextlib.contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction; waits politely for other writers instead of failing."""
        if self.readonly:
            raise StoreError(
                f"cannot save progress: {self.path.parent} is read-only",
                "make the folder writable, or choose another with --data-dir",
            )
        with self._lock:
            try:
                _begin_immediate(self.conn, self.path)
            except sqlite3.ProgrammingError:
                raise self._closed() from None
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.DatabaseError):
                    raise self._translate(exc) from None
                raise

    def _translate(self, exc: sqlite3.DatabaseError) -> StoreError:
        text = str(exc).lower()
        if "readonly" in text or "read-only" in text:
            return StoreError(
                f"cannot save progress: {self.path} is read-only",
                "make it writable, or choose another folder with --data-dir",
            )
        if "disk" in text and "full" in text:
            return StoreError(
                f"cannot save progress in {self.path}: the disk is full",
                "free some space and try again; nothing recorded so far was lost",
            )
        if "locked" in text or "busy" in text:
            return StoreError(f"the progress file {self.path} is busy in another program", "try again in a moment")
        return _damaged(self.path)


def _begin_immediate(conn: sqlite3.Connection, path: Path) -> None:
    """Start a write, waiting for another program's write only as long as SQLite's own busy handler does
    (`busy_timeout`, about 2 seconds): then the caller keeps the work aside instead of freezing."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        raise StoreError(f"the progress file {path} stayed busy in another program", "try again in a moment") from None


@overload
def open_database(data_dir: Path, *, clock: Clock) -> Database: ...


@overload
def open_database(data_dir: Path, *, create: Literal[True], clock: Clock) -> Database: ...


@overload
def open_database(data_dir: Path, *, create: bool, clock: Clock) -> Database | None: ...


def open_database(data_dir: Path, *, create: bool = True, clock: Clock) -> Database | None:
    """Open (and if needed create or migrate) the progress database in `data_dir`.

    Returns None when there is no database yet and `create` is false (nothing recorded so far).
    """
    path = database_path(data_dir)
    exists = path.exists()
    if not exists and not create:
        return None
    readonly = exists and not os.access(path.parent, os.W_OK)
    open_to_others = False
    try:
        if not readonly:
            open_to_others = _private_place(path, data_dir)
        if readonly:
            # A WAL database in a read-only folder cannot create its shared-memory file; nobody can write
            # there either, so reading it as immutable is safe.
            conn = sqlite3.connect(
                f"file:{path}?mode=ro&immutable=1",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=paths.busy_timeout_ms() / 1000,
            )
        else:
            conn = sqlite3.connect(
                path, isolation_level=None, check_same_thread=False, timeout=paths.busy_timeout_ms() / 1000
            )
    except OSError as exc:
        raise StoreError(
            f"cannot create the progress folder {path.parent} ({exc.strerror})",
            "choose a writable folder with --data-dir",
        ) from None
    except sqlite3.Error:
        if not exists and not os.access(path.parent, os.W_OK):
            raise StoreError(
                f"cannot save progress: {path.parent} is read-only",
                "make the folder writable, or choose another with --data-dir",
            ) from None
        raise _damaged(path) from None
    merge.register(conn)
    db = Database(path, conn, readonly, clock)
    if open_to_others:
        db.notice = _noted_once(path.parent)
    try:
        conn.execute(f"PRAGMA busy_timeout = {paths.busy_timeout_ms()}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > CURRENT_VERSION:
            conn.close()
            raise StoreError(
                f"{path} was written by a newer version of compassion-player "
                f"(data version {version}; this version reads up to {CURRENT_VERSION}); it was left unchanged",
                "update compassion-player to see and add to this progress",
            )
        if not readonly:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA secure_delete = ON")  # deleted words leave no readable page behind
            if version < CURRENT_VERSION:
                _migrate(db)
        elif version < CURRENT_VERSION:
            conn.close()
            raise StoreError(
                f"{path} needs updating, but {path.parent} is read-only",
                "make the folder writable once so the app can update the file",
            )
    except StoreError:
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise db._translate(exc) from None
    return db


def _private_place(path: Path, data_dir: Path) -> bool:
    """The progress file and everything beside it that holds the listener's words or practice, readable
    by them only: the folder (made here, or the app's default one), the file, its log, its backups and
    the pending file. Returns whether others can still enter the folder (a folder the listener chose)."""
    folder = path.parent
    open_to_others = files.private_folder(folder, tighten=paths.is_default_data_dir(data_dir))
    files.private_file(path)
    for name in (f"{FILE_NAME}-wal", f"{FILE_NAME}-shm", "pending-sessions.json"):
        files.tighten(folder / name)
    for backup in folder.glob(f"{FILE_NAME}.backup-*"):
        files.tighten(backup)
    return open_to_others


def _noted_once(folder: Path) -> str | None:
    marker = folder / OPEN_FOLDER_NOTED
    if marker.exists():
        return None
    with contextlib.suppress(OSError):
        files.private_file(marker)
    return (
        f"note: other people on this computer can open the folder {folder}; your progress file and words "
        "in it are readable by you only, but you may prefer a private folder (chmod 700)"
    )


def _migrate(db: Database) -> None:
    conn = db.conn
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > 0 and conn.execute("SELECT 1 FROM sessions LIMIT 1").fetchone() is not None:
        _backup(db, version)  # a consistent copy, taken before anything changes
    _begin_immediate(conn, db.path)
    try:
        # Another process may have migrated while we waited for the lock: look again inside it.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version >= CURRENT_VERSION:
            conn.execute("COMMIT")
            return
        for _name, sql in MIGRATIONS[version:]:
            for statement in filter(None, (s.strip() for s in sql.split(";"))):
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {CURRENT_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        raise


def _backup(db: Database, version: int) -> Path:
    """A copy of the progress file before it is upgraded, readable by the listener only; the newest
    KEEP_BACKUPS are kept."""
    stamp = db.clock.now().strftime("%Y%m%d-%H%M%S")
    target = db.path.with_name(f"{db.path.name}.backup-v{version}-{stamp}")
    files.private_file(target)
    dst = sqlite3.connect(target)
    try:
        db.conn.backup(dst)
    finally:
        dst.close()
    older = sorted(db.path.parent.glob(f"{db.path.name}.backup-*"), key=lambda p: (p.stat().st_mtime, p.name))
    for old in older[:-KEEP_BACKUPS]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target
