"""Every installed engine keeps the foundation's promises; ambience sits softly under the speech."""

from __future__ import annotations

import json
import re
import subprocess

import numpy as np
import pytest

from player.adapters.sound.captions import parse_vtt
from player.adapters.sound.loudness import TARGET_LUFS
from player.adapters.speech.engines import piper_installed
from tests import audiocheck as ac
from tests.conftest import run_cli

needs_piper = pytest.mark.skipif(not piper_installed(), reason="the neural extra is not installed")

SCRIPT = """
title = "Engines"
[[step]]
say = "Let the breath settle. Feel your feet on the floor."
pause = 2.5
[[step]]
say = "Notice the sounds around you. [pause 1.5] Then return to the breath."
pause = [3, 40]
[[step]]
say = "When you are ready, open your eyes."
"""

HIDE_NEURAL = """
import sys

class _Hide:
    def find_spec(self, name, path=None, target=None):
        if name == "piper" or name.startswith("piper.") or name.endswith("_piper_voice"):
            raise ModuleNotFoundError(name)
        return None
sys.meta_path.insert(0, _Hide())
"""


def lufs(path) -> float:
    out = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
        capture_output=True,
        text=True,
    ).stderr
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", out)[-1])


@pytest.mark.parametrize("engine", ["pyttsx3", pytest.param("piper", marks=needs_piper)])
def test_each_engine_has_exact_pauses_aligned_captions_and_the_same_loudness(home, tmp_path, engine):
    script = tmp_path / "engines.toml"
    script.write_text(SCRIPT)
    out = tmp_path / f"{engine}.wav"
    r = run_cli("render", str(script), "-o", str(out), "--engine", engine, "--minutes", "0.75")
    assert r.returncode == 0, r.stderr
    samples, rate = ac.read_wav(out)
    assert len(samples) / rate == pytest.approx(45, abs=1.0)
    cues = parse_vtt((tmp_path / f"{engine}.vtt").read_text())
    gaps = [round(b.start - a.end, 2) for a, b in zip(cues, cues[1:])]
    assert gaps[0] == pytest.approx(2.5, abs=0.1) and gaps[1] == pytest.approx(1.5, abs=0.1)
    heard = ac.sounds(samples, rate, min_gap=1.0)
    assert len(heard) == len(cues) == 4
    for cue, run in zip(cues, heard):
        assert cue.start == pytest.approx(run.start, abs=0.05)
    assert lufs(out) == pytest.approx(TARGET_LUFS, abs=1.0)
    assert np.abs(samples).max() < 32767 * 0.9  # nothing clips


@needs_piper
def test_auto_uses_the_neural_voice_and_the_cache_keeps_engines_apart(fresh_cache, tmp_path, monkeypatch):
    monkeypatch.delenv("COMPASSION_ENGINE")
    script = tmp_path / "s.toml"
    script.write_text(SCRIPT)
    r = run_cli("info", str(script), "--json")
    assert json.loads(r.stdout)["engine"] == "piper"
    for engine in ("piper", "pyttsx3"):
        assert run_cli("render", str(script), "-o", str(tmp_path / f"{engine}.wav"), "--engine", engine).returncode == 0
    entries = list((fresh_cache / "speech").rglob("*.wav"))
    assert len(entries) == 8  # four spoken segments per engine, none shared
    a, _ = ac.read_wav(tmp_path / "piper.wav")
    b, _ = ac.read_wav(tmp_path / "pyttsx3.wav")
    assert len(a) != len(b)


def test_auto_falls_back_to_pyttsx3_when_the_neural_extra_is_hidden(home, tmp_path, monkeypatch):
    monkeypatch.delenv("COMPASSION_ENGINE")
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(HIDE_NEURAL)
    env = {"PYTHONPATH": str(hide)}
    script = tmp_path / "s.toml"
    script.write_text(SCRIPT)
    r = run_cli("info", str(script), "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["engine"] == "pyttsx3"
    r = run_cli("render", str(script), "-o", str(tmp_path / "x.wav"), "--engine", "piper", env=env)
    assert r.returncode == 2 and "neural voice (piper) is not installed" in r.stderr
    voices = run_cli("voices", env=env)
    assert "pyttsx3" in voices.stdout and " piper " not in voices.stdout and "[neural]" in voices.stdout


@needs_piper
def test_voices_lists_every_engine(home):
    rows = json.loads(run_cli("voices", "--json").stdout)
    engines = {r["engine"] for r in rows}
    assert engines == {"pyttsx3", "piper"}
    joe = next(r for r in rows if r["id"] == "en_US-joe-medium")
    assert joe["language"] == "en_US" and joe["sample_rate"] == 22050
    assert [r["id"] for r in rows if r["default"]] == ["en_US-joe-medium"]  # the neural voice is the default
    shown = run_cli("voices", "--lang", "de").stdout.splitlines()
    assert shown[0] == "espeak-ng (pyttsx3): 1 voice" and "German" in shown[1] and len(shown) <= 3
    listed = run_cli("voices").stdout.splitlines()
    assert listed[0].startswith("Neural voice (piper)") and listed[1].rstrip().endswith("(default)")
    assert "No voice speaks 'xx'" in run_cli("voices", "--lang", "xx").stdout


def test_info_on_a_week_tells_its_practices_and_the_goal_that_counts(home):
    shown = run_cli("info", "week:2").stdout
    assert "Week 2: Mindfulness and the soothing system" in shown and "safe-place" in shown
    assert "goal: practise on 5 different days of this course week" in shown
    assert "weekly_goal_days = 0 " in run_cli("config").stdout  # `config` alone lists the settings
    assert run_cli("config", "set", "weekly_goal_days", "3").returncode == 0
    assert json.loads(run_cli("info", "week:2", "--json").stdout)["goal_days"] == 3
    r = run_cli("info", "week:9")
    assert r.returncode == 2 and "there is no week 9" in r.stderr and "weeks 1 to 8" in r.stderr


def test_background_is_under_speech_and_silence_faded_and_seamless(home, tmp_path):
    script = tmp_path / "bg.toml"
    script.write_text(
        SCRIPT.replace('title = "Engines"', 'title = "Bg"\n[background]\nsound = "rain"\nvolume_db = -24\nfade_s = 3')
    )
    out = tmp_path / "bg.wav"
    assert run_cli("render", str(script), "-o", str(out), "--minutes", "0.75").returncode == 0
    dry = tmp_path / "dry.wav"
    assert run_cli("render", str(script), "-o", str(dry), "--minutes", "0.75", "--background", "none").returncode == 0
    wet, rate = ac.read_wav(out)
    plain, _ = ac.read_wav(dry)
    bed = wet - plain  # exactly the ambience that was added
    rms = lambda x: float(np.sqrt(np.mean(x**2)))  # noqa: E731
    middle = bed[int(10 * rate) : int(30 * rate)]
    speech_level = 32767 * 10 ** (-14.6 / 20)
    assert 20 * np.log10(rms(middle) / speech_level) == pytest.approx(-24, abs=1.5)
    assert rms(bed[: int(0.2 * rate)]) < 0.2 * rms(middle)  # fades in
    assert rms(bed[-int(0.2 * rate) :]) < 0.2 * rms(middle)  # fades out
    # Present in the silences too, and never louder than the voice.
    silence = ac.silences(plain, rate, min_len=1.0)[0]
    assert rms(wet[int(silence.start * rate) : int(silence.end * rate)]) > 50
    assert np.abs(wet).max() < 32767
    # The loop joint (every 12 s) has no step: sample-to-sample change there is like anywhere else.
    loop = 12 * rate
    diffs = np.abs(np.diff(bed[int(3 * rate) : int(40 * rate)]))
    joint = np.abs(np.diff(bed[loop - 2 : loop + 2]))
    assert joint.max() <= np.percentile(diffs, 99.9)


def test_unknown_background_is_a_clear_error(home, tmp_path):
    script = tmp_path / "s.toml"
    script.write_text(SCRIPT)
    r = run_cli("render", str(script), "-o", str(tmp_path / "x.wav"), "--background", "waves")
    assert r.returncode == 2 and "no ambience called 'waves'" in r.stderr and "rain" in r.stderr
    assert not (tmp_path / "x.wav").exists()
    bad = tmp_path / "b.toml"
    bad.write_text(SCRIPT + '\n[background]\nsound = "rain"\nvolume_db = 3\n')
    r = run_cli("validate", str(bad))
    assert r.returncode == 2 and "volume_db must be a number from -60 to -6" in r.stderr


def test_the_voices_of_the_listeners_language_come_first(home):
    from player.adapters.language import user_language
    from tests.conftest import run_cli

    assert user_language({"LANG": "de_DE.UTF-8"}) == "de"
    assert user_language({"LC_ALL": "fr_FR@euro", "LANG": "de_DE"}) == "fr"
    assert user_language({"LANG": "C.UTF-8"}) == user_language({}) == "en"
    for lang, first in (("de_DE.UTF-8", "de"), ("es_ES.UTF-8", "es"), ("C.UTF-8", "en")):
        r = run_cli("voices", "--json", env={"LANG": lang, "LC_ALL": "", "LC_MESSAGES": ""})
        assert r.returncode == 0, r.stderr
        espeak = [v for v in json.loads(r.stdout) if v["engine"] == "pyttsx3"]
        assert len(espeak) > 50 and espeak[0]["language"].split("-")[0] == first, (lang, espeak[:2])
