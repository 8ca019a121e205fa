"""A recorded line: `audio = "PATH"` beside `say`. The recording is heard as recorded (resampled, mono, at
the speech's loudness), `say` is its caption, and the pauses after it stay exact."""

from __future__ import annotations

import re
import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from player.adapters.sound.loudness import active_rms
from tests.conftest import run_cli

pytestmark = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs ffmpeg")

LINE = "Welcome. Let the breath slow down a little."


def make_recordings(folder: Path) -> dict[str, float]:
    """A line spoken by espeak-ng, as a person's recording would arrive: 44.1 kHz stereo WAV, and MP3.
    Returns each file's length in seconds (as decoded)."""
    media = folder / "media"
    media.mkdir(parents=True)
    raw = folder / "raw.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), LINE], check=True)
    out = {}
    for name, extra in (("welcome.wav", []), ("closing.mp3", ["-b:a", "128k"])):
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(raw), "-ar", "44100", "-ac", "2", *extra,
                        str(media / name)], check=True)  # fmt: skip
        decoded = subprocess.run(["ffmpeg", "-v", "error", "-i", str(media / name), "-f", "s16le", "-ac", "1",
                                  "-ar", "22050", "-"], capture_output=True, check=True).stdout  # fmt: skip
        out[name] = len(decoded) / 2 / 22050
    return out


SCRIPT = f'''title = "Recorded"
kind = "informal"

[[step]]
say = "{LINE}"
audio = "media/welcome.wav"
pause = 3

[[step]]
say = "A spoken line between."
pause = 2

[[step]]
say = "{LINE}"
audio = "media/closing.mp3"
'''


def cues(vtt: str) -> list[tuple[float, float, str]]:
    def secs(t: str) -> float:
        h, m, s = t.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    found = re.findall(r"(\d\d:\d\d:\d\d\.\d\d\d) --> (\d\d:\d\d:\d\d\.\d\d\d)\n(.+)", vtt)
    return [(secs(a), secs(b), text) for a, b, text in found]


def test_a_recorded_line_is_heard_as_recorded_in_one_of_your_own_scripts(home, tmp_path):
    mine = home / "scripts"
    lengths = make_recordings(mine)
    (mine / "recorded.toml").write_text(SCRIPT)
    assert run_cli("validate", str(mine / "recorded.toml")).returncode == 0
    out = tmp_path / "recorded.wav"
    r = run_cli("render", "mine:recorded", "-o", str(out))
    assert r.returncode == 0, r.stderr
    shown = cues(out.with_suffix(".vtt").read_text())
    assert [c[2] for c in shown] == [LINE, "A spoken line between.", LINE]  # say is the caption
    first, spoken, last = shown
    assert first[1] - first[0] == pytest.approx(lengths["welcome.wav"], abs=0.1)  # as long as the file
    assert last[1] - last[0] == pytest.approx(lengths["closing.mp3"], abs=0.1)
    assert spoken[0] - first[1] == pytest.approx(3.0, abs=0.02)  # the pause after it is exact
    with wave.open(str(out)) as w:
        rate = w.getframerate()
        pcm = w.readframes(w.getnframes())

    def part(a: float, b: float) -> bytes:
        return pcm[int(a * rate) * 2 : int(b * rate) * 2]

    recorded, synthesized = active_rms(part(first[0], first[1]), rate), active_rms(part(*spoken[:2]), rate)
    assert abs(20 * __import__("math").log10(recorded / synthesized)) < 2.0  # as loud as the speech


def test_missing_and_undecodable_recordings_are_named_with_their_lines_beside_other_problems(home, tmp_path):
    make_recordings(tmp_path)
    (tmp_path / "media" / "broken.mp3").write_bytes(b"not audio at all")
    bad = tmp_path / "bad.toml"
    bad.write_text(
        SCRIPT.replace("media/closing.mp3", "media/missing.mp3")
        + '\n[[step]]\nsay = "x"\naudio = "media/broken.mp3"\nvolume = 3\n'
        + '\n[[step]]\nsay = "y"\naudio = "media/notes.txt"\n'
    )
    r = run_cli("validate", str(bad))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    lines = r.stderr.strip().splitlines()
    assert f"{bad}:15: error: the recording " in lines[0] and "missing.mp3 is missing" in lines[0]
    assert lines[1].startswith(f"{bad}:20: error: unknown key 'volume' in step 4")
    assert lines[2].startswith(f"{bad}:24: error: audio in step 5 must be a WAV, FLAC, Ogg/Opus or MP3 file")
    # With the unknown key fixed, the undecodable file is named at its line.
    bad.write_text(bad.read_text().replace("volume = 3\n", ""))
    r = run_cli("validate", str(bad))
    assert f"{bad}:19: error: cannot read the recording" in r.stderr and "broken.mp3" in r.stderr
