"""Time to first sound: choosing a core practice in the app, cold cache, neural voice, heard in a null sink."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sink import NullSink, Recorder, tree_rss_mb

CORE = "soothing-rhythm-breathing"

FIRST_LINE = """
import sys, time
t = time.perf_counter()
from piper import PiperVoice, SynthesisConfig
from player.adapters.speech import piper_engine
v = piper_engine.installed_voices()[0]
voice = PiperVoice.load(v.model, v.config)
cfg = SynthesisConfig(length_scale=piper_engine.length_scale(150), normalize_audio=False, noise_w_scale=0.0)
b"".join(c.audio_int16_bytes for c in voice.synthesize(sys.argv[1], cfg))
print(time.perf_counter() - t)
"""


class Terminal:
    def __init__(self, name: str, command: str, env: dict) -> None:
        self.sock = ["tmux", "-L", name]
        exports = " ".join(f"{k}='{v}'" for k, v in env.items())
        subprocess.run(
            self.sock + ["new-session", "-d", "-x", "100", "-y", "30", f"env {exports} {command}; sleep 30"], check=True
        )

    def shows(self, text: str, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if text in subprocess.run(self.sock + ["capture-pane", "-p"], capture_output=True, text=True).stdout:
                return
            time.sleep(0.02)
        raise SystemExit(f"the app never showed {text!r}")

    def key(self, key: str) -> float:
        subprocess.run(self.sock + ["send-keys", key], check=True)
        return time.monotonic()

    def close(self) -> None:
        subprocess.run(self.sock + ["kill-server"], capture_output=True)


def _first_line_text() -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from player.adapters.catalog import Catalog
    from player.core.script.model import Speech

    catalog = Catalog(Path("/nonexistent"))
    script = catalog.load(catalog.course_entries()[CORE])
    return next(e.text for e in script.events() if isinstance(e, Speech))


def bench_first_sound(work: Path, record, runs: int) -> None:
    """From pressing Enter on a core practice's length to the first sound, cold cache, neural voice."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from player.adapters.speech.engines import piper_installed

    if not (piper_installed() and shutil.which("pulseaudio") and shutil.which("tmux")):
        print("needs the neural voice, PulseAudio and tmux; time to first sound skipped")
        return
    print("time to first sound (app, cold cache, neural voice)")
    sink = NullSink(work)
    rec = Recorder(sink.env)
    try:
        app_times, cli_times, speech_times = [], [], []
        for i in range(runs):
            app_times.append(_choose_in_app(work, sink, rec, i))
            cli_times.append(_play_command(work, sink, rec, i))
            speech_times.append(_choose_in_app(work, sink, rec, i, SPEECH_FIRST_CORE))
        raw = sorted(
            float(
                subprocess.run(
                    [sys.executable, "-c", FIRST_LINE, _first_line_text()], env=sink.env, capture_output=True, text=True
                ).stdout
            )
            for _ in range(runs)
        )[runs // 2]
    finally:
        rec.close()
        sink.close()
    app = sorted(app_times)[runs // 2]
    cli = sorted(cli_times)[runs // 2]
    record(
        "first sound after choosing a core practice",
        app,
        "s",
        raw,
        "Piper: load and speak the first line",
        "<= 1.0 s",
        app <= 1.0,
    )
    record("  `play --no-tui` from launch (Python start-up included)", cli, "s", None, "-", "-", None)
    said = sorted(speech_times)[runs // 2]
    record("  in the app, a practice that opens with speech", said, "s", None, "-", "<= 0.80 s", said <= 0.80)


def _env(sink: NullSink, work: Path, i: int, what: str) -> dict:
    conf = work / f"{what}-config-{i}"
    conf.mkdir()
    (conf / "config.toml").write_text("check_in = false\n")
    return {k: v for k, v in sink.env.items() if k in ("XDG_RUNTIME_DIR", "HOME", "PULSE_RUNTIME_PATH")} | {
        "COMPASSION_DATA_DIR": str(work / f"{what}-data-{i}"),
        "COMPASSION_CONFIG_DIR": str(conf),
        "COMPASSION_CACHE_DIR": str(work / f"{what}-cache-{i}"),
        "TERM": "xterm-256color",
        "PATH": os.environ.get("PATH", ""),
    }


#: A practice of week 1 that opens with a spoken line of two sentences (one length: Enter starts it).
SPEECH_FIRST_CORE = "Soothing Touch"


def _choose_in_app(work: Path, sink: NullSink, rec: Recorder, i: int, practice: str | None = None) -> float:
    """From the key that starts a practice to its first sound: the bell-first core practice (after its
    length), or `practice` (third in week 1, one length), with a cold speech cache."""
    env = _env(sink, work, i, "app" if practice is None else "app-say")
    term = Terminal(f"bench-first-{os.getpid()}-{i}", f"{sys.executable} -m player", env)
    try:
        term.shows("Eight Weeks of Compassionate Mind")
        time.sleep(1.5)  # the app has looked for its audio device, as it does while a person reads the screen
        term.key("Enter")
        term.shows("Soothing Rhythm Breathing")
        if practice is None:
            term.key("Enter")
            term.shows("How long would you like to practise")
        else:
            term.key("Down")
            term.key("Down")
            time.sleep(1.5)  # reading the week's practices, as a person does
        rec.arm()
        chosen = term.key("Enter")
        heard = rec.wait_for_sound(60)
    finally:
        term.close()
    if heard is None:
        raise SystemExit("no sound was heard after choosing the practice")
    return heard - chosen


def _play_command(work: Path, sink: NullSink, rec: Recorder, i: int) -> float:
    env = dict(sink.env, **{k: v for k, v in _env(sink, work, i, "cli").items() if k.startswith("COMPASSION")})
    return _launch_to_sound([sys.executable, "-m", "player", "play", CORE, "--no-tui"], env, rec)


BELL_ALONE = """
import sys, wave
import numpy as np
import sounddevice as sd
with wave.open(sys.argv[1]) as w:
    rate, data = w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
sd.play(data, rate)
sd.wait()
"""
#: A practice that begins with the bowl.
BELL_FIRST = "soothing-rhythm-breathing"


def _launch_to_sound(command: list[str], env: dict, rec: Recorder) -> float:
    """From starting `command` to the first sound heard in the sink (the server already running)."""
    rec.arm()
    launched = time.monotonic()
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        heard = rec.wait_for_sound(60)
    finally:
        proc.kill()
        proc.wait()
    if heard is None:
        raise SystemExit(f"no sound was heard from {' '.join(command)}")
    return heard - launched


SPEECH_ALONE = """
import sys
import numpy as np
import sounddevice as sd
from piper import PiperVoice, SynthesisConfig
from player.adapters.speech import piper_engine
v = piper_engine.installed_voices()[0]
voice = PiperVoice.load(v.model, v.config)
cfg = SynthesisConfig(length_scale=piper_engine.length_scale(150), normalize_audio=False, noise_w_scale=0.0)
chunk = next(iter(voice.synthesize(sys.argv[1], cfg)))
sd.play(chunk.audio_int16_array, chunk.sample_rate)
sd.wait()
"""
#: A practice that begins with speech: the first line has two sentences, as most opening lines do.
SPEECH_FIRST = """title = "Two lines"
[[step]]
say = "Let yourself settle. Notice the breath as it is."
[[step]]
pause = 2
[[step]]
say = "That is all for now."
"""


def _wait_gone(tag: str, timeout: float = 30) -> None:
    """Wait until no process has `tag` in its environment (a practice's workers outlive it briefly)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and tree_rss_mb(tag) > 0:
        time.sleep(0.05)


def bench_start_up(work: Path, record, runs: int) -> None:
    """First sound from launch into a sound server that is already running: a bell-first practice against a
    minimal sounddevice script playing the same bell, and a speech-first script (cold cache, neural voice)
    against Piper alone loading its model, making the first sentence and playing it."""
    if not shutil.which("pulseaudio"):
        print("needs PulseAudio; the start-up budget is skipped")
        return
    from player.adapters.speech.engines import piper_installed

    print("start-up: first sound")
    bowl = Path(__file__).resolve().parent.parent / "audio" / "bowl.wav"
    script = work / "two-lines.toml"
    script.write_text(SPEECH_FIRST)
    sink = NullSink(work)
    rec = Recorder(sink.env)
    repo = str(Path(__file__).resolve().parent.parent)
    try:
        _launch_to_sound([sys.executable, "-c", BELL_ALONE, str(bowl)], sink.env, rec)  # the server's first client
        bell, bell_alone, speech, speech_alone, first_ever = [], [], [], [], []
        for i in range(runs):
            env = dict(sink.env, **{k: v for k, v in _env(sink, work, i, "bell").items() if k.startswith("COMPASSION")})
            bell.append(_launch_to_sound([sys.executable, "-m", "player", "play", BELL_FIRST, "--no-tui"], env, rec))
            bell_alone.append(_launch_to_sound([sys.executable, "-c", BELL_ALONE, str(bowl)], sink.env, rec))
            if not piper_installed():
                continue
            # A cold speech cache; the voice made ready by an earlier practice, as it is after the first one
            # ever (that first start is measured too).
            say = [sys.executable, "-m", "player", "play", str(script), "--no-tui"]
            env = dict(sink.env, **{k: v for k, v in _env(sink, work, i, "say").items() if k.startswith("COMPASSION")})
            first_ever.append(_launch_to_sound(say, env, rec))
            _wait_gone(env["COMPASSION_CACHE_DIR"])  # its speech worker finishes the line it was making
            shutil.rmtree(Path(env["COMPASSION_CACHE_DIR"]) / "speech", ignore_errors=True)
            speech.append(_launch_to_sound(say, env, rec))
            alone = [sys.executable, "-c", SPEECH_ALONE, "Let yourself settle. Notice the breath as it is."]
            speech_alone.append(_launch_to_sound(alone, dict(sink.env, PYTHONPATH=repo), rec))
    finally:
        rec.close()
        sink.close()
    mine, base = sorted(bell)[runs // 2], sorted(bell_alone)[runs // 2]
    record(
        "first sound, bell-first `play --no-tui`",
        mine,
        "s",
        base,
        "sounddevice playing the bowl",
        "<= 0.30 s",
        mine <= 0.30,
    )
    if speech:
        mine, base = sorted(speech)[runs // 2], sorted(speech_alone)[runs // 2]
        record(
            "first sound, speech-first `play --no-tui`",
            mine,
            "s",
            base,
            "Piper alone: load, first sentence, play",
            "<= 0.80 s",
            mine <= 0.80,
        )
        ever = sorted(first_ever)[runs // 2]
        record("  the same, the first start ever (the voice made ready)", ever, "s", None, "-", "-", None)
    else:
        print("the neural voice is not installed; speech-first start-up skipped")
