"""The real app in a real terminal (tmux), driven with keys as a person would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not shutil.which("tmux"), reason="needs tmux")


class Terminal:
    def __init__(self, name: str, command: str, env: dict) -> None:
        self.sock = ["tmux", "-L", name]
        exports = " ".join(f"{k}='{v}'" for k, v in env.items())
        subprocess.run(
            self.sock
            + ["new-session", "-d", "-x", "100", "-y", "30", f"env {exports} {command}; echo EXITED $?; sleep 30"],
            check=True,
        )

    def screen(self) -> str:
        return subprocess.run(self.sock + ["capture-pane", "-p"], capture_output=True, text=True).stdout

    def keys(self, *keys: str) -> None:
        for k in keys:
            subprocess.run(self.sock + ["send-keys", k], check=True)
            time.sleep(0.15)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        end = time.time() + timeout
        while time.time() < end:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{self.screen()}")

    def close(self) -> None:
        subprocess.run(self.sock + ["kill-server"], capture_output=True)


def _env(home, tmp_path) -> dict:
    return {
        "COMPASSION_DATA_DIR": str(home),
        "COMPASSION_CONFIG_DIR": str(tmp_path / "config"),
        "COMPASSION_CACHE_DIR": os.environ["COMPASSION_CACHE_DIR"],
        "COMPASSION_ENGINE": "pyttsx3",
        "COMPASSION_TEST_NOW": os.environ["COMPASSION_TEST_NOW"],  # tmux runs commands in its own environment
        "HOME": str(tmp_path),
        "XDG_RUNTIME_DIR": str(tmp_path),
        "TERM": "xterm-256color",
    }


def test_a_person_opens_the_app_plays_a_practice_and_quits(home, tmp_path):
    env = _env(home, tmp_path)
    term = Terminal(f"compassion-{os.getpid()}", f"{sys.executable} -m player", env)
    try:
        shown = term.wait_for("Eight Weeks of Compassionate Mind")
        assert "self-help, not therapy" in shown and "Week 1  Soothing breath" in shown
        term.keys("d")
        term.keys("Enter")
        term.wait_for("Slow the body down")
        term.keys("Down", "Down", "Enter")  # Soothing Touch: a fixed length, so it starts after the check-in
        term.wait_for("A quick check-in")
        term.keys("7")
        shown = term.wait_for("no audio device found: playing silently")
        assert "Soothing Touch" in shown and "playing" in shown
        term.wait_for("This is a short practice you can use anywhere")
        time.sleep(1.5)
        term.keys("Space")
        term.wait_for("paused")
        term.keys("Escape")
        term.wait_for("Slow the body down")
        term.keys("Escape", "q")
        term.wait_for("EXITED 0")
    finally:
        term.close()
    history = subprocess.run(
        [sys.executable, "-m", "player", "history", "--json"],
        capture_output=True,
        text=True,
        env=dict(os.environ, COMPASSION_DATA_DIR=str(home)),
    )
    assert '"exercise_id": "soothing-touch"' in history.stdout and '"mood_before": 7' in history.stdout
    assert (home / ".notice-dismissed").exists()


def test_enter_on_the_closing_screen_does_what_it_says(home, tmp_path):
    env = _env(home, tmp_path)
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "config.toml").write_text("check_in = false\n")
    (home / "scripts").mkdir(parents=True)
    (home / "scripts" / "tiny.toml").write_text('title = "Tiny"\n[[step]]\nsay = "Hello."\npause = 0.5\n')
    term = Terminal(f"compassion-close-{os.getpid()}", f"{sys.executable} -m player play tiny", env)
    try:
        shown = term.wait_for("Enter chooses the highlighted button, or Escape to go back")
        assert "Next: Soothing Rhythm Breathing" in shown and "Back" in shown
        end = time.time() + 10.0
        while ("Pause" in shown or "Stop" in shown) and time.time() < end:
            time.sleep(0.1)
            shown = term.screen()
        assert "Pause" not in shown and "Stop" not in shown  # the footer offers only what works now
        term.keys("Enter")  # the highlighted button: the week's next practice
        shown = term.wait_for("How long would you like to practise?")  # its lengths are offered
        assert "Soothing Rhythm Breathing" in shown
        term.keys("Escape")
        term.keys("C-q")
        term.wait_for("EXITED 0")
    finally:
        term.close()


def test_what_play_has_to_say_before_the_app_opens_is_said_in_the_app(home, tmp_path):
    """`play X --resume` in a folder others can enter, with nothing to continue: both lines are shown in
    the app, where they can be read, instead of being printed just before the app covers the terminal."""
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    env = dict(_env(home, tmp_path), COMPASSION_DATA_DIR=str(shared))
    made = subprocess.run(
        [sys.executable, "-m", "player", "phrases", "set", "May I rest."], env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stderr
    (shared / ".open-folder-noted").unlink()  # a progress file from before the note: not yet said
    term = Terminal(f"compassion-{os.getpid()}", f"{sys.executable} -m player play soothing-touch --resume", env)
    try:
        term.wait_for("A quick check-in")
        term.wait_for("there is no part of soothing-touch")
        term.wait_for("other people on this")
        term.keys("s")
        term.wait_for("This is a short practice you can use anywhere")
    finally:
        term.close()
    assert (shared / ".open-folder-noted").exists()  # said once, and not again


def test_a_client_installs_a_course_pack_and_follows_it_from_the_courses_screen(home, tmp_path):
    from tests.conftest import REPO, run_cli

    env = _env(home, tmp_path)
    r = run_cli("pack", "install", str(REPO / "examples" / "packs" / "gentle-start"), env=env)
    assert r.returncode == 0, r.stderr
    term = Terminal(f"compassion-packs-{os.getpid()}", f"{sys.executable} -m player", env)
    try:
        term.wait_for("Eight Weeks of Compassionate Mind")
        term.keys("d", "c")
        shown = term.wait_for("A Gentle Start (1.0.0, by compassion-player)")
        assert "● Eight Weeks of Compassionate Mind (built in)" in shown, shown
        assert "nothing is ever" in shown and "from the person who made it" in shown, shown
        term.keys("Down", "Enter")
        shown = term.wait_for("You follow A Gentle Start now.")
        assert "Week 1  Settling" in shown and "Week 2  A warm wish" in shown
        term.keys("Enter")  # week 1 of the pack
        term.wait_for("Give yourself a few unhurried minutes")
        term.keys("Escape", "q")
        term.wait_for("EXITED 0")
    finally:
        term.close()
    assert "org.compassion-player.gentle-start" in (tmp_path / "config" / "config.toml").read_text()
