"""Shared fixtures: every test gets its own data, config and cache folders unless it shares the speech cache."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from player.adapters import clock

REPO = Path(__file__).resolve().parent.parent

# Tests press Ctrl-C (SIGINT) as a terminal does for a job in the foreground. When the suite itself was
# started in the background (`make test &`, some CI runners) SIGINT arrives ignored, and an ignored signal
# stays ignored in every program started from here: Ctrl-C would then be tested against a process that
# cannot hear it. Give this process (and so its children) the normal disposition back.
signal.signal(signal.SIGINT, signal.default_int_handler)
EXAMPLE = REPO / "scripts" / "examples" / "soothing-breath.toml"

#: The moment every test's app clock is set to (it runs on from there), never the real date: a Tuesday
#: at noon, in UTC+1. Tests that need another moment set their own.
NOW = datetime(2026, 11, 24, 12, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory) -> Path:
    """One speech cache for tests that do not test caching itself (shared by xdist workers)."""
    root = tmp_path_factory.getbasetemp().parent / "shared-speech-cache"
    root.mkdir(exist_ok=True)
    return root


@pytest.fixture
def home(tmp_path, monkeypatch, shared_cache) -> Path:
    """Isolated data/config folders for the app; the shared speech cache."""
    data = tmp_path / "data"
    monkeypatch.setenv("COMPASSION_DATA_DIR", str(data))
    monkeypatch.setenv("COMPASSION_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("COMPASSION_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setenv("COMPASSION_CACHE_DIR", str(shared_cache))
    monkeypatch.setenv("COMPASSION_ENGINE", "pyttsx3")
    monkeypatch.setenv("COMPASSION_TEST_NOW", clock.setting(NOW, time.time()))
    monkeypatch.delenv("COMPASSION_COURSE_DIR", raising=False)
    return data


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch, home) -> Path:
    """An empty speech cache of this test's own."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPASSION_CACHE_DIR", str(cache))
    return cache


def run_cli(*args: str, env: dict | None = None, cwd: Path | None = None, timeout: float = 120, **kw):
    """Run `python -m player ARGS` as a user would, in a subprocess."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "player", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=timeout,
        **kw,
    )


@pytest.fixture
def cli():
    return run_cli


STAND_IN_FFMPEG = """#!/bin/sh
# A stand-in for ffmpeg: says that encoding has begun, then blocks like a very long encode.
touch "{ready}"
exec sleep 600
"""


@pytest.fixture
def blocking_ffmpeg(tmp_path):
    """(env, ready file): with this env, `ffmpeg` is a stand-in that creates the ready file, then blocks.

    A render waiting on it is provably in the middle of writing its output, whatever the machine's speed.
    """
    bin_dir = tmp_path / "stand-in-bin"
    bin_dir.mkdir()
    ready = tmp_path / "ffmpeg-is-running"
    exe = bin_dir / "ffmpeg"
    exe.write_text(STAND_IN_FFMPEG.format(ready=ready))
    exe.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return env, ready


def wait_for_file(path: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    """Wait until `path` exists; fail at once if `proc` ends first (a generous timeout is only a backstop)."""
    import time

    end = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            raise AssertionError(f"the process ended (status {proc.returncode}) before {path.name} appeared")
        if time.monotonic() > end:
            raise AssertionError(f"{path.name} never appeared")
        time.sleep(0.01)


def interrupt_render(
    args: list[str], env: dict, ready: Path, out_dir: Path, signum: int = signal.SIGINT
) -> tuple[int, str]:
    """Run `compassion ARGS` with the stand-in ffmpeg; once it is provably writing into `out_dir`, press
    Ctrl-C (SIGINT to the whole process group, as a terminal sends it), or send `signum` the same way.
    Returns (exit status, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "player", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        wait_for_file(ready, proc)
        assert [p.name for p in out_dir.iterdir() if p.name.endswith(".part")], "the render is writing"
        os.killpg(proc.pid, signum)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode, err
