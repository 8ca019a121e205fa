"""The first word comes soon: the neural voice is loaded while a practice is read, from a model made ready
once and kept, and every line it makes keeps the exact length the durations manifest promises."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from player.adapters.speech import piper_engine, workers
from player.adapters.speech.cache import SpeechCache
from player.adapters.speech.engines import piper_installed
from tests.conftest import REPO

pytestmark = [
    pytest.mark.skipif(not piper_installed(), reason="the neural extra is not installed"),
    pytest.mark.xdist_group("neural"),
]

#: In a fresh process (as a worker is): loads the voice from the kept model (making it if need be) and
#: makes a few course lines, then makes the same lines with the model loaded as Piper loads it. Says, as
#: JSON, how long the load took and each line's raw sample count both ways, its finished (trimmed) count and
#: the manifest's.
MAKE_LINES = """
import json, sys, time
from pathlib import Path
from player.adapters.speech import making as synth, manifest
from player.adapters.speech.cache import SpeechCache
from player.adapters.speech.piper_engine import PiperEngine
from player.app import context, library
ctx = context.open_context()
cache = SpeechCache(Path(sys.argv[1]))
engine = synth.engine_for("piper", cache)
start = time.perf_counter()
engine.warm(None)
loaded = time.perf_counter() - start
lines = []
for name in ("soothing-rhythm-breathing", "building-the-compassionate-self"):
    entry, script = library.resolve_script(ctx, name)
    lines += list(library.plan(ctx, script, "piper", synthesize=False).utterances)[:4]
plain = PiperEngine()
raw = [[len(e.synthesize(u.text, u.voice)) // 2 for e in (engine, plain)] for u in lines]
made = synth.synthesize_into(cache, [(u.key, u.text, u.voice) for u in lines])
print(json.dumps({"loaded": loaded, "raw": raw, "made": [[n, manifest.lookup(k)] for k, n in made]}))
"""


def make_lines(cache: Path) -> dict:
    env = dict(os.environ, COMPASSION_ENGINE="piper", PYTHONPATH=str(REPO))
    r = subprocess.run(
        [sys.executable, "-c", MAKE_LINES, str(cache)], capture_output=True, text=True, env=env, timeout=300
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def exact(result: dict) -> bool:
    """Every line as long from the kept model as from Piper's own load (Piper's timing has no noise in it),
    and finished within the few milliseconds its trimmed edges vary from one making to the next (Piper's
    sound has noise in it, whichever way the model is loaded)."""
    return all(a == b for a, b in result["raw"]) and all(abs(n - known) <= 0.05 * 22050 for n, known in result["made"])


def kept(cache: Path) -> list[Path]:
    return sorted((cache / "voices").glob("*.onnx"))


def test_the_voice_is_made_ready_once_and_every_line_keeps_its_exact_length(fresh_cache):
    first = make_lines(fresh_cache)
    assert len(first["raw"]) == 8 and exact(first)
    [model] = kept(fresh_cache)
    assert stat.S_IMODE((fresh_cache / "voices").stat().st_mode) == 0o700
    made_at = model.stat().st_mtime_ns

    again = make_lines(fresh_cache)  # a later start: the kept model is used as it is
    assert exact(again)
    assert kept(fresh_cache) == [model] and model.stat().st_mtime_ns == made_at
    assert again["loaded"] < first["loaded"]

    cache = SpeechCache(fresh_cache)  # shown with the speech cache, and cleared with it
    assert cache.usage().bytes > model.stat().st_size
    cache.clear()
    assert not kept(fresh_cache)


def test_a_damaged_or_outdated_kept_model_is_made_again_and_nothing_else_is_left(fresh_cache):
    make_lines(fresh_cache)
    [model] = kept(fresh_cache)
    size = model.stat().st_size
    with open(model, "r+b") as f:  # cut short, as by a full disk
        f.truncate(size // 3)
    stem = piper_engine.installed_voices()[0].model.stem
    older = fresh_cache / "voices" / f"{stem}-1-1-ort0.1-abc.onnx"
    older.write_bytes(b"an older runtime's copy")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    piece = fresh_cache / "voices" / f".{model.name}.{int(gone.stdout)}.tmp"
    piece.write_bytes(b"left by a process that was stopped while saving")

    result = make_lines(fresh_cache)
    assert exact(result)
    assert kept(fresh_cache) == [model] and model.stat().st_size == size
    assert sorted(p.name for p in (fresh_cache / "voices").iterdir()) == [model.name]


def test_choosing_a_practice_loads_the_voice_before_it_is_started(fresh_cache, monkeypatch):
    from player.app import context, practice

    monkeypatch.setenv("COMPASSION_ENGINE", "piper")
    workers.shutdown(now=True)  # a worker of its own, with no voice loaded yet
    ctx = context.open_context()
    practice.request(ctx, "soothing-rhythm-breathing")  # read and laid out; nothing played yet
    end = time.monotonic() + 120
    while not kept(fresh_cache) and time.monotonic() < end:
        time.sleep(0.05)
    assert kept(fresh_cache), "the voice was not loaded while the practice was being read"
    assert not (fresh_cache / "speech").exists()  # no line was made: only the voice was loaded


OPENING = (
    "Let yourself settle. "
    "Then, when you are ready, notice the weight of your body resting on the chair or the floor beneath you, "
    "the slow movement of the breath in the chest and belly, and the sounds in the room around you."
)


def test_played_live_the_opening_line_begins_with_its_first_sentence_and_is_heard_whole(fresh_cache, tmp_path):
    from player.app import context, practice
    from player.core.timeline import SAMPLE_RATE
    from tests import audiocheck as ac

    script = tmp_path / "opening.toml"
    script.write_text(f'title = "Opening"\n[[step]]\nsay = "{OPENING}"\npause = 2\n[[step]]\nsay = "Rest here."\n')
    ctx = context.open_context()
    asked = practice.request(ctx, str(script), engine="piper")
    session = practice.open_session(ctx, asked)
    key = session.layout.waiting_for()
    session.synthesis.wait(key, 120, first=True)
    session.extend(10**7, wait_if_blocked=False)
    assert [c.kind for c in session.layout.clips] == ["first"]  # heard while the long rest is being made
    heard_first = np.frombuffer(session.read(0, session.laid_out()), dtype="<i2").astype(np.float64)
    said = ac.sounds(heard_first, SAMPLE_RATE)  # "Let yourself settle.": about a second of speech
    assert len(said) == 1 and 0.6 < said[0].end - said[0].start < 2.0
    session.synthesis.wait_all()
    session.extend(10**7, wait_if_blocked=False)
    line = [c for c in session.layout.clips if c.ref == key]
    whole = ctx.cache.read(key)
    assert [c.kind for c in line] == ["first", "speech"] and sum(c.length for c in line) == len(whole) // 2
    rest = session.read(line[1].start, line[1].length)
    assert rest == whole[line[1].offset * 2 :]  # then the rest of the line as it is kept, nothing repeated
    cues = session.cues()[1]
    assert [c.text for c in cues] == [OPENING, "Rest here."]
    assert cues[0].end == pytest.approx(line[1].end / SAMPLE_RATE)
    session.close()


async def test_opening_a_week_in_the_app_loads_the_voice_while_the_listener_chooses(fresh_cache, monkeypatch, home):
    from player.tui.screens.week import WeekScreen
    from tests.tui.test_app import make_app, settle

    monkeypatch.setenv("COMPASSION_ENGINE", "piper")
    workers.shutdown(now=True)  # a worker of its own, with no voice loaded yet
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert not kept(fresh_cache)  # the home screen loads nothing
        await pilot.press("enter")  # week 1: nothing chosen yet
        await settle(pilot, app)
        assert isinstance(app.screen, WeekScreen)
        for _ in range(2400):
            if kept(fresh_cache):
                break
            await pilot.pause(0.05)
        assert kept(fresh_cache), "the voice was not loaded while the week was open"
        assert not (fresh_cache / "speech").exists()
