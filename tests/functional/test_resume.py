"""Continuing a stopped session from the terminal: both parts add up to one session, each moment once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from player.core.session import merge

SCRIPT = """title = "Two halves"
kind = "informal"
[[step]]
say = "The first half begins."
pause = 8
[[step]]
say = "The second half begins."
pause = 2
[[step]]
say = "{last}"
"""


def test_merging_heard_stretches_counts_each_moment_once():
    assert merge([(5.0, 9.0), (0.0, 6.0), (20.0, 21.0)]) == [(0.0, 9.0), (20.0, 21.0)]
    assert merge([(0, 10), (2, 3), (10, 12)]) == [(0, 12)]  # inside, and touching
    assert merge([(3, 3), (4, 2)]) == []  # nothing heard
    assert merge([]) == []


def history(cli) -> list[dict]:
    out = cli("history", "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def play_then_interrupt(path, *extra: str, wait_for: str, then: float) -> subprocess.CompletedProcess:
    """Play in the terminal; once `wait_for` has been printed (playing, provably), wait `then` s and press Ctrl-C."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "player", "play", str(path), "--no-tui", "--no-audio", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    seen = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if wait_for in line:
                break
        else:
            raise AssertionError(f"never printed {wait_for!r}: {''.join(seen)} {proc.stderr.read()}")
        time.sleep(then)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "".join(seen) + out, err)


def test_play_resume_continues_where_it_stopped_and_the_parts_make_one_completed_session(home, tmp_path, cli):
    path = tmp_path / "two-halves.toml"
    path.write_text(SCRIPT.format(last="The end."))
    first = play_then_interrupt(path, wait_for="The first half begins.", then=6.0)
    assert first.returncode == 130, first.stderr  # stopped with Ctrl-C
    assert "this session has been kept" in first.stderr
    [part1] = history(cli)
    assert not part1["completed"] and 6.0 <= part1["position_s"] <= 8.5
    assert part1["listened_s"] == pytest.approx(part1["position_s"], abs=0.3)

    second = cli("play", str(path), "--no-tui", "--no-audio", "--resume", timeout=120)
    assert second.returncode == 0, second.stderr
    stopped_at = int(part1["position_s"])
    assert f"Continuing from 0:{stopped_at:02d}" in second.stderr
    assert "The first half begins." not in second.stdout  # already heard: not played again
    assert second.stdout.splitlines() == ["The second half begins.", "The end."]
    assert "counts towards your week" in second.stderr
    first_row, part2 = history(cli)
    assert first_row["started_at"] == part1["started_at"]  # the first part's listening is kept as it was
    assert part2["resumes_started_at"] == part1["started_at"]
    assert part2["completed"]
    # the two parts add up to the whole session: each moment once
    assert part2["listened_s"] == pytest.approx(part2["duration_s"], abs=0.5)
    assert part2["part_s"] == pytest.approx(part2["duration_s"] - part1["position_s"], abs=0.5)
    stats = json.loads(cli("stats", "--json").stdout)
    assert stats["total_sessions"] == 1 and stats["partial_sessions"] == 0

    # nothing left to continue now: it says so and starts from the beginning
    again = play_then_interrupt(path, "--resume", wait_for="The first half begins.", then=0.5)
    assert "no part of" in again.stderr and "to continue" in again.stderr


def test_a_changed_script_is_not_continued_it_starts_again_and_says_why(home, tmp_path, cli):
    path = tmp_path / "two-halves.toml"
    path.write_text(SCRIPT.format(last="The end."))
    play_then_interrupt(path, wait_for="The first half begins.", then=6.0)
    path.write_text(SCRIPT.format(last="And that is all."))
    changed = play_then_interrupt(path, "--resume", wait_for="The first half begins.", then=1.5)
    assert "has changed since you stopped" in changed.stderr
    assert "Continuing from" not in changed.stderr
    rows = history(cli)
    assert len(rows) == 2 and rows[1]["resumes_started_at"] is None and not rows[1]["completed"]


def test_resume_of_a_part_recorded_by_hand_says_why_it_starts_from_the_beginning(home, tmp_path, cli):
    r = cli("record", "pocket-practice", "--partial", "--listened", "30")
    assert r.returncode == 0, r.stderr
    import subprocess
    import sys

    proc = subprocess.Popen(
        [sys.executable, "-m", "player", "play", "pocket-practice", "--resume", "--no-tui", "--no-audio"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stderr is not None
        said = proc.stderr.readline()  # said before anything plays
    finally:
        proc.kill()
        proc.wait()
    assert "recorded with `compassion record` has no place to continue from" in said
