"""Safe names, atomic writes and PCM trimming."""

from __future__ import annotations

import array

import pytest

from player.audio.pcm import trim_silence
from player.files import atomic_path, safe_name


@pytest.mark.parametrize("text", ["../../etc/passwd", "a/b\\c", "\x00\x1b[31mred", "." * 50, "x" * 500, "..", "/"])
def test_safe_names_stay_in_their_folder(text):
    name = safe_name(text)
    assert "/" not in name and "\\" not in name and ".." not in name
    assert all(ord(c) >= 32 for c in name)
    assert 0 < len(name) <= 80


def test_atomic_path_leaves_nothing_on_error(tmp_path):
    target = tmp_path / "out.wav"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_trim_keeps_speech_and_drops_engine_silence():
    rate = 22050
    tone = array.array("h", [8000 if (i // 20) % 2 else -8000 for i in range(rate)]).tobytes()
    pcm = bytes(rate) + tone + bytes(rate * 2)  # 0.5 s before, 1 s after
    out = trim_silence(pcm, rate)
    assert len(out) // 2 == pytest.approx(rate + 2 * int(0.01 * rate), abs=rate // 200)
