"""The progress database with a real SQLite file: recording, stats, migration, crashes, concurrency."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from player.adapters.store import db as dbmod
from player.adapters.store import sessions as store
from player.adapters.store.migrations import CURRENT_VERSION
from player.app import context, progress, recording
from player.core.session import Session
from tests import reference as ref
from tests.conftest import run_cli

TZ = timezone(timedelta(hours=1))


def at(day: int, hour: int = 8, tz=TZ) -> str:
    return datetime(2026, 11, day, hour, 0, tzinfo=tz).isoformat()


def stats(*extra: str) -> dict:
    r = run_cli("stats", "--json", *extra)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_record_then_stats_counts_days_streaks_and_partials(home):
    for day in (16, 17, 18, 20):
        assert run_cli("record", "soothing-touch", "--at", at(day)).returncode == 0
    r = run_cli("record", "safe-place", "--at", at(21), "--partial", "--listened", "60")
    assert r.returncode == 0 and "partial" in r.stdout
    s = stats("--today", "2026-11-21")
    assert s["practice_days"] == 4 and s["total_sessions"] == 4 and s["partial_sessions"] == 1
    assert s["current_streak"] == 1  # the 20th; the 21st is only partial and still counts as 'alive'
    assert run_cli("record", "safe-place", "--at", at(21, 9), "--partial", "--listened", "9").returncode == 0
    assert stats("--today", "2026-11-21")["partial_sessions"] == 1  # a 9-second look is not "left part-way"
    assert s["longest_streak"] == 3
    assert s["last_practiced"] == "2026-11-20"
    assert s["total_minutes"] == pytest.approx(4 * 1.8, abs=0.4)
    assert stats("--today", "2026-11-17")["practice_days"] == 2  # later sessions are ignored
    full = {date(2026, 11, d) for d in (16, 17, 18, 20)}
    strength = ref.practice_strength(full, {date(2026, 11, 21)}, set(), date(2026, 11, 21))
    assert s["practice_strength"] == round(100 * strength) == 20  # the partial 21st counts half
    assert set(s) == {
        "current_streak",
        "longest_streak",
        "weeks_goal_streak",
        "goal_days",
        "this_week_days",
        "check_ins",
        "practice_strength",
        "total_sessions",
        "partial_sessions",
        "total_minutes",
        "practice_days",
        "current_week",
        "last_practiced",
        "weeks",
        "rest_days",
        "rules",
    }
    assert s["weeks"][0] == {
        "number": 1,
        "theme": "Soothing breath and the three systems",
        "unlocked": True,
        "completed": False,
        "sessions": 4,
        "days_practiced": 4,
        "goal_days": 4,
    }


def test_week_completion_unlocks_the_next_week(home):
    for day, ex in (
        (16, "soothing-rhythm-breathing"),
        (17, "three-systems-check-in"),
        (18, "soothing-touch"),
        (19, "soothing-touch"),
    ):
        assert run_cli("record", ex, "--at", at(day)).returncode == 0
    s = stats("--today", "2026-11-19")
    assert s["weeks"][0]["completed"] and s["weeks"][1]["unlocked"] and s["current_week"] == 2
    assert not stats("--today", "2026-11-18")["weeks"][1]["unlocked"]


def test_day_starts_at_moves_late_sessions_to_the_day_before(home):
    assert run_cli("record", "pocket-practice", "--at", at(20, 1)).returncode == 0
    assert stats("--today", "2026-11-20")["last_practiced"] == "2026-11-20"
    assert run_cli("config", "set", "day_starts_at", "03:00").returncode == 0
    assert stats("--today", "2026-11-20")["last_practiced"] == "2026-11-19"


def test_future_and_bad_input_get_clear_messages(home):
    r = run_cli("record", "pocket-practice", "--at", "2999-01-01T00:00+00:00")
    assert r.returncode == 2 and "in the future" in r.stderr
    r = run_cli("record", "pocket-pracice")
    assert r.returncode == 2 and "no exercise 'pocket-pracice'" in r.stderr and "'pocket-practice'" in r.stderr
    r = run_cli("stats", "--today", "yesterday")
    assert r.returncode == 2 and "not a date" in r.stderr


def test_export_import_round_trip_skips_duplicates(home, tmp_path):
    for day in (10, 11):
        run_cli("record", "soothing-touch", "--at", at(day))
    out = tmp_path / "backup.json"
    assert run_cli("export", str(out)).returncode == 0
    other = tmp_path / "other"
    r = run_cli("import", str(out), "--data-dir", str(other))
    assert r.returncode == 0 and "imported 2 session(s); 0 already present" in r.stdout
    r = run_cli("import", str(out), "--data-dir", str(other))
    assert "imported 0 session(s); 2 already present" in r.stdout
    a = json.loads(run_cli("history", "--json").stdout)
    b = json.loads(run_cli("history", "--json", "--data-dir", str(other)).stdout)
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("id", "source")} for r in rows]  # noqa: E731
    assert strip(a) == strip(b)
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json")
    r = run_cli("import", str(bad))
    assert r.returncode == 2 and "not a compassion-player export" in r.stderr


def test_history_csv_and_since(home):
    run_cli("record", "soothing-touch", "--at", at(10))
    run_cli("record", "soothing-touch", "--at", at(12))
    rows = run_cli("history", "--csv", "--since", "2026-11-11").stdout.strip().splitlines()
    assert rows[0].startswith("id,exercise_id,week,started_at,local_date")
    assert len(rows) == 2 and ",2026-11-12," in rows[1]


V1_SCHEMA = """
CREATE TABLE sessions (id INTEGER PRIMARY KEY, exercise_id TEXT NOT NULL, started_at TEXT NOT NULL,
  utc_offset_minutes INTEGER NOT NULL, local_date TEXT NOT NULL, duration_s REAL NOT NULL, listened_s REAL NOT NULL,
  completed INTEGER NOT NULL CHECK (completed IN (0, 1)),
  source TEXT NOT NULL CHECK (source IN ('app', 'manual', 'import')));
CREATE INDEX sessions_by_date ON sessions (completed, local_date);
INSERT INTO sessions VALUES (1, 'soothing-touch', '2026-11-10T07:00:00.000000Z', 60, '2026-11-10', 100, 100, 1, 'manual');
INSERT INTO sessions VALUES (2, 'safe-place', '2026-11-11T07:00:00.000000Z', 60, '2026-11-11', 600, 30, 0, 'app');
PRAGMA user_version = 1;
"""


def test_a_version_1_file_is_backed_up_then_migrated_without_losing_anything(home):
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "progress.db")
    conn.executescript(V1_SCHEMA)
    conn.close()
    s = stats("--today", "2026-11-12")
    assert s["total_sessions"] == 1 and s["partial_sessions"] == 0  # a 30-second part: kept, not counted
    assert len(json.loads(run_cli("history", "--json").stdout)) == 2  # both are still there
    backups = list(home.glob("progress.db.backup-v1-*"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 2
    new = sqlite3.connect(home / "progress.db")
    assert new.execute("PRAGMA user_version").fetchone()[0] == CURRENT_VERSION
    assert new.execute("SELECT COUNT(*) FROM rest_days").fetchone()[0] == 0
    assert "mood_before" in [r[1] for r in new.execute("PRAGMA table_info(sessions)")]


def test_a_newer_file_is_refused_and_left_untouched(home):
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "progress.db")
    conn.executescript("CREATE TABLE future (x); PRAGMA user_version = 99;")
    conn.close()
    before = (home / "progress.db").read_bytes()
    r = run_cli("stats")
    assert r.returncode == 1 and "newer version" in r.stderr and "Traceback" not in r.stderr
    assert (home / "progress.db").read_bytes() == before


def test_a_corrupt_file_gets_a_clear_message_and_is_never_overwritten(home):
    home.mkdir(parents=True)
    (home / "progress.db").write_bytes(b"this is not a database at all" * 100)
    before = (home / "progress.db").read_bytes()
    r = run_cli("stats")
    assert r.returncode == 1
    assert str(home / "progress.db") in r.stderr and "damaged" in r.stderr and "backup" in r.stderr
    assert "Traceback" not in r.stderr
    r = run_cli("record", "pocket-practice")  # the practice itself is not lost: it waits beside the file
    assert r.returncode == 0 and "damaged" in r.stderr and "backup" in r.stderr and "Traceback" not in r.stderr
    assert f"kept in {home / 'pending-sessions.json'}" in r.stderr
    assert (home / "progress.db").read_bytes() == before


def _read_only(folder: Path, *args: str, also: Path | None = None) -> subprocess.CompletedProcess:
    """Run the app with `folder` (and `also`) read-only: a private read-only bind mount as root, chmod
    otherwise."""
    cmd = [sys.executable, "-m", "player", *args]
    folders = [folder] + ([also] if also is not None else [])
    if os.geteuid() != 0:
        for f in folders:
            f.chmod(0o555)
        try:
            return subprocess.run(cmd, capture_output=True, text=True)
        finally:
            for f in folders:
                f.chmod(0o755)
    mounts = " && ".join(f'mount --bind "{f}" "{f}" && mount -o remount,bind,ro "{f}"' for f in folders)
    wrap = ["unshare", "--mount", "sh", "-c", f'{mounts} && exec "$0" "$@"']
    return subprocess.run(wrap + cmd, capture_output=True, text=True)


def test_read_only_data_folder_still_shows_progress(home):
    run_cli("record", "pocket-practice", "--at", at(10))
    if os.geteuid() == 0 and subprocess.run(["unshare", "--mount", "true"]).returncode != 0:
        pytest.skip("needs mount namespaces to make a folder read-only as root")
    r = _read_only(home, "stats", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["total_sessions"] == 1
    r = _read_only(home, "record", "pocket-practice", "--at", at(11))
    assert r.returncode == 0 and "read-only" in r.stderr and "Traceback" not in r.stderr
    from player.adapters.paths import folder_id

    kept = home.parent / "state" / f"pending-sessions-{folder_id(home)}.json"  # the data folder could not take it
    assert f"kept in {kept}" in r.stderr and kept.stat().st_mode & 0o777 == 0o600
    shown = json.loads(_read_only(home, "history", "--json").stdout)
    assert [s.get("pending", False) for s in shown] == [False, True]  # shown meanwhile
    assert json.loads(run_cli("stats", "--json").stdout)["total_sessions"] == 2  # added once it can be
    assert not kept.exists()


RECORDER = """
import sys
from datetime import datetime, timedelta, timezone
from player.app import context
from player.adapters.store import db as dbmod, sessions as store
ctx = context.open_context()
db = dbmod.open_database(ctx.data_dir, clock=ctx.clock)
start = datetime(2026, 1, 1, tzinfo=timezone.utc)
i = int(sys.argv[1])
while True:
    s = store.Session("pocket-practice", start + timedelta(seconds=i), 60, 60, "manual")
    store.record(db, s, 0)
    print(i, flush=True)
    i += 1
"""


def test_every_connection_the_app_opens_syncs_each_commit(home):
    """A commit is on disk before the app says it is kept: synchronous = FULL, with WAL, on every
    connection the app opens (the kill test below cannot tell this apart from OFF: a killed process's
    writes are in the kernel either way)."""
    from player.adapters.clock import SetClock
    from player.adapters.store import db as dbmod
    from player.app import context
    from player.app.recording import open_store
    from tests.conftest import NOW

    ctx = context.open_context(home, clock=SetClock(NOW))
    for db in (dbmod.open_database(home, clock=ctx.clock), open_store(ctx)):
        assert db is not None
        try:
            assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            db.close()


def test_sigkill_while_recording_keeps_every_committed_session_and_an_intact_file(home):
    import random

    reported: list[int] = []
    for round_ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", RECORDER, str(round_ * 100_000)], stdout=subprocess.PIPE, text=True
        )
        first = proc.stdout.readline()  # one session committed: the recorder is provably mid-stream
        assert first.strip(), "the recorder printed nothing"
        time.sleep(random.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        rest, _ = proc.communicate()
        reported += [int(x) for x in (first + rest).split()]
    conn = sqlite3.connect(home / "progress.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {r[0] for r in conn.execute("SELECT started_at FROM sessions")}
    assert len(stored) >= len(reported) >= 6
    start = datetime(2026, 1, 1, tzinfo=UTC)
    # every session reported as committed is there
    assert all(store.utc_text(start + timedelta(seconds=i)) in stored for i in reported)


def test_concurrent_recorders_keep_every_session(home):
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "player", "record", "pocket-practice", "--minutes", "2"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    for _ in range(3):
        for p in procs:
            out, err = p.communicate()
            assert p.returncode == 0, err
            assert "locked" not in err
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "player", "record", "pocket-practice", "--minutes", "2"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
    for p in procs:
        p.communicate()
        assert p.returncode == 0
    assert stats()["total_sessions"] == 16


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.integers(0, 23), st.sampled_from([-300, 0, 60, 540]), st.booleans()),
        max_size=25,
    ),
    st.integers(0, 45),
)
def test_stats_from_the_database_match_a_reference(tmp_path_factory, sessions, today_n):
    data = tmp_path_factory.mktemp("p")
    os.environ["COMPASSION_DATA_DIR"] = str(data)
    try:
        ctx = context.open_context(data)
        rec = recording.SqliteRecorder(ctx)
        base = date(2026, 10, 1)
        days = set()
        today = base + timedelta(days=today_n)
        for i, (d, h, off, done) in enumerate(sessions):
            moment = datetime(2026, 10, 1, h, 0, i, tzinfo=timezone(timedelta(minutes=off))) + timedelta(days=d)
            rec.save(Session("pocket-practice", moment, 100, 100 if done else 50, "manual", 8), final=True)
            if done and moment.date() <= today:
                days.add(moment.date())
        rec.close()
        s = progress.stats(ctx, today).as_json()
        assert s["practice_days"] == len(days)
        assert s["current_streak"] == ref.current_streak(days, today)
        assert s["longest_streak"] == ref.longest_streak(days)
        assert s["goal_days"] == ctx.catalog.course.weeks[s["current_week"] - 1].goal_days  # no goal of their own
        assert s["weeks_goal_streak"] == ref.weeks_goal_streak(days, today, s["goal_days"])
        assert s["last_practiced"] == (max(days).isoformat() if days else None)
    finally:
        os.environ.pop("COMPASSION_DATA_DIR", None)


def test_recorder_for_the_player_decides_completion_in_one_place(home):
    ctx = context.open_context()
    rec = recording.SqliteRecorder(ctx)
    moment = datetime(2026, 11, 20, 9, tzinfo=TZ)
    assert rec.save(Session("safe-place", moment, 600, 540, "app", 2, 10.0), final=True).kept
    assert rec.save(Session("safe-place", moment + timedelta(hours=1), 600, 539, "app", 2, 10.0), final=True).kept
    rows = store.history(dbmod.open_database(ctx.data_dir, clock=ctx.clock))
    assert [r.completed_ for r in rows] == [True, False]
    assert rows[0].local_date_ == date(2026, 11, 20) and rows[0].started_at.utcoffset() == timedelta(hours=1)


def test_rest_days_keep_the_run_going_are_limited_per_week_and_can_be_undone(home):
    for day in (16, 17, 19, 20):  # Mon, Tue, Thu, Fri
        assert run_cli("record", "soothing-touch", "--at", at(day)).returncode == 0
    assert stats("--today", "2026-11-20")["current_streak"] == 2  # Wednesday was missed
    r = run_cli("rest", "2026-11-18")
    assert r.returncode == 0 and "Wednesday 18 November is a rest day" in r.stdout
    s = stats("--today", "2026-11-20")
    assert s["current_streak"] == 4 and s["longest_streak"] == 4  # bridged, and the rest day is not counted
    assert s["goal_days"] == 4 and s["weeks_goal_streak"] == 1  # week 1's own goal: 4 days
    assert run_cli("config", "set", "weekly_goal_days", "5").returncode == 0
    s = stats("--today", "2026-11-20")
    assert s["practice_days"] == 4 and s["goal_days"] == 4 and s["weeks_goal_streak"] == 1  # a past week keeps its goal
    s = stats("--today", "2026-11-30")
    assert s["goal_days"] == 5 and s["weeks_goal_streak"] == 0  # the new goal from the next calendar week
    assert s["rest_days"] == ["2026-11-18"] and "rest day keeps a run going" in s["rules"]
    r = run_cli("rest", "2026-11-21")
    assert (
        r.returncode == 2 and "already has its rest day (Wed 18 Nov)" in r.stderr and "rest_days_per_week" in r.stderr
    )
    assert run_cli("config", "set", "rest_days_per_week", "2").returncode == 0
    assert run_cli("rest", "2026-11-21").returncode == 0
    assert stats("--today", "2026-11-22")["current_streak"] == 4  # resting Saturday, Sunday still open
    r = run_cli("rest", "--undo", "2026-11-18")
    assert r.returncode == 0 and "no longer a rest day" in r.stdout
    assert stats("--today", "2026-11-20")["current_streak"] == 2
    assert "was not a rest day" in run_cli("rest", "--undo", "2026-11-18").stdout


def test_stats_says_strength_and_how_check_ins_moved_in_words_and_json(home):
    for day, before, after in ((23, 3, 6), (24, 5, 6)):
        args = ("--mood-before", str(before), "--mood-after", str(after))
        assert run_cli("record", "soothing-touch", "--at", at(day), *args).returncode == 0
    shown = run_cli("stats", "--today", "2026-11-24").stdout
    assert "Practice strength" not in shown  # two days: too soon for a number that could read as failure
    assert run_cli("record", "soothing-touch", "--at", at(22)).returncode == 0
    shown = run_cli("stats", "--today", "2026-11-24").stdout
    assert "Practice strength: 15%" in shown  # three days from nothing
    assert "Check-ins: After practice you rated your kindness 2.0 higher than before, on average" in shown
    assert "practice moved your check-in up by 2.0 on average, to 6.0" in shown
    s = stats("--today", "2026-11-24")
    assert s["check_ins"] == {
        "change_after_practice": 2.0,
        "with_before_and_after": 2,
        "this_week_after": 6.0,
        "this_week_change": 2.0,
    }


def test_a_session_that_can_be_kept_nowhere_is_said_plainly_and_never_called_finished(home, tmp_path):
    if os.geteuid() == 0 and subprocess.run(["unshare", "--mount", "true"]).returncode != 0:
        pytest.skip("needs mount namespaces to make a folder read-only as root")
    run_cli("record", "pocket-practice", "--at", at(10))
    state = home.parent / "state"
    state.mkdir(exist_ok=True)
    short = tmp_path / "short.toml"
    short.write_text('title = "Short"\n[[step]]\nsay = "Hello there."\npause = 1.5\n[[step]]\nsay = "Goodbye."\n')
    r = _read_only(home, "play", str(short), "--plain", "--no-audio", also=state)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "could not be saved anywhere" in r.stderr and "compassion record" in r.stderr
    assert "Finished" not in r.stdout + r.stderr and "Traceback" not in r.stderr


def test_planned_rest_days_travel_with_an_export_so_a_run_stays_whole_on_a_new_computer(home, tmp_path):
    for day in (20, 21, 23):
        assert run_cli("record", "pocket-practice", "--at", at(day)).returncode == 0
    assert run_cli("rest", "2026-11-22").returncode == 0  # a planned rest day bridges the run
    before = json.loads(run_cli("stats", "--json").stdout)
    export = tmp_path / "mine.json"
    assert run_cli("export", str(export)).returncode == 0
    assert json.loads(export.read_text())["rest_days"] == ["2026-11-22"]
    elsewhere = {"COMPASSION_DATA_DIR": str(tmp_path / "new-computer")}
    r = run_cli("import", str(export), env=elsewhere)
    assert r.returncode == 0 and "1 planned rest day" in r.stdout, r.stdout
    after = json.loads(run_cli("stats", "--json", env=elsewhere).stdout)
    assert after["current_streak"] == before["current_streak"] == 3  # bridged by the rest day, on both
    assert after["practice_strength"] == before["practice_strength"]
    again = run_cli("import", str(export), env=elsewhere)  # twice: nothing doubles
    assert "rest day" not in again.stdout
