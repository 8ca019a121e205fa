"""A session's record only ever grows, whatever faults come and in whatever order: a stateful test over a
real SQLite file, with the app's own recorder, pending file and import.

Rules: a checkpoint, a final save, a write that meets a busy file (another program holds it), opening the
progress file (which adds pending sessions), an import of an older copy, and a kill (the process's memory
is gone). The invariant: each session appears once, what was kept never shrinks, a completed session stays
completed, and a check-in is never lost."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from player.adapters.clock import SetClock
from player.adapters.store import db as dbmod
from player.adapters.store import sessions as store
from player.app import context
from player.app.recording import SqliteRecorder, open_store, pending_sessions
from player.core.session import Session
from tests.conftest import NOW

DURATION = 100.0
STARTS = [NOW, NOW + timedelta(hours=2)]


class RecordOnlyGrows(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="grows-"))
        self.ctx = context.open_context(self.root / "data", clock=SetClock(NOW + timedelta(hours=3), running=False))
        self.ctx.on_notice = lambda line: None
        self.recorder = SqliteRecorder(self.ctx)
        self.heard = [0.0, 0.0]  # how far each session has been heard
        self.mood = [None, None]
        self.kept_listened = [0.0, 0.0]  # the most listening ever reported kept
        self.kept_completed = [False, False]
        self.kept_mood = [None, None]
        self.copies: list[Session] = []  # records written earlier, as an export would hold them

    def teardown(self) -> None:
        self.recorder.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def session(self, i: int) -> Session:
        heard = ((0.0, self.heard[i]),) if self.heard[i] > 0 else ()
        return Session(
            "soothing-touch",
            STARTS[i],
            DURATION,
            self.heard[i],
            "app",
            1,
            mood_after=self.mood[i],
            position_s=self.heard[i],
            heard=heard,
            part_s=self.heard[i],
        )

    def _saved(self, i: int, final: bool) -> None:
        record = self.session(i)
        saved = self.recorder.save(record, final=final)
        if saved.kept:
            self.copies.append(record)
            self.kept_listened[i] = max(self.kept_listened[i], record.listened_s)
            self.kept_completed[i] = self.kept_completed[i] or record.completed
            self.kept_mood[i] = record.mood_after if record.mood_after is not None else self.kept_mood[i]

    @rule(i=st.integers(0, 1), more=st.floats(1, 60))
    def checkpoint(self, i: int, more: float) -> None:
        self.heard[i] = min(DURATION, self.heard[i] + round(more, 1))
        self._saved(i, final=False)

    @rule(i=st.integers(0, 1), mood=st.none() | st.integers(0, 10))
    def final_save(self, i: int, mood: int | None) -> None:
        self.mood[i] = mood if mood is not None else self.mood[i]
        self._saved(i, final=True)

    @rule(i=st.integers(0, 1), more=st.floats(0, 60), final=st.booleans())
    def write_meets_a_busy_file(self, i: int, more: float, final: bool) -> None:
        self.heard[i] = min(DURATION, self.heard[i] + round(more, 1))
        db_file = self.ctx.data_dir / "progress.db"
        if not db_file.exists():
            open_store(self.ctx).close()
        other = sqlite3.connect(db_file, isolation_level=None)
        try:
            other.execute("BEGIN EXCLUSIVE")
            self._saved(i, final=final)
        finally:
            other.execute("ROLLBACK")
            other.close()

    @rule()
    def open_the_progress_file(self) -> None:
        db = open_store(self.ctx)
        assert db is not None
        db.close()

    @precondition(lambda self: bool(self.copies))
    @rule(which=st.integers(0, 1000))
    def import_an_older_copy(self, which: int) -> None:
        older = replace(self.copies[which % len(self.copies)], source="app")
        db = open_store(self.ctx)
        assert db is not None
        try:
            store.import_sessions(db, [(older, None)], self.ctx.settings.day_start_minutes)
        finally:
            db.close()

    @rule()
    def kill(self) -> None:
        self.recorder.close()
        self.recorder = SqliteRecorder(self.ctx)

    @invariant()
    def each_session_once_and_never_less(self) -> None:
        # Read as history reads, without opening the app's store (which would add the pending sessions).
        db = dbmod.open_database(self.ctx.data_dir, create=False, clock=self.ctx.clock)
        rows = []
        if db is not None:
            try:
                rows = store.history(db)
            finally:
                db.close()
        waiting = pending_sessions(self.ctx)
        for i, start in enumerate(STARTS):
            in_file = [r for r in rows if r.started_at == start]
            assert len(in_file) <= 1, in_file
            aside = [s for s in waiting if s.started_at == start]
            shown = in_file or aside
            if self.kept_listened[i] == 0 and not shown:
                continue
            best = max(s.listened_s for s in [*in_file, *aside])
            assert best >= self.kept_listened[i] - 0.01, (i, best, self.kept_listened[i])
            if in_file and not aside:
                assert in_file[0].listened_s >= self.kept_listened[i] - 0.01
                assert in_file[0].completed or not self.kept_completed[i]
                if self.kept_mood[i] is not None:
                    assert in_file[0].mood_after is not None


RecordOnlyGrows.TestCase.settings = settings(max_examples=150, stateful_step_count=15, deadline=None)


@pytest.fixture(autouse=True)
def short_busy_wait(monkeypatch):
    monkeypatch.setenv("COMPASSION_TEST_BUSY_MS", "30")
    monkeypatch.setenv("COMPASSION_STATE_DIR", tempfile.mkdtemp(prefix="grows-state-"))


def test_a_sessions_record_only_grows(short_busy_wait):
    RecordOnlyGrows.TestCase("runTest").runTest()


def test_a_practice_whose_checkpoints_met_a_busy_file_but_whose_end_did_not_is_kept_once_and_whole(
    short_busy_wait,
):
    m = RecordOnlyGrows()
    try:
        for _ in range(3):
            m.write_meets_a_busy_file(0, 10.0, False)  # every checkpoint gives up on the busy file
        assert len(pending_sessions(m.ctx)) == 1
        m.heard[0] = 30.0
        m.mood[0] = 7
        record = m.session(0)
        record = replace(record, duration_s=30.0)
        assert m.recorder.save(record, final=True).kept
        for _ in range(2):  # history asked twice: each open adds what waits aside
            db = open_store(m.ctx)
            assert db is not None
            try:
                rows = store.history(db)
            finally:
                db.close()
            assert len(rows) == 1 and rows[0].completed and rows[0].listened_s == pytest.approx(30.0)
            assert rows[0].mood_after == 7
        assert pending_sessions(m.ctx) == []
    finally:
        m.teardown()


HOLD = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN EXCLUSIVE');"
    " print('held', flush=True); sys.stdin.read(); c.execute('ROLLBACK')"
)


def test_record_against_a_file_another_program_holds_returns_soon_and_is_added_once_it_is_free(home):
    import json
    import subprocess
    import sys
    import time

    from tests.conftest import run_cli

    assert run_cli("record", "soothing-touch", "--minutes", "2").returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home / "progress.db")], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"held\n"
        started = time.monotonic()
        r = run_cli("record", "pocket-practice", "--minutes", "2", env={"COMPASSION_TEST_BUSY_MS": ""})
        took = time.monotonic() - started
    finally:
        holder.communicate(b"", timeout=30)
    assert r.returncode == 0, r.stderr
    assert took < 10, took
    assert "pending-sessions.json" in r.stderr
    kept = json.loads(run_cli("history", "--json").stdout)
    assert [s["exercise_id"] for s in kept].count("pocket-practice") == 1


def test_a_session_kept_aside_is_only_ever_added_to_its_own_data_folder(tmp_path, monkeypatch):
    from player.adapters import paths
    from player.adapters.store import pending

    monkeypatch.setenv("COMPASSION_STATE_DIR", str(tmp_path / "state"))
    clock = SetClock(NOW + timedelta(hours=3), running=False)
    a, b = (context.open_context(tmp_path / name, clock=clock) for name in ("a", "b"))
    for ctx in (a, b):
        ctx.on_notice = lambda line: None
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / pending.FILE_NAME).mkdir()  # the data folder cannot take it: the state folder does
    played = Session("soothing-touch", NOW, 100.0, 100.0, "app", 1)
    kept_in = pending.keep(a.data_dir, played, final=True)
    assert kept_in.parent == tmp_path / "state" and paths.folder_id(a.data_dir) in kept_in.name
    legacy = tmp_path / "state" / pending.FILE_NAME  # the shared file of earlier versions
    legacy.write_text(kept_in.read_text())

    def history(ctx):
        db = open_store(ctx)
        assert db is not None
        try:
            return [s.exercise_id for s in store.history(db)]
        finally:
            db.close()

    assert history(b) == []  # another data folder never takes it, nor the shared file
    (tmp_path / "a" / pending.FILE_NAME).rmdir()
    assert history(a) == ["soothing-touch"]
    assert legacy.exists()  # only the default data folder adds the shared file
