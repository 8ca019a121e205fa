"""Benchmark helpers: a private PulseAudio null sink with a timestamped recorder, and process-tree memory."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

RATE = 22050


class NullSink:
    """A private PulseAudio server with a null sink; `env` routes ALSA (and so PortAudio) into it."""

    def __init__(self, work: Path) -> None:
        run, home = work / "pa-run", work / "pa-home"
        run.mkdir(mode=0o700, exist_ok=True)
        home.mkdir(exist_ok=True)
        (home / ".asoundrc").write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
        self.env = dict(os.environ, XDG_RUNTIME_DIR=str(run), HOME=str(home), PULSE_RUNTIME_PATH=str(run / "pulse"))
        subprocess.run(
            [
                "pulseaudio",
                "--daemonize=yes",
                "--exit-idle-time=-1",
                "-n",
                "--load=module-null-sink sink_name=nullsink",
                "--load=module-native-protocol-unix",
            ],
            env=self.env,
            check=True,
            capture_output=True,
        )
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        subprocess.run(["pactl", "set-default-sink", "nullsink"], env=self.env, check=True)

    def close(self) -> None:
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True)


class Recorder:
    """Records the sink's monitor for a whole bench; `arm` waits for a second of quiet, then `wait_for_sound`
    gives the monotonic time the first loud sample arrived.

    One recorder lives through every run: a monitor stream that has only just connected delivers its first
    second or more late, which would hide everything under it."""

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
        self.first_sound: float | None = None
        self.last_loud = 0.0
        self.armed = False
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        time.sleep(2.0)

    def _read(self) -> None:
        import array

        while True:
            piece = self.proc.stdout.read1(4096)
            if not piece:
                return
            arrived = time.monotonic()
            samples = array.array("h", piece[: len(piece) // 2 * 2])
            loud = next((i for i, v in enumerate(samples) if abs(v) > 300), None)
            if loud is None:
                continue
            self.last_loud = arrived
            if self.armed and self.first_sound is None:
                self.first_sound = arrived - (len(samples) - loud) / RATE

    def arm(self) -> None:
        """Wait until the sink has been quiet for a second (a bell rings on after its player is gone)."""
        while time.monotonic() - self.last_loud < 1.0:
            time.sleep(0.05)
        self.first_sound, self.armed = None, True

    def wait_for_sound(self, timeout: float) -> float | None:
        end = time.monotonic() + timeout
        while self.first_sound is None and time.monotonic() < end:
            time.sleep(0.003)
        self.armed = False
        return self.first_sound

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def tree_rss_mb(tag: str) -> float:
    """Resident memory of every process carrying `tag` in its environment, added up (MB)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if tag.encode() not in (entry / "environ").read_bytes():
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_measuring_tree(cmd: list[str], env: dict) -> tuple[float, float]:
    """Run a command; (wall seconds, peak MB of all its processes together, sampled every 50 ms)."""
    tag = f"BENCH_TREE_{os.getpid()}_{time.monotonic_ns()}"
    env = dict(env, BENCH_TREE_TAG=tag)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(tag))
        time.sleep(0.05)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{proc.stderr.read().decode()}")
    return took, peak
