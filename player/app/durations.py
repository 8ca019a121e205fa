"""Measuring the course: every line's length for each bundled voice, written to the durations manifest
(`make durations`), and the check that the shipped manifest still covers the course."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from player.adapters import paths
from player.adapters.speech.manifest import folder, known
from player.adapters.speech.utterance import Utterance


def bundled_engines() -> list[str]:
    """The engines whose default voice ships with the app (Piper only when its extra is installed)."""
    from player.adapters.speech.engines import piper_installed

    return ["pyttsx3"] + (["piper"] if piper_installed() else [])


def course_utterances(engine: str, course_root: Path | None = None) -> tuple[str, dict[str, Utterance]]:
    """(voice id, {key: Utterance}) for every line of the course spoken with `engine` at default settings."""
    from player.adapters.catalog import Catalog
    from player.adapters.settings import Settings
    from player.app.library import speak_as, spoken_lines
    from player.core.script.model import Words

    catalog = Catalog(Path("/nonexistent-compassion-data"), course_root)
    settings = Settings()
    found: dict[str, Utterance] = {}
    voice_id = ""
    for entry in catalog.course_entries().values():
        script = catalog.load(entry)
        voice = speak_as(script, settings, engine)
        voice_id = voice.voice or "default"
        # Every course line, with and without a letter (some lines are said only after a letter is read);
        # never the listener's own words.
        lines = spoken_lines(script.events() + script.events(Words(letter="A letter.")), voice)
        for e, u in lines.items():
            if not e.own:
                found[u.key] = u
    return voice_id, found


def missing(engine: str, course_root: Path | None = None) -> list[str]:
    """Course lines (as cache keys) that the shipped manifest does not know: non-empty means stale."""
    _, utterances = course_utterances(engine, course_root)
    have = known(course_root)
    return sorted(k for k in utterances if k not in have)


def build(cache_root: Path | None = None) -> list[Path]:
    """Synthesize every course line for each bundled voice and write one manifest per voice."""
    from player.adapters.files import write_text
    from player.adapters.speech import synth
    from player.adapters.speech.cache import SpeechCache
    from player.adapters.speech.engines import get_engine

    cache = SpeechCache(cache_root or paths.cache_dir())
    written = []
    for engine in bundled_engines():
        voice_id, utterances = course_utterances(engine)
        print(f"{engine} ({voice_id}): {len(utterances)} lines", file=sys.stderr)
        frames = synth.ensure(cache, list(utterances.values())).frames
        any_voice = next(iter(utterances.values())).voice
        doc = {
            "engine": engine,
            "voice": voice_id,
            "identity": get_engine(engine).identity(any_voice.voice),
            "rate": any_voice.rate,
            "frames": {k: frames[k] for k in sorted(utterances)},
        }
        target = folder() / f"{engine}-{voice_id}.json"
        write_text(target, json.dumps(doc, indent=0, sort_keys=True) + "\n", "durations manifest")
        written.append(target)
    known.cache_clear()
    return written


if __name__ == "__main__":
    for path in build():
        print(path)
