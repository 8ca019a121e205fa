"""Each truth decided in one place: where data lives, which exercise an id means, how settings change, and
what a line's length is keyed on. Each test here failed before that truth had one owner."""

from __future__ import annotations

import json
import sqlite3
import tomllib

import pytest

from player.app import context, preferences, timer
from tests.conftest import run_cli

MINE = 'title = "My Safe Place"\nkind = "short"\n[[step]]\nsay = "Hello, this is mine."\npause = 0.5\n'


def history(*extra: str) -> list[dict]:
    r = run_cli(*extra, "history", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


# -- where data lives ---------------------------------------------------------------------------------
@pytest.mark.parametrize("where", ["before the command", "after the command"])
def test_data_dir_works_before_or_after_the_command(home, tmp_path, where):
    other = tmp_path / "other"
    if where == "before the command":
        r = run_cli("--data-dir", str(other), "record", "soothing-touch")
    else:
        r = run_cli("record", "soothing-touch", "--data-dir", str(other))
    assert r.returncode == 0, r.stderr
    assert (other / "progress.db").exists()
    assert not (home / "progress.db").exists()  # the default data folder was not touched
    assert [s["exercise_id"] for s in history("--data-dir", str(other))] == ["soothing-touch"]


# -- which exercise an id means -------------------------------------------------------------------------
def test_a_script_of_ones_own_named_like_a_course_practice_never_counts_for_the_course(home):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "safe-place.toml").write_text(MINE)
    r = run_cli("play", "mine:safe-place", "--no-tui", "--no-audio")
    assert r.returncode == 0, r.stderr
    assert "Hello, this is mine." in r.stdout
    [row] = history()
    assert row["exercise_id"] == "mine:safe-place" and row["week"] is None and row["completed"]
    week2 = json.loads(run_cli("stats", "--json").stdout)["weeks"][1]
    assert week2["days_practiced"] == 0 and week2["sessions"] == 0
    # the bare id is still the course's practice
    info = json.loads(run_cli("info", "safe-place", "--json").stdout)
    assert info["week"] == 2 and info["title"] == "A Safe Place"


def test_a_timer_sit_can_be_recorded_and_a_script_called_timer_is_ones_own(home):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "timer.toml").write_text(MINE)
    r = run_cli("record", "timer", "--minutes", "10")
    assert r.returncode == 0, r.stderr
    [row] = history()
    assert (row["exercise_id"], row["duration_s"], row["completed"], row["week"]) == ("timer", 600, True, None)
    r = run_cli("record", "timer")
    assert r.returncode == 2 and "add --minutes" in r.stderr
    r = run_cli("play", "timer", "--no-audio")
    assert r.returncode == 2 and "compassion timer MINUTES" in r.stderr and "mine:timer" in r.stderr
    assert run_cli("play", "mine:timer", "--no-tui", "--no-audio").returncode == 0
    assert [s["exercise_id"] for s in history()] == ["timer", "mine:timer"]


def test_a_script_given_by_its_path_is_its_own_kind(home, tmp_path):
    elsewhere = tmp_path / "shared" / "safe-place.toml"
    elsewhere.parent.mkdir()
    elsewhere.write_text(MINE)
    assert run_cli("record", str(elsewhere)).returncode == 0
    [row] = history()
    assert row["exercise_id"] == f"path:{elsewhere.resolve()}" and row["week"] is None


V3_ROWS = [
    ("safe-place", "2026-11-10T07:00:00.000000Z", 2),
    ("my-evening", "2026-11-11T07:00:00.000000Z", None),
    ("my-own-touch", "2026-11-12T07:00:00.000000Z", 2),  # one's own, once wrongly counted for week 2
    ("timer", "2026-11-13T07:00:00.000000Z", None),
]


def test_an_older_progress_file_gives_the_listeners_own_scripts_their_kind_after_a_backup(home):
    from player.adapters.store.migrations import MIGRATIONS

    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "progress.db")
    for _name, sql in MIGRATIONS[:3]:  # the file as data version 3 wrote it
        conn.executescript(sql)
    for ex, started, week in V3_ROWS:
        conn.execute(
            "INSERT INTO sessions (exercise_id, week, started_at, utc_offset_minutes, local_date, duration_s, "
            "listened_s, completed, source) VALUES (?, ?, ?, 60, '2026-11-10', 60, 60, 1, 'manual')",
            (ex, week, started),
        )
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    ids = [s["exercise_id"] for s in history()]
    assert ids == ["safe-place", "mine:my-evening", "mine:my-own-touch", "timer"]
    assert [s["week"] for s in history()] == [2, None, None, None]
    [backup] = home.glob("progress.db.backup-v3-*")
    old = sqlite3.connect(backup).execute("SELECT exercise_id FROM sessions ORDER BY id").fetchall()
    assert [x for (x,) in old] == ["safe-place", "my-evening", "my-own-touch", "timer"]


def test_export_keeps_the_kind_and_an_older_export_is_read_with_the_old_meaning(home, tmp_path):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "evening.toml").write_text(MINE)
    run_cli("record", "mine:evening", "--at", "2026-11-20T08:00:00+01:00")
    run_cli("record", "timer", "--minutes", "5", "--at", "2026-11-20T09:00:00+01:00")
    out = tmp_path / "export.json"
    assert run_cli("export", str(out)).returncode == 0
    doc = json.loads(out.read_text())
    assert doc["version"] == 3 and [s["exercise_id"] for s in doc["sessions"]] == ["mine:evening", "timer"]
    again = tmp_path / "again"
    assert run_cli("--data-dir", str(again), "import", str(out)).returncode == 0
    assert [s["exercise_id"] for s in history("--data-dir", str(again))] == ["mine:evening", "timer"]
    old = {
        "format": "compassion-player/sessions",
        "version": 1,
        "sessions": [
            {"exercise_id": "evening", "started_at": "2026-11-21T08:00:00+01:00", "duration_s": 60, "listened_s": 60},
            {
                "exercise_id": "safe-place",
                "week": 2,
                "started_at": "2026-11-21T09:00:00+01:00",
                "duration_s": 600,
                "listened_s": 600,
            },
        ],
    }
    v1 = tmp_path / "v1.json"
    v1.write_text(json.dumps(old))
    assert run_cli("import", str(v1)).returncode == 0
    assert [s["exercise_id"] for s in history()][-2:] == ["mine:evening", "safe-place"]


# -- one settings writer ----------------------------------------------------------------------------------
def test_remembering_the_timer_never_reverts_a_setting_changed_meanwhile(home, tmp_path):
    ctx = context.open_context(home)  # the app's copy, read before the change below
    r = run_cli("config", "set", "day_starts_at", "03:00")
    assert r.returncode == 0, r.stderr
    timer.remember(ctx, timer.TimerSpec(20, 5, "bowl", 10))
    written = tomllib.loads((tmp_path / "config" / "config.toml").read_text())
    assert written["day_starts_at"] == "03:00" and written["timer_minutes"] == 20
    assert ctx.settings.day_starts_at == "03:00"  # the app now sees the fresh value too
    assert run_cli("config", "get", "day_starts_at").stdout.strip() == "03:00"


def _late_session(home):
    # 01:30 local: practice day 2026-11-20 at the default day start, the 19th once the day starts at 03:00
    r = run_cli("record", "soothing-touch", "--at", "2026-11-20T01:30:00+01:00")
    assert r.returncode == 0, r.stderr


def _days(home) -> list[str]:
    return [s["local_date"] for s in history()]


def test_moving_the_day_start_changes_the_file_and_every_practice_day_together(home, tmp_path):
    _late_session(home)
    assert _days(home) == ["2026-11-20"]
    assert run_cli("config", "set", "day_starts_at", "03:00").returncode == 0
    assert _days(home) == ["2026-11-19"]


def test_when_practice_days_cannot_be_changed_the_setting_is_not_changed_either(home, tmp_path, monkeypatch):
    from player.adapters.store import sessions as store

    _late_session(home)
    ctx = context.open_context(home)

    def broken(conn, minutes):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "recompute_days", broken)
    with pytest.raises(Exception, match="damaged|disk"):
        preferences.change(ctx, "day_starts_at", "03:00")
    assert not (tmp_path / "config" / "config.toml").exists()
    assert _days(home) == ["2026-11-20"]


def test_when_the_settings_file_cannot_be_written_practice_days_stay_as_they_were(home, tmp_path, monkeypatch):
    from player.adapters import settings
    from player.core.errors import WorkFailed

    _late_session(home)
    ctx = context.open_context(home)

    def full_disk(path, text, what):
        raise WorkFailed("cannot write the settings file: the disk is full")

    monkeypatch.setattr(settings, "write_text", full_disk)
    with pytest.raises(WorkFailed):
        preferences.change(ctx, "day_starts_at", "03:00")
    assert _days(home) == ["2026-11-20"]
    assert ctx.settings.day_starts_at == "00:00"


# -- lengths keyed on what makes the sound ---------------------------------------------------------------------
@pytest.mark.parametrize("engine", ["pyttsx3", "piper"])
def test_an_upgraded_speech_library_keeps_every_course_length_exact(home, monkeypatch, engine):
    from player.adapters.speech import manifest, piper_engine, pyttsx3_engine
    from player.app import overview

    ctx = context.open_context(home)
    assert all(ex["exact"] for w in overview.course_listing(ctx, engine)["weeks"] for ex in w["exercises"])
    monkeypatch.setattr(pyttsx3_engine, "_pyttsx3_version", lambda: "9.99")
    monkeypatch.setattr(piper_engine, "_piper_version", lambda: "9.99")
    listing = overview.course_listing(ctx, engine)
    assert all(ex["exact"] for w in listing["weeks"] for ex in w["exercises"])  # never silently estimates
    note = manifest.soft_check(engine)
    assert note is not None and "9.99" in note and "still used" in note


def test_a_length_reads_the_same_in_the_list_and_in_the_history(home):
    r = run_cli("record", "pocket-practice")  # its shortest length, as the list shows it
    assert r.returncode == 0, r.stderr
    import json

    from player.core.calendar import minutes_text

    listed = next(
        e
        for w in json.loads(run_cli("list", "--json").stdout)["weeks"]
        for e in w["exercises"]
        if e["id"] == "pocket-practice"
    )
    kept = json.loads(run_cli("history", "--json").stdout)[-1]
    assert round(kept["duration_s"] / 60, 1) == listed["min_minutes"]  # the same number
    row = next(line for line in run_cli("history").stdout.splitlines() if "pocket-practice" in line)
    field = row.split("pocket-practice", 1)[1].split("  ")
    shown = next(part.strip() for part in field if part.strip())
    assert shown == minutes_text(kept["duration_s"])  # the whole length field, not a part of it
    listed_line = next(line for line in run_cli("list").stdout.splitlines() if "pocket-practice" in line)
    assert listed_line.split("informal", 1)[1].strip().removeprefix("about ").split(" to ")[0] == shown


def test_the_closing_words_say_what_a_session_really_counts_for(home):
    from player.app import context, overview

    ctx = context.open_context(home)
    extra = overview.what_next(ctx, "hearing-your-letter", completed=True)
    assert "extra of week 4" in extra.counts and "does not need it" in extra.counts
    early = overview.what_next(ctx, "safe-place", completed=True)
    assert "Week 2 is not open yet" in early.counts and "counts towards" not in early.counts
    first = overview.what_next(ctx, "soothing-rhythm-breathing", completed=True)
    assert first.counts == "This session counts towards week 1."
    assert first.next_up is not None and first.next_up[0] == "three-systems-check-in" and not first.repeat
    assert overview.what_next(ctx, "soothing-rhythm-breathing", completed=False).counts == ""
