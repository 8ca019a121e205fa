"""The unguided timer: bells on their times to the sample, and a timer counts like any practice."""

from __future__ import annotations

import json
import wave

import mutagen
import pytest

from tests import audiocheck as ac
from tests.conftest import run_cli


def bell_onsets(path, rate=22050):
    samples = ac.decode(path, rate) if path.suffix != ".wav" else ac.read_wav(path)[0]
    return samples, [run.start for run in ac.sounds(samples, rate, min_gap=1.0)]


def test_a_rendered_timer_rings_each_bell_on_its_time_and_ends_as_the_last_rings_out(home, tmp_path):
    out = tmp_path / "timer.wav"
    r = run_cli("timer", "3", "--every", "1", "--bell", "chime", "--prepare", "5", "-o", str(out))
    assert r.returncode == 0, r.stderr
    samples, onsets = bell_onsets(out)
    assert onsets == pytest.approx([5.0, 65.0, 125.0, 185.0], abs=0.05)
    end = len(samples) / 22050
    assert 0 < end - ac.last_sound(samples, 22050) <= 1.0
    assert not out.with_suffix(".vtt").exists()  # no words, no captions


def test_interval_bells_that_would_meet_the_closing_bell_give_way_to_it(home, tmp_path):
    out = tmp_path / "t.mp3"
    assert run_cli("timer", "2", "--every", "1", "--bell", "bowl", "--prepare", "0", "-o", str(out)).returncode == 0
    _, onsets = bell_onsets(out)
    assert onsets == pytest.approx([0.0, 60.0, 120.0], abs=0.05)  # the second-minute bell is the closing bell
    tags = mutagen.File(str(out), easy=True)
    assert tags["title"] == ["Timer, 2 minutes, a bell every minute"] and tags["album"] == ["Timer"]


@pytest.mark.parametrize(
    "args,message",
    [
        (["2", "--every", "5"], "a bell every 5 minutes does not fit in a timer of 2 minutes"),
        (["2", "--bell", "gong"], "no bell called 'gong'"),
        (["2", "--prepare", "900"], "the quiet before the opening bell is a whole number of seconds from 0 to 600"),
        (["0"], "minutes must be more than 0"),
    ],
)
def test_a_timer_that_cannot_be_made_says_what_to_change(home, tmp_path, args, message):
    r = run_cli("timer", *args, "-o", str(tmp_path / "t.wav"))
    assert r.returncode == 2 and message in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "t.wav").exists()


def test_a_bell_longer_than_the_time_between_bells_is_refused(home, tmp_path):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    with wave.open(str(mine / "gong.wav"), "wb") as w:  # a 70-second sound of one's own
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x00\x10" * 22050 * 70)
    r = run_cli("timer", "5", "--every", "1", "--bell", "gong", "-o", str(tmp_path / "t.wav"))
    assert (
        r.returncode == 2 and "rings for 70 seconds" in r.stderr and "shorter bell, or bells further apart" in r.stderr
    )


def test_a_timer_session_counts_like_any_practice_and_leaves_the_apps_choices_alone(home):
    r = run_cli("timer", "0.1", "--prepare", "0", "--bell", "chime", "--no-tui", "--no-audio", timeout=60)
    assert r.returncode == 0, r.stderr
    assert "Opening bell" in r.stdout and "Closing bell" in r.stdout and "Finished" in r.stderr
    rows = json.loads(run_cli("history", "--json").stdout)
    assert [(s["exercise_id"], s["completed"], s["week"]) for s in rows] == [("timer", True, None)]
    stats = json.loads(run_cli("stats", "--json").stdout)
    assert stats["practice_days"] == 1 and stats["current_streak"] == 1 and stats["total_sessions"] == 1
    # the command line's timer has its own flags and defaults: the app's remembered choices are its own
    assert run_cli("config", "get", "timer_bell").stdout.strip() == "bowl"
    assert run_cli("config", "get", "timer_minutes").stdout.strip() == "10.0"
