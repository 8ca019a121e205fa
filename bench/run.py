"""`make bench`: figures and ratios against baselines measured in the same run, on this machine.

Each figure is the median of several runs of the whole command a user would type. The table is printed
and written to bench/RESULTS.md with a description of the machine.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import scripts  # noqa: E402  (bench/scripts.py)

COMPASSION = [sys.executable, "-m", "player"]
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


@dataclass
class Row:
    name: str
    figure: str
    baseline: str
    ratio: str
    target: str
    met: str


ROWS: list[Row] = []


def record(name: str, value: float, unit: str, base: float | None, base_name: str, target: str,
           ok: bool | None) -> None:
    ratio = f"{value / base:.2f}x" if base else "-"
    baseline = f"{base:.3f} {unit} ({base_name})" if base else base_name
    met = "-" if ok is None else ("yes" if ok else "NO")
    ROWS.append(Row(name, f"{value:.3f} {unit}", baseline, ratio, target, met))
    print(f"  {name}: {value:.3f} {unit}  ratio {ratio}  target {target}  met {met}", flush=True)


def timed(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> float:
    start = time.perf_counter()
    r = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True)
    took = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{r.stderr.decode()}")
    return took


def median(values: list[float]) -> float:
    return statistics.median(values)


def peak_rss_mb(cmd: list[str], env: dict) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of a command, children included."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    return took, usage.ru_maxrss / 1024


def env_with(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(extra)
    return env


# -- benchmarks --------------------------------------------------------------------------------------


def bench_render(work: Path) -> None:
    """Cold and warm render of a ~5-minute script vs espeak-ng speaking the same SSML document."""
    print("render a 5-minute script (espeak-ng voice)")
    script = work / "five.toml"
    texts = scripts.write_script(script, 34, 3.0)
    ssml = scripts.ssml(texts, 3.0)
    out = work / "five.wav"
    base = median([timed(["espeak-ng", "-m", "-s", "126", "-w", str(work / "espeak.wav"), ssml]) for _ in range(RUNS)])
    cold = []
    for i in range(RUNS):
        env = env_with(COMPASSION_CACHE_DIR=str(work / f"cold-{i}"), COMPASSION_ENGINE="pyttsx3")
        cold.append(timed(COMPASSION + ["render", str(script), "-o", str(out)], env))
    warm = median([timed(COMPASSION + ["render", str(script), "-o", str(out)], env) for _ in range(RUNS)])
    cold_m = median(cold)
    record("cold render, 5 min", cold_m, "s", base, "espeak-ng -m -w, same SSML", "<= 1.0x", cold_m <= base)
    record("warm render, 5 min", warm, "s", base, "espeak-ng -m -w, same SSML", "<= 0.5x", warm <= 0.5 * base)


def bench_long_render(work: Path) -> None:
    """A 60-minute script: wall time, memory, and whether time per segment grows with length."""
    print("render a 60-minute script")
    env = env_with(COMPASSION_CACHE_DIR=str(work / "long-cache"), COMPASSION_ENGINE="pyttsx3")
    per_segment = {}
    for minutes, count in ((15, 90), (60, 360)):
        script = work / f"long{minutes}.toml"
        scripts.write_script(script, count, 4.0)
        timed(COMPASSION + ["render", str(script), "-o", str(work / "long.wav")], env)  # fill the cache
        took, rss = peak_rss_mb(COMPASSION + ["render", str(script), "-o", str(work / "long.wav")], env)
        per_segment[minutes] = took / count
        if minutes == 60:
            record("60-min render (warm), wall", took, "s", None, "-", "-", None)
            record("60-min render, peak RSS", rss, "MB", None, "-", "< 200 MB", rss < 200)
    growth = per_segment[60] / per_segment[15]
    record("time per segment, 60 vs 15 min", growth, "x", None, "15-min render", "~1x (no growth)", growth < 1.5)


def describe_machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    espeak = subprocess.run(["espeak-ng", "--version"], capture_output=True, text=True).stdout.strip()
    return (f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), "
            f"Python {platform.python_version()}, {espeak.splitlines()[0] if espeak else 'espeak-ng ?'}")


def write_results(machine: str) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine}. Each figure is the median of {RUNS} runs; ratios compare with a baseline",
        "measured in the same run. Regenerate with `make bench`.",
        "",
        "| Measure | Figure | Baseline | Ratio | Target | Met |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {r.name} | {r.figure} | {r.baseline} | {r.ratio} | {r.target} | {r.met} |" for r in ROWS]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


BENCHES = [bench_render, bench_long_render]


def main() -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "player")], check=True)
    machine = describe_machine()
    print(machine)
    with tempfile.TemporaryDirectory() as tmp:
        for bench in BENCHES:
            bench(Path(tmp))
    write_results(machine)
    print("\n" + (HERE / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
