"""Real audio out through PortAudio into a private PulseAudio null sink, recorded from its monitor.

The fixture starts its own PulseAudio server (a temporary HOME and XDG_RUNTIME_DIR, with an .asoundrc that
sends ALSA to it), so the user's own sound set-up is never touched. The recorder notes when each piece of
the recording arrived, on the same monotonic clock the player uses, so "what the player said was being
heard" can be compared with "what came out", and when.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from tests import audiocheck as ac
from tests.conftest import REPO, run_cli

pytestmark = [
    pytest.mark.audio,
    pytest.mark.skipif(not shutil.which("pulseaudio") or not shutil.which("parec"), reason="needs PulseAudio"),
    pytest.mark.xdist_group("pulseaudio"),
]
RATE = 22050


@pytest.fixture
def null_sink(tmp_path):
    """Environment variables that route ALSA (and so PortAudio) into a private null sink."""
    run = tmp_path / "run"
    home = tmp_path / "home"
    run.mkdir(mode=0o700)
    home.mkdir()
    (home / ".asoundrc").write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
    env = dict(os.environ, XDG_RUNTIME_DIR=str(run), HOME=str(home), PULSE_RUNTIME_PATH=str(run / "pulse"))
    subprocess.run(
        [
            "pulseaudio",
            "--daemonize=yes",
            "--exit-idle-time=-1",
            "-n",
            "--load=module-null-sink sink_name=nullsink",
            "--load=module-native-protocol-unix",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        subprocess.run(["pactl", "set-default-sink", "nullsink"], env=env, check=True)
        yield env
    finally:
        subprocess.run(["pulseaudio", "--kill"], env=env, capture_output=True)


class Recorder:
    """Records the sink's monitor, noting the monotonic time each piece arrived."""

    def __init__(self, env: dict) -> None:
        self.proc = subprocess.Popen(
            [
                "parec",
                "-d",
                "nullsink.monitor",
                f"--rate={RATE}",
                "--channels=1",
                "--format=s16le",
                "--raw",
                "--latency-msec=5",
            ],
            env=env,
            stdout=subprocess.PIPE,
        )
        self.chunks: list[tuple[float, bytes]] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        end = time.monotonic() + 10
        while not self.chunks and time.monotonic() < end:  # recording for real before anything plays
            time.sleep(0.01)
        assert self.chunks, "the recorder never started"

    def _read(self) -> None:
        while True:
            piece = self.proc.stdout.read1(4096)
            if not piece:
                return
            self.chunks.append((time.monotonic(), piece))

    def stop(self) -> np.ndarray:
        time.sleep(0.3)
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self._thread.join(timeout=5)
        self.samples = np.frombuffer(b"".join(c for _, c in self.chunks), dtype="<i2").astype(np.float64)
        ends, n = [], 0
        for t, c in self.chunks:
            n += len(c) // 2
            ends.append((n, t))
        self._ends = np.array([e for e, _ in ends]), np.array([t for _, t in ends])
        return self.samples

    def time_of(self, seconds_into_recording: float) -> float:
        """The monotonic time at which a recorded sample was heard."""
        i = int(seconds_into_recording * RATE)
        ends, times = self._ends
        k = int(np.searchsorted(ends, i, side="right"))
        k = min(k, len(ends) - 1)
        return float(times[k] - (ends[k] - i) / RATE)


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


def source_map(recorded: np.ndarray, source: np.ndarray, step: float = 0.01) -> list[tuple[float, float]]:
    """For each 10 ms window of the recording that holds sound: (recording time, source time) it plays."""
    out = []
    w = int(step * RATE)
    src = source.astype(np.float64)
    for start in range(0, len(recorded) - w, w):
        piece = recorded[start : start + w]
        if np.sqrt((piece**2).mean()) < 300:
            continue
        at, score = locate(piece, src)
        if score > 0.9:
            out.append((start / RATE, at))
    return out


def jumps(mapping: list[tuple[float, float]], tolerance: float = 0.004) -> list[tuple[float, float]]:
    """Inside continuous sound, where the source position does not advance with the recording:
    (source before, source after)."""
    out = []
    for (r0, s0), (r1, s1) in zip(mapping, mapping[1:]):
        if r1 - r0 < 0.035 and abs((s1 - s0) - (r1 - r0)) > tolerance:
            out.append((s0 + 0.01, s1 - (r1 - r0 - 0.01)))
    return out


def edges(recorded: np.ndarray, source: np.ndarray, run: ac.Run) -> tuple[float, float]:
    """Which source moments a stretch of recorded sound starts and ends with, to the millisecond."""
    first = int(run.start * RATE) - int(0.01 * RATE)
    first += int(np.argmax(np.abs(recorded[first:]) > 300))
    last = int(run.end * RATE) + int(0.01 * RATE)
    last = first + int(np.nonzero(np.abs(recorded[first:last]) > 300)[0][-1]) + 1
    w = int(0.05 * RATE)
    src = source.astype(np.float64)
    start_at, s1 = locate(recorded[first + 100 : first + 100 + w], src)
    end_at, s2 = locate(recorded[last - 100 - w : last - 100], src)
    assert s1 > 0.9 and s2 > 0.9, (s1, s2)
    return start_at - 100 / RATE, end_at + (w + 100) / RATE


STATIC_SOURCE = """
import json, sys, time
import numpy as np
from player.adapters.playback.device import choose
from player.adapters.playback.player import Player

class Static:
    '''A fixed PCM signal, playable like a session.'''
    def __init__(self, pcm, rate):
        self.pcm, self.rate = pcm, rate
    def total(self): return len(self.pcm) // 2
    def laid_out(self): return self.total()
    def complete(self): return True
    def extend(self, upto, wait_if_blocked): return self.total()
    def read(self, start, frames):
        out = self.pcm[start * 2 : (start + frames) * 2]
        return out + bytes(frames * 2 - len(out))
    def wait_for_speech(self, timeout): time.sleep(timeout)

pcm = np.load(sys.argv[1]).tobytes()
backend, notice = choose(False)
assert notice is None and backend.name == "portaudio", (backend.name, notice)
p = Player(Static(pcm, 22050), backend)
log = []
def sample(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        log.append((time.monotonic(), p.position))
        time.sleep(0.005)
"""

POSITION_DRIVER = (
    STATIC_SOURCE
    + """
p.play(0)
sample(float(sys.argv[2]))
p.stop()
print(json.dumps(log))
"""
)


def _bursts(seconds: float, every: float = 1.0, first: float = 0.5) -> tuple[np.ndarray, list[float]]:
    sig = np.zeros(int(seconds * RATE), dtype="<i2")
    rng = np.random.default_rng(3)
    starts = []
    t = first
    while t + 0.05 < seconds:
        a = int(t * RATE)
        sig[a : a + int(0.04 * RATE)] = rng.normal(0, 9000, int(0.04 * RATE)).astype("<i2")
        starts.append(t)
        t += every
    return sig, starts


@pytest.mark.parametrize("server_latency_ms", [None, 800], ids=["quick-server", "stalling-server"])
def test_position_is_the_sound_being_heard(null_sink, tmp_path, server_latency_ms):
    # Short bursts every second; when the player says a burst's moment is being heard, it must be coming
    # out of the speakers then, within 80 ms (less than anyone notices of a caption; the recording's own
    # timing wanders by tens of ms on a busy 2-core machine). An 800 ms server latency makes the sound server stall at the
    # start, as an idle one does: the position must wait for the sound, not run ahead of it.
    sig, starts = _bursts(6.0)
    np.save(tmp_path / "sig.npy", sig)
    env = dict(null_sink)
    if server_latency_ms:
        env["PULSE_LATENCY_MSEC"] = str(server_latency_ms)
    rec = Recorder(env)
    r = subprocess.run(
        [sys.executable, "-c", POSITION_DRIVER, str(tmp_path / "sig.npy"), "6.8"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    recorded = rec.stop()
    assert r.returncode == 0, r.stderr
    log = json.loads(r.stdout)
    times, positions = np.array([t for t, _ in log]), np.array([p for _, p in log])
    heard = [rec.time_of(run.start) for run in ac.sounds(recorded, RATE, min_gap=0.3)]
    assert len(heard) == len(starts), (heard, starts)
    errors = []
    for start, out_at in zip(starts, heard):
        k = int(np.searchsorted(positions, start))  # the first moment the player said this was heard
        errors.append(times[k] - out_at)
    assert max(abs(e) for e in errors) <= 0.08, [round(e, 3) for e in errors]


EDIT_DRIVER = (
    STATIC_SOURCE
    + """
p.play(0)
time.sleep(2.0)
p.pause()
time.sleep(1.0)
p.resume()
time.sleep(1.0)
p.pause(); time.sleep(0.03); p.resume(); time.sleep(0.03); p.pause(); time.sleep(0.3); p.resume()
time.sleep(1.0)
p.seek(12.0)
time.sleep(1.5)
p.stop()
print(p.listened)
"""
)


def test_pause_resume_and_double_pause_lose_or_repeat_nothing_and_seek_lands(null_sink, tmp_path):
    source = noise_signal(15.0)
    np.save(tmp_path / "sig.npy", source)
    rec = Recorder(null_sink)
    r = subprocess.run(
        [sys.executable, "-c", EDIT_DRIVER, str(tmp_path / "sig.npy")],
        env=null_sink,
        capture_output=True,
        text=True,
        timeout=60,
    )
    recorded = rec.stop()
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    # Three stretches of sound: before the first pause, between the pauses, and after the last resume (with
    # the seek inside). The quick double pause usually leaves no gap (what the device held covers it); on a
    # busy machine it may leave a short one, a fourth stretch. Either way nothing is lost or repeated.
    runs = ac.sounds(recorded, RATE, min_gap=0.1)
    assert len(runs) in (3, 4), runs
    spans = [edges(recorded, source, run) for run in runs]
    assert spans[0][0] < 0.01
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start - end == pytest.approx(0, abs=0.02), (end, start)  # nothing lost, nothing repeated
    # inside the sound, the only jump is the seek, and it lands within 50 ms
    found = jumps(source_map(recorded, source))
    assert len(found) == 1, found
    before, after = found[0]
    assert after == pytest.approx(12.0, abs=0.05)
    heard = (before - spans[0][0]) + (spans[-1][1] - after)
    assert float(r.stdout) == pytest.approx(heard, abs=0.1)  # "listened" is what was heard, nothing more


def test_rendered_speech_is_what_comes_out_and_the_closing_bell_is_heard_whole(home, null_sink, tmp_path):
    script = tmp_path / "s.toml"
    script.write_text(
        'title = "S"\n[[step]]\nsay = "Breathing in slowly, and breathing out."\npause = 0.5\n'
        '[[step]]\nsay = "And this is the end."\n[[step]]\nbell = "chime"\n'
    )
    out = tmp_path / "s.wav"
    assert run_cli("render", str(script), "-o", str(out)).returncode == 0
    rendered, _ = ac.read_wav(out)
    bell, _ = ac.read_wav(REPO / "audio" / "chime.wav")
    rec = Recorder(null_sink)
    env = dict(null_sink, COMPASSION_DATA_DIR=str(home))
    r = subprocess.run(
        [sys.executable, "-m", "player", "play", str(script), "--no-tui"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    exited = time.monotonic()
    recorded = rec.stop()
    assert r.returncode == 0, r.stderr
    # output is not a terminal: plain mode, the captions alone on stdout, the rest on stderr
    assert "Traceback" not in r.stderr and "Finished" in r.stderr
    _, score = locate(rendered[int(0.5 * RATE) : int(1.5 * RATE)], recorded)
    assert score > 0.9  # unrelated audio scores near 0
    # the whole bell rang out, and the process ended only after it had been heard
    heard = ac.sounds(recorded, RATE, min_gap=0.3)
    rendered_runs = ac.sounds(rendered, RATE, min_gap=0.3)
    assert len(heard) == len(rendered_runs)
    assert heard[-1].length == pytest.approx(rendered_runs[-1].length, abs=0.03)
    at, score = locate(bell[-int(0.2 * RATE) :], recorded)  # the bell's last fifth of a second
    assert score > 0.9
    assert rec.time_of(at + 0.2) <= exited
    assert r.stdout.splitlines()[-1] == "And this is the end."
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
    assert r.stderr.splitlines()[0] == "no audio device found: playing silently — captions only"
    assert r.stdout.splitlines() == ["Hello.", "Goodbye."] and "Finished" in r.stderr


def test_a_missing_audio_library_is_named_with_what_to_install(home, tmp_path):
    # PortAudio hidden: the message says which library and how to get it, never "no device".
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(
        "import sys\nclass _H:\n    def find_spec(self, name, path=None, target=None):\n"
        "        if name in ('sounddevice', 'simpleaudio', '_sounddevice'):\n"
        "            raise ImportError('PortAudio library not found')\n"
        "sys.meta_path.insert(0, _H())\n"
    )
    env = {"COMPASSION_DATA_DIR": str(home), "PYTHONPATH": f"{hide}{os.pathsep}{REPO}"}
    script = tmp_path / "tiny.toml"
    script.write_text('title = "Tiny"\n[[step]]\nsay = "Hello."\n')
    r = run_cli("play", str(script), "--no-tui", env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "PortAudio" in r.stderr and "libportaudio2" in r.stderr
    assert "no audio device found" not in r.stderr


@pytest.mark.skipif(sys.version_info < (3, 12), reason="the original simpleaudio crashes only on 3.12+")
def test_the_simpleaudio_fallback_does_not_crash_on_new_pythons(null_sink):
    r = subprocess.run(
        [
            sys.executable,
            "-c",
            "import simpleaudio; simpleaudio.play_buffer(bytes(4410), 1, 2, 22050).wait_done(); print('ok')",
        ],
        env=null_sink,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert r.returncode == 0 and r.stdout.strip() == "ok", (r.returncode, r.stderr)


def test_the_simpleaudio_fallback_plays_every_sound_whole(null_sink, tmp_path):
    sig, starts = _bursts(4.0, every=0.8)
    np.save(tmp_path / "sig.npy", sig)
    driver = (
        STATIC_SOURCE.replace(
            "backend, notice = choose(False)",
            "from player.adapters.playback.clocked import SimpleaudioBackend; backend, notice = SimpleaudioBackend(), None",
        ).replace('backend.name == "portaudio"', 'backend.name == "simpleaudio"')
        + """
p.play(0)
p.wait(30)
print(json.dumps([time.monotonic(), p.state.value]))
"""
    )
    rec = Recorder(null_sink)
    r = subprocess.run(
        [sys.executable, "-c", driver, str(tmp_path / "sig.npy")],
        env=null_sink,
        capture_output=True,
        text=True,
        timeout=60,
    )
    recorded = rec.stop()
    assert r.returncode == 0, r.stderr
    finished_at, state = json.loads(r.stdout)
    assert state == "finished"
    heard = ac.sounds(recorded, RATE, min_gap=0.3)
    assert len(heard) == len(starts)
    # whole, never cut short (under load simpleaudio's own buffer may stretch a burst by a few milliseconds)
    assert all(0.035 <= run.length <= 0.1 for run in heard), heard
    assert rec.time_of(heard[-1].end) <= finished_at + 0.02  # finished only after the last sound played
