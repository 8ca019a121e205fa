"""Rendering real scripts with real espeak-ng speech and measuring what a listener would hear."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import mutagen
import pytest

from tests import audiocheck as ac
from tests.conftest import EXAMPLE

GAPS_SCRIPT = """
title = "Gap check"
[[step]]
say = "Hello there."
pause = 2
[[step]]
say = "Breathing in slowly."
pause = 3.5
[[step]]
say = "Notice your feet. [pause 1.5] Notice your hands."
pause = 0.8
[[step]]
say = "Rest now."
"""

ELASTIC_SCRIPT = """
title = "Elastic"
[[step]]
bell = "chime"
pause = 2
[[step]]
say = "Let the breath be easy."
pause = [10, 70]
[[step]]
say = "Rest in the quiet."
pause = [5, 35]
[[step]]
say = "Coming back now."
"""


def write(tmp_path: Path, text: str, name: str = "script.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_silences_between_lines_match_the_script(home, tmp_path, cli):
    script = write(tmp_path, GAPS_SCRIPT)
    out = tmp_path / "gaps.wav"
    r = cli("render", str(script), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [str(out), str(out.with_suffix(".vtt"))]  # the audio, and its captions
    samples, rate = ac.read_wav(out)
    gaps = [g.length for g in ac.silences(samples, rate, min_len=0.6)]
    # lead-in and tail are not between lines; the four pauses between spoken segments are exact
    inner = [g for g in ac.silences(samples, rate, min_len=0.6) if g.start > 0.1 and g.end < len(samples) / rate - 0.05]
    assert [round(g.length, 1) for g in inner] == pytest.approx([2.0, 3.5, 1.5, 0.8], abs=0.1), gaps


def test_file_is_mono_16bit_and_starts_and_ends_close_to_the_sound(home, tmp_path, cli):
    out = tmp_path / "ex.wav"
    assert cli("render", str(EXAMPLE), "-o", str(out)).returncode == 0
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
    samples, rate = ac.read_wav(out)
    assert ac.first_sound(samples, rate) <= 0.5
    assert len(samples) / rate - ac.last_sound(samples, rate) <= 1.0
    assert abs(samples[-50:]).max() < 50  # faded out at the very end


def test_minutes_stretches_elastic_pauses_to_the_exact_total(home, tmp_path, cli):
    script = write(tmp_path, ELASTIC_SCRIPT)
    assert cli("render", str(script), "-o", str(tmp_path / "first.wav")).returncode == 0  # speech made once
    info = json.loads(cli("info", str(script), "--json").stdout)
    assert info["exact"] is True  # measured from the made speech, no longer estimated
    lo, hi = info["duration_seconds"]["min"], info["duration_seconds"]["max"]
    target = (lo + hi) / 2 / 60
    out = tmp_path / "el.wav"
    r = cli("render", str(script), "-o", str(out), "--minutes", f"{target:.4f}")
    assert r.returncode == 0, r.stderr
    samples, rate = ac.read_wav(out)
    assert len(samples) / rate == pytest.approx(target * 60, abs=1.0)
    # both elastic pauses moved to the same fraction: halfway, 40 s and 20 s
    inner = [g.length for g in ac.silences(samples, rate, min_len=1.5)]
    assert any(abs(g - 40) < 0.15 for g in inner), inner
    assert any(abs(g - 20) < 0.15 for g in inner), inner


def test_without_minutes_elastic_pauses_take_their_minimum(home, tmp_path, cli):
    script = write(tmp_path, ELASTIC_SCRIPT)
    out = tmp_path / "el.wav"
    assert cli("render", str(script), "-o", str(out)).returncode == 0
    samples, rate = ac.read_wav(out)
    inner = [round(g.length, 1) for g in ac.silences(samples, rate, min_len=1.5)]
    assert any(abs(g - 10) <= 0.1 for g in inner) and any(abs(g - 5) <= 0.1 for g in inner), inner


def test_minutes_outside_the_range_is_refused_and_nothing_written(home, tmp_path, cli):
    script = write(tmp_path, ELASTIC_SCRIPT)
    out = tmp_path / "el.wav"
    r = cli("render", str(script), "-o", str(out), "--minutes", "30")
    assert r.returncode == 2
    assert "script can run between" in r.stderr and "minutes" in r.stderr
    assert list(tmp_path.glob("el*")) == []


def test_captions_follow_the_speech(home, tmp_path, cli):
    script = write(tmp_path, GAPS_SCRIPT)
    out = tmp_path / "gaps.wav"
    assert cli("render", str(script), "-o", str(out)).returncode == 0
    vtt = (tmp_path / "gaps.vtt").read_text()
    from player.adapters.sound.captions import parse_vtt

    cues = parse_vtt(vtt)
    assert [c.text for c in cues] == [
        "Hello there.",
        "Breathing in slowly.",
        "Notice your feet.",
        "Notice your hands.",
        "Rest now.",
    ]
    samples, rate = ac.read_wav(out)
    heard = ac.sounds(samples, rate, min_gap=0.6)
    assert len(heard) == len(cues)
    for cue, run in zip(cues, heard):
        assert cue.start == pytest.approx(run.start, abs=0.05)
        assert cue.end == pytest.approx(run.end, abs=0.05)


def test_lrc_captions(home, tmp_path, cli):
    script = write(tmp_path, GAPS_SCRIPT)
    out = tmp_path / "gaps.wav"
    assert cli("render", str(script), "-o", str(out), "--captions", "lrc").returncode == 0
    lines = (tmp_path / "gaps.lrc").read_text().splitlines()
    assert lines[0] == "[ti:Gap check]"
    assert lines[1] == "[al:My scripts]"
    assert lines[2].startswith("[00:00.") and lines[2].endswith("]Hello there.")
    assert not (tmp_path / "gaps.vtt").exists()


@pytest.mark.parametrize("fmt", ["mp3", "ogg", "flac"])
def test_compressed_formats_decode_to_the_same_length_with_tags(home, tmp_path, cli, fmt):
    wav = tmp_path / "ref.wav"
    assert cli("render", str(EXAMPLE), "-o", str(wav)).returncode == 0
    ref, rate = ac.read_wav(wav)
    out = tmp_path / f"ex.{fmt}"
    r = cli("render", str(EXAMPLE), "-o", str(out))
    assert r.returncode == 0, r.stderr
    decoded = ac.decode(out)
    assert len(decoded) / rate == pytest.approx(len(ref) / rate, abs=0.1)
    tags = mutagen.File(str(out), easy=True)
    assert tags["title"] == ["A Few Soothing Breaths"]
    assert tags["artist"] == ["compassion-player"]
    assert tags["album"]


def test_format_flag_and_default_output_name(home, tmp_path, cli):
    r = cli("render", str(EXAMPLE), "--format", "ogg", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "soothing-breath.ogg").exists()
    assert (tmp_path / "soothing-breath.vtt").exists()


def test_second_render_synthesizes_nothing(fresh_cache, tmp_path):
    from player.adapters.speech.engines import get_engine
    from player.app import context, render

    ctx = context.open_context()
    script = ctx.catalog.load_path(EXAMPLE)
    calls = []
    engine = get_engine("pyttsx3")
    real = engine.synthesize
    engine.synthesize = lambda *a: calls.append(a) or real(*a)
    try:
        seen = []
        render.render(ctx, script, tmp_path / "a.wav", "wav", progress=lambda ph, d, t: seen.append((ph, d, t)))
        first_misses = max(t for ph, d, t in seen if ph == "speech")
        assert first_misses > 0
        seen.clear()
        calls.clear()
        render.render(ctx, script, tmp_path / "b.wav", "wav", progress=lambda ph, d, t: seen.append((ph, d, t)))
        assert [t for ph, d, t in seen if ph == "speech"] == [0]
        assert calls == []
    finally:
        engine.synthesize = real
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()


def test_cold_render_in_parallel_matches_a_serial_one(fresh_cache, tmp_path, cli):
    # Many distinct lines go to worker processes; the result must equal in-process synthesis.
    lines = "\n".join(
        f'[[step]]\nsay = "Line number {w} of the list."\npause = 1\n'
        for w in [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
        ]
    )
    script = write(tmp_path, 'title = "Many"\n' + lines)
    assert cli("render", str(script), "-o", str(tmp_path / "par.wav")).returncode == 0
    from player.adapters.speech import synth
    from player.app import context, render

    ctx = context.open_context()
    ctx.cache = type(ctx.cache)(tmp_path / "serial-cache")
    old = synth.PARALLEL_MIN
    synth.PARALLEL_MIN = 10**6
    try:
        render.render(ctx, ctx.catalog.load_path(script), tmp_path / "ser.wav", "wav")
    finally:
        synth.PARALLEL_MIN = old
    # espeak-ng varies by a few milliseconds from call to call, so compare what a listener would notice
    par, rate = ac.read_wav(tmp_path / "par.wav")
    ser, _ = ac.read_wav(tmp_path / "ser.wav")
    assert len(par) / rate == pytest.approx(len(ser) / rate, abs=0.3)
    assert len(ac.sounds(par, rate)) == len(ac.sounds(ser, rate)) == 16


def test_truncated_cache_entry_is_synthesized_again(fresh_cache, tmp_path, cli):
    out = tmp_path / "a.wav"
    assert cli("render", str(EXAMPLE), "-o", str(out)).returncode == 0
    entries = sorted((fresh_cache / "speech").rglob("*.wav"))
    victim = entries[0]
    size = victim.stat().st_size
    victim.write_bytes(victim.read_bytes()[: size // 2])
    out2 = tmp_path / "b.wav"
    r = cli("render", str(EXAMPLE), "-o", str(out2))
    assert r.returncode == 0, r.stderr
    # the damaged line was spoken again, whole: the entry is complete and about as long as before
    assert victim.read_bytes()[40:44] == (victim.stat().st_size - 44).to_bytes(4, "little")
    assert victim.stat().st_size == pytest.approx(size, rel=0.05)
    a, rate = ac.read_wav(out)
    b, _ = ac.read_wav(out2)
    assert len(b) / rate == pytest.approx(len(a) / rate, abs=0.2)
    # espeak-ng's output shifts by a few milliseconds with what the process spoke before, so compare the
    # speech a listener hears rather than exact samples: the same amount of it, within a tenth of a second
    heard = lambda x: sum(run.length for run in ac.sounds(x, rate, min_gap=0.2))  # noqa: E731
    assert heard(b) == pytest.approx(heard(a), abs=0.1 * len(ac.sounds(a, rate, min_gap=0.2)))


def test_validate_reports_ok_files(home, tmp_path, cli):
    r = cli("validate", str(EXAMPLE))
    assert r.returncode == 0
    assert r.stdout.strip() == f"{EXAMPLE}: ok"


def test_info_json(home, cli):
    r = cli("info", str(EXAMPLE), "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["id"] == "soothing-breath"
    assert info["spoken_segments"] == 14
    assert info["pause_seconds"]["min"] < info["pause_seconds"]["max"]
    assert 2 < info["min_minutes"] < info["max_minutes"] < 6


def test_help_and_version(cli):
    assert "render" in cli("--help").stdout
    assert cli("render", "--help").returncode == 0
    assert cli("--version").stdout.startswith("compassion-player ")
