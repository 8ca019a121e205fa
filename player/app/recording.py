"""Keeping sessions: written as they play, never dropped.

A session is written when its sound starts and at each checkpoint (marked as playing, with the process
playing it), and once more when it ends. When the progress file cannot take it (busy past its timeout,
a full disk, a read-only folder), it goes to the pending file, and when even that cannot be written it is
held here and tried again. Every open of the progress file first adds the pending sessions and closes the
sessions whose process is gone (as partial, with what was heard), so they can be continued.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from player.adapters import liveness
from player.adapters.store import db as dbmod
from player.adapters.store import pending
from player.adapters.store import sessions as store
from player.app.context import Context
from player.core.errors import CompassionError
from player.core.session import Session

#: A session marked as playing that has not been written for this long is closed whoever plays it.
STALE_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Saved:
    """Where a session went: `kept` when it is in the progress file or the pending file."""

    kept: bool
    #: One line for the listener when it did not simply go into the progress file.
    note: str | None = None


class Recorder(Protocol):
    """Where the lifecycle keeps sessions."""

    def save(self, session: Session, final: bool) -> Saved: ...

    def discard(self, session: Session) -> None: ...


class MemoryRecorder:
    """Keeps sessions in memory (used where nothing should be written, and by fast tests)."""

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], Session] = {}

    @property
    def sessions(self) -> list[Session]:
        return list(self.saved.values())

    def save(self, session: Session, final: bool) -> Saved:
        self.saved[(session.exercise_id, session.started_at.isoformat())] = session
        return Saved(True)

    def discard(self, session: Session) -> None:
        self.saved.pop((session.exercise_id, session.started_at.isoformat()), None)


def open_store(ctx: Context, create: bool = True) -> dbmod.Database | None:
    """Open the progress file; if it can be written, first add the pending sessions and close the
    sessions whose process has gone. None when there is none yet and `create` is false."""
    db = dbmod.open_database(ctx.data_dir, create=create or bool(pending.load(ctx.data_dir)), clock=ctx.clock)
    if db is not None and db.notice:
        ctx.on_notice(db.notice)
    if db is not None and not db.readonly:
        try:
            _add_pending(ctx, db)
            store.close_orphans(db, liveness.alive, ctx.now() - STALE_AFTER)
        except CompassionError:
            pass  # busy or full: they stay where they are, and are tried again at the next open
    return db


def _add_pending(ctx: Context, db: dbmod.Database) -> None:
    waiting: dict[Path, list[Session]] = {}
    for path, session, _final in pending.load(ctx.data_dir):
        # A session still playing when it was kept aside is written as stopped: if its process is still
        # playing it, its next checkpoint marks it as playing again.
        store.save(db, session, ctx.settings.day_start_minutes, None)
        waiting.setdefault(path, []).append(session)
    for path, done in waiting.items():
        pending.forget(path, done)


def pending_sessions(ctx: Context) -> list[Session]:
    """Sessions kept aside, not yet in the progress file (history shows them meanwhile)."""
    return [s for _, s, _ in pending.load(ctx.data_dir)]


class SqliteRecorder:
    """Keeps sessions in the user's progress file (one connection, shared by this app's threads)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.owner = liveness.owner()
        self._db: dbmod.Database | None = None
        self._lock = threading.Lock()
        #: Sessions that could be written nowhere: tried again at every save and by `retry`.
        self._held: dict[tuple[str, str], tuple[Session, bool]] = {}

    def save(self, session: Session, final: bool) -> Saved:
        with self._lock:
            self._held.pop(_key(session), None)
            saved = self._write(session, final)
            for key, (other, other_final) in list(self._held.items()):
                if self._write(other, other_final).kept:
                    self._held.pop(key, None)
            return saved

    def retry(self) -> int:
        """Try again to keep what could be written nowhere; returns how many are still held."""
        with self._lock:
            for key, (session, final) in list(self._held.items()):
                if self._write(session, final).kept:
                    self._held.pop(key, None)
            return len(self._held)

    def discard(self, session: Session) -> None:
        with self._lock:
            self._held.pop(_key(session), None)
            with contextlib.suppress(CompassionError):  # never written: nothing to take back
                store.discard(self._database(), session)

    def _write(self, session: Session, final: bool) -> Saved:
        try:
            store.save(self._database(), session, self.ctx.settings.day_start_minutes, None if final else self.owner)
            pending.superseded(self.ctx.data_dir, session)
            return Saved(True)
        except CompassionError as exc:
            problem = exc.message + (f" ({exc.hint})" if exc.hint else "")
        try:
            path = pending.keep(self.ctx.data_dir, session, final)
        except CompassionError:
            self._held[_key(session)] = (session, final)
            return Saved(False, f"{problem}; this session could not be saved anywhere yet, and the app keeps trying")
        return Saved(True, f"{problem}; this session is kept in {path} and is added to your progress next time")

    def _database(self) -> dbmod.Database:
        if self._db is None:
            db = open_store(self.ctx)
            assert db is not None
            self._db = db
        return self._db

    def close(self) -> None:
        """Close the progress file once every write under way has finished."""
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


def _key(session: Session) -> tuple[str, str]:
    return session.exercise_id, session.started_at.isoformat()
