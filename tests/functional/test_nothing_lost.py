"""Nothing practised is lost, whatever happens: sessions written as they play, every way a terminal app
dies, a progress file that cannot be written, and durable commits. Real processes, a real SQLite file,
a real terminal (tmux)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from player.adapters.store import db as dbmod
from player.app import context, progress
from tests.conftest import run_cli
from tests.functional.test_real_audio import null_sink  # noqa: F401 - a fixture

LONG = 'title = "Long"\nkind = "core"\n' + "".join(
    f'[[step]]\nsay = "Line {i}, said kindly."\npause = 3\n' for i in range(30)
)


def history() -> list[dict]:
    return json.loads(run_cli("history", "--json").stdout)


def start_playing(path, *extra: str, env: dict | None = None) -> tuple[subprocess.Popen, float]:
    """`play --no-tui` in its own process group; returns once its first line is being heard (playing,
    provably), with the monotonic time of that moment."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "player", "play", str(path), "--no-tui", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    first = proc.stdout.readline()
    assert "Line 0" in first, first + proc.stderr.read()
    return proc, time.monotonic()


@pytest.fixture
def long_script(home, tmp_path):
    path = tmp_path / "long.toml"
    path.write_text(LONG)
    return path


@pytest.mark.parametrize(
    "sound",
    [
        "no audio",
        pytest.param(
            "real audio",
            marks=[
                pytest.mark.audio,
                pytest.mark.xdist_group("pulseaudio"),
                pytest.mark.skipif(not shutil.which("pulseaudio"), reason="needs PulseAudio"),
            ],
        ),
    ],
)
def test_a_session_is_written_when_its_sound_starts_and_kept_through_kill_9(long_script, sound, request):
    if sound == "real audio":  # through a private PulseAudio null sink, as in test_real_audio
        env = request.getfixturevalue("null_sink")
        proc, began = start_playing(long_script, env=env)
    else:
        proc, began = start_playing(long_script, "--no-audio")
    try:
        time.sleep(0.8)
        [row] = history()  # written as it plays
        assert row["in_progress"] and not row["completed"]
        time.sleep(13)
        heard = time.monotonic() - began
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    [row] = history()  # the next open closes it: its process is gone
    assert "in_progress" not in row and not row["completed"]
    lost = heard - row["listened_s"]
    assert -1.0 <= lost <= 10, (heard, row["listened_s"])  # at most one checkpoint apart
    assert row["position_s"] == pytest.approx(row["listened_s"], abs=1.0)
    # ... and it is offered to continue
    stopped = progress.resumable(context.open_context(), f"path:{long_script.resolve()}")
    assert stopped is not None and stopped.position_s == pytest.approx(row["position_s"])


def test_two_windows_never_close_each_others_live_session(long_script, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(LONG.replace('"Long"', '"Other"'))
    first, _ = start_playing(long_script, "--no-audio")
    second, _ = start_playing(other, "--no-audio")
    try:
        time.sleep(1)
        for _ in range(3):  # every open closes orphans: neither of these is one
            assert [s.get("in_progress") for s in history()] == [True, True]
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        rows = history()
        assert [s.get("in_progress", False) for s in rows] == [False, True]
    finally:
        for p in (first, second):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)


@pytest.mark.parametrize(("signame", "status"), [("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129)])
def test_every_way_to_stop_the_plain_terminal_keeps_the_session(long_script, signame, status):
    proc, _ = start_playing(long_script, "--no-audio")
    time.sleep(2.5)
    os.killpg(proc.pid, getattr(signal, signame))
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == status, err
    assert "this session has been kept" in err
    [row] = history()
    assert 1.5 < row["listened_s"] < 6 and "in_progress" not in row


def test_stopping_in_the_first_second_says_nothing_was_kept(long_script):
    proc, _ = start_playing(long_script, "--no-audio")
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "nothing was recorded" in err and "kept" not in err
    assert history() == []


def test_the_app_without_a_terminal_says_so_at_once_and_exits_2(home):
    began = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "player"], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=20
    )
    assert r.returncode == 2 and time.monotonic() - began < 10
    assert r.stderr.strip().splitlines() == [
        "error: the app needs a terminal; without one, use `compassion play EXERCISE --plain`"
    ]
    assert "\x1b" not in r.stdout + r.stderr


def test_play_without_keys_to_read_still_says_what_it_had_to_say(home):
    """Output on a terminal but no keyboard (stdin elsewhere): the app cannot open, and what `play` had to
    tell the listener first is printed with the reason, not kept for an app that never opens."""
    import pty

    main, secondary = pty.openpty()
    try:
        r = subprocess.run(
            [sys.executable, "-m", "player", "play", "soothing-touch", "--resume"],
            stdin=subprocess.DEVNULL,
            stdout=secondary,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env=dict(os.environ, TERM="xterm-256color"),
        )
    finally:
        os.close(secondary)
        os.close(main)
    assert r.returncode == 2
    said = r.stderr.strip().splitlines()
    assert (
        said[0].startswith("there is no part of soothing-touch played in the app")
        and "error: the app needs" in said[-1]
    )


def test_commits_are_durable(home):
    ctx = context.open_context(home)
    db = dbmod.open_database(ctx.data_dir, clock=ctx.clock)
    with db.reading() as conn:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_a_busy_progress_file_never_drops_a_session(home, long_script):
    assert run_cli("record", "pocket-practice", "--at", "2026-11-20T08:00:00+01:00").returncode == 0
    holder = sqlite3.connect(home / "progress.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another program holds the file, past the app's patience
    try:
        quick = {"COMPASSION_TEST_BUSY_MS": "200"}
        r = run_cli("record", "soothing-touch", "--at", "2026-11-21T08:00:00+01:00", env=quick)
        assert r.returncode == 0, r.stderr
        [line] = [x for x in r.stderr.splitlines() if "kept in" in x]
        assert "busy" in line and str(home / "pending-sessions.json") in line
        assert (home / "pending-sessions.json").stat().st_mode & 0o777 == 0o600
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    rows = history()  # the next open that can write adds it
    assert [r["exercise_id"] for r in rows] == ["pocket-practice", "soothing-touch"]
    assert not any(r.get("pending") for r in rows) and not (home / "pending-sessions.json").exists()


def test_the_tui_keeps_the_session_when_its_terminal_is_closed(home, tmp_path, long_script):
    if not shutil.which("tmux"):
        pytest.skip("needs tmux")
    env = {
        "COMPASSION_DATA_DIR": str(home),
        "COMPASSION_CONFIG_DIR": str(tmp_path / "config"),
        "COMPASSION_STATE_DIR": str(tmp_path / "state"),
        "COMPASSION_CACHE_DIR": os.environ["COMPASSION_CACHE_DIR"],
        "COMPASSION_ENGINE": "pyttsx3",
        "COMPASSION_TEST_NOW": os.environ["COMPASSION_TEST_NOW"],
        "COMPASSION_NO_AUDIO": "1",
        "TERM": "xterm-256color",
    }
    run_cli("config", "set", "check_in", "false")
    for how in ("SIGHUP", "SIGTERM", "closed"):
        sock = ["tmux", "-L", f"lost-{os.getpid()}-{how}"]
        exports = " ".join(f"{k}='{v}'" for k, v in env.items())
        status = tmp_path / f"status-{how}"
        command = f"env {exports} {sys.executable} -m player play {long_script}; echo $? > {status}"
        subprocess.run([*sock, "new-session", "-d", "-x", "100", "-y", "30", command], check=True)
        try:
            deadline = time.monotonic() + 60
            while "Line 1" not in subprocess.run([*sock, "capture-pane", "-p"], capture_output=True, text=True).stdout:
                assert time.monotonic() < deadline, "the practice never started"
                time.sleep(0.2)
            pid = next(
                int(p)
                for p in subprocess.run(
                    ["pgrep", "-f", f"player play {long_script}"], capture_output=True, text=True
                ).stdout.split()
                if Path(f"/proc/{p}/cmdline").read_bytes().startswith(sys.executable.encode())
            )
            time.sleep(2)
            began = time.monotonic()
            if how == "closed":
                subprocess.run([*sock, "kill-server"], check=True)
            else:
                os.kill(pid, getattr(signal, how))
            while _running(pid):
                shown = subprocess.run([*sock, "capture-pane", "-p"], capture_output=True, text=True).stdout
                assert time.monotonic() - began < 5, f"the app did not exit after {how}: {shown}"
                time.sleep(0.01)
            took = time.monotonic() - began
            assert took < 3.0, (how, took)  # the session is kept (a synced commit) within the 3 s bound
            if how != "closed":
                deadline = time.monotonic() + 5
                while not status.exists() and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert status.read_text().strip() == str(128 + getattr(signal, how))
        finally:
            subprocess.run([*sock, "kill-server"], capture_output=True)
    rows = history()
    assert len(rows) == 3 and all(r["listened_s"] > 2 and "in_progress" not in r for r in rows)


def _running(pid: int) -> bool:
    """Alive and not a zombie (a process whose parent died stays a zombie until it is reaped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


# -- inputs at the edges: exit 2, one clear line, nothing written, nothing stored --------------------------
def _refused(r: subprocess.CompletedProcess, *words: str) -> None:
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "Traceback" not in r.stderr and "error:" in r.stderr, r.stderr
    for word in words:
        assert word in r.stderr, r.stderr


@pytest.mark.parametrize("listened", ["nan", "-50", "inf"])
def test_a_listened_time_that_is_not_a_time_is_refused(home, listened):
    r = run_cli("record", "soothing-touch", "--partial", "--listened", listened)
    _refused(r, "is not a number of seconds")
    assert history() == []


@pytest.mark.parametrize(
    "args",
    [
        ("stats", "--today", "0001-01-01"),
        ("rest", "9999-12-31"),
        ("record", "soothing-touch", "--at", "0001-01-01T00:00:00+14:00"),
        ("history", "--since", "1970-12-31"),
    ],
)
def test_dates_outside_the_years_the_app_keeps_are_refused_with_the_range_named(home, args):
    _refused(run_cli(*args), "1971-01-01 to 9998-12-31")
    assert not (home / "progress.db").exists()


def test_an_imported_date_outside_the_range_is_refused(home, tmp_path):
    doc = {
        "format": "compassion-player/sessions",
        "version": 2,
        "sessions": [{"exercise_id": "safe-place", "started_at": "0001-01-01T00:00:00+14:00", "duration_s": 60,
                      "listened_s": 60}],
    }  # fmt: skip
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc))
    _refused(run_cli("import", str(path)), "1971-01-01 to 9998-12-31", "nothing was imported")
    assert history() == []


def test_a_script_longer_than_a_day_is_refused_before_anything_is_written(home, tmp_path):
    script = tmp_path / "days.toml"
    script.write_text('title = "Long pauses"\n' + '[[step]]\nsay = "Rest."\npause = 3600\n' * 30)
    out = tmp_path / "out"
    out.mkdir()
    r = run_cli("render", str(script), "-o", str(out / "days.wav"))
    _refused(r, f"{script}:1:", "at most 24 hours")
    assert list(out.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("render", "soothing-touch", "-o", "x.aiff"), ("does not make .aiff files", ".wav, .mp3, .ogg, .flac")),
        (("render", "week:1", "--single-file", "-o", "w1.flac"), (".m4b", "not .flac")),
        (("render", "week:1", "-o", "w1.flac"), ("folder of files",)),
        (("timer", "5", "-o", "sit.aiff"), ("does not make .aiff files",)),
    ],
)
def test_a_file_name_the_app_cannot_write_is_refused_before_any_work(home, tmp_path, args, words):
    r = run_cli(*args, cwd=tmp_path)
    _refused(r, *words)
    assert list(tmp_path.iterdir()) == [] or all(p.name in ("config", "data", "state") for p in tmp_path.iterdir())


def test_the_command_line_timer_keeps_its_own_defaults(home):
    _refused(run_cli("timer", "5", "--every", "10", "--no-audio", "--no-tui"), "does not fit")
    assert not (home.parent / "config" / "config.toml").exists()  # nothing was saved before the check
    r = run_cli("timer", "0.2", "--no-audio", "--plain", timeout=60)  # no --every: no bells between
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["Opening bell", "Closing bell"]


def test_a_rest_day_on_a_day_already_practised_is_kindly_refused(home):
    assert run_cli("record", "soothing-touch", "--at", "2026-11-23T08:00:00+01:00").returncode == 0
    _refused(run_cli("rest", "2026-11-23"), "already counts as a practice day")
    assert json.loads(run_cli("stats", "--json").stdout)["rest_days"] == []


@pytest.mark.parametrize(("signame", "status"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_render_stopped_by_a_signal_leaves_no_half_written_file(home, tmp_path, blocking_ffmpeg, signame, status):
    from tests.conftest import interrupt_render

    env, ready = blocking_ffmpeg
    out = tmp_path / "out"
    out.mkdir()
    code, err = interrupt_render(
        ["render", "soothing-touch", "-o", str(out / "t.mp3")], env, ready, out, getattr(signal, signame)
    )
    assert code == status, err
    assert list(out.iterdir()) == [] and "Traceback" not in err
