"""Making speech, in a worker process (or this one): engines speak, lines are levelled, trimmed and stored.

Only keys, sample counts and a line's first sentence travel back to the process that asked.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from player.adapters.sound.loudness import level_speech
from player.adapters.sound.pcm import gain as pcm_gain
from player.adapters.sound.pcm import trim_silence
from player.adapters.speech import prepared
from player.adapters.speech.base import Engine, SpeakAs
from player.adapters.speech.cache import SpeechCache
from player.adapters.speech.engines import get_engine
from player.core.errors import CompassionError
from player.core.timeline import SAMPLE_RATE


def engine_for(name: str, cache: SpeechCache) -> Engine:
    """The engine, keeping any model it makes ready beside the speech cache (see `prepared`)."""
    engine = get_engine(name)
    keep = getattr(engine, "keep_models_in", None)
    if keep is not None:
        keep(cache.base / prepared.FOLDER)
    return engine


def _finished(raw: bytes, engine: str, volume: float) -> bytes:
    """Level and trim a line at full volume, then turn it down to the voice's volume: a quiet voice keeps
    every soft consonant, and a line is as long at any volume. A recorded line is levelled, never trimmed."""
    pcm = level_speech(raw, SAMPLE_RATE, engine)
    if engine != "recording":  # a recording is heard as it was recorded, its own quiet included
        pcm = trim_silence(pcm, SAMPLE_RATE)
    return pcm_gain(pcm, volume)


def _finish(cache: SpeechCache, key: str, engine: str, volume: float, raw: bytes) -> tuple[str, int]:
    return key, cache.write(key, _finished(raw, engine, volume))


#: How often Python passes its lock between threads while lines are spoken and levelled side by side: the
#: thread speaking needs it only for a moment a line, and should not wait long for that moment.
SWITCH_S = 0.0001

#: In a worker: the line whose first sentence was made ahead of the rest, with that sentence and the rest
#: still to make (the line is then finished from the same sentence: what was heard first is what is kept).
_BEGUN: dict[str, tuple[bytes, Iterator[bytes]]] = {}


def _raw(cache: SpeechCache, key: str, text: str, voice: SpeakAs) -> bytes:
    engine = engine_for(voice.engine, cache)
    begun = _BEGUN.pop(key, None)
    if begun is not None:
        first, rest = begun
        return engine.join([first, *rest], voice)  # type: ignore[attr-defined]
    return engine.synthesize(text, voice)


def make_first_sentence(base: str, key: str, text: str, voice: SpeakAs) -> bytes | None:
    """A line's first sentence, finished as a line is, for playing while the rest is made; None when the
    engine speaks whole lines only, or could not (the whole line will say why)."""
    try:
        engine = engine_for(voice.engine, SpeechCache(Path(base)))
        if not hasattr(engine, "sentences"):
            return None
        rest = iter(engine.sentences(text, voice))
        first = next(rest, b"")
        _BEGUN.clear()
        _BEGUN[key] = (first, rest)
        return _finished(engine.join([first], voice), voice.engine, voice.volume)  # type: ignore[attr-defined]
    except Exception:
        return None


def synthesize_into(
    cache: SpeechCache,
    items: Sequence[tuple[str, str, SpeakAs]],
    each: Callable[[str, int], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[tuple[str, int]]:
    """Synthesize, level, trim and store each (key, text, voice); returns (key, samples) pairs. `each(key,
    samples)` is told of every line as soon as it is stored; `stop()` ends the work before the next line.

    While the engine speaks one line, the line before is levelled and stored on a second thread (both
    engines speak outside Python's lock, so the two overlap).
    """
    import concurrent.futures as cf

    if len(items) == 1 and each is None:
        key, text, voice = items[0]
        return [_finish(cache, key, voice.engine, voice.volume, _raw(cache, key, text, voice))]
    # The engine hands each clause back through Python: with the levelling thread busy, it would wait up to
    # Python's usual 5 ms switch interval every time.
    switch = sys.getswitchinterval()
    sys.setswitchinterval(min(switch, SWITCH_S))
    try:
        with cf.ThreadPoolExecutor(max_workers=1) as finisher:
            pending = []
            for key, text, voice in items:
                if stop is not None and stop():
                    break
                made = finisher.submit(_finish, cache, key, voice.engine, voice.volume, _raw(cache, key, text, voice))
                if each is not None:
                    made.add_done_callback(lambda done: done.exception() is None and each(*done.result()))
                pending.append(made)
            return [f.result() for f in pending]
    finally:
        sys.setswitchinterval(switch)


def make_batch(base: str, items: list[tuple[str, str, SpeakAs]]) -> tuple:
    # Errors travel back as plain tuples: our exception types carry more than their args.
    try:
        return ("ok", synthesize_into(SpeechCache(Path(base)), items), os.getpid())
    except CompassionError as exc:
        return ("error", type(exc).__name__, exc.message, exc.hint)


def load_voice(base: str, voice: str | None) -> None:
    # A problem loading the voice is met again by the first line, which says what it is.
    with contextlib.suppress(Exception):
        engine_for("piper", SpeechCache(Path(base))).warm(voice)  # type: ignore[attr-defined]
