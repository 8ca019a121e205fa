"""Real audio out through simpleaudio into a private PulseAudio null sink, recorded from its monitor.

The fixture starts its own PulseAudio server (a temporary HOME and XDG_RUNTIME_DIR, with an .asoundrc that
sends ALSA to it), so the user's own sound set-up is never touched. What was actually played is compared
with what should have been, by cross-correlation.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from tests import audiocheck as ac
from tests.conftest import run_cli

pytestmark = [
    pytest.mark.audio,
    pytest.mark.skipif(not shutil.which("pulseaudio") or not shutil.which("parec"), reason="needs PulseAudio"),
    pytest.mark.xdist_group("pulseaudio"),
]
RATE = 22050


@pytest.fixture
def null_sink(tmp_path):
    """Environment variables that route ALSA (and so simpleaudio) into a private null sink."""
    run = tmp_path / "run"
    home = tmp_path / "home"
    run.mkdir(mode=0o700)
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
    env = dict(os.environ, XDG_RUNTIME_DIR=str(run), HOME=str(home), PULSE_RUNTIME_PATH=str(run / "pulse"))
    subprocess.run(["pulseaudio", "--daemonize=yes", "--exit-idle-time=-1", "-n",
                    "--load=module-null-sink sink_name=nullsink", "--load=module-native-protocol-unix"],
                   env=env, check=True, capture_output=True)
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        subprocess.run(["pactl", "set-default-sink", "nullsink"], env=env, check=True)
        yield env
    finally:
        subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True)


class Recording:
    def __init__(self, env: dict, path: Path) -> None:
        self.path = path
        self.proc = subprocess.Popen(
            ["parec", "-d", "nullsink.monitor", f"--rate={RATE}", "--channels=1", "--format=s16le",
             "--file-format=wav", "--latency-msec=20", str(path)], env=env)
        time.sleep(0.4)

    def stop(self) -> np.ndarray:
        time.sleep(0.3)
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=10)
        with wave.open(str(self.path), "rb") as w:
            return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)


def locate(needle: np.ndarray, haystack: np.ndarray) -> tuple[float, float]:
    """Where `needle` best matches inside `haystack` (seconds) and how well (normalised correlation)."""
    n = len(needle)
    size = 1 << int(np.ceil(np.log2(len(haystack) + n)))
    corr = np.fft.irfft(np.fft.rfft(haystack, size) * np.conj(np.fft.rfft(needle, size)), size)[: len(haystack) - n + 1]
    window_energy = np.convolve(haystack**2, np.ones(n), "valid")
    needle_energy = (needle**2).sum()
    score = corr / np.sqrt(np.maximum(window_energy, 1e-9) * needle_energy)
    score[window_energy < 0.05 * needle_energy] = 0.0  # near-silence cannot hold the needle
    i = int(np.argmax(score))
    return i / RATE, float(score[i])


def noise_signal(seconds: float) -> np.ndarray:
    """Band-limited noise: every moment of it is different, so any slice can be located exactly."""
    rng = np.random.default_rng(7)
    x = np.convolve(rng.normal(0, 1, int(seconds * RATE)), np.ones(4) / 4, "same")
    return (x / np.abs(x).max() * 12000).astype("<i2")


DRIVER = """
import sys, time
import numpy as np
from player.playback.backends import choose
from player.playback.player import Player
pcm = np.load(sys.argv[1]).tobytes()
backend, notice = choose(False)
assert notice is None, notice
p = Player(pcm, 22050, backend)
p.play(0)
time.sleep(2.0)
p.pause()
paused_at = p.position
time.sleep(1.0)
p.resume()
time.sleep(1.5)
p.seek(7.0)
time.sleep(1.5)
p.stop()
print(paused_at)
"""


def test_pause_resume_loses_and_repeats_nothing_and_seek_lands(null_sink, tmp_path):
    source = noise_signal(10.0)
    np.save(tmp_path / "sig.npy", source)
    rec = Recording(null_sink, tmp_path / "rec.wav")
    r = subprocess.run([sys.executable, "-c", DRIVER, str(tmp_path / "sig.npy")], env=null_sink,
                       capture_output=True, text=True, timeout=60)
    recorded = rec.stop()
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    src = source.astype(np.float64)
    runs = ac.sounds(recorded, RATE, min_gap=0.5)
    assert len(runs) == 2, runs  # before the pause, then resume and seek without a gap
    first, second = runs
    w = int(0.15 * RATE)
    tail_a = recorded[int(first.end * RATE) - w - 50: int(first.end * RATE) - 50]
    end_a, score = locate(tail_a, src)
    end_a += (w + 50) / RATE
    head_b = recorded[int(second.start * RATE) + 50: int(second.start * RATE) + 50 + w]
    start_b, score_b = locate(head_b, src)
    start_b -= 50 / RATE
    assert score > 0.8 and score_b > 0.8
    assert abs(end_a - start_b) <= 0.05, (end_a, start_b)  # resumed where the sound stopped
    # The seek to 7.0 s lands within 100 ms: the 100 ms before the target were never played, the target was.
    w10 = int(0.1 * RATE)
    _, target_score = locate(src[int(7.0 * RATE): int(7.0 * RATE) + w10], recorded)
    _, skipped_score = locate(src[int(6.9 * RATE): int(6.9 * RATE) + w10], recorded)
    assert target_score > 0.75 and skipped_score < 0.4, (target_score, skipped_score)


def test_rendered_speech_is_what_comes_out(home, null_sink, tmp_path):
    script = tmp_path / "s.toml"
    script.write_text('title = "S"\n[[step]]\nsay = "Breathing in slowly, and breathing out."\npause = 0.5\n'
                      '[[step]]\nsay = "Notice the ground beneath you."\n')
    out = tmp_path / "s.wav"
    assert run_cli("render", str(script), "-o", str(out)).returncode == 0
    rendered, _ = ac.read_wav(out)
    rec = Recording(null_sink, tmp_path / "rec.wav")
    env = dict(null_sink, COMPASSION_DATA_DIR=str(home))
    r = subprocess.run([sys.executable, "-m", "player", "play", str(script), "--no-tui"], env=env,
                       capture_output=True, text=True, timeout=60)
    recorded = rec.stop()
    assert r.returncode == 0, r.stderr
    assert "no audio device" not in r.stderr
    piece = rendered[int(0.5 * RATE): int(1.5 * RATE)]
    _, score = locate(piece, recorded)
    assert score > 0.7  # unrelated audio scores near 0
    assert "Notice the ground beneath you." in r.stdout
    history = run_cli("history", "--json", env={"COMPASSION_DATA_DIR": str(home)})
    assert '"completed": true' in history.stdout


def test_without_any_device_it_plays_silently_with_one_notice(home, tmp_path):
    empty_home = tmp_path / "nohome"
    empty_home.mkdir()
    (empty_home / ".asoundrc").write_text("pcm.!default { type hw card 7 }\nctl.!default { type hw card 7 }\n")
    env = {"HOME": str(empty_home), "XDG_RUNTIME_DIR": str(tmp_path), "COMPASSION_DATA_DIR": str(home)}
    script = tmp_path / "tiny.toml"
    script.write_text('title = "Tiny"\n[[step]]\nsay = "Hello."\npause = 0.5\n[[step]]\nsay = "Goodbye."\n')
    r = run_cli("play", str(script), "--no-tui", env=env, timeout=60)
    assert r.returncode == 0
    assert r.stderr.strip() == "no audio device found: playing silently — captions only"
    assert "Goodbye." in r.stdout and "Finished" in r.stdout
