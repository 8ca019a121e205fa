"""A neural voice's model, made ready once and kept: later loads take a fraction of the time.

The ONNX runtime optimises a model's graph every time it loads it (about a third of a second for the
default voice on two cores, most of the wait before a practice's first word). Its result is saved once,
under the cache folder, and loaded from then on with no optimisation at all. The saved graph is the one the
runtime would have made, so every line keeps its exact length (checked against the durations manifest).

What the runtime makes may use this processor's own instructions, so the file's name carries the
processor's features, the runtime's version and the model's size and time: a cache folder carried to another
computer, a runtime upgrade or a new model simply makes it again. Only the newest file per model is kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

from player.adapters.files import process_alive

FOLDER = "voices"
PROVIDERS = ["CPUExecutionProvider"]


@lru_cache(maxsize=1)
def _processor() -> str:
    """A short tag for this processor's instruction set (what an optimised graph may depend on)."""
    import platform

    flags = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
        for line in f:
            if line.startswith(("flags", "Features")):
                flags = line.split(":", 1)[1].strip()
                break
    tag = f"{platform.machine()} {flags or platform.processor()}"
    return hashlib.sha256(tag.encode()).hexdigest()[:10]


def kept_name(model: Path, runtime_version: str) -> str:
    st = model.stat()
    return f"{model.stem}-{st.st_size}-{st.st_mtime_ns}-ort{runtime_version}-{_processor()}.onnx"


def session(model: Path, folder: Path | None):
    """An inference session for `model`: from the kept graph when there is one; otherwise the model is
    optimised as usual and the result kept in `folder` for next time (None: nothing is kept)."""
    import onnxruntime as ort

    if folder is None:
        return ort.InferenceSession(str(model), sess_options=_options(ort), providers=PROVIDERS)
    kept = folder / kept_name(model, ort.__version__)
    if kept.is_file():
        opts = _options(ort)
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        try:
            return ort.InferenceSession(str(kept), sess_options=opts, providers=PROVIDERS)
        except Exception:  # damaged or cut short: make it again
            with contextlib.suppress(OSError):
                kept.unlink()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return ort.InferenceSession(str(model), sess_options=_options(ort), providers=PROVIDERS)
    temporary = folder / f".{kept.name}.{os.getpid()}.tmp"
    opts = _options(ort)
    opts.optimized_model_filepath = str(temporary)
    made = ort.InferenceSession(str(model), sess_options=opts, providers=PROVIDERS)
    try:
        os.replace(temporary, kept)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return made
    _tidy(folder, model, kept)
    return made


def _tidy(folder: Path, model: Path, kept: Path) -> None:
    """Remove this model's older kept graphs, and pieces left by a process stopped while saving one."""
    ours = re.compile(re.escape(model.stem) + r"-\d+-\d+-ort[^-]+-[0-9a-f]+\.onnx")
    for entry in folder.iterdir():
        name = entry.name
        piece = re.fullmatch(rf"\.{re.escape(model.stem)}-.*\.(\d+)\.tmp", name)
        if (ours.fullmatch(name) and entry != kept) or (piece and not process_alive(int(piece.group(1)))):
            with contextlib.suppress(OSError):
                entry.unlink()


def _options(ort):
    opts = ort.SessionOptions()
    opts.log_severity_level = 3  # the runtime's notes (such as "hardware specific") are not the listener's
    return opts
