"""Safe names, atomic writes, PCM trimming and levelling."""

from __future__ import annotations

import array

import pytest

from player.adapters.files import atomic_path, safe_name
from player.adapters.sound.pcm import trim_silence


@pytest.mark.parametrize("text", ["../../etc/passwd", "a/b\\c", "\x00\x1b[31mred", "." * 50, "x" * 500, "..", "/"])
def test_safe_names_stay_in_their_folder(text):
    name = safe_name(text)
    assert "/" not in name and "\\" not in name and ".." not in name
    assert all(ord(c) >= 32 for c in name)
    assert 0 < len(name) <= 80


def test_atomic_path_leaves_nothing_on_error(tmp_path):
    target = tmp_path / "out.wav"
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_trim_keeps_speech_and_drops_engine_silence():
    rate = 22050
    tone = array.array("h", [8000 if (i // 20) % 2 else -8000 for i in range(rate)]).tobytes()
    pcm = bytes(rate) + tone + bytes(rate * 2)  # 0.5 s before, 1 s after
    out = trim_silence(pcm, rate)
    assert len(out) // 2 == pytest.approx(rate + 2 * int(0.01 * rate), abs=rate // 200)


def test_a_finished_file_survives_a_power_cut_because_its_folder_is_synced(tmp_path, monkeypatch):
    # A rename is only durable once the directory itself is fsynced; record what gets synced, and when.
    import os
    import stat

    from player.adapters.files import write_text

    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append("dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        return real_fsync(fd)

    def replace(a, b):
        events.append("rename")
        return real_replace(a, b)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_text(tmp_path / "config.toml", "x = 1\n")
    assert events == ["file", "rename", "dir"]
    assert (tmp_path / "config.toml").read_text() == "x = 1\n"


CAPTION_TEXTS = ["Fish & chips <3 --> here", "a < b > c", "&amp; stays literal", "Ünïcode — fine"]


def test_webvtt_escapes_what_the_format_reserves_and_reads_back_the_same():
    from player.adapters.sound.captions import parse_vtt, to_vtt
    from player.core.timeline import Cue

    cues = [Cue(i * 2.0, i * 2.0 + 1.5, t) for i, t in enumerate(CAPTION_TEXTS)]
    vtt = to_vtt(cues, "Title --> with an arrow")
    lines = vtt.splitlines()
    assert lines[0].startswith("WEBVTT") and "-->" not in lines[0]
    timing = [ln for ln in lines if " --> " in ln]
    assert len(timing) == len(cues)  # the only arrows are the timings
    payload = [ln for ln in lines[1:] if ln and ln not in timing and not ln.isdigit()]
    assert all("<" not in ln and ">" not in ln for ln in payload), payload
    import re

    assert all(re.fullmatch(r"([^&]|&(amp|lt|gt);)*", ln) for ln in payload), payload
    assert [c.text for c in parse_vtt(vtt)] == CAPTION_TEXTS


def test_lrc_keeps_one_line_per_cue():
    from player.adapters.sound.captions import to_lrc
    from player.core.timeline import Cue

    text = to_lrc([Cue(0, 1, "first\nline"), Cue(2, 3, "second\r\nline")], "T\nitle", "Al\nbum")
    assert text.splitlines() == ["[ti:T itle]", "[al:Al bum]", "[00:00.00]first line", "[00:02.00]second line"]


@pytest.mark.parametrize(("umask", "mode"), [(0o077, 0o600), (0o022, 0o644), (0o002, 0o664)])
def test_written_files_follow_the_users_umask_and_private_ones_are_always_0600(tmp_path, umask, mode):
    import os
    import stat

    from player.adapters.files import write_text

    before = os.umask(umask)
    try:
        write_text(tmp_path / "shared.txt", "x")
        write_text(tmp_path / "mine.txt", "x", private=True)
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "shared.txt").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "mine.txt").stat().st_mode) == 0o600


def test_the_app_never_changes_the_process_umask():
    from tests.conftest import REPO

    offenders = [p for p in (REPO / "player").rglob("*.py") if "os.umask(" in p.read_text()]
    assert not offenders


def test_a_line_with_sharp_peaks_is_levelled_with_its_peaks_turned_down_and_nothing_else_touched():
    """Speech-like sound with a few loud clicks: levelled to the speech level (made up after the peaks are
    turned down, over several passes of the limiter), no sample past -1 dBFS, and the sound far from the
    clicks only scaled."""
    import math
    import random

    from player.adapters.sound import loudness
    from player.adapters.sound.pcm import peak

    rate, rnd = 22050, random.Random(3)
    samples = [int(rnd.gauss(0, 2500)) for _ in range(rate * 4)]
    clicks = (rate // 2, rate + 777, 3 * rate - 5)
    for at in clicks:
        samples[at : at + 40] = [30000, -30000] * 20
    for k in range(60):  # and softer peaks of every height, some just past the limit once levelled
        at = rate // 8 + k * (rate // 20)
        if all(abs(at - c) > 600 for c in clicks):
            samples[at] = 9000 + 300 * k
    pcm = array.array("h", samples).tobytes()
    out = loudness.level_speech(pcm, rate, "pyttsx3")
    assert len(out) == len(pcm)
    assert peak(out) <= loudness.PEAK_LIMIT + 1  # within one step of rounding
    target = loudness.speech_level() * 10 ** (loudness.ENGINE_TRIM_DB["pyttsx3"] / 20)
    assert abs(20 * math.log10(loudness.active_rms(out, rate) / target)) < 0.1
    before, after = array.array("h", pcm), array.array("h", out)
    near = {j for i, v in enumerate(before) if abs(v) >= 9000 for j in range(i - 5 * 88, i + 40 + 5 * 88)}
    far = [i for i in range(0, len(before), 97) if i not in near and abs(before[i]) > 1000]
    ratios = {round(after[i] / before[i], 2) for i in far}
    assert len(ratios) <= 2, ratios  # one gain everywhere (within rounding)
    assert min(after[i] / before[i] for i in range(clicks[0], clicks[0] + 40)) < min(ratios) * 0.6
