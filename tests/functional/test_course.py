"""The built-in course: every script valid and well written for speech, lengths as listed, weeks renderable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import mutagen
import pytest

from player.adapters.catalog import Catalog
from player.core.script.model import Bell, Say, spoken_text
from player.core.script.parse import parse_script
from tests import audiocheck as ac
from tests.conftest import REPO

SCRIPTS = REPO / "scripts"
COURSE_FILES = sorted(SCRIPTS.glob("week*/*.toml"))
KIND_MINUTES = {"core": (10, 20), "short": (3, 5), "informal": (1, 3)}


@pytest.fixture(scope="module")
def course():
    return Catalog(Path("/nonexistent-data")).course


def _says(script):
    out = []

    def walk(steps):
        for s in steps:
            if isinstance(s, Say):
                out.append(spoken_text(s.text))
            elif hasattr(s, "steps"):
                walk(s.steps)

    walk(script.steps)
    return out


def test_eight_weeks_in_order_with_the_three_kinds(course):
    assert [w.number for w in course.weeks] == list(range(1, 9))
    themes = " ".join(w.theme.lower() for w in course.weeks)
    for word in (
        "soothing breath",
        "mindfulness",
        "kindness",
        "compassionate self",
        "inner critic",
        "difficult emotions",
        "relationships",
        "embracing",
    ):
        assert word in themes
    all_ids = [ex for w in course.weeks for ex in w.practices]
    assert len(all_ids) == len(set(all_ids)) == len(COURSE_FILES)
    assert course.week(4).extras == ("hearing-your-letter",)  # an extra: week 4 is finished without it
    assert "hearing-your-letter" not in course.week(4).exercises
    for week in course.weeks:
        kinds = {
            parse_script(p, p.read_bytes()).kind for p in (course.script_path(week.number, ex) for ex in week.exercises)
        }
        assert {"core", "short", "informal"} <= kinds, week.number
        assert 1 <= week.goal_days <= 7


@pytest.mark.parametrize("path", COURSE_FILES, ids=[p.stem for p in COURSE_FILES])
def test_script_validates_and_reads_well_aloud(path):
    script = Catalog(Path("/nonexistent-data")).load_path(path)
    assert script.kind in KIND_MINUTES
    for text in _says(script):
        assert not re.search(r"\d", text), text
        assert not re.search(r"[()\[\]{}/;:…—–]|\.\.\.|\b(e\.g|i\.e|etc)\b", text), text
        assert not re.search(r"\b(should|must)\b", text, re.I), text
        for sentence in re.split(r"(?<=[.?!])\s+", text):
            assert len(sentence.split()) <= 25, sentence
    if script.kind == "core":
        assert isinstance(script.steps[0], Bell) and isinstance(script.steps[-1], Bell)
        said = " ".join(_says(script)).lower()
        assert "stop" in said and ("too much" in said or "difficult" in said), "core practices carry the safety line"


def test_list_json_shape_and_ranges_match_each_kind(home, cli):
    r = cli("list", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert set(data) == {"title", "weeks", "my_scripts"}
    assert len(data["weeks"]) == 8
    for week in data["weeks"]:
        assert set(week) == {"number", "theme", "intention", "goal_days", "exercises"}
        for ex in week["exercises"]:
            assert set(ex) - {"extra"} == {"id", "title", "kind", "min_minutes", "max_minutes", "exact"}
            lo, hi = KIND_MINUTES[ex["kind"]]
            assert lo - 0.5 <= ex["min_minutes"] <= ex["max_minutes"] <= hi + 0.5, ex
            if ex["kind"] == "core":
                assert ex["max_minutes"] - ex["min_minutes"] >= 8, ex


@pytest.mark.parametrize("exercise", ["safe-place", "finding-your-phrases", "pocket-practice"])
def test_render_at_both_ends_of_the_listed_range(home, tmp_path, cli, exercise):
    listing = json.loads(cli("list", "--json").stdout)
    ex = next(e for w in listing["weeks"] for e in w["exercises"] if e["id"] == exercise)
    fixed = json.loads(cli("info", exercise, "--json").stdout)["duration_seconds"]["min"]
    for minutes in {ex["min_minutes"], ex["max_minutes"]}:
        out = tmp_path / f"{exercise}-{minutes}.wav"
        r = cli("render", exercise, "-o", str(out), "--minutes", str(minutes))
        assert r.returncode == 0, r.stderr
        samples, rate = ac.read_wav(out)
        # a fixed length is listed to a tenth of a minute, and renders at its own length
        expected = fixed if ex["min_minutes"] == ex["max_minutes"] else minutes * 60
        assert len(samples) / rate == pytest.approx(expected, abs=1.0)


@pytest.mark.slow
@pytest.mark.parametrize("path", COURSE_FILES, ids=[p.stem for p in COURSE_FILES])
def test_every_exercise_renders_at_both_ends(home, tmp_path, cli, path):
    info = json.loads(cli("info", path.stem, "--json").stdout)
    for minutes in {info["min_minutes"], info["max_minutes"]}:
        out = tmp_path / "x.wav"
        assert cli("render", path.stem, "-o", str(out), "--minutes", str(minutes)).returncode == 0
        samples, rate = ac.read_wav(out)
        assert len(samples) / rate == pytest.approx(minutes * 60, abs=1.0)


def test_render_week_gives_numbered_tagged_files_captions_and_a_playlist(home, tmp_path, cli):
    out = tmp_path / "week1"
    r = cli("render", "week:1", "-o", str(out), "--format", "mp3")
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == [
        "01 - Soothing Rhythm Breathing.mp3",
        "01 - Soothing Rhythm Breathing.vtt",
        "02 - Three Systems Check-In.mp3",
        "02 - Three Systems Check-In.vtt",
        "03 - Soothing Touch.mp3",
        "03 - Soothing Touch.vtt",
        "Week 1 - Soothing breath and the three systems.m3u",
    ]
    playlist = (out / "Week 1 - Soothing breath and the three systems.m3u").read_text().splitlines()
    assert playlist[0] == "#EXTM3U"
    listed = [line for line in playlist if not line.startswith("#")]
    assert listed == [n for n in names if n.endswith(".mp3")]
    for track, name in enumerate(listed, 1):
        tags = mutagen.File(str(out / name), easy=True)
        assert tags["album"] == ["Eight Weeks of Compassionate Mind - Week 1: Soothing breath and the three systems"]
        assert tags["tracknumber"] == [f"{track}/3"]
        assert (out / name).stat().st_mode & 0o044 == 0o044  # readable by the phone-sync tool, not private
    again = cli("render", "week:1", "-o", str(out), "--format", "mp3")
    assert again.returncode == 0
    assert "3 file(s) already up to date, skipped" in again.stderr
    # a different length is different audio, so it is rendered again
    longer = cli("render", "week:1", "-o", str(out), "--format", "mp3", "--minutes", "15")
    assert "01 - Soothing Rhythm Breathing.mp3" in longer.stdout


def test_exercise_ids_work_everywhere_and_unknown_ids_suggest(home, tmp_path, cli):
    r = cli("info", "safe-plase")
    assert r.returncode == 2
    assert "no exercise 'safe-plase'" in r.stderr and "'safe-place'" in r.stderr
    r = cli("render", "xyzzy", "-o", str(tmp_path / "x.wav"))
    assert r.returncode == 2 and "no exercise 'xyzzy'" in r.stderr
    assert not (tmp_path / "x.wav").exists()
    r = cli("render", "week:9", "-o", str(tmp_path / "w9"))
    assert r.returncode == 2 and "there is no week 9" in r.stderr


def test_my_scripts_are_listed_and_a_broken_one_is_reported_not_fatal(home, cli):
    mine = home / "scripts"
    mine.mkdir(parents=True)
    (mine / "evening.toml").write_text(
        'title = "Evening"\nkind = "short"\n[[step]]\nsay = "Good evening."\npause = [5, 60]\n[[step]]\nsay = "Good night."\n'
    )
    (mine / "broken.toml").write_text('title = "Broken"\n[[step]]\nsay = ""\n')
    r = cli("list", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    by_id = {m["id"]: m for m in data["my_scripts"]}
    evening = by_id["mine:evening"]
    assert evening["title"] == "Evening" and evening["max_minutes"] > evening["min_minutes"]
    assert "broken.toml:3: error: say in step 1 is empty" in by_id["mine:broken"]["error"]
    text = cli("list").stdout
    assert "My scripts" in text and "broken" in text and "cannot be used" in text
    assert cli("render", "evening", "-o", str(home / "e.wav")).returncode == 0
