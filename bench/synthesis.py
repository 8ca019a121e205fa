"""Synthesis benchmarks: a cold `list`, and a cold neural render against Piper itself in one process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sink import run_measuring_tree

COMPASSION = [sys.executable, "-m", "player"]
CORE = "soothing-rhythm-breathing"

PIPER_ALONE = """
import sys, time
from piper import PiperVoice, SynthesisConfig
from player.adapters.speech import piper_engine
lines = open(sys.argv[1], encoding="utf-8").read().split("\\n")
v = piper_engine.installed_voices()[0]
voice = PiperVoice.load(v.model, v.config)
cfg = SynthesisConfig(length_scale=piper_engine.length_scale(int(sys.argv[2])), normalize_audio=False,
                      noise_w_scale=0.0)
for line in lines:
    b"".join(c.audio_int16_bytes for c in voice.synthesize(line, cfg))
"""


def bench_cold_list(work: Path, record, runs: int) -> None:
    """`compassion list` with nothing cached, default (neural) voice: every length at once."""
    print("cold `list`")
    times = []
    for i in range(runs):
        env = dict(
            os.environ,
            COMPASSION_CACHE_DIR=str(work / f"list-cache-{i}"),
            COMPASSION_DATA_DIR=str(work / f"list-data-{i}"),
        )
        env.pop("COMPASSION_ENGINE", None)
        start = time.perf_counter()
        r = subprocess.run(COMPASSION + ["list", "--json"], env=env, capture_output=True)
        times.append(time.perf_counter() - start)
        if r.returncode != 0:
            raise SystemExit(r.stderr.decode())
    took = sorted(times)[runs // 2]
    record("cold `list` (neural voice, nothing cached)", took, "s", None, "-", "<= 1.0 s", took <= 1.0)


def _core_lines() -> tuple[list[str], int]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from player.app import context, library
    from player.core.script.model import Speech

    ctx = context.open_context(Path("/nonexistent-bench"))
    entry, script = library.resolve_script(ctx, CORE)
    voice = library.speak_as(script, ctx.settings, "piper")
    lines = list(dict.fromkeys(e.text for e in script.events() if isinstance(e, Speech)))
    return lines, voice.rate


def bench_neural_render(work: Path, record, runs: int) -> None:
    """A cold render of a core practice with the neural voice vs Piper speaking the same lines, one process."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from player.adapters.speech.engines import piper_installed

    if not piper_installed():
        print("neural voice not installed; skipped")
        return
    print("cold neural render of a core practice vs Piper alone")
    lines, rate = _core_lines()
    text = work / "core-lines.txt"
    text.write_text("\n".join(lines), encoding="utf-8")
    ours, peaks, alone = [], [], []
    for i in range(runs):
        cache = work / f"neural-render-{i}"
        env = dict(
            os.environ,
            COMPASSION_CACHE_DIR=str(cache),
            COMPASSION_ENGINE="piper",
            COMPASSION_DATA_DIR=str(work / f"neural-data-{i}"),
        )
        took, peak = run_measuring_tree(COMPASSION + ["render", CORE, "-o", str(work / "core.wav")], env)
        ours.append(took)
        peaks.append(peak)
        shutil.rmtree(cache, ignore_errors=True)
        start = time.perf_counter()  # the whole process, as for ours
        subprocess.run(
            [sys.executable, "-c", PIPER_ALONE, str(text), str(rate)], capture_output=True, env=env, check=True
        )
        alone.append(time.perf_counter() - start)
    mid = runs // 2
    ours_m, alone_m, peak_m = sorted(ours)[mid], sorted(alone)[mid], sorted(peaks)[mid]
    record(
        "neural core practice, cold render",
        ours_m,
        "s",
        alone_m,
        f"Piper alone, same {len(lines)} lines",
        "<= 1.05x",
        ours_m <= 1.05 * alone_m,
    )
    record("  peak RSS, all processes together", peak_m, "MB", None, "-", "-", None)
