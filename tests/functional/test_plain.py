"""Plain mode, for screen readers and logs: each caption once, on its own line, as it is spoken."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

SCRIPT = """title = "Plain"
kind = "informal"
[[step]]
say = "Here is the first line."
pause = 3
[[step]]
say = "Here is a line with a comma, and more."
pause = 0.5
[[step]]
say = "And the last line."
"""
LINES = ["Here is the first line.", "Here is a line with a comma, and more.", "And the last line."]


@pytest.fixture
def script(home, tmp_path):
    path = tmp_path / "plain.toml"
    path.write_text(SCRIPT)
    return path


def test_when_output_is_not_a_terminal_stdout_is_exactly_the_captions_in_order(script, cli):
    r = cli("play", str(script), "--no-tui", "--no-audio", timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "".join(f"{line}\n" for line in LINES)  # no progress line, no carriage return, no escapes
    assert "Plain" in r.stderr and "Finished" in r.stderr and "\x1b" not in r.stderr


def test_times_and_announced_pauses(script, cli):
    r = cli("play", str(script), "--plain", "--times", "--announce-pauses", "--no-audio", timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 4  # the half-second pause is not announced
    stamps = [re.fullmatch(r"\[(\d+):(\d\d)\] (.*)", line) for line in lines]
    assert [m.group(3) for m in stamps] == [LINES[0], "pause, 3 seconds", *LINES[1:]]  # every line timed
    seconds = [int(m.group(1)) * 60 + int(m.group(2)) for m in stamps]
    assert (
        seconds[0] <= 1 and seconds[0] <= seconds[1] < seconds[2] and 4 <= seconds[2] <= 6 and seconds[3] > seconds[2]
    )


def run_on_a_terminal(args: list[str], env: dict) -> tuple[int, bytes]:
    """Run with stdout and stderr on a pseudo-terminal, as in a real terminal; return everything written."""
    main, side = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "player", *args],
        stdin=subprocess.DEVNULL,
        stdout=side,
        stderr=side,
        env={**os.environ, **env},
        start_new_session=True,
    )
    os.close(side)
    out = bytearray()
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the other side closed
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    return proc.wait(timeout=60), bytes(out)


@pytest.mark.parametrize(
    "how", [(["--plain"], {"TERM": "xterm-256color"}), ([], {"TERM": "dumb"})], ids=["--plain", "TERM=dumb"]
)
def test_on_a_terminal_plain_mode_never_redraws_or_colours(script, how):
    extra, env = how
    code, out = run_on_a_terminal(["play", str(script), "--no-audio", *extra], env)
    assert code == 0, out
    assert b"\x1b" not in out  # no colour, no cursor movement: not the app, not a progress bar
    assert not re.search(rb"\r(?!\n)", out)  # nothing written over (the terminal's own \r\n is fine)
    text = out.decode().replace("\r\n", "\n")
    assert [line for line in text.splitlines() if line in LINES] == LINES
    assert "[====" not in text


def test_no_color_turns_the_app_monochrome(home, monkeypatch):
    from textual.filter import Monochrome

    from player.app import context
    from player.tui.app import CompassionApp

    monkeypatch.setenv("NO_COLOR", "1")
    app = CompassionApp(context.open_context(home))
    assert any(isinstance(f, Monochrome) for f in app._filters)


def test_the_header_gives_the_length_as_the_lists_do(script, cli):
    shown = next(line for line in cli("info", str(script)).stdout.splitlines() if "length:" in line)
    length = shown.split("length:")[1].split("(")[0].strip()  # "less than a minute", as `list` words it
    r = cli("play", str(script), "--no-tui", "--no-audio", timeout=60)
    assert r.returncode == 0, r.stderr
    assert f"({length})" in r.stderr and "(0:" not in r.stderr  # not "(0:09)" beside "less than a minute"
