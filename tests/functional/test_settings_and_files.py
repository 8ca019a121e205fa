"""Settings, imports, course files and output details that a user depends on without thinking about them."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import mutagen
import pytest

from tests import audiocheck as ac
from tests.conftest import REPO, run_cli


@pytest.mark.parametrize("value", ["en\nus", "en\r", "x\x1b[31my", "a" * 101])
def test_a_setting_that_would_break_the_file_is_refused_and_every_command_still_works(home, value):
    r = run_cli("config", "set", "voice", value)
    assert r.returncode == 2 and "voice must be a voice id on one line" in r.stderr
    for args in (("config", "list"), ("stats", "--json")):
        assert run_cli(*args).returncode == 0


def test_settings_with_quotes_and_backslashes_round_trip(home, tmp_path):
    odd = 'gmw/en-GB "x" \\ y'
    assert run_cli("config", "set", "voice", odd).returncode == 0
    assert run_cli("config", "get", "voice").stdout.strip() == odd
    text = (tmp_path / "config" / "config.toml").read_text()
    assert tomllib.loads(text)["voice"] == odd
    assert "# default voice id" in text  # still explained for people who edit it by hand


def test_a_course_file_with_a_malformed_week_gets_a_located_error(home, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    (course / "course.toml").write_text('title = "C"\n\nweek = 3\n')
    r = run_cli("list", env={"COMPASSION_COURSE_DIR": str(course)})
    assert r.returncode == 2, r.stderr
    assert f"{course / 'course.toml'}:3: error: each week must be written as a [[week]] table" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "bad",
    [
        {"mood_before": 99},
        {"duration_s": -5},
        {"started_at": "2026-11-20T08:00:00"},
        {"exercise_id": ""},
        {"week": "three"},
        {"listened_s": "nan"},
    ],
)
def test_import_checks_every_field_even_under_python_optimise(home, tmp_path, bad):
    good = {
        "exercise_id": "safe-place",
        "started_at": "2026-11-20T08:00:00+01:00",
        "duration_s": 600,
        "listened_s": 600,
        "week": 2,
        "mood_before": 5,
        "mood_after": 6,
    }
    doc = {"format": "compassion-player/sessions", "version": 1, "sessions": [good, {**good, **bad}]}
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(doc))
    # -O removes assert statements: the checks must not be asserts
    r = subprocess.run([sys.executable, "-O", "-m", "player", "import", str(path)], capture_output=True, text=True)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "session 2 is incomplete or invalid" in r.stderr and "nothing was imported" in r.stderr
    assert json.loads(run_cli("history", "--json").stdout) == []


def test_minutes_beyond_a_day_names_the_real_limit(home):
    r = run_cli("render", "safe-place", "--minutes", "2000")
    assert r.returncode == 2
    assert "more than a day; the most is 1440" in r.stderr and "must be more than 0" not in r.stderr


def test_tags_hold_any_title_exactly(home, tmp_path):
    title = 'Breath; = & "quotes" — ünïcode'
    script = tmp_path / "odd.toml"
    script.write_text(f'title = {json.dumps(title)}\n[[step]]\nsay = "Hello."\n')
    for fmt in ("mp3", "ogg", "flac"):
        out = tmp_path / f"odd.{fmt}"
        r = run_cli("render", str(script), "-o", str(out))
        assert r.returncode == 0, r.stderr
        tags = mutagen.File(str(out), easy=True)
        assert tags["title"] == [title] and tags["album"] == ["My scripts"], fmt


def test_the_closing_bell_rings_out_whole(home, tmp_path):
    script = tmp_path / "bell.toml"
    script.write_text('title = "B"\n[[step]]\nsay = "Rest now."\npause = 1\n[[step]]\nbell = "bowl"\n')
    out = tmp_path / "bell.wav"
    assert run_cli("render", str(script), "-o", str(out)).returncode == 0
    samples, rate = ac.read_wav(out)
    bell, bell_rate = ac.read_wav(REPO / "audio" / "bowl.wav")
    assert bell_rate == rate
    end = len(samples)
    # the file ends with the whole bell followed by silence: its last samples are the bell's own
    start = next(i for i in range(end - len(bell), 0, -1) if (samples[i : i + len(bell)] == bell).all())
    assert (samples[start + len(bell) :] == 0).all()
    assert (end - start - len(bell)) / rate <= 1.0
